/**
 * Sign-in and sign-out with the built SDK in Chromium against the local
 * oidc-provider: redirect, popup and silent sign-in, redirect and popup sign-out.
 */
import { describe, expect, it } from "vitest"
import {
  attempt,
  freshUser,
  getSession,
  loadApp,
  signInByPopup,
  signInByRedirect,
  signInSilent,
  signOutByRedirect,
  useStack,
  unwrap
} from "./support/sdkApp.js"

const stack = useStack()

const RESPONSE_PARAMS = ["code", "state", "iss", "session_state", "error"]

describe("redirect sign-in", () => {
  it("goes through the provider's login and consent pages and leaves a session and a clean address bar", async () => {
    const { page, logs } = await stack.open()
    // the prompts submitted on the provider's interaction pages
    const prompts: string[] = []
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().includes("/interaction/"))
        prompts.push(new URLSearchParams(r.postData() ?? "").get("prompt") ?? "?")
    })

    const session = await signInByRedirect(stack, page, { login: "demo", logs })

    expect(prompts).toEqual(["login", "consent"])
    expect(session.user).toMatchObject({ sub: "demo", email: "demo@example.com", name: "Demo User" })
    expect(session.idToken).toEqual(expect.any(String))
    expect(session.refreshToken).toEqual(expect.any(String))
    expect(session.accessTokens).toHaveLength(1)

    const href = await page.evaluate(() => location.href)
    const url = new URL(href)
    expect(url.origin + url.pathname).toBe(stack.app.url("/callback"))
    for (const name of RESPONSE_PARAMS) expect(url.searchParams.has(name), `${name} in ${href}`).toBe(false)
    expect(url.hash).toBe("")
    expect(await page.evaluate(() => window.callbackOutcome)).toEqual({ ok: true })
  })

  it("honours a same-origin returnUrl and refuses another origin", async () => {
    const { page, logs } = await stack.open()
    const refused = await attempt(page, () => window.client!.signIn({ returnUrl: "https://elsewhere.example/" }))
    expect(refused.ok ? "navigated" : refused.error).toMatchObject({
      name: "MonoCloudUsageError",
      fields: { reason: "returnUrl" }
    })
    expect(page.url()).toBe(stack.app.url("/"))

    const login = freshUser("returner")
    const session = await signInByRedirect(stack, page, { login, logs, signIn: { returnUrl: "/dashboard?tab=2" } })

    expect(page.url()).toBe(stack.app.url("/dashboard?tab=2"))
    expect(session.user).toMatchObject({ sub: login, email: `${login}@example.com` })
  })
})

describe("popup", () => {
  it("signs in in a popup the SDK opens, then signs out in a popup", async () => {
    const { context, page } = await stack.open()
    const login = freshUser("popper")

    const session = await signInByPopup(page, { login })
    expect(session?.user).toMatchObject({ sub: login, email: `${login}@example.com` })
    // the SDK closed its popup; the opener never left the app
    await expect.poll(() => context.pages().length).toBe(1)
    expect(page.url()).toBe(stack.app.url("/"))

    const endSessions = stack.op.events.endSessions
    const signedOut = await attempt(page, () => window.client!.signOut({ mode: "popup" }))
    expect(signedOut.ok, JSON.stringify(signedOut)).toBe(true)
    expect(stack.op.events.endSessions).toBe(endSessions + 1)
    expect(await getSession(page)).toBeUndefined()
    await expect.poll(() => context.pages().length).toBe(1)

    const silent = await signInSilent(page)
    expect(silent.ok ? "signed in" : silent.error.error).toBe("login_required")
  })
})

describe("silent sign-in", () => {
  it("restores the session in a new tab through the static silent-callback page", async () => {
    const { context, page, logs } = await stack.open({ silentCallbackPath: "/silent-callback.html" })
    const login = freshUser("silent")
    await signInByRedirect(stack, page, { login, logs })

    // local session gone, provider session (cookie) kept
    await page.evaluate(() => localStorage.clear())
    const tab = await context.newPage()
    await loadApp(stack, tab, { silentCallbackPath: "/silent-callback.html" })
    expect(await getSession(tab)).toBeUndefined()

    const since = Date.now()
    const session = unwrap(await signInSilent(tab), logs)
    expect(session.user).toMatchObject({ sub: login, email: `${login}@example.com` })
    expect(await getSession(tab)).toEqual(session)
    expect(stack.op.events.authorizations.filter((a) => a.at >= since)).toEqual([
      expect.objectContaining({ ok: true, prompt: "none" })
    ])
    // the hidden frame came back to the static page and is gone; the tab never navigated
    expect(stack.app.requests.some((r) => r.path === "/silent-callback.html")).toBe(true)
    expect(await tab.evaluate(() => document.querySelectorAll("iframe").length)).toBe(0)
    expect(tab.url()).toBe(stack.app.url("/"))
  })

  it("restores the session after a reload with the default callback path", async () => {
    const { page, logs } = await stack.open()
    const login = freshUser("reload")
    await signInByRedirect(stack, page, { login, logs })

    await page.evaluate(() => localStorage.clear())
    await page.reload()
    await page.waitForFunction(() => window.ready === true)
    expect(await getSession(page)).toBeUndefined()

    const session = unwrap(await signInSilent(page), logs)
    expect(session.user).toMatchObject({ sub: login, email: `${login}@example.com` })
    expect(await getSession(page)).toEqual(session)
  })

  it("rejects with MonoCloudOPError login_required, quickly, when the provider has no session", async () => {
    const { page } = await stack.open()
    const outcome = await attempt(page, async () => {
      const started = performance.now()
      try {
        await window.client!.signInSilent()
        return { caught: false }
      } catch (e) {
        return {
          caught: true,
          isOPError: e instanceof window.sdk.MonoCloudOPError,
          error: (e as { error?: string }).error,
          ms: performance.now() - started
        }
      }
    })
    const result = unwrap(outcome)
    expect(result).toMatchObject({ caught: true, isOPError: true, error: "login_required" })
    expect(result.ms).toBeLessThan(5_000)
    expect(await getSession(page)).toBeUndefined()
  })
})

describe("redirect sign-out", () => {
  it("ends the provider session so silent sign-in needs a login again, and removes the local session", async () => {
    const { page, logs } = await stack.open()
    await signInByRedirect(stack, page, { login: freshUser("leaver"), logs })
    const endSessions = stack.op.events.endSessions

    await signOutByRedirect(stack, page, {}, logs)

    expect(stack.op.events.endSessions).toBe(endSessions + 1)
    const url = new URL(page.url())
    expect(url.origin + url.pathname).toBe(stack.app.url("/"))
    expect(url.searchParams.has("state")).toBe(false)
    expect(await getSession(page)).toBeUndefined()

    const silent = await signInSilent(page)
    expect(silent.ok).toBe(false)
    if (!silent.ok) expect(silent.error).toMatchObject({ isOPError: true, error: "login_required" })
    expect(await getSession(page)).toBeUndefined()
  })
})

/**
 * Smoke test of the e2e infrastructure, without the SDK: local OpenID Provider
 * + test app server + headless Chromium, driven through a hand-rolled PKCE
 * authorization code flow from a page on the app origin.
 */
import { createHash, randomBytes } from "node:crypto"

import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DEFAULT_API, spaClient, startProvider, type TestProvider } from "./provider/index.mjs"
import { startAppServer, bundleTestApp, type StaticServer } from "./support/appServer.js"
import { launchBrowser, newPage, waitForReady } from "./support/browser.js"
import { completeLogin, loginInPopup } from "./support/login.js"

const b64url = (bytes: Buffer) => bytes.toString("base64url")
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"))

interface TokenResponse {
  status: number
  body: Record<string, unknown>
}

let provider: TestProvider
let app: StaticServer
let browser: Browser

/** POSTs a form to the provider's token endpoint with `fetch` from `page` (so CORS applies). */
const tokenRequest = (page: Page, params: Record<string, string>): Promise<TokenResponse> =>
  page.evaluate(
    async ({ url, body }) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body
      })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    },
    { url: provider.url("/token"), body: new URLSearchParams({ client_id: "spa", ...params }).toString() }
  )

/** Builds an authorization request; returns the URL plus the PKCE verifier and state. */
const authorization = (redirectPath: string, extra: Record<string, string> = {}) => {
  const verifier = b64url(randomBytes(32))
  const state = b64url(randomBytes(12))
  const url = new URL(provider.url("/auth"))
  url.search = new URLSearchParams({
    client_id: "spa",
    response_type: "code",
    redirect_uri: app.url(redirectPath),
    scope: "openid profile email read:data",
    resource: DEFAULT_API,
    state,
    nonce: b64url(randomBytes(12)),
    code_challenge: b64url(createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
    ...extra
  }).toString()
  return { url: url.href, verifier, state }
}

/** Runs an authorization request in a hidden iframe of `page`; resolves with the URL it lands on. */
const inHiddenIframe = (page: Page, url: string): Promise<string> =>
  page.evaluate(
    (src) =>
      new Promise<string>((resolve, reject) => {
        const frame = document.createElement("iframe")
        frame.style.display = "none"
        const started = Date.now()
        const timer = setInterval(() => {
          let href = ""
          try {
            href = frame.contentWindow?.location.href ?? ""
          } catch {
            // cross-origin (still on the provider)
          }
          if (href.includes("/silent-callback.html")) {
            clearInterval(timer)
            frame.remove()
            resolve(href)
          } else if (Date.now() - started > 10_000) {
            clearInterval(timer)
            reject(new Error(`iframe did not come back: ${href}`))
          }
        }, 25)
        frame.src = src
        document.body.appendChild(frame)
      }),
    url
  )

/** Exchanges the code of a callback URL (checking `state`) for tokens, from `page`. */
const exchange = async (page: Page, callbackUrl: string, redirectPath: string, verifier: string, state: string) => {
  const back = new URL(callbackUrl)
  expect(back.searchParams.get("state")).toBe(state)
  const res = await tokenRequest(page, {
    grant_type: "authorization_code",
    code: back.searchParams.get("code") ?? "missing",
    redirect_uri: app.url(redirectPath),
    code_verifier: verifier
  })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body
}

beforeAll(async () => {
  app = await startAppServer({ withSdk: false })
  provider = await startProvider({ clients: [spaClient({ origin: app.origin })] })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await provider?.close()
  await app?.close()
})

describe("e2e infrastructure (no SDK)", () => {
  let context: BrowserContext
  let page: Page
  const external: string[] = []
  let tokens: Record<string, unknown>

  it("signs in with a hand-rolled PKCE code flow and exchanges the code from the app origin", async () => {
    ;({ context, page } = await newPage(browser))
    context.on("request", (r) => {
      if (!r.url().startsWith("http://127.0.0.1:")) external.push(r.url())
    })
    await page.goto(app.url("/"))
    await waitForReady(page)

    const { url, verifier, state } = authorization("/callback")
    await page.goto(url)
    await completeLogin(page)

    const back = new URL(page.url())
    expect(back.origin + back.pathname).toBe(app.url("/callback"))
    expect(back.searchParams.get("state")).toBe(state)
    expect(back.searchParams.get("iss")).toBe(provider.issuer)
    const code = back.searchParams.get("code")
    expect(code).toBeTruthy()

    const res = await tokenRequest(page, {
      grant_type: "authorization_code",
      code: code!,
      redirect_uri: app.url("/callback"),
      code_verifier: verifier
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    tokens = res.body
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 60 })
    expect(tokens.access_token).toEqual(expect.any(String))
    expect(tokens.refresh_token).toEqual(expect.any(String))
    const id = claimsOf(tokens.id_token as string)
    expect(id).toMatchObject({
      iss: provider.issuer,
      aud: "spa",
      sub: "demo",
      email: "demo@example.com",
      name: "Demo User"
    })
    // the login/consent pages never reached outside localhost (remote fonts stripped)
    expect(external).toEqual([])
  })

  it("serves live userinfo over CORS", async () => {
    const userinfo = () =>
      page.evaluate(
        async ({ url, token }) => (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json(),
        { url: provider.url("/me"), token: tokens.access_token as string }
      )
    expect(await userinfo()).toMatchObject({ sub: "demo", email: "demo@example.com", name: "Demo User" })
    provider.setProfile("demo", { name: "Renamed User" })
    expect(await userinfo()).toMatchObject({ sub: "demo", name: "Renamed User" })
    provider.setProfile("demo", { name: "Demo User" })
  })

  it("answers prompt=none in a hidden iframe from the provider session", async () => {
    const { url, state } = authorization("/silent-callback.html", { prompt: "none" })
    const landed = new URL(await inHiddenIframe(page, url))
    expect(landed.searchParams.get("error")).toBeNull()
    expect(landed.searchParams.get("code")).toBeTruthy()
    expect(landed.searchParams.get("state")).toBe(state)
  })

  it("rejects prompt=none with login_required in a fresh context", async () => {
    const fresh = await newPage(browser)
    try {
      await fresh.page.goto(app.url("/"))
      const landed = new URL(
        await inHiddenIframe(fresh.page, authorization("/silent-callback.html", { prompt: "none" }).url)
      )
      expect(landed.searchParams.get("error")).toBe("login_required")
      expect(landed.searchParams.get("code")).toBeNull()
    } finally {
      await fresh.context.close()
    }
  })

  it("issues resource (JWT) access tokens, rotates refresh tokens and detects reuse", async () => {
    const first = tokens.refresh_token as string
    provider.failNext({ path: "/token", status: 503 })
    const faulted = await tokenRequest(page, { grant_type: "refresh_token", refresh_token: first })
    expect(faulted).toEqual({ status: 503, body: { error: "server_error", error_description: "injected fault" } })

    provider.setAccessTokenTtl(5)
    const refreshed = await tokenRequest(page, {
      grant_type: "refresh_token",
      refresh_token: first,
      resource: DEFAULT_API
    })
    provider.setAccessTokenTtl(60)
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200)
    expect(refreshed.body.expires_in).toBe(5)
    expect(refreshed.body.refresh_token).toEqual(expect.any(String))
    expect(refreshed.body.refresh_token).not.toBe(first)
    expect(claimsOf(refreshed.body.access_token as string)).toMatchObject({
      aud: DEFAULT_API,
      sub: "demo",
      scope: "read:data"
    })
    expect(provider.events.refreshTokenReuse).toHaveLength(0)

    const replay = await tokenRequest(page, { grant_type: "refresh_token", refresh_token: first })
    expect(replay.status).toBe(400)
    expect(replay.body.error).toBe("invalid_grant")
    expect(provider.events.refreshTokenReuse).toHaveLength(1)

    // replay detection revoked the whole grant, including the newest refresh token
    const after = await tokenRequest(page, {
      grant_type: "refresh_token",
      refresh_token: refreshed.body.refresh_token as string
    })
    expect(after.body.error).toBe("invalid_grant")
    expect(provider.events.serverErrors).toEqual([])
    await context.close()
  })

  it("refuses token requests from an origin the client did not register (CORS)", async () => {
    const other = await newPage(browser)
    try {
      // same server, but `localhost` is another origin than the registered 127.0.0.1 one
      await other.page.goto(app.url("/").replace("127.0.0.1", "localhost"))
      const error = await other.page.evaluate(async (url) => {
        try {
          await fetch(url, {
            method: "POST",
            body: new URLSearchParams({ client_id: "spa", grant_type: "refresh_token", refresh_token: "x" })
          })
          return "no error"
        } catch (e) {
          return String(e)
        }
      }, provider.url("/token"))
      expect(error).toMatch(/TypeError/)
    } finally {
      await other.context.close()
    }
  })

  it("signs in through a popup, and ends the provider session by RP-initiated logout", async () => {
    const { context: ctx, page: opener } = await newPage(browser)
    try {
      await opener.goto(app.url("/"))
      const { url, verifier, state } = authorization("/popup-callback")
      // the opener polls the popup until it is back on the app origin, then closes it
      const callbackUrl = await loginInPopup(
        opener,
        () =>
          opener.evaluate(
            (src) =>
              new Promise<string>((resolve) => {
                const popup = window.open(src, "signin", "width=500,height=600")!
                const timer = setInterval(() => {
                  try {
                    if (popup.location.pathname === "/popup-callback") {
                      clearInterval(timer)
                      const href = popup.location.href
                      popup.close()
                      resolve(href)
                    }
                  } catch {
                    // still cross-origin
                  }
                }, 25)
              }),
            url
          ),
        { login: "alice" }
      )
      const aliceTokens = await exchange(opener, callbackUrl, "/popup-callback", verifier, state)
      expect(claimsOf(aliceTokens.id_token as string)).toMatchObject({ sub: "alice", email: "alice@example.com" })

      const logout = new URL(provider.url("/session/end"))
      logout.search = new URLSearchParams({
        id_token_hint: aliceTokens.id_token as string,
        post_logout_redirect_uri: app.url("/"),
        state: "bye"
      }).toString()
      await opener.goto(logout.href)
      await opener.waitForURL((u) => u.origin === app.origin, { waitUntil: "commit" })
      expect(new URL(opener.url()).searchParams.get("state")).toBe("bye")
      expect(provider.events.endSessions).toBe(1)

      const silent = new URL(
        await inHiddenIframe(opener, authorization("/silent-callback.html", { prompt: "none" }).url)
      )
      expect(silent.searchParams.get("error")).toBe("login_required")
      // refresh tokens without offline_access are bound to the provider session
      const refresh = await tokenRequest(opener, {
        grant_type: "refresh_token",
        refresh_token: aliceTokens.refresh_token as string
      })
      expect(refresh.body.error).toBe("invalid_grant")
    } finally {
      await ctx.close()
    }
  })

  it("revokes a user's grants and ends their sessions on demand", async () => {
    const { context: ctx, page: bobPage } = await newPage(browser)
    try {
      await bobPage.goto(app.url("/"))
      const { url, verifier, state } = authorization("/callback")
      await bobPage.goto(url)
      await completeLogin(bobPage, { login: "bob" })
      const bobTokens = await exchange(bobPage, bobPage.url(), "/callback", verifier, state)

      expect(await provider.revokeGrantsFor("bob")).toBe(1)
      const refresh = await tokenRequest(bobPage, {
        grant_type: "refresh_token",
        refresh_token: bobTokens.refresh_token as string
      })
      expect(refresh.body.error).toBe("invalid_grant")
      const noGrant = new URL(
        await inHiddenIframe(bobPage, authorization("/silent-callback.html", { prompt: "none" }).url)
      )
      expect(noGrant.searchParams.get("error")).toBe("consent_required")

      expect(await provider.endSessionsFor("bob")).toBe(1)
      const noSession = new URL(
        await inHiddenIframe(bobPage, authorization("/silent-callback.html", { prompt: "none" }).url)
      )
      expect(noSession.searchParams.get("error")).toBe("login_required")
    } finally {
      await ctx.close()
    }
  })
})

describe("e2e test app", () => {
  it("bundles with the SDK from dist/", async () => {
    const code = await bundleTestApp()
    expect(code).toContain("MonoCloudWebJSClient")
  })
})

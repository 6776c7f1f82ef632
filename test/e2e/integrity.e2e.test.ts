/**
 * Late answers, failing writes, foreign users and a hung provider, against the
 * local oidc-provider in Chromium: the session is never resurrected, swapped
 * or burnt, and app start settles within its deadline.
 */
import { describe, expect, it } from "vitest"
import { waitForReady } from "./support/browser.js"
import {
  attempt,
  call,
  freshUser,
  gate,
  getSession,
  openTab,
  signInByRedirect,
  signedInAsNewUser,
  signOutByRedirect,
  startRefresh,
  tokenRequestsSince,
  useStack,
  WITH_REFRESH_TOKEN
} from "./support/sdkApp.js"

const stack = useStack()

const SESSION_KEY = "mc.session.spa"

/** A fresh context signed in by redirect as a new user, with a refresh token. */
const signedIn = (prefix: string) => signedInAsNewUser(stack, prefix, { signIn: WITH_REFRESH_TOKEN })

describe("a late answer", () => {
  it("of a refresh after a sign-out in the same tab is dropped: the user stays signed out", async () => {
    const { page } = await signedIn("late-signout")
    const held = gate()
    stack.op.failNext({ path: "/token", until: held.until })
    const since = Date.now()
    await startRefresh(page)
    await held.arrived
    await call(page, () => window.client!.signOut({ federatedSignOut: false }))
    held.open()
    const outcome = await page.evaluate(() => window.pending)
    expect(outcome).toMatchObject({
      ok: false,
      error: { name: "MonoCloudStorageError", fields: { reason: "Changed" } }
    })
    expect(tokenRequestsSince(stack.op, since, "refresh_token")).toEqual([expect.objectContaining({ ok: true })])
    expect(await getSession(page)).toBeUndefined()
    expect(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBeNull()
  })

  it("of a refresh in tab A after tab B signed out and a second user signed in leaves the second user's session", async () => {
    const { context, page, logs, session: first } = await signedIn("late-tabs")
    const other = await openTab(stack, context, logs)
    const held = gate()
    stack.op.failNext({ path: "/token", until: held.until })
    await startRefresh(page)
    await held.arrived
    await signOutByRedirect(stack, other, {}, logs)
    const second = await signInByRedirect(stack, other, {
      login: freshUser("late-tabs-second"),
      logs,
      signIn: WITH_REFRESH_TOKEN
    })
    expect(second.user.sub).not.toBe(first.user.sub)
    const storedSecond = await other.evaluate((key) => localStorage.getItem(key), SESSION_KEY)
    held.open()
    const outcome = await page.evaluate(() => window.pending)
    expect(outcome).toMatchObject({
      ok: false,
      error: { name: "MonoCloudStorageError", fields: { reason: "Changed" } }
    })
    expect(await other.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBe(storedSecond)
    expect((await getSession(page))?.user.sub).toBe(second.user.sub)
    expect((await getSession(other))?.user.sub).toBe(second.user.sub)
  })
})

describe("a failed write after rotation", () => {
  it("keeps the rotated refresh token in the tab, so the next refresh never replays the old one", async () => {
    const { page, session } = await signedIn("quota")
    const since = Date.now()
    const failed = await attempt(page, async () => {
      const real = Storage.prototype.setItem
      Storage.prototype.setItem = function (key: string, value: string) {
        if (key === "mc.session.spa") throw new DOMException("The quota has been exceeded.", "QuotaExceededError")
        return real.call(this, key, value)
      }
      try {
        await window.client!.refreshSession()
      } finally {
        Storage.prototype.setItem = real
      }
    })
    expect(failed).toMatchObject({
      ok: false,
      error: { name: "MonoCloudStorageError", fields: { operation: "set", heldInMemory: true } }
    })
    const held = await getSession(page)
    expect(held?.refreshToken).not.toBe(session.refreshToken)
    // storage works again: the next read writes the held session, the next refresh uses the rotated token
    expect(JSON.parse((await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY))!).session).toEqual(held)
    await call(page, () => window.client!.refreshSession())
    const refreshes = tokenRequestsSince(stack.op, since, "refresh_token")
    expect(refreshes).toHaveLength(2)
    expect(refreshes.filter((r) => !r.ok)).toEqual([])
    expect(stack.op.events.refreshTokenReuse).toEqual([])
  })
})

describe("a silent answer for another user", () => {
  it("is refused and the stored session kept, unless the app allows switching", async () => {
    const { context, page, logs, session: first } = await signedIn("switch")
    const storedFirst = await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)
    // a second user signs in at the provider in another tab; this tab keeps the first user's session
    const other = await openTab(stack, context, logs)
    await signOutByRedirect(stack, other, { federatedSignOut: true }, logs)
    await signInByRedirect(stack, other, { login: freshUser("switch-second"), logs })
    await page.evaluate(({ key, value }) => localStorage.setItem(key, value!), { key: SESSION_KEY, value: storedFirst })

    // with the stored ID token as id_token_hint the provider itself refuses to answer for the other user
    const hinted = await attempt(page, () => window.client!.signInSilent())
    expect(hinted).toMatchObject({ ok: false, error: { isOPError: true, error: "login_required" } })
    // without a hint the provider answers for its current user, and the SDK refuses that answer
    const unhinted = await attempt(page, () => window.client!.signInSilent({ idTokenHint: "" }))
    expect(unhinted).toMatchObject({
      ok: false,
      error: { name: "MonoCloudValidationError", fields: { reason: "subject" } }
    })
    expect(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBe(storedFirst)
    expect((await getSession(page))?.user.sub).toBe(first.user.sub)
    // the app may opt in
    const switched = await call(page, () => window.client!.signInSilent({ idTokenHint: "", allowUserSwitch: true }))
    expect(switched.user.sub).not.toBe(first.user.sub)
  })
})

describe("app start with a hung provider", () => {
  it("settles within silentTimeout + 1 s with MonoCloudTimeoutError, keeping the session", async () => {
    const { page } = await signedIn("hung")
    const stored = await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)
    const held = gate()
    try {
      for (const path of ["/.well-known/openid-configuration", "/auth", "/token", "/jwks", "/me"]) {
        stack.op.failNext({ path, until: held.until, times: 100 })
      }
      await page.reload()
      await waitForReady(page)
      const started = Date.now()
      const outcome = await attempt(page, () =>
        window.client!.processCallback().then(() => window.client!.signInSilent())
      )
      const elapsed = Date.now() - started
      expect(outcome).toMatchObject({ ok: false, error: { name: "MonoCloudTimeoutError" } })
      expect(elapsed).toBeLessThan(10_000 + 1_000)
      expect(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBe(stored)
    } finally {
      held.open()
    }
  }, 30_000)
})

/**
 * Session events (`client.on`) and `isAuthenticated()` against the local oidc-provider in
 * Chromium, in the tab that acts and in another tab of the app: sign-in, refresh, sign-out, a
 * refresh token the provider refuses, and the token's expiry mark.
 */
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import type { MonoCloudEvent } from "../../src/index.js"
import {
  attempt,
  call,
  freshUser,
  getSession,
  openTab,
  signInByPopup,
  useStack,
  WITH_REFRESH_TOKEN
} from "./support/sdkApp.js"

const stack = useStack()

const SESSION_KEY = "mc.session.spa"

declare global {
  interface Window {
    /** Every event `client.on` handed on since `listen(page)`, in order. */
    heard?: Array<MonoCloudEvent>
  }
}

/** Listens in the page with `client.on` for each of `names`; `window.heard` collects the events. */
const listen = (page: Page, names: ReadonlyArray<MonoCloudEvent["type"]>) =>
  page.evaluate((names) => {
    window.heard = []
    for (const name of names) window.client!.on(name, (event: MonoCloudEvent) => void window.heard!.push(event))
  }, names)

const heard = (page: Page) => page.evaluate(() => window.heard ?? [])

/** The app in a fresh context and a second tab of it, both with `window.client` (client options `options`). */
const twoTabs = async (options: Parameters<typeof stack.open>[0] = {}) => {
  const opened = await stack.open(options)
  const other = await openTab(stack, opened.context, opened.logs, options)
  return { ...opened, other }
}

/** Signs the page in by popup as a new user, with a refresh token; resolves with the login name and the session. */
const signIn = async (page: Page, prefix: string) => {
  const login = freshUser(prefix)
  const session = await signInByPopup(page, { login, signIn: WITH_REFRESH_TOKEN })
  if (session === undefined) throw new Error("no session after the popup sign-in")
  return { login, session }
}

const isAuthenticated = (page: Page) => call(page, () => window.client!.isAuthenticated())

describe("client.on", () => {
  it("tells this tab and another tab signedIn and refreshed, and signedOut from the other tab", async () => {
    const { page, other } = await twoTabs()
    const names = ["signedIn", "refreshed", "signedOut"] as const
    await listen(page, names)
    await listen(other, names)
    expect([await isAuthenticated(page), await isAuthenticated(other)]).toEqual([false, false])

    await signIn(page, "events")
    await expect.poll(() => heard(page)).toEqual([{ type: "signedIn" }])
    await expect.poll(() => heard(other)).toEqual([{ type: "signedIn" }])
    expect(await isAuthenticated(other)).toBe(true)

    await call(page, () => window.client!.refreshSession())
    const refreshed = [{ type: "signedIn" }, { type: "refreshed" }]
    await expect.poll(() => heard(page)).toEqual(refreshed)
    await expect.poll(() => heard(other)).toEqual(refreshed)

    await call(other, () => window.client!.signOut({ federatedSignOut: false }))
    const all = [...refreshed, { type: "signedOut" }]
    await expect.poll(() => heard(other)).toEqual(all)
    await expect.poll(() => heard(page)).toEqual(all)
    expect(await isAuthenticated(page)).toBe(false)
  })

  it("tells refreshFailed and sessionEnded in both tabs when the provider refuses the revoked refresh token; the session is kept", async () => {
    const { page, other } = await twoTabs()
    const { login } = await signIn(page, "events-revoked")
    const names = ["refreshed", "refreshFailed", "sessionEnded", "signedOut"] as const
    await listen(page, names)
    await listen(other, names)
    const stored = await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)
    expect(await stack.op.revokeGrantsFor(login)).toBe(1)

    const outcome = await attempt(page, () => window.client!.refreshSession())
    expect(outcome).toMatchObject({ ok: false, error: { isOPError: true, error: "invalid_grant" } })
    const told = [
      { type: "refreshFailed", errorTag: "MonoCloudOPError", oauthError: "invalid_grant" },
      { type: "sessionEnded", reason: "invalid_grant" }
    ]
    await expect.poll(() => heard(page)).toEqual(told)
    await expect.poll(() => heard(other)).toEqual(told)
    // as documented, the SDK keeps the session: the app decides (sign in again, or sign out)
    expect(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBe(stored)
    expect(await isAuthenticated(other)).toBe(true)
  })

  it("tells tokenExpiring in both tabs once the token is within refreshBeforeExpiry of expiry, and again for the renewed token", async () => {
    // the provider's access tokens live 60 s: with a 57 s margin the mark comes 3 s after issue
    const { page, other } = await twoTabs({ refreshBeforeExpiry: 57 })
    await listen(page, ["tokenExpiring"])
    await listen(other, ["tokenExpiring"])
    const { session } = await signIn(page, "events-expiring")
    const first = session.accessTokens![0]!.accessTokenExpiration
    const expiring = (expiresAt: number) => [{ type: "tokenExpiring", expiresAt }]
    await expect.poll(() => heard(page), { timeout: 10_000 }).toEqual(expiring(first))
    await expect.poll(() => heard(other), { timeout: 10_000 }).toEqual(expiring(first))

    // getTokens renews the token it now finds about to expire; the mark of the new one comes 3 s later
    const renewed = await call(page, () => window.client!.getTokens())
    expect(renewed.accessTokenExpiration).toBeGreaterThan(first)
    expect(renewed.accessToken).not.toBe(session.accessTokens![0]!.accessToken)
    const both = [...expiring(first), ...expiring(renewed.accessTokenExpiration)]
    await expect.poll(() => heard(page), { timeout: 10_000 }).toEqual(both)
    await expect.poll(() => heard(other), { timeout: 10_000 }).toEqual(both)
    expect((await getSession(other))?.accessTokens?.[0]?.accessTokenExpiration).toBe(renewed.accessTokenExpiration)
  })
})

/**
 * Tokens of a signed-in session with the built SDK against the local
 * oidc-provider (refresh-token rotation on): refresh, narrowed refresh,
 * userinfo refetch, automatic refresh in `getTokens()`, revoked grants and two
 * tabs refreshing at once.
 */
import { describe, expect, it } from "vitest"
import { waitForReady } from "./support/browser.js"
import {
  attempt,
  call,
  getSession,
  openTab,
  signInByRedirect,
  signedInAsNewUser,
  tokenFor,
  tokenRequestsSince,
  useStack
} from "./support/sdkApp.js"

const stack = useStack()

const SIGN_IN_SCOPES = "openid profile email"

/** A fresh context signed in by redirect as a new user. */
const signedIn = (prefix: string) => signedInAsNewUser(stack, prefix)

describe("refreshSession", () => {
  it("renews the access token, and a narrowed refresh adds a token under the narrowed key", async () => {
    const { page, session } = await signedIn("refresher")
    const first = tokenFor(session, SIGN_IN_SCOPES)!
    expect(first.scopes.split(" ").sort()).toEqual(["email", "openid", "profile"])

    const since = Date.now()
    await call(page, () => window.client!.refreshSession())
    const refreshed = (await getSession(page))!
    const renewed = tokenFor(refreshed, SIGN_IN_SCOPES)!
    expect(renewed.accessToken).not.toBe(first.accessToken)
    expect(refreshed.refreshToken).not.toBe(session.refreshToken)
    expect(refreshed.accessTokens).toHaveLength(1)
    expect(tokenRequestsSince(stack.op, since, "refresh_token")).toEqual([expect.objectContaining({ ok: true })])

    await call(page, () => window.client!.refreshSession({ refreshGrantOptions: { scopes: "openid" } }))
    const narrowed = (await getSession(page))!
    const openidOnly = tokenFor(narrowed, "openid")!
    expect(openidOnly.scopes.split(" ")).toEqual(["openid"])
    expect(openidOnly.accessToken).not.toBe(renewed.accessToken)
    // the default token is kept as it was
    expect(tokenFor(narrowed, SIGN_IN_SCOPES)).toEqual(renewed)
    expect(narrowed.accessTokens).toHaveLength(2)
    expect(narrowed.user).toMatchObject({ sub: session.user.sub, email: session.user.email })

    // both keys are found again without another grant
    const grants = tokenRequestsSince(stack.op, since).length
    const tokens = await call(page, async () => {
      const c = window.client!
      return [(await c.getTokens()).accessToken, (await c.getTokens({ scopes: "openid" })).accessToken]
    })
    expect(tokens).toEqual([renewed.accessToken, openidOnly.accessToken])
    expect(tokenRequestsSince(stack.op, since)).toHaveLength(grants)
  })

  it("rejects with MonoCloudOPError invalid_grant once the grant is revoked, and the app can sign in again", async () => {
    const { page, logs, login } = await signedIn("revoked")
    expect(await stack.op.revokeGrantsFor(login)).toBe(1)

    const outcome = await attempt(page, () => window.client!.refreshSession())
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.error).toMatchObject({ isOPError: true, error: "invalid_grant" })

    // the provider session is still there: only the consent page is shown again
    const again = await signInByRedirect(stack, page, { login, logs })
    expect(again.user.sub).toBe(login)
    await call(page, () => window.client!.refreshSession())
  })
})

describe("refetchUserInfo", () => {
  it("updates session.user from the UserInfo endpoint", async () => {
    const { page, login, session } = await signedIn("profiled")
    expect(session.user.name).toBe(login)
    stack.op.setProfile(login, { name: "Renamed Person", given_name: "Renamed" })

    const userinfoCalls = stack.op.events.requestsTo("userinfo").length
    await call(page, () => window.client!.refetchUserInfo())
    const after = (await getSession(page))!
    expect(after.user).toMatchObject({
      sub: login,
      name: "Renamed Person",
      given_name: "Renamed",
      email: `${login}@example.com`
    })
    expect(stack.op.events.requestsTo("userinfo")).toHaveLength(userinfoCalls + 1)
    // tokens untouched
    expect(after.accessTokens).toEqual(session.accessTokens)
    expect(after.refreshToken).toBe(session.refreshToken)
  })
})

describe("getTokens", () => {
  it("refreshes an access token that is about to expire by itself", async () => {
    // a 4 s token is within the SDK's 30 s refresh margin from the start
    stack.op.setAccessTokenTtl(4)
    const { page, session } = await signedIn("expiring").finally(() => stack.op.setAccessTokenTtl(60))
    const stale = tokenFor(session, SIGN_IN_SCOPES)!
    expect(stale.accessTokenExpiration - Date.now() / 1000).toBeLessThan(5)

    const since = Date.now()
    const tokens = await call(page, () => window.client!.getTokens())
    expect(tokenRequestsSince(stack.op, since)).toEqual([
      expect.objectContaining({ grantType: "refresh_token", ok: true })
    ])
    expect(tokens.accessToken).not.toBe(stale.accessToken)
    expect(tokens.isExpired).toBe(false)
    expect(tokens.refreshToken).not.toBe(session.refreshToken)
    expect(tokenFor((await getSession(page))!, SIGN_IN_SCOPES)?.accessToken).toBe(tokens.accessToken)

    // a fresh token is returned as stored
    const again = await call(page, () => window.client!.getTokens())
    expect(again.accessToken).toBe(tokens.accessToken)
    expect(tokenRequestsSince(stack.op, since)).toHaveLength(1)
  })
})

describe("two tabs", () => {
  /** Both tabs refresh at the same moment, then once more each; no refresh token may be replayed. */
  const refreshInTwoTabsAtOnce = async (withoutWebLocks: boolean) => {
    const { context, page, logs } = await signedIn("tabs")
    if (withoutWebLocks) {
      // Old browsers and insecure origins have no navigator.locks: the SDK falls back to a localStorage lease.
      await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined }))
      await page.reload()
      await waitForReady(page)
    }
    const other = await openTab(stack, context, logs)
    expect(await other.evaluate(() => navigator.locks === undefined)).toBe(withoutWebLocks)
    expect((await getSession(other))?.refreshToken).toBe((await getSession(page))?.refreshToken)

    const since = Date.now()
    // hold the first token response a little so both refreshes overlap
    stack.op.failNext({ path: "/token", delayMs: 400 })
    const both = await Promise.all([page, other].map((p) => attempt(p, () => window.client!.refreshSession())))
    expect(
      both.map((o) => o.ok),
      JSON.stringify(both)
    ).toEqual([true, true])

    // each tab's session holds a refresh token that still works
    for (const tab of [page, other]) {
      const session = (await getSession(tab))!
      expect(session.refreshToken).toEqual(expect.any(String))
      await call(tab, () => window.client!.refreshSession())
    }
    expect(stack.op.events.refreshTokenReuse).toEqual([])
    const refreshes = tokenRequestsSince(stack.op, since, "refresh_token")
    expect(refreshes.length).toBeGreaterThanOrEqual(3)
    expect(refreshes.filter((r) => !r.ok)).toEqual([])
  }

  it("refresh at once with rotation on without replaying a refresh token", () => refreshInTwoTabsAtOnce(false))

  it("do the same without Web Locks, serialised by the localStorage lease", () => refreshInTwoTabsAtOnce(true))
})

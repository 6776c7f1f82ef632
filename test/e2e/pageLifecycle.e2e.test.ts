/**
 * A page that was away (in the back/forward cache, offline, hidden) against the local
 * oidc-provider in Chromium with its back/forward cache on: it comes back with the session the
 * other tabs left, and a token that expired meanwhile is renewed by the first `getTokens()`.
 */
import type { BrowserContext, Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { waitForReady } from "./support/browser.js"
import {
  attempt,
  call,
  freshUser,
  gate,
  openTab,
  signedInAsNewUser,
  signInByRedirect,
  signOutByRedirect,
  startRefresh,
  tokenFor,
  tokenRequestsSince,
  unwrap,
  useStack,
  WITH_REFRESH_TOKEN
} from "./support/sdkApp.js"

const stack = useStack({}, { backForwardCache: true })

const SESSION_KEY = "mc.session.spa"

declare global {
  interface Window {
    /** `persisted` of the page's `pageshow` once it is back: `true` for a restore from the back/forward cache. */
    shownAgain?: boolean | undefined
    /** The subject of every session `onSessionChange` reported since `follow(page)`, `null` for none. */
    reported?: Array<string | null>
  }
}

/** Follows the session with `onSessionChange` in the page. */
const follow = async (page: Page) => {
  await page.evaluate(() => {
    window.reported = []
    window.client!.onSessionChange((session) => window.reported!.push(session?.user.sub ?? null))
  })
  await page.waitForFunction(() => window.reported!.length > 0)
}

/** The subject `onSessionChange` reported last once it is `sub` (`null`: signed out); fails after a while otherwise. */
const reportsSession = async (page: Page, sub: string | null) => {
  await page.waitForFunction((sub) => window.reported?.at(-1) === sub, sub, { timeout: 5_000 }).catch(() => undefined)
  expect(await page.evaluate(() => window.reported?.at(-1))).toBe(sub)
}

/**
 * Leaves the app for another site, runs `whileAway`, and goes back; resolves once the page was
 * restored from the back/forward cache (`pageshow` with `persisted`), or fails with Chromium's
 * reasons for not restoring it.
 */
const awayAndBack = async (page: Page, whileAway: () => Promise<void>) => {
  await page.evaluate(() => {
    window.shownAgain = undefined
    addEventListener("pageshow", (event) => (window.shownAgain = event.persisted), { once: true })
  })
  await page.goto(stack.op.url("/.well-known/openid-configuration"))
  await whileAway()
  await page.goBack({ waitUntil: "commit" })
  await page.waitForFunction(() => document.readyState === "complete" && window.ready === true)
  const back = await page.evaluate(() => ({
    restored: window.shownAgain === true,
    notRestoredReasons: JSON.stringify(
      (performance.getEntriesByType("navigation")[0] as { notRestoredReasons?: unknown } | undefined)
        ?.notRestoredReasons ?? null
    )
  }))
  expect(back).toEqual({ restored: true, notRestoredReasons: "null" })
}

/**
 * Makes the context's pages miss what other tabs tell them: their `storage` events are stopped
 * before the SDK sees them (by a listener registered before the app's scripts run, so the page is
 * reloaded), as a page that is frozen or asleep can miss them. The other tab then writes the
 * storage directly, without a broadcast.
 */
const missOtherTabs = async (context: BrowserContext, page: Page) => {
  await context.addInitScript(() => addEventListener("storage", (event) => event.stopImmediatePropagation()))
  await page.reload()
  await waitForReady(page)
}

describe("a page restored from the back/forward cache", () => {
  it("reports another tab's sign-out, then another user's sign-in, made while it was away", async () => {
    const { context, page, logs, session } = await signedInAsNewUser(stack, "bfcache")
    await follow(page)
    await reportsSession(page, session.user.sub)
    const other = await openTab(stack, context, logs)

    // the other tab's broadcasts reach the channel while this page is cached: it must stay cached
    await awayAndBack(page, () => signOutByRedirect(stack, other, {}, logs))
    await reportsSession(page, null)

    const second = freshUser("bfcache-second")
    await awayAndBack(page, async () => void (await signInByRedirect(stack, other, { login: second, logs })))
    await reportsSession(page, second)
    expect((await call(page, () => window.client!.getSession()))?.user.sub).toBe(second)
  })

  it("renews on the first getTokens() an access token that expired while it was away, without a timer", async () => {
    stack.op.setAccessTokenTtl(40)
    const { page, session } = await signedInAsNewUser(stack, "bfcache-expiry", { signIn: WITH_REFRESH_TOKEN }).finally(
      () => stack.op.setAccessTokenTtl(60)
    )
    const first = tokenFor(session, WITH_REFRESH_TOKEN.scopes!)!
    const signedIn = Date.now()
    const fresh = await call(page, () => window.client!.getTokens())
    expect(fresh).toMatchObject({ accessToken: first.accessToken, isExpired: false })

    // the default margin is 30 s: the token is due once less than that is left
    const dueAt = (first.accessTokenExpiration - 30) * 1000
    await awayAndBack(page, () => new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt - Date.now()) + 500)))
    expect(tokenRequestsSince(stack.op, signedIn, "refresh_token")).toEqual([]) // nothing ran while away

    const back = Date.now()
    const outcome = await attempt(page, () => window.client!.getTokens())
    const renewed = unwrap(outcome)
    expect(renewed.accessToken).not.toBe(first.accessToken)
    expect(renewed.isExpired).toBe(false)
    expect(outcome.ms).toBeLessThan(3_000) // at once: no wait for a timer or a lock
    expect(tokenRequestsSince(stack.op, back, "refresh_token")).toEqual([expect.objectContaining({ ok: true })])
  })

  it("finishes a refresh that was in flight when it left: the answer is stored, the refresh token never replayed", async () => {
    const { page, session } = await signedInAsNewUser(stack, "bfcache-in-flight", { signIn: WITH_REFRESH_TOKEN })
    const held = gate()
    stack.op.failNext({ path: "/token", until: held.until })
    const since = Date.now()
    await startRefresh(page)
    await held.arrived
    // the provider answers while the page is in the back/forward cache
    await awayAndBack(page, async () => {
      held.open()
      await new Promise((resolve) => setTimeout(resolve, 500))
    })
    expect(await page.evaluate(() => window.pending)).toEqual({ ok: true })
    const refreshed = await call(page, () => window.client!.getSession())
    expect(refreshed?.refreshToken).not.toBe(session.refreshToken)
    const tokens = await call(page, () => window.client!.getTokens())
    expect(tokens.accessToken).toBe(tokenFor(refreshed!, WITH_REFRESH_TOKEN.scopes!)?.accessToken)
    expect(tokenRequestsSince(stack.op, since, "refresh_token")).toEqual([expect.objectContaining({ ok: true })])
    expect(stack.op.events.refreshTokenReuse).toEqual([])
  })
})

describe("a page that missed another tab's change", () => {
  it("reads the session again when it is back online, shown again, or restored from the back/forward cache", async () => {
    const { context, page, logs, session } = await signedInAsNewUser(stack, "missed")
    await missOtherTabs(context, page)
    await follow(page)
    const other = await openTab(stack, context, logs)
    const stored = await other.evaluate((key) => localStorage.getItem(key), SESSION_KEY)
    const signOutThere = () => other.evaluate((key) => localStorage.removeItem(key), SESSION_KEY)

    await signOutThere()
    await page.waitForTimeout(300)
    expect(await page.evaluate(() => window.reported)).toEqual([session.user.sub]) // it really missed it
    await context.setOffline(true)
    await context.setOffline(false) // a real `online` event
    await reportsSession(page, null)

    await other.evaluate(([key, value]) => localStorage.setItem(key!, value!), [SESSION_KEY, stored])
    await page.waitForTimeout(300)
    expect(await page.evaluate(() => window.reported?.at(-1))).toBeNull()
    // headless Chromium never hides a page (except on its way into the back/forward cache), so
    // this `visibilitychange` is a synthetic one, fired while the page is visible
    await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange", { bubbles: true })))
    await reportsSession(page, session.user.sub)

    await awayAndBack(page, signOutThere)
    await reportsSession(page, null)
  })
})

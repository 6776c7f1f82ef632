/**
 * Silent sign-in where the provider's cookie cannot reach the hidden frame: the app on
 * `localhost`, the provider on `127.0.0.1`, another site. Here the local provider's session cookie
 * is `SameSite=Lax` (plain http), which no cross-site frame carries; MonoCloud's cookie over https
 * is a third-party cookie in that frame, which browsers that block third-party cookies withhold.
 * The SDK sees the same either way: the frame is answered `login_required` at once instead of the
 * app waiting out its time-out, and an app holding a refresh token still restores the session
 * through `getTokens()`, or through `signInSilent({ fallBackToRefreshToken: true })`.
 */
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { spaClient } from "./provider/index.mjs"
import { newContext, waitForReady } from "./support/browser.js"
import { completeLogin } from "./support/login.js"
import { attempt, call, freshUser, getSession, useStack } from "./support/sdkApp.js"

const stack = useStack()

const CLIENT_ID = "spa-cross-site"

/** The test app at `localhost` (same server as its usual `127.0.0.1` address), registered as its own client. */
const crossSiteApp = async () => {
  const origin = stack.app.origin.replace("127.0.0.1", "localhost")
  await stack.op.addClient(spaClient({ clientId: CLIENT_ID, origin }))
  const context = await newContext(stack.browser)
  const page = await context.newPage()
  await page.goto(`${origin}/`)
  await waitForReady(page)
  await page.evaluate(
    ({ issuer, clientId }) => void window.makeClient({ tenantDomain: issuer, clientId, callbackPath: "/callback" }),
    { issuer: stack.op.issuer, clientId: CLIENT_ID }
  )
  return { context, page, origin }
}

/** A redirect sign-in from the cross-site app (the provider's own pages get their cookie first-party). */
const signInFrom = async (page: Page, origin: string) => {
  await page.evaluate(() => {
    void window.client!.signIn({ scopes: "openid profile email offline_access", prompt: "consent" })
  })
  await completeLogin(page, { login: freshUser("cross-site") })
  await page.waitForURL((url) => url.href.startsWith(origin), { waitUntil: "commit" })
  await waitForReady(page)
}

describe("the provider cookie kept from the silent frame (third-party cookies blocked)", () => {
  it("silent sign-in fails fast with login_required; a refresh token still restores the session", async () => {
    const { context, page, origin } = await crossSiteApp()
    try {
      await signInFrom(page, origin)
      // the provider's session cookie exists, but no cross-site frame may carry it
      expect((await context.cookies(stack.op.issuer)).map((cookie) => [cookie.name, cookie.sameSite])).toContainEqual([
        "_session",
        "Lax"
      ])
      const signedIn = await getSession(page)
      expect(signedIn?.refreshToken).toEqual(expect.any(String))

      // the frame gets no provider cookie: the provider answers at once, the SDK reports it as such
      const silent = await attempt(page, () => window.client!.signInSilent())
      expect(silent).toMatchObject({ ok: false, error: { isOPError: true, error: "login_required" } })
      expect(silent.ms).toBeLessThan(3_000)
      expect((await getSession(page))?.user.sub).toBe(signedIn?.user.sub)

      // opted in, signInSilent() restores through the refresh token instead
      const restored = await call(page, () => window.client!.signInSilent({ fallBackToRefreshToken: true }))
      expect(restored.user.sub).toBe(signedIn?.user.sub)
      expect(restored.refreshToken).not.toBe(signedIn?.refreshToken)

      // after a reload the stored session and its refresh token carry on without the frame
      await page.reload()
      await waitForReady(page)
      const tokens = await call(page, () => window.client!.getTokens({ forceRefresh: true }))
      expect(tokens.accessToken).not.toBe(signedIn?.accessTokens?.[0]?.accessToken)
      expect(tokens.isExpired).toBe(false)
    } finally {
      await context.close()
    }
  })
})

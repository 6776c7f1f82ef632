/**
 * Popups under the provider's `Cross-Origin-Opener-Policy: same-origin`, in Chromium against
 * oidc-provider: the policy cuts the popup off from the app (no `window.opener` there, `closed`
 * reads true here), yet the popup sign-in completes through the callback channel and the popup
 * closes itself; a cut-off popup the user closes ends at `authWindowTimeout`; without the policy a
 * closed popup is still reported at once.
 */
import type { Page } from "playwright-core"
import { afterEach, describe, expect, it } from "vitest"
import { completeLogin } from "./support/login.js"
import { attempt, freshUser, getSession, useStack } from "./support/sdkApp.js"

const stack = useStack({ openerPolicy: "same-origin" })

afterEach(() => stack.op.setOpenerPolicy("same-origin"))

/** Starts `client.signIn({ mode: "popup" })` in `page` and resolves with the popup page and the call's outcome. */
const startPopupSignIn = async (page: Page) => {
  const popup = page.waitForEvent("popup")
  const outcome = attempt(page, () => window.client!.signIn({ mode: "popup" }))
  return { popup: await popup, outcome }
}

describe("popups under Cross-Origin-Opener-Policy: same-origin", () => {
  it("a popup sign-in completes although the policy cut the popup off, and the popup closes itself", async () => {
    const { page } = await stack.open()
    const login = freshUser("coop")
    const { popup, outcome } = await startPopupSignIn(page)
    await popup.waitForURL((url) => url.pathname.startsWith("/interaction/"), { waitUntil: "domcontentloaded" })
    // the provider's page has no opener: the policy did cut the popup off
    expect(await popup.evaluate(() => window.opener === null)).toBe(true)
    const closed = new Promise<void>((resolve) => popup.once("close", () => resolve()))
    await completeLogin(popup, { login })
    const result = await outcome
    // signIn resolves with the popup's session, which is the stored one
    expect(result.ok ? result.value?.user.sub : result.error).toBe(login)
    expect(await getSession(page)).toEqual(result.ok ? result.value : undefined)
    // the callback page got the receipt and closed itself (the app cannot close a window it lost)
    await closed
    expect(popup.isClosed()).toBe(true)
  })

  it("a cut-off popup the user closes ends with MonoCloudTimeoutError at authWindowTimeout, keeping no session", async () => {
    const { page } = await stack.open({ authWindowTimeout: 3 })
    const { popup, outcome } = await startPopupSignIn(page)
    await popup.waitForURL((url) => url.pathname.startsWith("/interaction/"), { waitUntil: "domcontentloaded" })
    await popup.close()
    const result = await outcome
    expect(result.ok).toBe(false)
    expect(result.ok ? undefined : result.error).toMatchObject({
      name: "MonoCloudTimeoutError",
      fields: { operation: "popup", timeoutMillis: 3000 }
    })
    expect(result.ms).toBeGreaterThan(2_500)
    expect(result.ms).toBeLessThan(6_000)
    expect(await getSession(page)).toBeUndefined()
  })

  it("without the policy, a popup closed on the provider's page is reported as PopupClosed at once", async () => {
    stack.op.setOpenerPolicy(undefined)
    const { page } = await stack.open({ authWindowTimeout: 60 })
    const { popup, outcome } = await startPopupSignIn(page)
    await popup.waitForURL((url) => url.pathname.startsWith("/interaction/"), { waitUntil: "domcontentloaded" })
    expect(await popup.evaluate(() => window.opener !== null)).toBe(true)
    // the SDK takes a popup seen on the provider's origin for a second as not cut off
    await page.waitForTimeout(1_500)
    await popup.close()
    const result = await outcome
    expect(result.ok ? undefined : result.error).toMatchObject({
      name: "MonoCloudJsError",
      fields: { reason: "PopupClosed" }
    })
    expect(result.ms).toBeLessThan(10_000)
  })
})

/**
 * Storage that misbehaves, with Chromium's real `localStorage`: a storage that throws on every
 * call (as in private modes), a corrupt or foreign entry, an entry of the reference SDK's older
 * format, and values planted by other code of the origin. Each ends in a typed, documented
 * outcome, and a session is never lost because a write failed.
 */
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { waitForReady } from "./support/browser.js"
import { attempt, call, freshUser, getSession, signInByPopup, signInByRedirect, useStack } from "./support/sdkApp.js"

const stack = useStack()

const SESSION_KEY = "mc.session.spa"

const stored = (page: Page) => page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)

describe("storage that misbehaves", () => {
  it("throws on every call: reads fail typed, a popup sign-in keeps the session in the tab's memory", async () => {
    const { context, page } = await stack.open()
    await context.addInitScript(() => {
      Object.defineProperty(window, "localStorage", {
        get: () => {
          throw new DOMException("The operation is insecure.", "SecurityError")
        }
      })
    })
    await page.reload()
    await waitForReady(page)
    expect(await attempt(page, () => window.client!.getSession())).toMatchObject({
      ok: false,
      error: { name: "MonoCloudStorageError", fields: { operation: "get" } }
    })
    const login = freshUser("no-storage")
    const signIn = await signInByPopup(page, { login }).then(
      () => "resolved",
      (error: unknown) => String(error)
    )
    expect(signIn).toContain('"name":"MonoCloudStorageError"')
    expect(signIn).toContain('"heldInMemory":true')
    // the tab goes on signed in, from memory
    expect((await getSession(page))?.user.sub).toBe(login)
    expect((await call(page, () => window.client!.getTokens())).accessToken).toEqual(expect.any(String))
  })

  it("a corrupt, foreign or planted entry reads as no session, stays in place, and a sign-in replaces it", async () => {
    const { page, logs } = await stack.open()
    for (const planted of ["{not json", "42", JSON.stringify({ version: 2, session: {} }), '{"user":{}}']) {
      await page.evaluate(({ key, value }) => localStorage.setItem(key, value), { key: SESSION_KEY, value: planted })
      expect(await getSession(page)).toBeUndefined()
      expect(await stored(page)).toBe(planted)
    }
    const session = await signInByRedirect(stack, page, { login: freshUser("planted"), logs })
    expect(JSON.parse((await stored(page))!)).toEqual({ version: 1, session })
  })

  it("reads a session of the reference SDK's older format (plain JSON) and writes it back versioned", async () => {
    const { page, logs } = await stack.open()
    const session = await signInByRedirect(stack, page, {
      login: freshUser("legacy"),
      logs,
      signIn: { scopes: "openid profile email offline_access", prompt: "consent" }
    })
    await page.evaluate(({ key, value }) => localStorage.setItem(key, value), {
      key: SESSION_KEY,
      value: JSON.stringify(session)
    })
    expect(await getSession(page)).toEqual(session)
    await call(page, () => window.client!.refreshSession())
    expect(JSON.parse((await stored(page))!)).toMatchObject({ version: 1, session: { user: session.user } })
  })
})

describe("a write that fails", () => {
  it("never loses the session: a popup sign-in whose write fails keeps it in memory and writes it once storage works", async () => {
    const { page } = await stack.open()
    await page.evaluate(() => {
      const real = Storage.prototype.setItem
      ;(window as unknown as { restoreSetItem: () => void }).restoreSetItem = () => (Storage.prototype.setItem = real)
      Storage.prototype.setItem = function (key: string, value: string) {
        if (key === "mc.session.spa") throw new DOMException("The quota has been exceeded.", "QuotaExceededError")
        return real.call(this, key, value)
      }
    })
    const signIn = await signInByPopup(page, { login: freshUser("quota-sign-in") }).then(
      () => "resolved",
      (error: unknown) => String(error)
    )
    expect(signIn).toContain('"heldInMemory":true')
    const held = await getSession(page)
    expect(held?.user.sub).toEqual(expect.any(String))
    expect(await stored(page)).toBeNull()
    await page.evaluate(() => (window as unknown as { restoreSetItem: () => void }).restoreSetItem())
    expect(await getSession(page)).toEqual(held)
    expect(JSON.parse((await stored(page))!).session).toEqual(held)
  })
})

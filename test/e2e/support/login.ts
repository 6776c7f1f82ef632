/**
 * Drives the test provider's development login / consent / logout pages.
 */
import type { Page } from "playwright-core"

export interface LoginOptions {
  /** Login name = account id (default `"demo"`). Unknown names become new accounts. */
  login?: string
  /** Any non-empty value is accepted (default `"password"`). */
  password?: string
  /** `"accept"` (default) presses Continue on the consent page; `"deny"` presses Cancel (→ `access_denied`). */
  consent?: "accept" | "deny"
  /** Per-step timeout in ms (default 15 s). */
  timeout?: number
}

const isInteraction = (url: string | URL): boolean => new URL(url).pathname.startsWith("/interaction/")

/** Resolves when `page` leaves `from` (a committed navigation) or closes, e.g. a popup the SDK closed. */
async function leave(page: Page, from: string, timeout: number): Promise<void> {
  try {
    await page.waitForURL((u) => u.href !== from, { timeout, waitUntil: "commit" })
  } catch (e) {
    if (!page.isClosed()) throw e
  }
}

/**
 * Completes the provider's interaction pages on `page` (same tab after a
 * redirect sign-in, or a popup): waits for the first `/interaction/…` page, fills
 * login + password when asked, then handles consent. Resolves once the page has
 * left the provider's interaction pages (redirected back to the app) or closed.
 */
export async function completeLogin(page: Page, options: LoginOptions = {}): Promise<void> {
  const { login = "demo", password = "password", consent = "accept", timeout = 15_000 } = options
  await page.waitForURL(isInteraction, { timeout, waitUntil: "domcontentloaded" })

  for (let step = 0; step < 4; step++) {
    if (page.isClosed() || !isInteraction(page.url())) return
    await page.waitForLoadState("domcontentloaded")
    const from = page.url()
    if (await page.locator('input[name="login"]').count()) {
      await page.fill('input[name="login"]', login)
      await page.fill('input[name="password"]', password)
      await Promise.all([leave(page, from, timeout), page.click('button[type="submit"]')])
    } else if (await page.locator('input[name="prompt"][value="consent"]').count()) {
      const button = consent === "accept" ? 'button[type="submit"]' : 'a:has-text("Cancel")'
      await Promise.all([leave(page, from, timeout), page.click(button)])
    } else {
      throw new Error(`unexpected provider page ${from}: ${(await page.content()).slice(0, 300)}`)
    }
  }
  throw new Error(`still on provider interaction pages after 4 steps: ${page.url()}`)
}

/**
 * Runs `start` (which makes the app open a sign-in popup, e.g. a
 * `page.evaluate(() => window.client!.signIn({ mode: "popup" }))`), completes
 * the login in the popup and resolves with `start`'s result.
 */
export async function loginInPopup<T>(opener: Page, start: () => Promise<T>, options: LoginOptions = {}): Promise<T> {
  let finished = false
  const popupOpened = opener.waitForEvent("popup", { timeout: options.timeout ?? 15_000 }).catch((e: unknown) => {
    if (finished) return undefined
    throw e
  })
  const result = start().finally(() => {
    finished = true
  })
  // `start` may settle before any popup opens (e.g. it failed): stop waiting then
  const settled = result.then(
    () => undefined,
    () => undefined
  )
  const popup = await Promise.race([popupOpened, settled])
  if (popup) await completeLogin(popup, options)
  return result
}

/**
 * Presses "Yes, sign me out" on the provider's logout confirmation page (only
 * needed when the provider runs with `autoConfirmLogout: false`).
 */
export async function confirmLogout(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForSelector("#logout-yes", { timeout })
  const from = page.url()
  await Promise.all([leave(page, from, timeout), page.click("#logout-yes")])
}

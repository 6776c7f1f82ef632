/**
 * Headless Chromium (Debian's `/usr/bin/chromium`) through playwright-core.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core"

/** Chromium binary; override with `CHROMIUM_PATH`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** What a test file may change about the browser it launches. */
export interface BrowserOptions {
  /** Keep Chromium's back/forward cache, which playwright-core turns off (`--disable-back-forward-cache`). */
  readonly backForwardCache?: boolean
}

/** Launches headless Chromium (set `HEADFUL=1` to watch, `SLOWMO=<ms>` to slow it down). */
export function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: process.env.HEADFUL !== "1",
    slowMo: Number(process.env.SLOWMO ?? 0),
    args: ARGS,
    ignoreDefaultArgs: options.backForwardCache === true ? ["--disable-back-forward-cache"] : false
  })
}

/** A fresh, isolated context (own cookies and storage) with short default timeouts. */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options)
  context.setDefaultTimeout(15_000)
  context.setDefaultNavigationTimeout(15_000)
  return context
}

/** A page in a fresh context, with its console output and page errors collected into `logs`. */
export async function newPage(
  browser: Browser,
  options: BrowserContextOptions = {}
): Promise<{ context: BrowserContext; page: Page; logs: string[] }> {
  const context = await newContext(browser, options)
  const page = await context.newPage()
  return { context, page, logs: collectLogs(page) }
}

/** Collects `console` messages and uncaught errors of `page` (and popups it opens) for failure diagnostics. */
export function collectLogs(page: Page, logs: string[] = []): string[] {
  page.on("console", (m) => logs.push(`[console.${m.type()}] ${m.text()}`))
  page.on("pageerror", (e) => logs.push(`[pageerror] ${e.message}`))
  page.on("popup", (p) => collectLogs(p, logs))
  return logs
}

/** Waits until the test app finished booting (`window.ready`, set after `processCallback()`). */
export async function waitForReady(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout })
}

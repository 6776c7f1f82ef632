/**
 * The README's two quick starts, run as written by a new app that installs only the packed
 * tarball: each ```ts block is read from README.md at test time, only its placeholder tenant and
 * client id are replaced (by the local provider's issuer URL and a client registered for the app's
 * origin with the SDK's default redirect URI), and it is bundled with esbuild from the temporary
 * app folder, so `@monocloud/auth-web-js` and `effect` come from the installed tarball. A harness
 * page provides the promise block's ambient `render` and `signInButton`, and both blocks are run
 * in Chromium for a signed-out, a cancelling and a signed-in visitor. Any uncaught error or
 * unhandled rejection in the page fails the test.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { isAbsolute, join } from "node:path"
import { build } from "esbuild"
import type { Browser, Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { spaClient, startProvider, type TestProvider } from "./provider/index.mjs"
import { launchBrowser, newPage } from "./support/browser.js"
import { completeLogin } from "./support/login.js"
import { startStaticServer, type StaticServer } from "./support/serve.mjs"
import { createTarballApp, readReadme, removeTarballApp } from "./support/tarballApp.js"

const CLIENT_ID = "quick-start-spa"
const PLACEHOLDER_TENANT = "acme.us.monocloud.com"
const PLACEHOLDER_CLIENT_ID = "your-client-id"

type Block = "promise" | "effect"

/** README heading of each quick start; its first ```ts block is the quick start. */
const HEADINGS: Record<Block, string> = { promise: "## Quick start: promises", effect: "## Quick start: Effect" }

/** Appended to each block: records that it ran to its end (and, for the Effect block, its `session`). */
const EPILOGUES: Record<Block, string> = {
  promise: ";(window as any).quickStart.done = true",
  effect: ";Object.assign((window as any).quickStart, { done: true, session })"
}

/**
 * The app's page, served at every path (`/` is the SDK's default callback, `/dashboard` the
 * promise quick start's return URL). It defines `render` (recording what it receives) and
 * `signInButton`, records errors, and loads the block this tab chose with `chooseBlock`
 * (sessionStorage, so the choice survives the round trip through the provider).
 */
const HARNESS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>quick start harness</title>
    <script>
      window.quickStart = { loadedAt: location.href, done: false, renders: [], errors: [] }
      window.render = (value) => window.quickStart.renders.push(value)
      addEventListener("error", (event) => window.quickStart.errors.push(String(event.error ?? event.message)))
      addEventListener("unhandledrejection", (event) => window.quickStart.errors.push(String(event.reason)))
    </script>
  </head>
  <body>
    <button id="sign-in">Sign in</button>
    <script>
      window.signInButton = document.getElementById("sign-in")
      const script = document.createElement("script")
      script.type = "module"
      script.src = "/" + (sessionStorage.getItem("quick-start") ?? "promise") + ".js"
      document.body.append(script)
    </script>
  </body>
</html>
`

/** What the harness recorded in the page. */
interface QuickStartRecord {
  loadedAt: string
  done: boolean
  renders: Array<unknown>
  errors: Array<string>
  session?: { user?: { sub?: string } }
}

declare global {
  interface Window {
    quickStart?: QuickStartRecord
  }
}

/** The README's quick start `block` (the first ts block under its heading), placeholders replaced, epilogue appended. */
function quickStartSource(readme: string, block: Block, issuer: string): string {
  const start = readme.indexOf(`${HEADINGS[block]}\n`)
  expect(start, `README heading "${HEADINGS[block]}"`).toBeGreaterThanOrEqual(0)
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(start))?.[1]
  expect(code, `a ts block under "${HEADINGS[block]}"`).toBeDefined()
  // the placeholders are the only change: each must be there, once
  expect(code!.split(`"${PLACEHOLDER_TENANT}"`)).toHaveLength(2)
  expect(code!.split(`"${PLACEHOLDER_CLIENT_ID}"`)).toHaveLength(2)
  const source = code!
    .replace(`"${PLACEHOLDER_TENANT}"`, JSON.stringify(issuer))
    .replace(`"${PLACEHOLDER_CLIENT_ID}"`, JSON.stringify(CLIENT_ID))
  return `${source}\n${EPILOGUES[block]}\n`
}

/** Bundles `<app>/<block>.ts` for the browser, resolving packages from the app's node_modules only. */
async function bundleInApp(app: string, block: Block, source: string): Promise<string> {
  const entry = join(app, `${block}.ts`)
  writeFileSync(entry, source)
  const result = await build({
    absWorkingDir: app,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    outfile: join(app, `${block}.js`),
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "silent"
  })
  // every bundled file is inside the app folder (paths relative to it): none from the repository
  const inputs = Object.keys(result.metafile.inputs)
  expect(inputs.filter((input) => input.startsWith("..") || isAbsolute(input))).toEqual([])
  expect(inputs).toContainEqual(expect.stringMatching(/^node_modules\/@monocloud\/auth-web-js\/dist\//))
  expect(inputs).toContainEqual(expect.stringMatching(/^node_modules\/effect\//))
  return result.outputFiles[0]!.text
}

let tarballApp = ""
let server: StaticServer | undefined
let op: TestProvider | undefined
let browser: Browser | undefined
const opened: Array<{ close(): Promise<void> }> = []

beforeAll(async () => {
  tarballApp = createTarballApp("monocloud-quick-starts-")
  const publicDir = join(tarballApp, "public")
  mkdirSync(publicDir)
  server = await startStaticServer({
    root: publicDir,
    files: { "/index.html": HARNESS_HTML, "/blank.html": "<!doctype html><title>no quick start</title>" }
  })
  // the SDK's defaults: redirect (and silent redirect) URI and post-logout URI are the app's origin
  // as `appUrl + callbackPath "/"` without its trailing slash
  op = await startProvider({
    clients: [
      spaClient({
        clientId: CLIENT_ID,
        origin: server.origin,
        extra: { redirect_uris: [server.origin], post_logout_redirect_uris: [server.origin] }
      })
    ]
  })
  const readme = readReadme()
  for (const block of ["promise", "effect"] as const) {
    server.files[`/${block}.js`] = await bundleInApp(tarballApp, block, quickStartSource(readme, block, op.issuer))
  }
  browser = await launchBrowser()
}, 240_000)

afterEach(async () => {
  for (const context of opened.splice(0)) await context.close()
})

afterAll(async () => {
  await browser?.close()
  await op?.close()
  await server?.close()
  removeTarballApp(tarballApp)
})

/** A fresh visitor (own cookies and storage); `pageErrors` collects the page's uncaught errors. */
async function visitor(): Promise<{ page: Page; pageErrors: Array<string>; logs: Array<string> }> {
  const { context, page, logs } = await newPage(browser!)
  opened.push(context)
  const pageErrors: Array<string> = []
  page.on("pageerror", (error) => pageErrors.push(error.stack ?? error.message))
  return { page, pageErrors, logs }
}

/** Makes the next page loads of this tab run `block` (the page must be on the app's origin). */
const chooseBlock = (page: Page, block: Block) =>
  page.evaluate((chosen) => sessionStorage.setItem("quick-start", chosen), block)

/**
 * Waits until the block on the current page finished or failed, and resolves with the record;
 * throws when the page reported any uncaught error or unhandled rejection.
 */
async function finished(page: Page, pageErrors: Array<string>, logs: Array<string>): Promise<QuickStartRecord> {
  await page.waitForFunction(
    () => window.quickStart !== undefined && (window.quickStart.done || window.quickStart.errors.length > 0),
    undefined,
    { timeout: 30_000 }
  )
  const record = (await page.evaluate(() => window.quickStart))!
  if (record.errors.length > 0 || pageErrors.length > 0) {
    throw new Error(`the quick start failed in the page:\n${[...record.errors, ...pageErrors, ...logs].join("\n")}`)
  }
  return record
}

/** Opens the app at `path` running `block`, and waits for it to finish. */
async function run(page: Page, pageErrors: Array<string>, logs: Array<string>, block: Block, path = "/") {
  await page.goto(server!.url("/blank.html"))
  await chooseBlock(page, block)
  await page.goto(server!.url(path))
  return finished(page, pageErrors, logs)
}

/** Clicks the page's sign-in button and resolves once the provider's interaction page is shown. */
async function clickSignIn(page: Page) {
  await Promise.all([
    page.waitForURL((url) => url.origin === op!.issuer && url.pathname.startsWith("/interaction/")),
    page.click("#sign-in")
  ])
}

/** Presses Cancel on the provider's login page; resolves once the browser is back on the app. */
async function cancelAtProvider(page: Page) {
  await Promise.all([
    page.waitForURL((url) => url.origin === server!.origin, { waitUntil: "commit" }),
    page.click('a:has-text("Cancel")')
  ])
}

const accessTokensIn = (renders: Array<unknown>) => renders.filter((value) => typeof value === "string")

const silentLoginRequiredSince = (since: number) =>
  op!.events.authorizations.filter((a) => a.at >= since && a.prompt === "none" && a.error === "login_required")

describe("README quick starts, from the packed tarball, in Chromium", () => {
  describe("a signed-out visitor", () => {
    it("promise block: finishes, renders no access token, catches the silent sign-in's login_required", async () => {
      const { page, pageErrors, logs } = await visitor()
      const since = Date.now()
      const record = await run(page, pageErrors, logs, "promise")
      expect(accessTokensIn(record.renders)).toEqual([])
      expect(silentLoginRequiredSince(since).length).toBeGreaterThan(0)
    })

    it("Effect block: finishes with no session", async () => {
      const { page, pageErrors, logs } = await visitor()
      const since = Date.now()
      const record = await run(page, pageErrors, logs, "effect")
      expect(record.session).toBeUndefined()
      expect(silentLoginRequiredSince(since).length).toBeGreaterThan(0)
    })
  })

  describe("a visitor who presses Cancel at the provider (access_denied)", () => {
    it("promise block: the callback finishes without an uncaught error and the visitor stays signed out", async () => {
      const { page, pageErrors, logs } = await visitor()
      await run(page, pageErrors, logs, "promise")
      await clickSignIn(page)
      await cancelAtProvider(page)
      const callback = await finished(page, pageErrors, logs)
      expect(new URL(callback.loadedAt).searchParams.get("error")).toBe("access_denied")
      expect(accessTokensIn(callback.renders)).toEqual([])
      // the Effect block on the same origin finds no session either
      await chooseBlock(page, "effect")
      await page.reload()
      expect((await finished(page, pageErrors, logs)).session).toBeUndefined()
    })

    it("Effect block: on the access_denied callback it finishes with no session", async () => {
      const { page, pageErrors, logs } = await visitor()
      await run(page, pageErrors, logs, "promise")
      // the sign-in starts from the promise block; the callback page runs the Effect block
      await chooseBlock(page, "effect")
      await clickSignIn(page)
      await cancelAtProvider(page)
      const callback = await finished(page, pageErrors, logs)
      const query = new URL(callback.loadedAt).searchParams
      expect(query.get("error")).toBe("access_denied")
      expect(query.get("state")).not.toBeNull()
      expect(callback.session).toBeUndefined()
    })
  })

  describe("a visitor who signs in", () => {
    it("promise block: lands on /dashboard and renders an access token; the Effect block then has the session", async () => {
      const login = "quick-start-visitor"
      const { page, pageErrors, logs } = await visitor()
      await run(page, pageErrors, logs, "promise")
      await clickSignIn(page)
      await Promise.all([
        page.waitForURL(server!.url("/dashboard"), { waitUntil: "commit" }),
        completeLogin(page, { login })
      ])
      const dashboard = await finished(page, pageErrors, logs)
      const tokens = accessTokensIn(dashboard.renders)
      expect(tokens).toHaveLength(1)
      expect(tokens[0]).toMatch(/\S/)

      await chooseBlock(page, "effect")
      await page.reload()
      const effect = await finished(page, pageErrors, logs)
      expect(effect.session?.user?.sub).toBe(login)
    })
  })
})

/**
 * The README's main job, `npm run demo`, as a developer runs it: it starts and prints its URL, a
 * visitor signs in by redirect against the embedded provider, a second tab follows through the
 * session-change events, the log tells what happened (round trips included), a refresh works
 * (the demo asks for `offline_access`), the wrong host gets a warning with the right URL, and
 * SIGTERM to the npm process stops everything and frees both ports.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { createServer } from "node:net"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchBrowser, newContext } from "./support/browser.js"
import { completeLogin } from "./support/login.js"
import { REPO_ROOT } from "./support/serve.mjs"

const APP_PORT = 5391
const PROVIDER_PORT = 3391
const APP_URL = `http://127.0.0.1:${APP_PORT}/`

let demo: ChildProcess | undefined
let output = ""
let browser: Browser | undefined

/** Resolves once the demo printed its banner (it ends with "Ctrl+C to stop."). */
const started = (child: ChildProcess) =>
  new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Ctrl+C to stop")) resolve()
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    child.once("exit", (code) => reject(new Error(`npm run demo exited with ${code}:\n${output}`)))
  })

/** True when nothing listens on `port` of 127.0.0.1 any more. */
const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer()
    probe.once("error", () => resolve(false))
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)))
  })

beforeAll(async () => {
  demo = spawn("npm", ["run", "demo"], {
    cwd: REPO_ROOT,
    env: { ...process.env, DEMO_PORT: String(APP_PORT), DEMO_PROVIDER_PORT: String(PROVIDER_PORT) },
    stdio: ["ignore", "pipe", "pipe"]
  })
  ;[browser] = await Promise.all([launchBrowser(), started(demo)])
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (demo?.exitCode === null) demo.kill("SIGKILL")
})

describe("npm run demo", () => {
  it("prints the URL to open and the demo account", () => {
    expect(output).toContain(APP_URL)
    expect(output).toContain('username "demo"')
  })

  it("signs in by redirect, keeps a second tab in step, logs what happened and refreshes", async () => {
    const context = await newContext(browser!)
    const [page, other] = [await context.newPage(), await context.newPage()]
    for (const tab of [page, other]) {
      await tab.goto(APP_URL)
      await tab.locator("#sign-in-redirect").waitFor({ state: "visible", timeout: 20_000 })
    }
    await page.click("#sign-in-redirect")
    await completeLogin(page, { login: "demo" })
    await page.locator("#signed-in").waitFor({ state: "visible", timeout: 20_000 })
    expect(await page.textContent("#user-sub")).toBe("demo")
    await other.locator("#signed-in").waitFor({ state: "visible", timeout: 10_000 })
    expect(await other.textContent("#status")).toBe("Signed in")
    const log = page.locator("#log")
    await expect.poll(() => log.textContent()).toContain("Signed in by redirect as demo")
    expect(await log.textContent()).toMatch(/provider round trip\(s\):.*\/token/)

    await page.click("#refresh")
    await expect.poll(() => log.textContent()).toContain("Refresh session: done")
    expect(await log.textContent()).toContain("refresh token rotated")
    await context.close()
  })

  it("tells a visitor at the wrong host which URL to open", async () => {
    const context = await newContext(browser!)
    const page = await context.newPage()
    await page.goto(`http://localhost:${APP_PORT}/`)
    await page.locator("#wrong-host").waitFor({ state: "visible", timeout: 10_000 })
    expect(await page.getAttribute("#right-url", "href")).toBe(APP_URL)
    expect(await page.isVisible("#sign-in-redirect")).toBe(false)
    await context.close()
  })

  it("stops on SIGTERM to the npm process and frees both ports", async () => {
    const exited = new Promise<number | null>((resolve) => demo!.once("exit", resolve))
    demo!.kill("SIGTERM")
    await exited
    await expect.poll(() => isFree(APP_PORT), { timeout: 5_000 }).toBe(true)
    await expect.poll(() => isFree(PROVIDER_PORT), { timeout: 5_000 }).toBe(true)
  })
})

// Section 3c of bench/run.mjs: the first getSession() (and the peers' nearest equivalent) in real
// headless Chromium. Each SDK gets its own page, bundled by bench/bundles.mjs's esbuild call (ours
// resolves to the local dist/esm/ through the package's exports map) and served from a tiny static
// server on 127.0.0.1. The page times N fresh clients with performance.now(); Node only collects
// the samples.
//
// Nothing downloads a browser: playwright-core drives Debian's /usr/bin/chromium. Every request
// the pages make to a host other than 127.0.0.1 is aborted and recorded, and a page that made one
// is reported as failed.

import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import { OWN_PACKAGE, bundleApp } from "./bundles.mjs"

export const CHROMIUM_PATH = "/usr/bin/chromium"
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run"
]

const HOST = "127.0.0.1"
const TENANT = "acme.example.com"
const CLIENT_ID = "c"

// The loop every page runs, appended to each SDK's source. `firstSessionRead()` constructs a fresh
// client, reads its session once and resolves with an untimed dispose function. Web storage and
// cookies are emptied before every run, and one task passes (untimed) so that work left over from
// the previous dispose does not land in the next sample. That task comes from a MessageChannel, not
// setTimeout, so each timed run starts outside any timer chain (Chromium clamps setTimeout(0) to
// 4 ms once timers nest five deep).
const harness = `
const clearStorage = () => {
  localStorage.clear()
  sessionStorage.clear()
  for (const cookie of document.cookie.split(";")) {
    const name = cookie.split("=")[0].trim()
    if (name) document.cookie = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/"
  }
}
const channel = new MessageChannel()
const nextTask = () =>
  new Promise((resolve) => {
    channel.port1.onmessage = () => resolve()
    channel.port2.postMessage(0)
  })

window.__bench = async (runs) => {
  const samples = []
  for (let i = 0; i < runs; i++) {
    clearStorage()
    await nextTask()
    const start = performance.now()
    const dispose = await firstSessionRead()
    samples.push(performance.now() - start)
    await dispose()
  }
  clearStorage()
  return { samples, crossOriginIsolated: self.crossOriginIsolated === true }
}
`

export const chromiumApps = [
  {
    id: "chromium-monocloud",
    name: OWN_PACKAGE,
    ours: true,
    call: `new MonoCloudWebJSClient({ tenantDomain: "${TENANT}", clientId: "${CLIENT_ID}" }) + await getSession(); dispose() untimed`,
    source: `
import { MonoCloudWebJSClient } from "${OWN_PACKAGE}"

const firstSessionRead = async () => {
  const client = new MonoCloudWebJSClient({ tenantDomain: "${TENANT}", clientId: "${CLIENT_ID}" })
  const session = await client.getSession()
  if (session !== undefined) throw new Error("expected no session with empty storage")
  return () => client.dispose()
}
${harness}`
  },
  {
    id: "chromium-oidc-client-ts",
    name: "oidc-client-ts",
    call: "new UserManager({ authority, client_id, redirect_uri, metadata }) + await getUser(); stopSilentRenew() untimed",
    source: `
import { UserManager } from "oidc-client-ts"

const authority = "https://${TENANT}"
// Supplied so that nothing can send it to the discovery endpoint (getUser() needs none anyway).
const metadata = {
  issuer: authority,
  authorization_endpoint: authority + "/authorize",
  token_endpoint: authority + "/token",
  userinfo_endpoint: authority + "/userinfo",
  jwks_uri: authority + "/jwks",
  end_session_endpoint: authority + "/logout"
}

const firstSessionRead = async () => {
  const manager = new UserManager({ authority, client_id: "${CLIENT_ID}", redirect_uri: location.origin + "/", metadata })
  const user = await manager.getUser()
  if (user !== null) throw new Error("expected no user with empty storage")
  return () => manager.stopSilentRenew()
}
${harness}`
  },
  {
    id: "chromium-auth0",
    name: "@auth0/auth0-spa-js",
    call: "await createAuth0Client({ domain, clientId, authorizationParams }) + await isAuthenticated() (no is.authenticated cookie, so checkSession() returns without a request)",
    source: `
import { createAuth0Client } from "@auth0/auth0-spa-js"

const firstSessionRead = async () => {
  const client = await createAuth0Client({
    domain: "${TENANT}",
    clientId: "${CLIENT_ID}",
    authorizationParams: { redirect_uri: location.origin + "/" }
  })
  const authenticated = await client.isAuthenticated()
  if (authenticated !== false) throw new Error("expected not authenticated with empty storage")
  return () => undefined
}
${harness}`
  }
]

const page = (script) =>
  `<!doctype html>\n<html><head><meta charset="utf-8"><title>bench</title></head><body><script type="module" src="/${script}"></script></body></html>\n`

// Serves the in-memory `files` on 127.0.0.1. COOP + COEP make the page cross-origin isolated, which
// gives performance.now() its fine resolution (Chromium coarsens it to 100 µs otherwise);
// http://127.0.0.1 counts as a secure context, so Web Crypto and Web Locks are available.
async function startServer(files) {
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? "/", `http://${HOST}`).pathname]
    response.writeHead(file === undefined ? 404 : 200, {
      "content-type": file?.type ?? "text/plain; charset=utf-8",
      "cache-control": "no-store",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp"
    })
    response.end(file?.body ?? "not found")
  })
  await new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, HOST, () => resolve(undefined))
  })
  return {
    origin: `http://${HOST}:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      })
  }
}

export const withTimeout = (promise, ms, what) => {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Runs every chromiumApps page in its own browser context of one headless Chromium.
 * Resolves with { browserVersion, origin, results } where results maps each app id to
 * { samples (sorted ms), crossOriginIsolated, requests } or to an Error. Rejects only when the
 * server or the browser cannot start.
 */
export async function runChromium({ runs, pageTimeoutMs }) {
  const results = new Map()
  const files = {}
  for (const app of chromiumApps) {
    try {
      const { output } = await bundleApp(app)
      files[`/${app.id}.js`] = { type: "text/javascript; charset=utf-8", body: readFileSync(output) }
      files[`/${app.id}.html`] = { type: "text/html; charset=utf-8", body: page(`${app.id}.js`) }
    } catch (error) {
      results.set(app.id, error)
    }
  }
  const { chromium } = await import("playwright-core")
  const server = await startServer(files)
  let browser
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: 30_000
    })
    for (const app of chromiumApps) {
      if (results.has(app.id)) continue
      const context = await browser.newContext()
      context.setDefaultTimeout(15_000)
      context.setDefaultNavigationTimeout(15_000)
      const external = []
      const local = []
      await context.route(
        (url) => url.hostname !== HOST,
        (route) => {
          external.push(route.request().url())
          return route.abort("blockedbyclient")
        }
      )
      context.on("request", (request) => {
        if (new URL(request.url()).hostname === HOST) local.push(request.url())
      })
      const pageErrors = []
      try {
        const tab = await context.newPage()
        tab.on("pageerror", (error) => pageErrors.push(error.message))
        await tab.goto(`${server.origin}/${app.id}.html`, { waitUntil: "load" })
        await tab.waitForFunction(() => typeof window.__bench === "function")
        const result = await withTimeout(
          tab.evaluate((n) => window.__bench(n), runs),
          pageTimeoutMs,
          `${app.name} page`
        )
        if (external.length > 0) throw new Error(`the page tried to reach ${external[0]}`)
        results.set(app.id, {
          samples: [...result.samples].sort((a, b) => a - b),
          first: result.samples[0],
          crossOriginIsolated: result.crossOriginIsolated,
          requests: local.length
        })
      } catch (error) {
        const detail = pageErrors.length > 0 ? ` (page error: ${pageErrors[0]})` : ""
        results.set(app.id, new Error(`${error instanceof Error ? error.message : String(error)}${detail}`))
      } finally {
        await context.close().catch(() => undefined)
      }
    }
    return { browserVersion: browser.version(), origin: server.origin, results }
  } finally {
    await browser?.close().catch(() => undefined)
    await server.close()
  }
}

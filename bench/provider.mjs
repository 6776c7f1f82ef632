// Section 3d of bench/run.mjs: ours and oidc-client-ts signing in against the project's real local
// authorization server (oidc-provider 8, test/e2e/provider/index.mjs) in headless Chromium, plus
// @auth0/auth0-spa-js for the cached token read only (its endpoints are Auth0-specific, so it
// cannot sign in here). Measured: silent restore after a reload, sequential refresh, concurrent
// token reads with an expired access token, token reads on a fresh token, and the provider round
// trips of an app start.
//
// Each SDK gets its own browser context; all pages are served from one app server on 127.0.0.1.
// Times are taken in the page with performance.now(); token and request counts come from the
// provider's own event log. Any request to a host other than 127.0.0.1 is aborted and counted.
//
// Runnable alone after `npm run build`: `node bench/provider.mjs` prints the raw results as JSON.

import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { OWN_PACKAGE, bundleApp, root } from "./bundles.mjs"
import { CHROMIUM_ARGS, CHROMIUM_PATH, withTimeout } from "./chromium.mjs"

const HOST = "127.0.0.1"
const SCOPES = "openid profile email offline_access"
const OURS_CLIENT_ID = "spa"
const OIDC_CLIENT_ID = "oidc-client-ts"
const AUTH0_CLIENT_ID = "auth0-bench"
// Never reached: auth0 must answer from its seeded cache, and a request to this host is aborted.
const AUTH0_DOMAIN = "auth0.bench.invalid"
// Long enough that every token read in the reads loop finds a fresh token (our refreshBeforeExpiry
// margin is 30 s, oidc-client-ts does not look at expiry in getUser()).
const LONG_TTL_S = 3600
// Below our 30 s refreshBeforeExpiry margin, so every token the provider issues is "expired" for
// getTokens() at once and each concurrent round has to refresh.
export const SHORT_TTL_S = 10
const STEP_TIMEOUT_MS = 30_000

export const SDKS = {
  ours: { key: "ours", name: OWN_PACKAGE },
  oidc: { key: "oidc", name: "oidc-client-ts" },
  auth0: { key: "auth0", name: "@auth0/auth0-spa-js" }
}

// Shared by every page: a timed loop of token reads, counted over a fixed time window.
const readLoop = `
const readLoop = async (read, ms) => {
  let calls = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    await read()
    calls++
    now = performance.now()
  }
  return (calls * 1000) / (now - start)
}
const concurrently = async (n, call) => {
  const start = performance.now()
  const results = await Promise.allSettled(Array.from({ length: n }, () => call()))
  const ms = performance.now() - start
  const failed = results.filter((result) => result.status === "rejected")
  return { ms, failed: failed.length, error: failed[0] ? String(failed[0].reason?.message ?? failed[0].reason) : undefined }
}
const timed = async (call) => {
  const start = performance.now()
  await call()
  return performance.now() - start
}
`

const oursSource = (issuer) => `
import { MonoCloudWebJSClient } from "${OWN_PACKAGE}"

const options = (silentCallbackPath) => ({
  tenantDomain: ${JSON.stringify(issuer)},
  clientId: ${JSON.stringify(OURS_CLIENT_ID)},
  callbackPath: "/callback",
  silentCallbackPath,
  defaultAuthParams: { scopes: ${JSON.stringify(SCOPES)} }
})
// The static silent page posts the callback message to its parent (test/e2e's variant), so the
// answer arrives at once; the second client's silent page is empty and is read by URL polling.
const client = new MonoCloudWebJSClient(options("/silent-callback-post.html"))
// The same work as oidc-client-ts, whose loadUserInfo is off by default: no UserInfo request.
const withoutUserInfo = new MonoCloudWebJSClient({ ...options("/silent-callback-post.html"), fetchUserinfo: false })
let pollingClient
${readLoop}
window.__bench = {
  ready: client.processCallback(),
  signIn: () => client.signIn({ prompt: "consent", returnUrl: "/" }),
  hasRefreshToken: async () => typeof (await client.getSession())?.refreshToken === "string",
  silent: (variant) => {
    const subject =
      variant === "polling"
        ? (pollingClient ??= new MonoCloudWebJSClient(options("/silent-callback.html")))
        : variant === "withoutUserInfo"
          ? withoutUserInfo
          : client
    return timed(async () => {
      if ((await subject.signInSilent()) === undefined) throw new Error("signInSilent resolved without a session")
    })
  },
  refresh: (variant) => timed(() => (variant === "withoutUserInfo" ? withoutUserInfo : client).refreshSession()),
  concurrent: (n) => concurrently(n, () => client.getTokens()),
  reads: (ms) => readLoop(() => client.getTokens(), ms)
}
`

const oidcSource = (issuer) => `
import { UserManager } from "oidc-client-ts"

const settings = {
  authority: ${JSON.stringify(issuer)},
  client_id: ${JSON.stringify(OIDC_CLIENT_ID)},
  redirect_uri: location.origin + "/oidc/callback",
  silent_redirect_uri: location.origin + "/oidc/silent.html",
  scope: ${JSON.stringify(SCOPES)},
  // its timer would renew in the background and disturb the counts; ours has no timer either
  automaticSilentRenew: false
}
${readLoop}
if (location.pathname === "/oidc/silent.html") {
  void new UserManager(settings).signinSilentCallback()
} else {
  const manager = new UserManager(settings)
  const ready =
    location.pathname === "/oidc/callback"
      ? manager.signinCallback().then(() => history.replaceState(null, "", "/oidc/"))
      : Promise.resolve()
  window.__bench = {
    ready,
    signIn: () => manager.signinRedirect({ prompt: "consent" }),
    hasRefreshToken: async () => typeof (await manager.getUser())?.refresh_token === "string",
    // forceIframeAuth: the prompt=none iframe flow even though the stored user has a refresh token
    silent: (metadata) => {
      const subject = metadata ? new UserManager({ ...settings, metadata }) : manager
      return timed(async () => {
        if ((await subject.signinSilent({ forceIframeAuth: true })) === null) throw new Error("signinSilent gave no user")
      })
    },
    // a stored user with a refresh_token: signinSilent() uses the refresh_token grant
    refresh: () =>
      timed(async () => {
        if ((await manager.signinSilent()) === null) throw new Error("signinSilent gave no user")
      }),
    concurrent: (n) => concurrently(n, () => manager.signinSilent()),
    reads: (ms) =>
      readLoop(async () => {
        if ((await manager.getUser())?.access_token === undefined) throw new Error("getUser() found no user")
      }, ms)
  }
}
`

// auth0's own localStorage cache entries (cacheLocation "localstorage"), in its key format
// "@@auth0spajs@@::<clientId>::<audience>::<scope>" plus the ID-token entry "…::<clientId>::@@user@@",
// so that getTokenSilently() answers from the cache. The page first checks with cacheMode
// "cache-only" that the entry is found, and Node fails the row if any request leaves the page.
const auth0Source = () => `
import { Auth0Client } from "@auth0/auth0-spa-js"

const clientId = ${JSON.stringify(AUTH0_CLIENT_ID)}
const scope = ${JSON.stringify(SCOPES)}
const now = Math.floor(Date.now() / 1000)
const claims = { __raw: "seeded.id.token", iss: "https://${AUTH0_DOMAIN}/", aud: clientId, sub: "demo", iat: now, exp: now + ${LONG_TTL_S} }
const user = { sub: "demo" }
localStorage.setItem(
  "@@auth0spajs@@::" + clientId + "::default::" + scope,
  JSON.stringify({
    body: {
      access_token: "seeded-access-token",
      id_token: claims.__raw,
      token_type: "Bearer",
      expires_in: ${LONG_TTL_S},
      scope,
      audience: "default",
      client_id: clientId,
      decodedToken: { claims, user }
    },
    expiresAt: now + ${LONG_TTL_S}
  })
)
localStorage.setItem("@@auth0spajs@@::" + clientId + "::@@user@@", JSON.stringify({ id_token: claims.__raw, decodedToken: { claims, user } }))
const client = new Auth0Client({
  domain: ${JSON.stringify(AUTH0_DOMAIN)},
  clientId,
  cacheLocation: "localstorage",
  authorizationParams: { redirect_uri: location.origin + "/auth0/", scope }
})
${readLoop}
window.__bench = {
  ready: client.getTokenSilently({ cacheMode: "cache-only" }).then((token) => {
    if (token !== "seeded-access-token") throw new Error("the seeded cache entry was not found")
  }),
  reads: (ms) =>
    readLoop(async () => {
      if ((await client.getTokenSilently()) !== "seeded-access-token") throw new Error("not answered from the cache")
    }, ms)
}
`

const html = (script) =>
  `<!doctype html>\n<html><head><meta charset="utf-8"><title>bench</title></head><body><script type="module" src="/${script}"></script></body></html>\n`
// test/e2e/app/public/silent-callback-post.html: hands the frame's URL to the SDK in the parent.
const silentPostHtml = `<!doctype html>
<html><head><meta charset="utf-8"><title>silent callback</title></head><body><script>
const target = window.opener ?? (window.parent !== window ? window.parent : null)
target?.postMessage({ source: "monocloud-auth-web-js", url: location.href }, location.origin)
</script></body></html>
`
const emptyHtml = `<!doctype html>\n<html><head><meta charset="utf-8"><title>silent callback</title></head><body></body></html>\n`

// The app server. Pages are added once the provider's issuer is known (the provider needs the app
// origin for its redirect URIs first). Scripts may be cached, as a deployed app's would be.
async function startAppServer() {
  const files = {}
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? "/", `http://${HOST}`).pathname]
    response.writeHead(file === undefined ? 404 : 200, {
      "content-type": file?.type ?? "text/plain; charset=utf-8",
      "cache-control": file?.type.startsWith("text/javascript") ? "max-age=600" : "no-store"
    })
    response.end(file?.body ?? "not found")
  })
  await new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, HOST, () => resolve(undefined))
  })
  return {
    files,
    origin: `http://${HOST}:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      })
  }
}

async function addPages(files, issuer) {
  const bundles = [
    { id: "provider-monocloud", source: oursSource(issuer), paths: ["/", "/callback"] },
    {
      id: "provider-oidc-client-ts",
      source: oidcSource(issuer),
      paths: ["/oidc/", "/oidc/callback", "/oidc/silent.html"]
    },
    { id: "provider-auth0", source: auth0Source(), paths: ["/auth0/"] }
  ]
  const failed = new Map()
  for (const app of bundles) {
    try {
      const { output } = await bundleApp(app)
      files[`/${app.id}.js`] = { type: "text/javascript; charset=utf-8", body: readFileSync(output) }
      for (const pagePath of app.paths)
        files[pagePath] = { type: "text/html; charset=utf-8", body: html(`${app.id}.js`) }
    } catch (error) {
      failed.set(app.id, error)
    }
  }
  files["/silent-callback-post.html"] = { type: "text/html; charset=utf-8", body: silentPostHtml }
  files["/silent-callback.html"] = { type: "text/html; charset=utf-8", body: emptyHtml }
  return {
    ours: failed.get("provider-monocloud"),
    oidc: failed.get("provider-oidc-client-ts"),
    auth0: failed.get("provider-auth0")
  }
}

// ---------------------------------------------------------------------------------------------
// Driving a page

const bench = (tab, method, arg) =>
  withTimeout(
    tab.evaluate(([name, value]) => window.__bench[name](value), [method, arg]),
    STEP_TIMEOUT_MS,
    `${method}()`
  )

async function booted(tab) {
  await tab.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: STEP_TIMEOUT_MS })
  await withTimeout(
    tab.evaluate(() => window.__bench.ready),
    STEP_TIMEOUT_MS,
    "page start"
  )
}

async function reload(tab) {
  await tab.reload({ waitUntil: "load" })
  await booted(tab)
}

const isInteraction = (issuer) => (url) => url.origin === issuer && url.pathname.startsWith("/interaction/")

// The provider's dev login page (any password), then its consent page: as test/e2e/support/login.ts.
async function completeLogin(tab, issuer) {
  const onProvider = isInteraction(issuer)
  await tab.waitForURL(onProvider, { waitUntil: "domcontentloaded", timeout: STEP_TIMEOUT_MS })
  for (let step = 0; step < 4; step++) {
    if (!onProvider(new URL(tab.url()))) return
    await tab.waitForLoadState("domcontentloaded")
    const from = tab.url()
    const left = tab.waitForURL((url) => url.href !== from, { waitUntil: "commit", timeout: STEP_TIMEOUT_MS })
    if (await tab.locator('input[name="login"]').count()) {
      await tab.fill('input[name="login"]', "demo")
      await tab.fill('input[name="password"]', "password")
    }
    await Promise.all([left, tab.click('button[type="submit"]')])
  }
  throw new Error(`still on the provider's interaction pages: ${tab.url()}`)
}

// A redirect sign-in with prompt=consent (so that a refresh token is granted), untimed. Resolves
// once the app has handled the callback and holds a refresh token.
async function signIn(tab, issuer, appOrigin, landingPaths) {
  // the page unloads before evaluate can answer
  tab.evaluate(() => window.__bench.signIn()).catch(() => undefined)
  await completeLogin(tab, issuer)
  await tab.waitForURL((url) => url.origin === appOrigin && landingPaths.includes(url.pathname), {
    waitUntil: "load",
    timeout: STEP_TIMEOUT_MS
  })
  await booted(tab)
  if (!(await bench(tab, "hasRefreshToken"))) throw new Error("signed in without a refresh token")
}

// Provider requests between two marks, in order; CORS preflights are named as such.
const routesSince = (op, mark) =>
  op.events.requests
    .slice(mark)
    .map((request) => (request.method === "OPTIONS" ? `${request.route} (preflight)` : request.route))

async function attempt(results, key, measure) {
  try {
    results[key] = await measure()
  } catch (error) {
    results[key] = error instanceof Error ? error : new Error(String(error))
  }
}

// ---------------------------------------------------------------------------------------------
// The measurements of one SDK that signs in (ours or oidc-client-ts)

async function measureSigningIn(sdk, { tab, op, app, runs, refreshCalls, concurrency, readWindowMs }) {
  const results = {}
  const home = sdk === SDKS.ours ? "/" : "/oidc/"
  // ours lands on /callback and then goes to its returnUrl; oidc-client-ts stays on its callback
  // page and tidies the address bar to /oidc/ with replaceState
  const landing = sdk === SDKS.ours ? ["/"] : ["/oidc/callback", "/oidc/"]
  const freshSignIn = () => signIn(tab, op.issuer, app.origin, landing)
  const ensureRefreshToken = async () => {
    if (!(await bench(tab, "hasRefreshToken"))) await freshSignIn()
  }
  op.setAccessTokenTtl(LONG_TTL_S)
  await tab.goto(`${app.origin}${home}`, { waitUntil: "load" })
  await booted(tab)
  await freshSignIn()

  // 5. Round trips of an app start: reload (callback handling included) + the first silent sign-in
  // (nothing cached in memory), then a second one in the same page (discovery and keys cached).
  await attempt(results, "roundTrips", async () => {
    const trips = {}
    let mark = op.events.requests.length
    await reload(tab)
    await bench(tab, "silent")
    trips.first = routesSince(op, mark)
    mark = op.events.requests.length
    await bench(tab, "silent")
    trips.second = routesSince(op, mark)
    if (sdk === SDKS.ours) {
      // a first visit: nothing kept from an earlier page (ours keeps metadata and keys in localStorage)
      await tab.evaluate(() => {
        for (const key of Object.keys(localStorage)) {
          if (key.startsWith("mc.discovery.") || key.startsWith("mc.jwks.")) localStorage.removeItem(key)
        }
      })
      mark = op.events.requests.length
      await reload(tab)
      await bench(tab, "silent")
      trips.firstVisit = routesSince(op, mark)
    }
    if (sdk === SDKS.oidc) {
      const metadata = await (await fetch(op.url("/.well-known/openid-configuration"))).json()
      mark = op.events.requests.length
      await reload(tab)
      await bench(tab, "silent", metadata)
      trips.metadata = routesSince(op, mark)
    }
    return trips
  })

  // 1. Silent restore: reload, then time the iframe sign-in until the session is stored.
  const silentRuns = async (variant) => {
    const samples = []
    for (let i = 0; i < runs; i++) {
      await reload(tab)
      samples.push(await bench(tab, "silent", variant))
    }
    return samples
  }
  await attempt(results, "silent", () => silentRuns())
  if (sdk === SDKS.ours) {
    await attempt(results, "silentPolling", () => silentRuns("polling"))
    await attempt(results, "silentWithoutUserInfo", () => silentRuns("withoutUserInfo"))
  }

  // 4. Token reads on a fresh token: no request may reach the token endpoint.
  await attempt(results, "reads", async () => {
    await ensureRefreshToken()
    const mark = op.events.tokenRequests.length
    // one untimed window first, so that JIT warm-up does not land in the samples
    await bench(tab, "reads", readWindowMs)
    const samples = []
    for (let i = 0; i < runs; i++) samples.push(await bench(tab, "reads", readWindowMs))
    const made = op.events.tokenRequests.length - mark
    if (made > 0) throw new Error(`${made} token requests during the reads`)
    return samples
  })

  // 2. Sequential refresh: back-to-back refresh_token grants in one page.
  const refreshRuns = async (variant) => {
    await ensureRefreshToken()
    const mark = op.events.tokenRequests.length
    const samples = []
    for (let i = 0; i < refreshCalls; i++) samples.push(await bench(tab, "refresh", variant))
    const grants = op.events.tokenRequests.slice(mark)
    if (grants.length !== refreshCalls || grants.some((grant) => !grant.ok || grant.grantType !== "refresh_token"))
      throw new Error(`expected ${refreshCalls} successful refresh_token grants, saw ${JSON.stringify(grants)}`)
    return samples
  }
  await attempt(results, "refresh", () => refreshRuns())
  if (sdk === SDKS.ours) await attempt(results, "refreshWithoutUserInfo", () => refreshRuns("withoutUserInfo"))

  // 3. Concurrent reads with an expired access token. Ours: getTokens() refreshes whatever is about
  // to expire; oidc-client-ts: signinSilent(), its nearest equivalent. A round that lost the grant
  // (refresh-token reuse makes the provider revoke it) is followed by a fresh sign-in, untimed.
  await attempt(results, "concurrent", async () => {
    op.setAccessTokenTtl(SHORT_TTL_S)
    await ensureRefreshToken()
    // the token from the long-TTL sign-in would still be fresh for ours
    await bench(tab, "refresh")
    const rounds = []
    for (let i = 0; i < runs; i++) {
      const previous = rounds.at(-1)
      // after refresh-token reuse the stored refresh token belongs to a revoked grant
      if (previous !== undefined && (previous.failed > 0 || previous.reuse > 0)) await freshSignIn()
      const mark = op.events.tokenRequests.length
      const reuseMark = op.events.refreshTokenReuse.length
      const round = await bench(tab, "concurrent", concurrency)
      const grants = op.events.tokenRequests.slice(mark)
      rounds.push({
        ...round,
        tokenRequests: grants.length,
        okRequests: grants.filter((grant) => grant.ok).length,
        reuse: op.events.refreshTokenReuse.length - reuseMark
      })
    }
    return rounds
  }).finally(() => op.setAccessTokenTtl(LONG_TTL_S))
  return results
}

async function measureAuth0({ tab, app, runs, readWindowMs }) {
  const results = {}
  await attempt(results, "reads", async () => {
    await tab.goto(`${app.origin}/auth0/`, { waitUntil: "load" })
    await booted(tab)
    await bench(tab, "reads", readWindowMs)
    const samples = []
    for (let i = 0; i < runs; i++) samples.push(await bench(tab, "reads", readWindowMs))
    return samples
  })
  return results
}

// ---------------------------------------------------------------------------------------------

/**
 * Starts the app server, the local provider (test/e2e/provider) and headless Chromium, and measures
 * each SDK in its own browser context. Resolves with { browserVersion, issuer, origin, results }
 * where results maps "ours" | "oidc" | "auth0" to an object of measurements (each a value or an
 * Error) or to an Error. Rejects when the server, the provider or the browser cannot start, or after
 * deadlineMs.
 */
export async function runProvider({ runs, refreshCalls, concurrency, readWindowMs, deadlineMs }) {
  const app = await startAppServer()
  let op
  let browser
  const closeAll = async () => {
    await browser?.close().catch(() => undefined)
    await op?.close().catch(() => undefined)
    await app.close()
  }
  const run = async () => {
    const { startProvider, spaClient } = await import(
      pathToFileURL(path.join(root, "test", "e2e", "provider", "index.mjs")).href
    )
    op = await startProvider({
      accessTokenTtl: LONG_TTL_S,
      clients: [
        spaClient({ clientId: OURS_CLIENT_ID, origin: app.origin }),
        spaClient({
          clientId: OIDC_CLIENT_ID,
          origin: app.origin,
          redirectPaths: ["/oidc/callback", "/oidc/silent.html"],
          postLogoutPaths: ["/oidc/"]
        })
      ]
    })
    const bundleErrors = await addPages(app.files, op.issuer)
    const { chromium } = await import("playwright-core")
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: 30_000
    })
    const results = {}
    for (const sdk of Object.values(SDKS)) {
      if (bundleErrors[sdk.key] !== undefined) {
        results[sdk.key] = bundleErrors[sdk.key]
        continue
      }
      const context = await browser.newContext()
      context.setDefaultTimeout(STEP_TIMEOUT_MS)
      const external = []
      await context.route(
        (url) => url.hostname !== HOST,
        (route) => {
          external.push(route.request().url())
          return route.abort("blockedbyclient")
        }
      )
      const pageErrors = []
      try {
        const tab = await context.newPage()
        tab.on("pageerror", (error) => pageErrors.push(error.message))
        const setup = { tab, op, app, runs, refreshCalls, concurrency, readWindowMs }
        const measured = sdk === SDKS.auth0 ? await measureAuth0(setup) : await measureSigningIn(sdk, setup)
        if (external.length > 0) throw new Error(`the page tried to reach ${external[0]}`)
        results[sdk.key] = measured
      } catch (error) {
        const detail = pageErrors.length > 0 ? ` (page error: ${pageErrors[0]})` : ""
        results[sdk.key] = new Error(`${error instanceof Error ? error.message : String(error)}${detail}`)
      } finally {
        await context.close().catch(() => undefined)
      }
    }
    return { browserVersion: browser.version(), issuer: op.issuer, origin: app.origin, results }
  }
  try {
    return await withTimeout(run(), deadlineMs, "the provider section")
  } finally {
    await closeAll()
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outcome = await runProvider({
    runs: 15,
    refreshCalls: 15,
    concurrency: 10,
    readWindowMs: 300,
    deadlineMs: 240_000
  })
  const plain = (value) =>
    value instanceof Error
      ? `Error: ${value.message}`
      : Array.isArray(value)
        ? value.map(plain)
        : value && typeof value === "object"
          ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]))
          : value
  console.log(JSON.stringify({ ...outcome, results: plain(outcome.results) }, null, 2))
  process.exit(0)
}

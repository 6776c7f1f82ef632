// Side-by-side figures for @monocloud/auth-web-js and peer SPA OIDC SDKs (oidc-client-ts,
// @auth0/auth0-spa-js): bundle size of a minimal app, cold construct + first session read, and the
// cost of building an authorization request URL. Everything runs locally, without network.
//
// Run with `npm run bench` (builds dist/ first) or `node bench/run.mjs` after `npm run build`.
// Environment knobs (all optional): BENCH_COLD_RUNS, BENCH_URL_WARMUP, BENCH_URL_ITERATIONS,
// BENCH_URL_BUDGET_MS.

import { build } from "esbuild"
import { existsSync, readFileSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const dist = (file) => path.join(root, "dist", file)

const COLD_RUNS = intFromEnv("BENCH_COLD_RUNS", 50)
const URL_WARMUP = intFromEnv("BENCH_URL_WARMUP", 200)
const URL_ITERATIONS = intFromEnv("BENCH_URL_ITERATIONS", 1000)
const URL_BUDGET_MS = intFromEnv("BENCH_URL_BUDGET_MS", 10_000)

const ISSUER = "https://op.example.test"
const DOMAIN = "op.example.test"
const CLIENT_ID = "bench-client"
const APP_URL = "http://localhost:3000"
const REDIRECT_URI = `${APP_URL}/`

function intFromEnv(name, fallback) {
  const value = Number.parseInt(process.env[name] ?? "", 10)
  return Number.isFinite(value) && value > 0 ? value : fallback
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers

const na = (reason) => `n/a (${reason})`

const reasonOf = (error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND") return `not installed: ${/'([^']+)'/.exec(error.message)?.[1] ?? "module"}`
  if (Array.isArray(error?.errors) && error.errors[0]?.text) return `esbuild: ${error.errors[0].text}` // esbuild failure
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  const firstLine = text.split("\n")[0]
  return firstLine.length > 110 ? `${firstLine.slice(0, 107)}...` : firstLine
}

const fmtInt = (n) => Math.round(n).toLocaleString("en-US")
const fmtFixed = (n, digits) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
const fmtKiB = (bytes) => `${fmtFixed(bytes / 1024, 1)} KiB`

function printTable(title, headers, rows) {
  const cells = rows.map((row) => row.map((cell) => String(cell)))
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i]?.length ?? 0)))
  const line = (row) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ")} |`
  console.log(`\n## ${title}\n`)
  console.log(line(headers))
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`)
  for (const row of cells) console.log(line(row))
}

const median = (sorted) => {
  if (sorted.length === 0) return NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]

// ---------------------------------------------------------------------------------------------
// Versions

function packageVersion(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).version ?? "?"
  } catch {
    return undefined
  }
}
const nodeModule = (name) => path.join(root, "node_modules", ...name.split("/"))

const versions = {
  "@monocloud/auth-web-js": packageVersion(root),
  "oidc-client-ts": packageVersion(nodeModule("oidc-client-ts")),
  "@auth0/auth0-spa-js": packageVersion(nodeModule("@auth0/auth0-spa-js")),
  effect: packageVersion(nodeModule("effect")),
  "@effect/platform": packageVersion(nodeModule("@effect/platform")),
  jose: packageVersion(nodeModule("jose")),
  esbuild: packageVersion(nodeModule("esbuild")),
  "happy-dom": packageVersion(nodeModule("happy-dom"))
}

// ---------------------------------------------------------------------------------------------
// SDK descriptors

const ours = {
  name: "@monocloud/auth-web-js",
  entry: dist("index.js"),
  bundleSource: (entry) => `
    import { MonoCloudWebJSClient } from ${JSON.stringify(entry)}
    const client = new MonoCloudWebJSClient({ tenantDomain: "acme.us.monocloud.com", clientId: "my-client" })
    client.getSession().then((session) => console.log(session))
  `
}

const oursEffect = {
  name: "@monocloud/auth-web-js/effect",
  entry: dist("effect.js"),
  bundleSource: (entry) => `
    import * as Effect from "effect/Effect"
    import * as MonoCloud from ${JSON.stringify(entry)}
    const program = Effect.provide(
      MonoCloud.getSession,
      MonoCloud.layer({ tenantDomain: "acme.us.monocloud.com", clientId: "my-client" })
    )
    Effect.runPromise(program).then((session) => console.log(session))
  `
}

const oidcClientTs = {
  name: "oidc-client-ts",
  entry: "oidc-client-ts",
  bundleSource: (entry) => `
    import { UserManager } from ${JSON.stringify(entry)}
    const manager = new UserManager({
      authority: "https://acme.example.com",
      client_id: "my-client",
      redirect_uri: window.location.origin + "/"
    })
    manager.getUser().then((user) => console.log(user))
  `
}

const auth0 = {
  name: "@auth0/auth0-spa-js",
  entry: "@auth0/auth0-spa-js",
  bundleSource: (entry) => `
    import { Auth0Client } from ${JSON.stringify(entry)}
    const client = new Auth0Client({
      domain: "acme.example.com",
      clientId: "my-client",
      authorizationParams: { redirect_uri: window.location.origin + "/" }
    })
    client.isAuthenticated().then((authenticated) => console.log(authenticated))
  `
}

// ---------------------------------------------------------------------------------------------
// 1. Bundle size

async function bundle(sdk) {
  if (sdk.entry.startsWith("/") && !existsSync(sdk.entry)) throw new Error(`${path.relative(root, sdk.entry)} missing; run npm run build`)
  const result = await build({
    stdin: { contents: sdk.bundleSource(sdk.entry), resolveDir: root, sourcefile: "bench-app.js", loader: "js" },
    absWorkingDir: root,
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    define: { "process.env.NODE_ENV": '"production"' },
    outfile: path.join(root, "bench", ".out", "app.js"),
    write: false,
    metafile: true,
    logLevel: "silent"
  })
  const js = result.outputFiles.find((file) => file.path.endsWith(".js"))
  if (js === undefined) throw new Error("esbuild produced no JavaScript output")
  const bytes = js.contents
  const gzip = gzipSync(bytes, { level: 9 }).length
  const brotli = brotliCompressSync(bytes, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length
    }
  }).length
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {}
  return { raw: bytes.length, gzip, brotli, inputs }
}

const packageOf = (input) => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
  if (match) return match[1]
  if (input.startsWith("dist/")) return "@monocloud/auth-web-js (dist)"
  return input
}

async function bundleSection() {
  const sdks = [ours, oursEffect, oidcClientTs, auth0]
  const results = new Map()
  const rows = []
  for (const sdk of sdks) {
    try {
      const figures = await bundle(sdk)
      results.set(sdk, figures)
      rows.push([sdk.name, fmtInt(figures.raw), fmtInt(figures.gzip), fmtInt(figures.brotli), fmtKiB(figures.gzip)])
    } catch (error) {
      const cell = na(reasonOf(error))
      rows.push([sdk.name, cell, cell, cell, cell])
    }
  }
  printTable("1. Bundle size of a minimal app (esbuild, minified, ESM, browser)", ["SDK", "raw bytes", "gzip -9 bytes", "brotli q11 bytes", "gzip"], rows)

  const promiseBundle = results.get(ours)
  if (promiseBundle === undefined) return
  const inputs = Object.entries(promiseBundle.inputs)
    .map(([file, info]) => ({ file, bytes: info.bytesInOutput }))
    .filter((entry) => entry.bytes > 0)
  const share = (bytes) => `${fmtFixed((100 * bytes) / promiseBundle.raw, 1)} %`

  const byPackage = new Map()
  for (const { file, bytes } of inputs) byPackage.set(packageOf(file), (byPackage.get(packageOf(file)) ?? 0) + bytes)
  printTable(
    `1a. ${ours.name} promise bundle: bytes in output by package (of ${fmtInt(promiseBundle.raw)} raw)`,
    ["package", "bytes in output", "share", "input files"],
    [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .map(([name, bytes]) => [name, fmtInt(bytes), share(bytes), String(inputs.filter((i) => packageOf(i.file) === name).length)])
  )
  printTable(
    `1b. ${ours.name} promise bundle: top 10 input files by bytes in output`,
    ["input file", "bytes in output", "share"],
    inputs
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 10)
      .map(({ file, bytes }) => [file.replace(/^node_modules\//, ""), fmtInt(bytes), share(bytes)])
  )
}

// ---------------------------------------------------------------------------------------------
// 2. Speed: browser globals from happy-dom (Node 20 has crypto, fetch, URL, TextEncoder,
// BroadcastChannel, atob/btoa itself; it lacks window, document, location, navigator and the
// web storages)

let dom

async function installDom() {
  const { Window } = await import("happy-dom")
  const window = new Window({ url: `${APP_URL}/` })
  const define = (name, value) => Object.defineProperty(globalThis, name, { value, configurable: true, writable: true })
  for (const name of ["window", "self", "top", "parent"]) define(name, window)
  for (const name of ["document", "location", "navigator", "localStorage", "sessionStorage", "history", "screen"]) {
    define(name, window[name])
  }
  for (const name of ["addEventListener", "removeEventListener", "dispatchEvent"]) define(name, window[name].bind(window))
  dom = window
}

const clearStorage = () => {
  dom.localStorage.clear()
  dom.sessionStorage.clear()
  dom.document.cookie.split(";").forEach((cookie) => {
    const name = cookie.split("=")[0]?.trim()
    if (name) dom.document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`
  })
}

const importTimed = async (specifier) => {
  const start = performance.now()
  const module = await import(specifier)
  return { module, importMs: performance.now() - start }
}

const loaders = {
  [ours.name]: async () => {
    const { module, importMs } = await importTimed(pathToFileURL(dist("index.js")).href)
    const testing = await import(pathToFileURL(dist("testing.js")).href)
    const effectApi = await import(pathToFileURL(dist("effect.js")).href)
    return { module, testing, effectApi, importMs }
  },
  [oidcClientTs.name]: async () => importTimed("oidc-client-ts"),
  [auth0.name]: async () => importTimed("@auth0/auth0-spa-js")
}

// Minimal discovery document handed to oidc-client-ts so that it never fetches.
const peerMetadata = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  userinfo_endpoint: `${ISSUER}/userinfo`,
  jwks_uri: `${ISSUER}/jwks`,
  end_session_endpoint: `${ISSUER}/logout`,
  revocation_endpoint: `${ISSUER}/revoke`,
  code_challenge_methods_supported: ["S256"],
  response_types_supported: ["code"]
}

// (a) construct + first session read, with empty storage; returns { run, dispose } factories.
const coldCases = {
  [ours.name]: ({ module }) => async () => {
    const client = new module.MonoCloudWebJSClient({ tenantDomain: ISSUER, clientId: CLIENT_ID, appUrl: APP_URL })
    const session = await client.getSession()
    if (session !== undefined) throw new Error("expected no session in empty storage")
    return () => client.dispose()
  },
  [oidcClientTs.name]: ({ module }) => async () => {
    const manager = new module.UserManager({ authority: ISSUER, client_id: CLIENT_ID, redirect_uri: REDIRECT_URI })
    const user = await manager.getUser()
    if (user !== null) throw new Error("expected no user in empty storage")
    return () => manager.stopSilentRenew()
  },
  [auth0.name]: ({ module }) => async () => {
    const client = new module.Auth0Client({
      domain: DOMAIN,
      clientId: CLIENT_ID,
      authorizationParams: { redirect_uri: REDIRECT_URI }
    })
    const authenticated = await client.isAuthenticated()
    if (authenticated !== false) throw new Error("expected not authenticated with empty storage")
    return () => undefined
  }
}

// (b) build an authorization request URL; returns { call, check } where call() performs one
// sign-in start and check() validates the last URL recorded.
const urlCases = {
  [ours.name]: async ({ module, testing, effectApi }) => {
    const server = await testing.makeScriptedAuthorizationServer({ issuer: ISSUER, clientId: CLIENT_ID })
    const { parts, navigation } = testing.makeTestParts(server, { url: `${APP_URL}/` })
    const client = new module.MonoCloudWebJSClient(
      { tenantDomain: ISSUER, clientId: CLIENT_ID, appUrl: APP_URL },
      // the transaction goes to (happy-dom's) sessionStorage as in a browser, like the peers' state
      { ...parts, transactionStore: effectApi.TransactionStore.layerSessionStorage }
    )
    return {
      call: () => client.signIn({ mode: "redirect" }),
      lastUrl: () => navigation.assigned.at(-1),
      dispose: () => client.dispose(),
      note: "signIn({ mode: \"redirect\" }), scripted provider serves discovery once (cached), fake navigation"
    }
  },
  [oidcClientTs.name]: async ({ module }) => {
    let last
    const recordingNavigator = {
      prepare: async () => ({
        navigate: async (params) => {
          last = params.url
          return { url: params.url }
        },
        close: () => undefined
      }),
      callback: async () => undefined
    }
    const manager = new module.UserManager(
      { authority: ISSUER, client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, metadata: peerMetadata },
      recordingNavigator
    )
    return {
      call: () => manager.signinRedirect(),
      lastUrl: () => last,
      dispose: () => manager.stopSilentRenew(),
      note: "UserManager.signinRedirect() with metadata supplied, recording redirect navigator"
    }
  },
  [auth0.name]: async ({ module }) => {
    let last
    const client = new module.Auth0Client({
      domain: DOMAIN,
      clientId: CLIENT_ID,
      authorizationParams: { redirect_uri: REDIRECT_URI }
    })
    return {
      call: () =>
        client.loginWithRedirect({
          openUrl: async (url) => {
            last = url
          }
        }),
      lastUrl: () => last,
      dispose: () => undefined,
      note: "loginWithRedirect({ openUrl }) recording the URL (no discovery: URL built from domain)"
    }
  }
}

const checkAuthorizeUrl = (url) => {
  if (typeof url !== "string") throw new Error("no authorization URL was produced")
  const parsed = new URL(url)
  if (!parsed.pathname.endsWith("/authorize")) throw new Error(`unexpected authorization URL ${url}`)
  for (const param of ["client_id", "redirect_uri", "state", "code_challenge"]) {
    if (!parsed.searchParams.has(param)) throw new Error(`authorization URL lacks ${param}`)
  }
}

async function measureCold(loaded, name) {
  const makeRun = coldCases[name](loaded)
  const samples = []
  let first
  for (let i = 0; i < COLD_RUNS; i++) {
    clearStorage()
    const start = performance.now()
    const dispose = await makeRun()
    const elapsed = performance.now() - start
    await dispose()
    if (i === 0) first = elapsed
    samples.push(elapsed)
  }
  samples.sort((a, b) => a - b)
  return { first, min: samples[0], median: median(samples), p90: percentile(samples, 90), runs: samples.length }
}

async function measureUrl(loaded, name) {
  clearStorage()
  const subject = await urlCases[name](loaded)
  try {
    // Storage is emptied before every call (untimed): a real page starts a sign-in with few stored
    // transactions and then leaves, so leftovers from earlier iterations must not pile up.
    for (let i = 0; i < URL_WARMUP; i++) {
      clearStorage()
      await subject.call()
    }
    checkAuthorizeUrl(subject.lastUrl())
    const samples = []
    const started = performance.now()
    for (let i = 0; i < URL_ITERATIONS; i++) {
      clearStorage()
      const start = performance.now()
      await subject.call()
      samples.push(performance.now() - start)
      if (performance.now() - started > URL_BUDGET_MS) break
    }
    checkAuthorizeUrl(subject.lastUrl())
    const totalMs = samples.reduce((sum, sample) => sum + sample, 0)
    samples.sort((a, b) => a - b)
    return {
      minUs: samples[0] * 1000,
      medianUs: median(samples) * 1000,
      p90Us: percentile(samples, 90) * 1000,
      opsPerSec: (samples.length * 1000) / totalMs,
      iterations: samples.length,
      note: subject.note
    }
  } finally {
    await subject.dispose()
    clearStorage()
  }
}

async function speedSection() {
  const names = [ours.name, oidcClientTs.name, auth0.name]
  const coldRows = []
  const urlRows = []
  const urlNotes = []
  let domError
  try {
    await installDom()
  } catch (error) {
    domError = reasonOf(error)
  }
  for (const name of names) {
    let loaded
    try {
      if (domError !== undefined) throw new Error(`happy-dom unavailable: ${domError}`)
      loaded = await loaders[name]()
    } catch (error) {
      const cell = na(`load failed: ${reasonOf(error)}`)
      coldRows.push([name, cell, cell, cell, cell, cell])
      urlRows.push([name, cell, cell, cell, cell, cell])
      continue
    }
    try {
      const cold = await measureCold(loaded, name)
      coldRows.push([
        name,
        fmtFixed(loaded.importMs, 1),
        fmtFixed(cold.first, 2),
        fmtFixed(cold.min, 3),
        fmtFixed(cold.median, 3),
        fmtFixed(cold.p90, 3)
      ])
    } catch (error) {
      const cell = na(reasonOf(error))
      coldRows.push([name, fmtFixed(loaded.importMs, 1), cell, cell, cell, cell])
    }
    try {
      const url = await measureUrl(loaded, name)
      urlRows.push([
        name,
        fmtFixed(url.minUs, 1),
        fmtFixed(url.medianUs, 1),
        fmtFixed(url.p90Us, 1),
        fmtInt(url.opsPerSec),
        String(url.iterations)
      ])
      urlNotes.push(`${name}: ${url.note}`)
    } catch (error) {
      const cell = na(reasonOf(error))
      urlRows.push([name, cell, cell, cell, cell, cell])
    }
  }
  printTable(
    `2a. Cold construct + first session read, empty storage (${COLD_RUNS} fresh clients each)`,
    ["SDK", "import ms (once)", "1st run ms", "min ms", "median ms", "p90 ms"],
    coldRows
  )
  printTable(
    `2b. Start a redirect sign-in and record the authorization URL (${URL_WARMUP} warm-up, ${URL_ITERATIONS} timed calls, one client)`,
    ["SDK", "min µs/call", "median µs/call", "p90 µs/call", "calls/s", "calls timed"],
    urlRows
  )
  if (urlNotes.length > 0) console.log(`\n${urlNotes.map((note) => `- ${note}`).join("\n")}`)
}

// ---------------------------------------------------------------------------------------------

function header() {
  console.log("# Auth SDK benchmark: @monocloud/auth-web-js vs peer SPA OIDC SDKs\n")
  console.log(`date: ${new Date().toISOString()}`)
  console.log(`node: ${process.version} (${process.platform}/${process.arch})`)
  const cpus = os.cpus()
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? "unknown CPU"}, ${fmtFixed(os.totalmem() / 2 ** 30, 1)} GiB RAM`)
  const load = os.loadavg().map((value) => fmtFixed(value, 2)).join(" / ")
  console.log(`load average at start (1/5/15 min): ${load} — timings are only comparable within a quiet run`)
  console.log("versions:")
  for (const [name, version] of Object.entries(versions)) console.log(`  ${name}: ${version ?? "not installed"}`)
}

function methodNote() {
  console.log(`
## Method

- Bundle size: an entry that imports the SDK, constructs its client and calls its "session" read
  (ours: new MonoCloudWebJSClient(...).getSession(); Effect row: MonoCloud.getSession provided with
  MonoCloud.layer(...) and run with Effect.runPromise; oidc-client-ts: new UserManager(...).getUser();
  auth0-spa-js: new Auth0Client(...).isAuthenticated()), bundled by esbuild in memory (bundle, minify,
  tree shaking, platform browser, format esm, target es2022, NODE_ENV=production), every dependency
  included (effect, @effect/platform and jose for ours). Ours is bundled from the built dist/*.js,
  the peers from the files their package.json points browsers at. raw = minified bytes; gzip =
  zlib gzip level 9; brotli = zlib brotli quality 11. @auth0/auth0-spa-js ships a pre-bundled,
  pre-minified ESM file, so esbuild can tree-shake little of it.
- Speed runs in this Node process with happy-dom globals (window, document, location, navigator,
  localStorage, sessionStorage) on ${APP_URL}/; Node's own crypto, fetch, URL and BroadcastChannel
  are used. No network: ours talks to an in-process scripted provider, the peers get metadata or
  need none.
- 2a: "import ms" is the first dynamic import() of the package in this process (after happy-dom,
  and after the esbuild run; for ours it includes effect and jose). Each run clears localStorage,
  sessionStorage and cookies, then times new client(...) + the first session read (ours with its
  default browser parts: localStorage, Web Locks, BroadcastChannel; client.dispose() afterwards,
  untimed). "1st run" is the first construction in the process (cold JIT); min/median/p90 over all
  runs. On a busy machine the minimum is the steadiest figure; medians of millisecond-scale
  asynchronous work swing with scheduler contention.
- 2b: one client per SDK; the call that starts a redirect sign-in (PKCE verifier + S256 challenge,
  state, nonce, transaction saved to web storage, URL handed to a recording navigation instead of
  leaving the page). Warm-up calls first, then each timed call is measured with performance.now();
  calls/s = timed calls / summed call time. localStorage, sessionStorage and cookies are emptied
  before every call, untimed (oidc-client-ts scans every stored state on each sign-in start, and
  happy-dom's Storage.key() is linear, so leftovers from earlier iterations would make its cost grow
  with the iteration count). Ours fetches discovery once during warm-up and then uses its cache;
  its transaction is kept in sessionStorage (the browser default).
- Figures are from one process on one machine; compare rows of the same run, not across machines.`)
}

async function main() {
  header()
  await bundleSection()
  await speedSection()
  methodNote()
}

const watchdog = setTimeout(() => {
  console.error("\nbench: giving up after 120 s")
  process.exit(1)
}, 120_000)
watchdog.unref()

main()
  .then(async () => {
    await dom?.happyDOM?.close?.().catch?.(() => undefined)
    process.exit(0)
  })
  .catch((error) => {
    console.error(error)
    process.exit(1)
  })

/**
 * Static file server and browser bundler shared by the e2e app server and the
 * demo (plain ESM so `node demo/start.mjs` can use it). Types: `serve.d.mts`.
 */
import { createServer } from "node:http"
import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { dirname, extname, join, normalize, relative, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

/** Absolute path of the repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")

const SDK_ENTRIES = ["index", "effect", "testing", "utils"]

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon"
}

/**
 * esbuild plugin: imports of the SDK sources (`<repo>/src/index.js`, `effect.js`,
 * `testing.js`, `utils.js`) are served from the built `dist/esm/` files instead, so
 * browser code type-checks against `src/` but runs the artifact we publish.
 */
const sdkFromDist = {
  name: "sdk-from-dist",
  setup(b) {
    b.onResolve({ filter: /(^|\/)src\/[a-z]+(\.js|\.ts)?$/ }, (args) => {
      const abs = resolve(args.resolveDir, args.path).replace(/\.(js|ts)$/, "")
      const rel = relative(join(REPO_ROOT, "src"), abs)
      if (!SDK_ENTRIES.includes(rel)) return undefined
      const dist = join(REPO_ROOT, "dist", "esm", `${rel}.js`)
      if (!existsSync(dist)) {
        return { errors: [{ text: `${relative(REPO_ROOT, dist)} not found: run \`npm run build\` first` }] }
      }
      return { path: dist }
    })
  }
}

/**
 * Bundles one browser entry (TS or JS) with the SDK and effect inlined.
 * Resolves with the JavaScript source (inline source map).
 * @param {{ entry: string, define?: Record<string, string> }} options
 */
export async function bundleBrowserApp({ entry, define = {} }) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile: "app.js",
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: "inline",
    logLevel: "silent",
    define,
    plugins: [sdkFromDist]
  })
  return result.outputFiles[0].text
}

/**
 * Serves `root` (plus in-memory `files`, which win) over HTTP. Paths without an
 * extension that match no file get `fallback` (an SPA entry such as `/index.html`).
 * Every answer has `Cache-Control: cacheControl` (default `no-store`).
 * @param {{ root: string, files?: Record<string, string>, port?: number, host?: string, fallback?: string, cacheControl?: string }} options
 */
export async function startStaticServer({
  root,
  files = {},
  port = 0,
  host = "127.0.0.1",
  fallback = "/index.html",
  cacheControl = "no-store"
}) {
  const base = resolve(root)
  /** @type {Array<{ method: string, path: string, status: number }>} */
  const requests = []

  const load = async (path) => {
    if (Object.hasOwn(files, path)) return files[path]
    const file = normalize(join(base, path))
    if (!file.startsWith(base + sep)) return undefined
    return readFile(file).catch(() => undefined)
  }

  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)
    if (path === "/favicon.ico" && !Object.hasOwn(files, path)) {
      res.writeHead(204).end()
      return
    }
    let target = path.endsWith("/") ? `${path}index.html` : path
    let body = await load(target)
    if (body === undefined && extname(path) === "" && fallback) {
      target = fallback
      body = await load(target)
    }
    const status = body === undefined ? 404 : 200
    requests.push({ method: req.method ?? "GET", path, status })
    res.writeHead(status, {
      "content-type": MIME[extname(target)] ?? "application/octet-stream",
      "cache-control": cacheControl
    })
    res.end(body ?? "not found")
  })

  await new Promise((resolveListen, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => resolveListen(undefined))
  })
  const actualPort = /** @type {import("node:net").AddressInfo} */ (server.address()).port
  const origin = `http://${host}:${actualPort}`

  return {
    origin,
    port: actualPort,
    requests,
    files,
    url: (path = "/") => new URL(path, origin).href,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections?.()
        server.close(() => resolveClose(undefined))
      })
  }
}

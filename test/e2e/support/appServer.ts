/**
 * The e2e test app: `test/e2e/app/public` plus the bundled `app/main.ts`
 * (SDK from `dist/`) served at `/app.js` on `http://127.0.0.1:<random port>`.
 */
import { join } from "node:path"
import { bundleBrowserApp, REPO_ROOT, startStaticServer, type StaticServer } from "./serve.mjs"

/** Directory of the test app (entry `main.ts`, static files in `public/`). */
export const APP_DIR = join(REPO_ROOT, "test/e2e/app")

/** Served as `/app.js` when the app is started without the SDK. */
const STUB_APP = "window.ready = true; document.getElementById('status').textContent = 'ready (no sdk)'\n"

let bundled: Promise<string> | undefined

/** Bundles `app/main.ts` once per process (requires `npm run build` to have produced `dist/`). */
export function bundleTestApp(): Promise<string> {
  bundled ??= bundleBrowserApp({ entry: join(APP_DIR, "main.ts") })
  return bundled
}

export interface AppServerOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Bundle the SDK test app (default true); false serves a stub `/app.js` that only sets `window.ready`. */
  withSdk?: boolean
  /** `Cache-Control` of every answer (default `no-store`, which also keeps the pages out of the back/forward cache). */
  cacheControl?: string
}

/**
 * Starts the test app server. Every extensionless path (`/`, `/callback`,
 * `/popup-callback`, `/signed-out`) serves `index.html`; `/silent-callback.html`
 * is a static empty page.
 */
export async function startAppServer(options: AppServerOptions = {}): Promise<StaticServer> {
  const app = options.withSdk === false ? STUB_APP : await bundleTestApp()
  return startStaticServer({
    root: join(APP_DIR, "public"),
    files: { "/app.js": app },
    port: options.port ?? 0,
    ...(options.cacheControl === undefined ? {} : { cacheControl: options.cacheControl })
  })
}

export type { StaticServer }

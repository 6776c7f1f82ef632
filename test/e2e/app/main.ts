/**
 * Browser entry of the e2e test app. Bundled by `support/appServer.ts`; the
 * `src/index.js` import is redirected to the built `dist/esm/index.js` at bundle
 * time (see `support/serve.mjs`), so tests exercise the published artifact.
 *
 * Tests drive it through `window`: `makeClient(options)` creates `window.client`
 * and remembers the options in sessionStorage so the page that handles the
 * redirect back (`/callback`, `/`) recreates the same client and runs
 * `processCallback()` on load. `window.ready` turns true when that finished.
 */
import * as Schema from "effect/Schema"
import * as sdk from "../../../src/index.js"

type Sdk = typeof sdk
type Client = InstanceType<Sdk["MonoCloudWebJSClient"]>
type ClientOptions = ConstructorParameters<Sdk["MonoCloudWebJSClient"]>[0]

/** Plain-data view of a thrown value (Errors do not cross `page.evaluate` intact). */
interface DescribedError {
  name: string
  message: string
  constructorName: string | undefined
  tag: unknown
  error: unknown
  errorDescription: unknown
  isOPError: boolean
  /** Own enumerable primitive fields (e.g. `reason`, `detail`, `operation`, `status`). */
  fields: Record<string, string | number | boolean>
}

interface AppConfig {
  /** Run `processCallback()` when a page of the app loads (default true). */
  processOnLoad?: boolean
  /** Give the client a `userSchema` wanting a verified email as a number of seconds `updated_at` (typed custom claims). */
  verifiedUsers?: boolean
}

/** The app's own claims of a `verifiedUsers` client. */
const VerifiedUser = Schema.Struct({ email_verified: Schema.Literal(true), updated_at: Schema.Number })

/** The client for `options`, with the `userSchema` that `config` asks for. */
const construct = (options: ClientOptions, config: AppConfig): Client =>
  new sdk.MonoCloudWebJSClient(config.verifiedUsers === true ? { ...options, userSchema: VerifiedUser } : options)

declare global {
  interface Window {
    sdk: Sdk
    client: Client | undefined
    makeClient(options: ClientOptions, config?: AppConfig): Client
    describeError(e: unknown): DescribedError
    /** Outcome of the `processCallback()` run on load, if any. */
    callbackOutcome: { ok: true; value: unknown } | { ok: false; error: DescribedError } | undefined
    ready: boolean
  }
}

const STORAGE_KEY = "e2e:client"

const describeError = (e: unknown): DescribedError => {
  const o = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>
  return {
    name: typeof o.name === "string" ? o.name : typeof e,
    message: e instanceof Error ? e.message : String(e),
    constructorName: (o.constructor as { name?: string } | undefined)?.name,
    tag: o._tag,
    error: o.error,
    errorDescription: o.errorDescription ?? o.error_description,
    isOPError: e instanceof sdk.MonoCloudOPError,
    fields: Object.fromEntries(
      Object.entries(o).filter((kv): kv is [string, string | number | boolean] =>
        ["string", "number", "boolean"].includes(typeof kv[1])
      )
    )
  }
}

const makeClient = (options: ClientOptions, config: AppConfig = {}): Client => {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ options, config }))
  window.client = construct(options, config)
  return window.client
}

const status = (text: string) => {
  const el = document.getElementById("status")
  if (el) el.textContent = text
}

const boot = async () => {
  const saved = sessionStorage.getItem(STORAGE_KEY)
  if (saved) {
    const { options, config } = JSON.parse(saved) as { options: ClientOptions; config: AppConfig }
    const client = (window.client = construct(options, config))
    if (config.processOnLoad !== false) {
      try {
        window.callbackOutcome = { ok: true, value: await client.processCallback() }
      } catch (e) {
        window.callbackOutcome = { ok: false, error: describeError(e) }
      }
    }
  }
  window.ready = true
  status(`ready${window.callbackOutcome ? ` (callback ${window.callbackOutcome.ok ? "ok" : "failed"})` : ""}`)
}

window.sdk = sdk
window.makeClient = makeClient
window.describeError = describeError
window.ready = false
void boot()

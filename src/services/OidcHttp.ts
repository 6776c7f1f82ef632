/**
 * The one narrow HTTP seam of the engine: send a GET or a form POST to an authorization-server
 * endpoint and get back status, headers and body text. The default layer is the browser's plain
 * `fetch` (no extra headers, so no CORS preflight; redirects are never followed); Effect users who
 * want their own client middleware use `OidcHttpClient.layer` over an `effect/http` `HttpClient`.
 * Every request has the configured time-out, and a timed-out or interrupted request is aborted.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type FetchFunction, MonoCloudConfig, type MonoCloudLogEntry } from "../MonoCloudConfig.js"
import { MonoCloudHttpError } from "../MonoCloudError.js"
import {
  type ExecuteRequest,
  logged,
  MAX_RESPONSE_LENGTH,
  type OidcRequest,
  type OidcResponse,
  withinSizeLimit
} from "../util/oidcRequest.js"
import { withTimeout } from "../util/timeout.js"

export type { ExecuteRequest, OidcEndpoint, OidcRequest, OidcResponse } from "../util/oidcRequest.js"
export { urlForErrors } from "../util/oidcRequest.js"

/**
 * The HTTP seam's service.
 *
 * @since 0.1.0
 * @category models
 */
export interface OidcHttpService {
  readonly execute: ExecuteRequest
}

/**
 * The HTTP seam's tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class OidcHttp extends Context.Service<OidcHttp, OidcHttpService>()("@monocloud/auth-web-js/OidcHttp") {}

/**
 * The `fetch` options of a request: a form body becomes `application/x-www-form-urlencoded`, and
 * redirects are returned as they are (RFC 9700 §4.14: a token request is never re-sent elsewhere).
 */
const requestInit = (request: OidcRequest, signal: AbortSignal): RequestInit => {
  const common = { redirect: "manual", signal } as const
  if (request.form === undefined)
    return { ...common, method: "GET", headers: { accept: "application/json", ...request.headers } }
  return {
    ...common,
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded", ...request.headers },
    body: new URLSearchParams(request.form.map(([name, value]) => [name, value])).toString()
  }
}

/** The response with its body read, refusing a body over the size limit (one announced as such is not read at all). */
const readResponse = (request: OidcRequest, response: Response): Effect.Effect<OidcResponse, MonoCloudHttpError> => {
  const answer = (body: string): OidcResponse => ({
    status: response.status,
    headers: Object.fromEntries([...response.headers].map(([name, value]) => [name.toLowerCase(), value])),
    body
  })
  if (Number(response.headers.get("content-length") ?? 0) > MAX_RESPONSE_LENGTH) {
    void response.body?.cancel().catch(() => undefined)
    return Effect.fail(MonoCloudHttpError.of("TooLarge", request, { status: response.status }))
  }
  return Effect.tryPromise({
    try: () => response.text(),
    catch: (cause) => MonoCloudHttpError.of("Transport", request, { cause })
  }).pipe(Effect.flatMap((body) => withinSizeLimit(request, answer(body))))
}

/**
 * Builds the seam from a `fetch` function and a time-out in milliseconds.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  fetchFunction: FetchFunction,
  timeoutMillis: number,
  log: (entry: MonoCloudLogEntry) => void = () => undefined
): OidcHttpService => ({
  execute: logged(
    (request) =>
      Effect.tryPromise({
        try: (signal) => fetchFunction(request.url, requestInit(request, signal)),
        catch: (cause) => MonoCloudHttpError.of("Transport", request, { cause })
      }).pipe(
        Effect.flatMap((response) => readResponse(request, response)),
        withTimeout("http", timeoutMillis)
      ),
    log
  )
})

const globalFetch: FetchFunction = (input, init) => globalThis.fetch(input, init)

/**
 * The seam over `fetch` (the global one unless another is given, read when a request is sent).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFetch = (fetchFunction: FetchFunction = globalFetch): Layer.Layer<OidcHttp, never, MonoCloudConfig> =>
  Layer.effect(
    OidcHttp,
    Effect.map(MonoCloudConfig, (config) => make(fetchFunction, config.httpTimeoutMillis, config.log))
  )

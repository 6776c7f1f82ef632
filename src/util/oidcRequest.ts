/**
 * What a request to an authorization-server endpoint is and what comes back, independent of how
 * it is sent (the `OidcHttp` service sends it).
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { MonoCloudLogEntry } from "./logEntry.js"
import { spanned, Tracing } from "./tracing.js"
import { MonoCloudHttpError, type MonoCloudTimeoutError, type OidcEndpoint, urlForErrors } from "../MonoCloudError.js"

export { type OidcEndpoint, urlForErrors } from "../MonoCloudError.js"

/**
 * A request to an endpoint: a GET, or a POST of an `application/x-www-form-urlencoded` body.
 *
 * @since 0.1.0
 * @category models
 */
export interface OidcRequest {
  readonly endpoint: OidcEndpoint
  readonly url: string
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** When present the request is a form POST; array values repeat the parameter. */
  readonly form?: ReadonlyArray<readonly [string, string]> | undefined
}

/**
 * What came back: status, lower-cased headers and the body as text.
 *
 * @since 0.1.0
 * @category models
 */
export interface OidcResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * Sends a request and returns the response, whatever its status.
 *
 * @since 0.1.0
 * @category models
 */
export type ExecuteRequest = (
  request: OidcRequest
) => Effect.Effect<OidcResponse, MonoCloudHttpError | MonoCloudTimeoutError>

/**
 * `execute` that reports each round trip to `log` (endpoint, method, URL without query or
 * fragment, status or the error's message, and how long it took) and runs it in a span
 * `MonoCloud.http` when spans are on; never headers or bodies, which carry tokens. Both HTTP
 * layers go through this.
 *
 * @since 0.1.0
 * @category combinators
 */
export const logged =
  (execute: ExecuteRequest, log: (entry: MonoCloudLogEntry) => void): ExecuteRequest =>
  (request) =>
    Effect.flatMap(Clock.currentTimeMillis, (started) => {
      const report = (outcome: { readonly status?: number; readonly error?: string }) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() =>
            log({
              event: "request",
              endpoint: request.endpoint,
              method: request.form === undefined ? "GET" : "POST",
              url: urlForErrors(request.url),
              ...outcome,
              millis: now - started
            })
          )
        )
      return execute(request).pipe(
        Effect.tap((response) =>
          Effect.andThen(
            Effect.flatMap(Tracing, (tracing) => tracing.annotate("http.response.status_code", response.status)),
            report({ status: response.status })
          )
        ),
        Effect.tapError((error) => report({ error: error.message }))
      )
    }).pipe(
      spanned("MonoCloud.http", {
        "monocloud.endpoint": request.endpoint,
        "http.request.method": request.form === undefined ? "GET" : "POST",
        "url.full": urlForErrors(request.url)
      })
    )

/**
 * The largest response body the SDK reads, in UTF-16 code units (1 MB of ASCII): far above any
 * discovery document, key set, token or UserInfo answer, and small enough that a hostile answer
 * cannot fill the app's storage.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_RESPONSE_LENGTH = 1_000_000

/**
 * The response for `request`, or a `MonoCloudHttpError` (reason `TooLarge`) when its body is over
 * {@link MAX_RESPONSE_LENGTH}.
 *
 * @since 0.1.0
 * @category utils
 */
export const withinSizeLimit = (
  request: OidcRequest,
  response: OidcResponse
): Effect.Effect<OidcResponse, MonoCloudHttpError> =>
  response.body.length <= MAX_RESPONSE_LENGTH
    ? Effect.succeed(response)
    : Effect.fail(MonoCloudHttpError.of("TooLarge", request, { status: response.status }))

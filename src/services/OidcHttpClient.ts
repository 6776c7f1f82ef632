/**
 * The HTTP seam over an `effect/http` `HttpClient`, for Effect apps that want their own client
 * middleware (logging, tracing, retries, a proxy) on the SDK's requests too. The promise client
 * never loads this module.
 *
 * @example
 * import * as Layer from "effect/Layer"
 * import * as FetchHttpClient from "effect/http/FetchHttpClient"
 * import * as HttpClient from "effect/http/HttpClient"
 * import * as MonoCloud from "@monocloud/auth-web-js/effect"
 *
 * const http = MonoCloud.OidcHttpClient.layer.pipe(
 *   Layer.provide(FetchHttpClient.layer),
 *   // the b3/traceparent headers would make every cross-origin call need a CORS preflight
 *   Layer.provide(Layer.succeed(HttpClient.TracerPropagationEnabled, false)),
 *   Layer.provide(Layer.succeed(FetchHttpClient.RequestInit, { redirect: "manual" }))
 * )
 * const layer = MonoCloud.layerWith(options, Layer.merge(MonoCloud.layerBrowser(), http))
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import { MonoCloudConfig, type MonoCloudLogEntry } from "../MonoCloudConfig.js"
import { MonoCloudHttpError } from "../MonoCloudError.js"
import { logged, type OidcRequest, withinSizeLimit } from "../util/oidcRequest.js"
import { withTimeout } from "../util/timeout.js"
import { OidcHttp, type OidcHttpService } from "./OidcHttp.js"

const toClientRequest = (request: OidcRequest): HttpClientRequest.HttpClientRequest => {
  const base =
    request.form === undefined
      ? HttpClientRequest.get(request.url)
      : HttpClientRequest.post(request.url).pipe(HttpClientRequest.bodyUrlParams(request.form))
  return HttpClientRequest.setHeaders(base, { accept: "application/json", ...request.headers })
}

/**
 * Builds the seam from an `HttpClient` and a time-out in milliseconds. The client's own status
 * policy should let every status through: the SDK reads OAuth error bodies of 4xx answers itself.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  client: HttpClient.HttpClient,
  timeoutMillis: number,
  log: (entry: MonoCloudLogEntry) => void = () => undefined
): OidcHttpService => ({
  execute: logged(
    (request) =>
      client.execute(toClientRequest(request)).pipe(
        Effect.flatMap((response) =>
          Effect.map(response.text, (body) => ({
            status: response.status,
            headers: Object.fromEntries(Object.entries(response.headers)),
            body
          }))
        ),
        // The client error holds the request, form body (tokens) included: keep only its cause.
        Effect.mapError((error) => MonoCloudHttpError.of("Transport", request, { cause: error.cause })),
        Effect.flatMap((response) => withinSizeLimit(request, response)),
        withTimeout("http", timeoutMillis)
      ),
    log
  )
})

/**
 * The seam over whatever `HttpClient` is provided, with the configured `httpTimeout`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<OidcHttp, never, HttpClient.HttpClient | MonoCloudConfig> = Layer.effect(
  OidcHttp,
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    return make(yield* HttpClient.HttpClient, config.httpTimeoutMillis, config.log)
  })
)

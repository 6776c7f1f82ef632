/**
 * The one narrow HTTP seam of the engine: send a GET or a form POST to an authorization-server
 * endpoint and get back status, headers and body text. The default layer runs over
 * `@effect/platform`'s `HttpClient`; a leaner implementation can replace it behind the same tag.
 * Every request has the configured time-out.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudHttpError, type MonoCloudTimeoutError } from "../MonoCloudError.js"
import { withTimeout } from "../internal/timeout.js"

/**
 * The endpoints the SDK calls.
 *
 * @since 0.1.0
 * @category models
 */
export type OidcEndpoint = "discovery" | "jwks" | "token" | "userinfo" | "revocation"

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
 * The HTTP seam's service.
 *
 * @since 0.1.0
 * @category models
 */
export interface OidcHttpService {
  readonly execute: (request: OidcRequest) => Effect.Effect<OidcResponse, MonoCloudHttpError | MonoCloudTimeoutError>
}

/**
 * The HTTP seam's tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class OidcHttp extends Context.Tag("@monocloud/auth-web-js/OidcHttp")<OidcHttp, OidcHttpService>() {}

/**
 * The URL without query or fragment, safe for error messages.
 *
 * @since 0.1.0
 * @category utils
 */
export const urlForErrors = (url: string): string => url.split(/[?#]/, 1)[0] ?? ""

const toPlatformRequest = (request: OidcRequest) => {
  const base = request.form === undefined
    ? HttpClientRequest.get(request.url)
    : HttpClientRequest.post(request.url).pipe(HttpClientRequest.bodyUrlParams(request.form))
  return base.pipe(
    HttpClientRequest.setHeaders({ accept: "application/json", ...request.headers })
  )
}

/**
 * Builds the seam from an `HttpClient` and a time-out in milliseconds.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (client: HttpClient.HttpClient, timeoutMillis: number): OidcHttpService => ({
  execute: (request) =>
    client.execute(toPlatformRequest(request)).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.text, (body) => ({ status: response.status, headers: response.headers, body }))
      ),
      Effect.scoped,
      // Keep only the underlying network error: the platform error holds the request, form body included.
      Effect.mapError((error) =>
        new MonoCloudHttpError({
          reason: "Transport",
          endpoint: request.endpoint,
          url: urlForErrors(request.url),
          cause: error.cause
        })
      ),
      withTimeout("http", timeoutMillis)
    )
})

/**
 * The seam over whatever `HttpClient` is provided.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<OidcHttp, never, HttpClient.HttpClient | MonoCloudConfig> = Layer.effect(
  OidcHttp,
  Effect.gen(function*() {
    const config = yield* MonoCloudConfig
    const client = yield* HttpClient.HttpClient
    return make(client, config.httpTimeoutMillis)
  })
)

/**
 * The seam over the browser's `fetch` (through `@effect/platform`'s `FetchHttpClient`). Tests can
 * keep this whole pipeline and swap only the wire by providing `FetchHttpClient.Fetch`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFetch: Layer.Layer<OidcHttp, never, MonoCloudConfig> = layer.pipe(
  Layer.provide(FetchHttpClient.layer)
)

/**
 * What a request to an authorization-server endpoint is and what comes back, independent of how
 * it is sent (the `OidcHttp` service sends it).
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type { MonoCloudHttpError, MonoCloudTimeoutError } from "../MonoCloudError.js"

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
 * Sends a request and returns the response, whatever its status.
 *
 * @since 0.1.0
 * @category models
 */
export type ExecuteRequest = (
  request: OidcRequest
) => Effect.Effect<OidcResponse, MonoCloudHttpError | MonoCloudTimeoutError>

/**
 * The URL without query or fragment, safe for error messages.
 *
 * @since 0.1.0
 * @category utils
 */
export const urlForErrors = (url: string): string => url.split(/[?#]/, 1)[0] ?? ""

/**
 * The single translation of an endpoint response into a decoded document or an SDK error:
 * the expected status with a valid body decodes; an OAuth error body from an endpoint that defines
 * one (or UserInfo's `WWW-Authenticate` challenge) becomes `MonoCloudOPError`; anything else is a
 * `MonoCloudHttpError`.
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { MonoCloudHttpError, MonoCloudOPError, type MonoCloudTimeoutError } from "../MonoCloudError.js"
import type { ExecuteRequest, OidcRequest, OidcResponse } from "./oidcRequest.js"
import { OAuthErrorBody } from "../schemas/TokenResponse.js"
import { parseChallenge } from "./bearerChallenge.js"

/**
 * The endpoints whose error answers are OAuth error bodies: token (RFC 6749 §5.2, which may also
 * send a `WWW-Authenticate` challenge), revocation (RFC 7009 §2.2.1) and pushed authorization
 * requests (RFC 9126 §2.3). UserInfo says no in a `WWW-Authenticate` challenge only (RFC 6750 §3);
 * discovery and the key set define no error format.
 */
const ERROR_BODY_ENDPOINTS: ReadonlySet<OidcRequest["endpoint"]> = new Set(["token", "revocation", "par"])

const decodeOAuthError = Schema.decodeUnknownResult(Schema.fromJsonString(OAuthErrorBody))

/**
 * Decodes the body of a response that should have `expectedStatus`, or maps it to the SDK error
 * that says what went wrong.
 */
export const decodeEndpointResponse = <A>(
  request: OidcRequest,
  response: OidcResponse,
  schema: Schema.Decoder<A>,
  expectedStatus = 200
): Effect.Effect<A, MonoCloudOPError | MonoCloudHttpError> => {
  if (response.status === expectedStatus) {
    return Schema.decodeUnknownEffect(Schema.fromJsonString(schema))(response.body).pipe(
      // No cause: the schema's report quotes the body, and a body that fails to decode may still hold tokens.
      Effect.mapError(() => MonoCloudHttpError.of("Decode", request, { status: response.status }))
    )
  }
  if (response.status >= 400 && response.status < 500) {
    const body = ERROR_BODY_ENDPOINTS.has(request.endpoint) ? decodeOAuthError(response.body) : undefined
    if (body !== undefined && Result.isSuccess(body)) {
      return Effect.fail(
        MonoCloudOPError.fromParameters(body.success, { endpoint: request.endpoint, status: response.status })
      )
    }
    const challenge =
      request.endpoint === "userinfo" || ERROR_BODY_ENDPOINTS.has(request.endpoint)
        ? parseChallenge(response.headers["www-authenticate"])
        : undefined
    if (challenge !== undefined) {
      return Effect.fail(
        MonoCloudOPError.fromParameters(challenge, { endpoint: request.endpoint, status: response.status })
      )
    }
  }
  return Effect.fail(MonoCloudHttpError.of("StatusCode", request, { status: response.status }))
}

/** Sends a request through the HTTP seam and decodes its response with {@link decodeEndpointResponse}. */
export const requestDocument = <A>(
  http: { readonly execute: ExecuteRequest },
  request: OidcRequest,
  schema: Schema.Decoder<A>,
  expectedStatus = 200
): Effect.Effect<A, MonoCloudOPError | MonoCloudHttpError | MonoCloudTimeoutError> =>
  Effect.flatMap(http.execute(request), (response) => decodeEndpointResponse(request, response, schema, expectedStatus))

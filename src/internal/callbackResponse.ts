/**
 * Reads an authorization response from the callback URL (RFC 6749 §4.1.2) and checks it against
 * its transaction: `state` must match, `iss` must be the issuer (RFC 9207), an `error` becomes a
 * `MonoCloudOPError`, and tokens in the URL (implicit flow) are refused.
 */
import * as Effect from "effect/Effect"
import { MonoCloudOPError, MonoCloudValidationError } from "../MonoCloudError.js"
import type { DiscoveryMetadata } from "../schemas/DiscoveryMetadata.js"
import { urlBase } from "../util/strings.js"
import { callbackParams } from "../util/callbackParams.js"
import { requestObjectRefusal } from "./requestObject.js"

export { callbackParams, callbackState } from "../util/callbackParams.js"

const invalid = (reason: "callbackUrl" | "state" | "issuer" | "callbackResponse", detail: string) =>
  new MonoCloudValidationError({ reason, detail })

/** Checks an authorization response and returns its `code`. */
export const authorizationCode = (
  url: string,
  expected: { readonly state: string; readonly redirectUri: string; readonly issuer: string },
  metadata: DiscoveryMetadata
): Effect.Effect<string, MonoCloudValidationError | MonoCloudOPError> =>
  Effect.suspend((): Effect.Effect<string, MonoCloudValidationError | MonoCloudOPError> => {
    if (urlBase(url) !== urlBase(expected.redirectUri)) {
      return Effect.fail(invalid("callbackUrl", "The callback arrived at an unexpected URL"))
    }
    const params = callbackParams(url)
    const repeated = ["state", "code", "iss", "error"].find((name) => params.getAll(name).length > 1)
    if (repeated !== undefined) {
      return Effect.fail(invalid("callbackResponse", `The authorization response repeats the ${repeated} parameter`))
    }
    if (params.get("state") !== expected.state) {
      return Effect.fail(invalid("state", "The callback state does not match the pending sign-in"))
    }
    const iss = params.get("iss")
    if (iss !== null ? iss !== expected.issuer : metadata.authorization_response_iss_parameter_supported === true) {
      return Effect.fail(invalid("issuer", "The authorization response comes from an unexpected issuer"))
    }
    const error = params.get("error")
    if (error !== null) {
      return Effect.fail(
        requestObjectRefusal(
          new MonoCloudOPError({
            error,
            errorDescription: params.get("error_description") ?? undefined,
            errorUri: params.get("error_uri") ?? undefined
          })
        )
      )
    }
    if (params.has("access_token") || params.has("id_token")) {
      return Effect.fail(invalid("callbackResponse", "Tokens in the callback URL are refused (implicit flow)"))
    }
    const code = params.get("code")
    return code === null || code === ""
      ? Effect.fail(invalid("callbackResponse", "The authorization response has no code"))
      : Effect.succeed(code)
  })

/**
 * The entries of the SDK's debug log (the `logger` and `debug` options).
 *
 * @since 0.1.0
 */
import type { MonoCloudError, OidcEndpoint } from "../MonoCloudError.js"

/**
 * What the SDK reports to the `logger` option at the steps worth knowing when something goes
 * wrong: each provider round trip (`request`), a refresh skipped because the token is fresh,
 * a wait for another tab's refresh, a failed silent sign-in and why, and a callback no flow of this
 * window waits for, handed on to the window that opened it (`callbackHandedOn`). Entries hold no
 * token, code, verifier, `state`, `nonce` or secret, and URLs without their query.
 *
 * @since 0.1.0
 * @category models
 */
export type MonoCloudLogEntry =
  | {
      readonly event: "request"
      readonly endpoint: OidcEndpoint
      readonly method: "GET" | "POST"
      readonly url: string
      /** The HTTP status, when an answer came. */
      readonly status?: number | undefined
      /** The SDK error's message, when the request failed. */
      readonly error?: string | undefined
      readonly millis: number
    }
  | {
      readonly event: "refreshSkipped"
      /** `fresh`: the token is not about to expire; `refreshedElsewhere`: it was renewed while this call waited for the lock. */
      readonly reason: "fresh" | "refreshedElsewhere"
    }
  | { readonly event: "lockWaited"; readonly millis: number }
  | {
      readonly event: "silentFailed"
      readonly error: MonoCloudError["_tag"]
      /** The OAuth `error`, the `reason`, or what timed out (`operation`), of the error. */
      readonly reason: string
    }
  | { readonly event: "callbackHandedOn" }

/** What an SDK error says went wrong in one word: its OAuth `error`, its `reason`, or what timed out. */
export const reasonOf = (error: MonoCloudError): string => {
  switch (error._tag) {
    case "MonoCloudOPError":
      return error.error
    case "MonoCloudNotSignedInError":
      return "notSignedIn"
    case "MonoCloudTimeoutError":
      return error.operation
    default:
      return error.reason
  }
}

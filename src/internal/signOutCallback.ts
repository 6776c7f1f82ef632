/**
 * Checks the provider's return after RP-initiated logout: it must arrive at the sign-out
 * redirect URI with the `state` that was sent.
 */
import * as Effect from "effect/Effect"
import { MonoCloudValidationError } from "../MonoCloudError.js"
import type { AuthTransaction } from "../schemas/Session.js"
import { callbackState } from "../util/callbackParams.js"
import { urlBase } from "../util/strings.js"

/** Fails unless `url` is the sign-out callback for `transaction`. */
export const verifySignOutCallback = (url: string, transaction: AuthTransaction) =>
  urlBase(url) !== urlBase(transaction.redirectUri)
    ? Effect.fail(
        new MonoCloudValidationError({
          reason: "callbackUrl",
          detail: "The sign-out callback arrived at an unexpected URL"
        })
      )
    : callbackState(url) !== transaction.state
      ? Effect.fail(
          new MonoCloudValidationError({ reason: "state", detail: "The sign-out callback state does not match" })
        )
      : Effect.void

/**
 * The one code → tokens → verified session → stored pipeline, shared by the redirect callback,
 * the popup and the silent iframe. Nothing is stored unless every step succeeds.
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudStorageError, MonoCloudValidationError } from "../MonoCloudError.js"
import type { AuthTransaction, CallbackState, MonoCloudSession } from "../schemas/Session.js"
import { Discovery } from "../services/Discovery.js"
import { SessionBroadcast } from "../services/SessionBroadcast.js"
import { SessionStore } from "../services/SessionStore.js"
import { authorizationCode } from "./callbackResponse.js"
import { sessionFromCodeExchange } from "./sessionFromTokens.js"
import { exchangeCode } from "./tokenRequests.js"

/** What a silent sign-in started from: its answer is stored only over that session. */
export interface SilentStart {
  /** The stored session when the sign-in started (`undefined`: none). */
  readonly previous: MonoCloudSession | undefined
  /** Accept an answer for another user than `previous`'s. */
  readonly allowUserSwitch: boolean
}

/**
 * Completes a sign-in from its callback URL and stores the new session. With `silent`, an answer
 * for another user than the stored one is refused (unless switching is allowed), and the session
 * is stored only if the stored one did not change meanwhile; otherwise nothing is stored.
 */
export const completeSignIn = (callbackUrl: string, transaction: AuthTransaction, silent?: SilentStart) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const metadata = yield* (yield* Discovery).metadata
    if (transaction.codeVerifier === undefined) {
      // A sign-in transaction the SDK wrote always has one.
      return yield* Effect.fail(MonoCloudStorageError.corrupt(config.transactionKeyPrefix + transaction.state))
    }
    const code = yield* authorizationCode(
      callbackUrl,
      { state: transaction.state, redirectUri: transaction.redirectUri, issuer: config.issuer },
      metadata
    )
    const tokens = yield* exchangeCode({
      code,
      codeVerifier: transaction.codeVerifier,
      redirectUri: transaction.redirectUri,
      resource: transaction.resource
    })
    const session = yield* sessionFromCodeExchange(tokens, transaction)
    const previous = silent?.previous
    if (previous !== undefined && silent?.allowUserSwitch === false && session.user.sub !== previous.user.sub) {
      return yield* Effect.fail(
        new MonoCloudValidationError({
          reason: "subject",
          detail: "The provider signed in another user than the one of the stored session"
        })
      )
    }
    const store = yield* SessionStore
    yield* silent === undefined ? store.set(session) : store.replace(previous, session)
    yield* (yield* SessionBroadcast).publish({ type: "signedIn" })
    return session
  })

/** What `postCallback` is told about a finished transaction. */
export const callbackStateOf = (transaction: AuthTransaction): CallbackState => ({
  signOut: transaction.kind === "signOut",
  mode: transaction.mode,
  state: transaction.state,
  returnUrl: transaction.returnUrl,
  appState: transaction.appState,
  scopes: transaction.scopes,
  resource: transaction.resource,
  maxAge: transaction.maxAge
})

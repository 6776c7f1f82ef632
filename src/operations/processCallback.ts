/**
 * `processCallback`: completes whatever flow brought the browser back to this page.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { CALLBACK_MESSAGE_SOURCE, type CallbackMessage } from "../callbackMessage.js"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import type { AuthTransaction } from "../schemas/Session.js"
import { MonoCloudValidationError } from "../MonoCloudError.js"
import { callbackState } from "../util/callbackParams.js"
import { callbackStateOf, completeSignIn } from "../internal/completeSignIn.js"
import { runPostCallback } from "../internal/postCallback.js"
import { verifySignOutCallback } from "../internal/signOutCallback.js"
import { urlBase } from "../util/strings.js"
import { Navigation } from "../services/Navigation.js"
import { TransactionStore } from "../services/TransactionStore.js"
import type { OidcHttp } from "../services/OidcHttp.js"
import type { Discovery } from "../services/Discovery.js"
import type { SessionBroadcast } from "../services/SessionBroadcast.js"
import type { SessionStore } from "../services/SessionStore.js"
import type { Crypto } from "../services/Crypto.js"
import type {
  Because,
  MonoCloudJsError,
  MonoCloudRequestError,
  MonoCloudStorageError,
  MonoCloudTokenError,
  MonoCloudUsageError
} from "../MonoCloudError.js"
import { spanned } from "../util/tracing.js"

/** How long a redirect sign-in or sign-out may take between leaving the app and coming back. */
const TRANSACTION_LIFETIME_MILLIS = 60 * 60 * 1000

/** What an authorization or logout response may carry, tokens of an implicit-style answer included. */
const RESPONSE_PARAMETERS = [
  "code",
  "state",
  "iss",
  "error",
  "error_description",
  "error_uri",
  "session_state",
  "access_token",
  "id_token",
  "refresh_token",
  "token_type",
  "expires_in"
]

/** True when the URL's query or fragment holds any authorization-response parameter. */
const hasResponseParameters = (url: string): boolean => {
  const parsed = new URL(url)
  const fragment = new URLSearchParams(parsed.hash.replace(/^#/, ""))
  return RESPONSE_PARAMETERS.some((name) => parsed.searchParams.has(name) || fragment.has(name))
}

/** The URL without the authorization-response parameters (query and fragment). */
const withoutResponseParameters = (url: string): string => {
  const parsed = new URL(url)
  for (const name of RESPONSE_PARAMETERS) parsed.searchParams.delete(name)
  const fragment = new URLSearchParams(parsed.hash.replace(/^#/, ""))
  if (RESPONSE_PARAMETERS.some((name) => fragment.has(name))) parsed.hash = ""
  return parsed.href
}

/**
 * What `processCallback` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type ProcessCallbackError =
  | MonoCloudRequestError
  | MonoCloudTokenError
  | MonoCloudJsError
  | MonoCloudStorageError
  | Because<MonoCloudUsageError, "returnUrl" | "onSessionCreating">

/**
 * The services `processCallback` needs; `MonoCloud.layer(options)` provides them all.
 *
 * @since 0.1.0
 * @category models
 */
export type ProcessCallbackRequirements =
  Crypto | MonoCloudConfig | OidcHttp | Discovery | Navigation | SessionBroadcast | SessionStore | TransactionStore

/**
 * Completes the pending sign-in or sign-out when this page is its callback (its `state` names a
 * transaction of this tab, less than an hour old): strips the response from the address bar,
 * exchanges the code (or checks the sign-out), stores the session and runs `postCallback` or goes
 * to the `returnUrl`. Does nothing on any other page and when called again. A callback that is not
 * this window's own is announced on the callback channel of its `state` (a `BroadcastChannel`, so a
 * popup the provider's Cross-Origin-Opener-Policy cut off from its opener still delivers it, and
 * closes itself once the opener confirms) and, inside a popup or an iframe, also handed to the
 * opener or parent with a `postMessage` restricted to the app's origin.
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc9207 | RFC 9207} (the `iss` parameter)
 * @see {@link https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation | OpenID Connect Core §3.1.3.7} (ID token validation)
 * @see {@link https://www.rfc-editor.org/rfc/rfc9700 | RFC 9700} (no code or token left in the address bar)
 * @since 0.1.0
 * @category operations
 */
export const processCallback: Effect.Effect<void, ProcessCallbackError, ProcessCallbackRequirements> = Effect.gen(
  function* () {
    const config = yield* MonoCloudConfig
    const navigation = yield* Navigation
    const url = yield* navigation.currentUrl
    const state = callbackState(url)
    const transaction =
      state === undefined ? Option.none<AuthTransaction>() : yield* (yield* TransactionStore).take(state)
    if (Option.isNone(transaction)) {
      const callbackBases = [config.redirectUri, config.silentRedirectUri, config.postLogoutRedirectUri].map(urlBase)
      if (!callbackBases.includes(urlBase(url)) || !hasResponseParameters(url)) return
      // A popup's or frame's flow lives in its opener or parent: forward a callback for it there.
      // A tab with an opener that started its own redirect sign-in found its transaction above.
      // The callback is also announced on its state's channel: a popup the provider's
      // Cross-Origin-Opener-Policy cut off has no opener any more and looks like a main window.
      config.log({ event: "callbackHandedOn" })
      const message: CallbackMessage = { source: CALLBACK_MESSAGE_SOURCE, url }
      if (state !== undefined) yield* navigation.announceCallback(message, state)
      if ((yield* navigation.windowRole) !== "top") {
        yield* navigation.postToOwner(message, config.appOrigin)
        return
      }
      // An answer nobody here waits for (no state, or one already used or never issued): there is
      // nothing to complete, but whatever it carried leaves the address bar.
      return yield* navigation.replaceUrl(withoutResponseParameters(url))
    }
    yield* navigation.replaceUrl(withoutResponseParameters(url))
    if ((yield* Clock.currentTimeMillis) - transaction.value.createdAt > TRANSACTION_LIFETIME_MILLIS) {
      return yield* Effect.fail(
        new MonoCloudValidationError({
          reason: "state",
          detail: "The pending sign-in or sign-out has expired: start it again"
        })
      )
    }
    if (transaction.value.kind === "signIn") {
      yield* completeSignIn(url, transaction.value)
    } else {
      yield* verifySignOutCallback(url, transaction.value)
    }
    yield* runPostCallback(callbackStateOf(transaction.value))
  }
).pipe(spanned("MonoCloud.processCallback"))

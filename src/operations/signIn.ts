/**
 * `signIn`: starts an interactive sign-in, by full-page redirect or in a popup.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudJsError } from "../MonoCloudError.js"
import type { ApplicationState, InteractionMode, MonoCloudSession } from "../schemas/Session.js"
import { type AuthorizationParams, buildAuthorizationRequest } from "../internal/authorizationRequest.js"
import { callbackStateOf, completeSignIn } from "../internal/completeSignIn.js"
import { runPostCallback } from "../internal/postCallback.js"
import { checkAppUrl } from "../internal/returnUrl.js"
import { Navigation } from "../services/Navigation.js"
import { closeOnFailure, PopupTransport } from "../services/PopupWindow.js"
import { TransactionStore } from "../services/TransactionStore.js"
import type { Crypto } from "../services/Crypto.js"
import type { OidcHttp } from "../services/OidcHttp.js"
import type { Discovery } from "../services/Discovery.js"
import type { SessionBroadcast } from "../services/SessionBroadcast.js"
import type { SessionStore } from "../services/SessionStore.js"
import type {
  Because,
  MonoCloudRequestError,
  MonoCloudStorageError,
  MonoCloudTokenError,
  MonoCloudUsageError
} from "../MonoCloudError.js"
import { spanned } from "../util/tracing.js"

/**
 * Options of `signIn`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignInOptions extends AuthorizationParams {
  /** `redirect` (default) navigates this page; `popup` signs in in a popup window. */
  readonly mode?: InteractionMode | undefined
  /** Asks the provider for its sign-up page (`prompt=create`); wins over `prompt`. */
  readonly signUp?: boolean | undefined
  /** Same-origin URL to open after a redirect sign-in. */
  readonly returnUrl?: string | undefined
  /** JSON-serialisable data handed to `onSessionCreating` and `postCallback`. */
  readonly appState?: ApplicationState | undefined
  /** A popup already opened by the app (popup mode); otherwise one is opened now. */
  readonly popup?: Window | null | undefined
}

const authorizationParams = (options: SignInOptions): AuthorizationParams => ({
  ...options,
  prompt: options.signUp === true ? "create" : options.prompt
})

const redirectSignIn = (options: SignInOptions) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const navigation = yield* Navigation
    if ((yield* navigation.windowRole) === "iframe") {
      return yield* Effect.fail(
        new MonoCloudJsError({
          reason: "RedirectInFrame",
          detail: "Cannot start a redirect sign-in from inside an iframe"
        })
      )
    }
    // Without a page to navigate (server-side rendering) fail before any request is sent.
    yield* navigation.currentUrl
    const returnUrl = yield* checkAppUrl(options.returnUrl)
    const request = yield* buildAuthorizationRequest(authorizationParams(options), {
      mode: "redirect",
      redirectUri: config.redirectUri,
      returnUrl,
      appState: options.appState
    })
    yield* (yield* TransactionStore).save(request.transaction)
    yield* navigation.assign(request.url)
    return undefined
  })

const popupSignIn = (options: SignInOptions) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const popup = yield* (yield* PopupTransport).openUnlessGiven(options.popup, {
      width: config.popupWindowWidth,
      height: config.popupWindowHeight
    })
    return yield* Effect.gen(function* () {
      const request = yield* buildAuthorizationRequest(authorizationParams(options), {
        mode: "popup",
        redirectUri: config.redirectUri,
        appState: options.appState
      })
      const callbackUrl = yield* (yield* PopupTransport).run({
        popup,
        url: request.url,
        state: request.transaction.state,
        redirectUri: config.redirectUri,
        appOrigin: config.appOrigin,
        timeoutMillis: config.authWindowTimeoutMillis
      })
      const session = yield* completeSignIn(callbackUrl, request.transaction)
      yield* runPostCallback(callbackStateOf(request.transaction))
      return session
    }).pipe(closeOnFailure(popup))
  })

/**
 * What `signIn` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type SignInError =
  | MonoCloudRequestError
  | MonoCloudTokenError
  | MonoCloudJsError
  | MonoCloudStorageError
  | Because<MonoCloudUsageError, "returnUrl" | "onSessionCreating">

/**
 * The services `signIn` needs; `MonoCloud.layer(options)` provides them all.
 *
 * @since 0.1.0
 * @category models
 */
export type SignInRequirements =
  | MonoCloudConfig
  | Crypto
  | OidcHttp
  | Discovery
  | Navigation
  | PopupTransport
  | SessionBroadcast
  | SessionStore
  | TransactionStore

/**
 * Signs the user in. Redirect mode stores the transaction (keyed by its `state`) and navigates
 * away; popup mode resolves with the new session once the popup's callback was processed.
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc6749#section-4.1 | RFC 6749 §4.1} (authorization code grant)
 * @see {@link https://www.rfc-editor.org/rfc/rfc7636 | RFC 7636} (PKCE)
 * @see {@link https://www.rfc-editor.org/rfc/rfc9700 | RFC 9700} (OAuth 2.0 security best current practice)
 * @since 0.1.0
 * @category operations
 */
export const signIn: (
  options?: SignInOptions
) => Effect.Effect<MonoCloudSession | undefined, SignInError, SignInRequirements> = (options = {}) =>
  Effect.gen(function* () {
    return options.mode === "popup" ? yield* popupSignIn(options) : yield* redirectSignIn(options)
  }).pipe(spanned("MonoCloud.signIn", { "monocloud.mode": options.mode ?? "redirect" }))

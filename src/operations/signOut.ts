/**
 * `signOut`: ends the local session and, federated, the provider session (RP-initiated logout).
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudJsError, MonoCloudValidationError } from "../MonoCloudError.js"
import type { AuthTransaction, InteractionMode, MonoCloudSession } from "../schemas/Session.js"
import { callbackStateOf } from "../internal/completeSignIn.js"
import { runPostCallback } from "../internal/postCallback.js"
import { checkAppUrl } from "../internal/returnUrl.js"
import { verifySignOutCallback } from "../internal/signOutCallback.js"
import { removeTrailingSlash } from "../util/strings.js"
import { Crypto } from "../services/Crypto.js"
import { Discovery } from "../services/Discovery.js"
import { Navigation } from "../services/Navigation.js"
import { closeOnFailure, PopupTransport } from "../services/PopupWindow.js"
import { SessionBroadcast } from "../services/SessionBroadcast.js"
import { SessionStore } from "../services/SessionStore.js"
import { TransactionStore } from "../services/TransactionStore.js"
import type { Because, MonoCloudRequestError, MonoCloudStorageError, MonoCloudUsageError } from "../MonoCloudError.js"
import { spanned } from "../util/tracing.js"

/**
 * Options of `signOut`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignOutOptions {
  /** `redirect` (default) or `popup`. */
  readonly mode?: InteractionMode | undefined
  /** End the provider session too; overrides the client's `federatedSignOut`. */
  readonly federatedSignOut?: boolean | undefined
  /**
   * Where the provider sends the browser back; default `appUrl + signOutPath`. Must be on the
   * app's origin (a path is resolved against `appUrl`); another origin is refused before anything
   * is cleared.
   */
  readonly postLogoutRedirectUri?: string | undefined
  readonly idTokenHint?: string | undefined
  /** Same-origin URL to open after a redirect sign-out. */
  readonly returnUrl?: string | undefined
  /** A popup already opened by the app (popup mode). */
  readonly popup?: Window | null | undefined
}

/** Removes the stored session and tells the other tabs; returns the ID token it held, if any. */
const clearLocalSession = Effect.gen(function* () {
  const store = yield* SessionStore
  const stored = yield* store.get.pipe(Effect.orElseSucceed(() => Option.none<MonoCloudSession>()))
  yield* store.remove
  yield* (yield* SessionBroadcast).publish({ type: "signedOut" })
  return Option.getOrUndefined(stored)?.idToken
})

/**
 * Checks the return URL, clears the local session and builds the RP-initiated logout request
 * (OpenID Connect RP-Initiated Logout §2) with its transaction.
 */
const endSessionRequest = (options: SignOutOptions, mode: InteractionMode) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const returnUrl = yield* checkAppUrl(options.returnUrl)
    const postLogoutRedirectUri = yield* checkAppUrl(options.postLogoutRedirectUri, "postLogoutRedirectUri")
    const storedIdToken = yield* clearLocalSession
    const idToken = options.idTokenHint ?? storedIdToken
    const metadata = yield* (yield* Discovery).metadata
    if (metadata.end_session_endpoint === undefined) {
      return yield* Effect.fail(
        new MonoCloudValidationError({
          reason: "endpoint",
          detail: "The provider does not advertise an end_session endpoint"
        })
      )
    }
    const redirectUri = removeTrailingSlash(postLogoutRedirectUri ?? config.postLogoutRedirectUri)
    const transaction: AuthTransaction = {
      version: 1,
      kind: "signOut",
      mode,
      state: yield* (yield* Crypto).randomString(32),
      redirectUri,
      ...(returnUrl !== undefined ? { returnUrl } : {}),
      createdAt: yield* Clock.currentTimeMillis
    }
    const url = new URL(metadata.end_session_endpoint)
    url.searchParams.set("client_id", config.clientId)
    if (idToken !== undefined) url.searchParams.set("id_token_hint", idToken)
    url.searchParams.set("post_logout_redirect_uri", redirectUri)
    url.searchParams.set("state", transaction.state)
    return { url: url.href, transaction }
  })

/**
 * What `signOut` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type SignOutError =
  | MonoCloudRequestError
  | MonoCloudJsError
  | MonoCloudStorageError
  | Because<MonoCloudUsageError, "returnUrl" | "postLogoutRedirectUri">

/**
 * The services `signOut` needs; `MonoCloud.layer(options)` provides them all.
 *
 * @since 0.1.0
 * @category models
 */
export type SignOutRequirements =
  | MonoCloudConfig
  | Crypto
  | Discovery
  | Navigation
  | PopupTransport
  | SessionBroadcast
  | SessionStore
  | TransactionStore

/**
 * Removes the local session (first, so a cancelled provider logout never leaves the app signed
 * in), then, when federated, sends the user to the provider's end-session endpoint with
 * `id_token_hint`, `post_logout_redirect_uri` and a `state` that the callback must return. A
 * local-only sign-out goes to `returnUrl` when one is given.
 *
 * @see {@link https://openid.net/specs/openid-connect-rpinitiated-1_0.html | OpenID Connect RP-Initiated Logout 1.0}
 * @since 0.1.0
 * @category operations
 */
export const signOut: (options?: SignOutOptions) => Effect.Effect<void, SignOutError, SignOutRequirements> = (
  options = {}
) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const navigation = yield* Navigation
    const federated = options.federatedSignOut ?? config.federatedSignOut
    const mode = options.mode ?? "redirect"
    if (federated && mode === "redirect" && (yield* navigation.windowRole) === "iframe") {
      return yield* Effect.fail(
        new MonoCloudJsError({
          reason: "RedirectInFrame",
          detail: "Cannot start a redirect sign-out from inside an iframe"
        })
      )
    }
    if (!federated) {
      const returnUrl = yield* checkAppUrl(options.returnUrl)
      yield* clearLocalSession
      if (returnUrl !== undefined) yield* navigation.assign(returnUrl)
      return
    }
    if (mode === "redirect") {
      // Without a page to navigate (server-side rendering) fail before the session is cleared.
      yield* navigation.currentUrl
      const request = yield* endSessionRequest(options, mode)
      yield* (yield* TransactionStore).save(request.transaction)
      return yield* navigation.assign(request.url)
    }
    const popup = yield* (yield* PopupTransport).openUnlessGiven(options.popup, {
      width: config.popupWindowWidth,
      height: config.popupWindowHeight
    })
    yield* Effect.gen(function* () {
      const request = yield* endSessionRequest(options, mode)
      const callbackUrl = yield* (yield* PopupTransport).run({
        popup,
        url: request.url,
        state: request.transaction.state,
        redirectUri: request.transaction.redirectUri,
        appOrigin: config.appOrigin,
        timeoutMillis: config.authWindowTimeoutMillis
      })
      yield* verifySignOutCallback(callbackUrl, request.transaction)
      yield* runPostCallback(callbackStateOf(request.transaction))
    }).pipe(closeOnFailure(popup))
  }).pipe(spanned("MonoCloud.signOut", { "monocloud.mode": options.mode ?? "redirect" }))

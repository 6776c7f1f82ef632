/**
 * `signInSilent`: restores the session without user interaction through a hidden iframe
 * (`prompt=none`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import type { ApplicationState, MonoCloudSession } from "../schemas/Session.js"
import { buildAuthorizationRequest } from "../internal/authorizationRequest.js"
import { callbackStateOf, completeSignIn } from "../internal/completeSignIn.js"
import { InFlight } from "../services/InFlight.js"
import { Discovery } from "../services/Discovery.js"
import { SilentFrame } from "../services/SilentFrame.js"
import { reasonOf } from "../util/logEntry.js"
import { withTimeout } from "../util/timeout.js"
import type { Crypto } from "../services/Crypto.js"
import type { OidcHttp } from "../services/OidcHttp.js"
import type { SessionBroadcast } from "../services/SessionBroadcast.js"
import { SessionStore } from "../services/SessionStore.js"
import type {
  Because,
  MonoCloudError,
  MonoCloudJsError,
  MonoCloudNotSignedInError,
  MonoCloudOPError,
  MonoCloudRequestError,
  MonoCloudStorageError,
  MonoCloudTokenError,
  MonoCloudUsageError
} from "../MonoCloudError.js"
import { refreshStoredSession } from "../internal/refresh.js"
import type { RefreshLock } from "../services/RefreshLock.js"
import { spanned } from "../util/tracing.js"

/**
 * Options of `signInSilent`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignInSilentOptions {
  readonly maxAge?: number | undefined
  readonly loginHint?: string | undefined
  readonly acrValues?: ReadonlyArray<string> | undefined
  readonly scopes?: string | undefined
  readonly resource?: string | undefined
  readonly appState?: ApplicationState | undefined
  /** Sent as `id_token_hint`; default: the stored session's ID token. */
  readonly idTokenHint?: string | undefined
  /**
   * Accept an answer for another user than the stored session's and replace that session.
   * Default `false`: such an answer fails with `MonoCloudValidationError` (`subject`) and the
   * stored session is kept.
   */
  readonly allowUserSwitch?: boolean | undefined
  /**
   * When the provider answers `login_required` or `interaction_required` (as it does when the
   * browser keeps its cookie from the frame) and the stored session has a refresh token, restore
   * the session through the refresh grant instead. Default `false`: such an answer fails with
   * `MonoCloudOPError`. A refresh token the provider refuses (`invalid_grant`) fails with that error:
   * the user must sign in again (the stored session is kept, as after any refused refresh).
   */
  readonly fallBackToRefreshToken?: boolean | undefined
}

/**
 * What `signInSilent` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type SignInSilentError =
  | MonoCloudRequestError
  | MonoCloudTokenError
  | MonoCloudJsError
  | MonoCloudStorageError
  /** `refreshToken` and `MonoCloudNotSignedInError` with `fallBackToRefreshToken`, when another tab signs out or drops the refresh token meanwhile. */
  | Because<MonoCloudUsageError, "onSessionCreating" | "refreshToken">
  | MonoCloudNotSignedInError

/**
 * The services `signInSilent` needs; `MonoCloud.layer(options)` provides them all.
 *
 * @since 0.1.0
 * @category models
 */
export type SignInSilentRequirements =
  | MonoCloudConfig
  | Crypto
  | OidcHttp
  | Discovery
  | InFlight
  | RefreshLock
  | SessionBroadcast
  | SessionStore
  | SilentFrame

/** The provider's "ask the user" answers that a refresh token can stand in for. */
const needsTheUser = (error: MonoCloudError): error is MonoCloudOPError =>
  error._tag === "MonoCloudOPError" && (error.error === "login_required" || error.error === "interaction_required")

/**
 * Asks the provider, in a hidden iframe with `prompt=none`, whether the user is still signed in;
 * stores and returns the new session when so. Fails with `MonoCloudOPError` (`login_required`,
 * `interaction_required`, `consent_required`, …) when the provider needs the user, with
 * `MonoCloudTimeoutError` when the whole sign-in (discovery, frame, code exchange, keys, UserInfo)
 * does not finish within `silentTimeout`; the keys are fetched while the frame runs. Concurrent calls
 * with the same options share one iframe. The answer is stored only over the session the call
 * started from: after a sign-out or another sign-in meanwhile it fails with
 * `MonoCloudStorageError` (`Changed`). On failure the stored session is untouched. With
 * `fallBackToRefreshToken`, a `login_required` or `interaction_required` answer is followed by the
 * refresh grant when the session has a refresh token.
 *
 * @see {@link https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest | OpenID Connect Core §3.1.2.1} (`prompt=none`)
 * @since 0.1.0
 * @category operations
 */
export const signInSilent: (
  options?: SignInSilentOptions
) => Effect.Effect<MonoCloudSession, SignInSilentError, SignInSilentRequirements> = (options = {}) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const frame = yield* SilentFrame
    const discovery = yield* Discovery
    const signIn = Effect.gen(function* () {
      const current = yield* (yield* SessionStore).get.pipe(
        Effect.map(Option.getOrUndefined),
        Effect.orElseSucceed(() => undefined)
      )
      const { allowUserSwitch, fallBackToRefreshToken: _fallBack, ...params } = options
      const request = yield* buildAuthorizationRequest(
        { ...params, idTokenHint: options.idTokenHint ?? current?.idToken, prompt: "none" },
        { mode: "silent", redirectUri: config.silentRedirectUri, appState: options.appState }
      )
      // The keys are needed right after the frame answers: fetch them while it runs.
      if (config.validateIdToken) yield* Effect.forkChild(Effect.exit(discovery.jwks({ forceRefresh: false })))
      const callbackUrl = yield* frame.run({
        authorizeUrl: request.url,
        state: request.transaction.state,
        redirectUri: config.silentRedirectUri,
        appOrigin: config.appOrigin,
        timeoutMillis: config.silentTimeoutMillis
      })
      const silent = { previous: current, allowUserSwitch: allowUserSwitch === true }
      return { session: yield* completeSignIn(callbackUrl, request.transaction, silent), request }
    }).pipe(withTimeout("signInSilent", config.silentTimeoutMillis))
    const run = Effect.gen(function* () {
      const { session, request } = yield* signIn
      if (config.postCallback !== undefined) {
        const hook = config.postCallback
        const state = callbackStateOf(request.transaction)
        yield* Effect.promise(async () => hook(state))
      }
      return session
    })
    const orRefresh = run.pipe(
      Effect.catchIf(needsTheUser, (refused) =>
        Effect.gen(function* () {
          const stored = yield* (yield* SessionStore).get.pipe(Effect.orElseSucceed(() => Option.none()))
          if (Option.isNone(stored) || (stored.value.refreshToken ?? "") === "") return yield* Effect.fail(refused)
          return yield* refreshStoredSession({
            resource: options.resource,
            scopes: options.scopes,
            onlyIfStale: false,
            fetchUserInfo: config.fetchUserinfo
          })
        })
      )
    )
    const shared = (options.fallBackToRefreshToken === true ? orRefresh : run).pipe(
      Effect.tapError((error) =>
        Effect.sync(() => config.log({ event: "silentFailed", error: error._tag, reason: reasonOf(error) }))
      )
    )
    return yield* (yield* InFlight).share(`signInSilent:${JSON.stringify(options)}`, shared)
  }).pipe(spanned("MonoCloud.signInSilent"))

/**
 * The refresh-token grant applied to the stored session, shared by `refreshSession` and
 * `getTokens`. Concurrent calls for the same token share one request; across tabs the refresh
 * lock serialises refreshes and the session is read again once the lock is held, so a rotated
 * refresh token is never sent twice. Once the lock is held, the requests (keys, token, UserInfo)
 * have `httpTimeout` in total. The result is stored only over the session it started from, so a
 * sign-out or sign-in meanwhile wins. A failure leaves the stored session as it was and is
 * announced to the tabs (`refreshFailed`, and `sessionEnded` after `invalid_grant`).
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import {
  type MonoCloudError,
  type MonoCloudJsError,
  MonoCloudNotSignedInError,
  MonoCloudUsageError
} from "../MonoCloudError.js"
import { Discovery } from "../services/Discovery.js"
import { InFlight } from "../services/InFlight.js"
import { RefreshLock } from "../services/RefreshLock.js"
import { SessionBroadcast } from "../services/SessionBroadcast.js"
import { SessionStore } from "../services/SessionStore.js"
import { sessionFromRefresh } from "./sessionFromTokens.js"
import { withTimeout } from "../util/timeout.js"
import { refreshGrant } from "./tokenRequests.js"
import { findToken, tokenKeyFor } from "./tokenKey.js"

/** Which token to refresh and how. */
export interface RefreshRequest {
  readonly resource?: string | undefined
  readonly scopes?: string | undefined
  /** Skip the grant when, once the lock is held, the token is present and not about to expire. */
  readonly onlyIfStale: boolean
  readonly fetchUserInfo: boolean
}

/** The stored session, or `MonoCloudNotSignedInError` when there is none. */
export const requireSession = Effect.flatMap(SessionStore, (store) => store.get).pipe(
  Effect.flatMap(
    Option.match({
      onNone: () => Effect.fail(new MonoCloudNotSignedInError({})),
      onSome: Effect.succeed
    })
  )
)

/** True when the token expires within the configured margin (or is gone). */
export const isStale = (expiresAt: number | undefined) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    return expiresAt === undefined || expiresAt - config.refreshBeforeExpiry <= now
  })

const refreshStored = (request: RefreshRequest) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const session = yield* requireSession
    const key = tokenKeyFor(config, session, request)
    if (request.onlyIfStale && !(yield* isStale(findToken(session, key)?.accessTokenExpiration))) {
      config.log({ event: "refreshSkipped", reason: "refreshedElsewhere" })
      return { session, userInfoFailure: undefined }
    }
    if (session.refreshToken === undefined || session.refreshToken === "") {
      return yield* Effect.fail(
        MonoCloudUsageError.of(
          "refreshToken",
          "The session has no refresh token: sign in with the offline_access scope"
        )
      )
    }
    // The keys first: once the grant is answered it is spent, and a rotated refresh token it
    // brought would be lost if its ID token could not be checked for want of keys.
    if (config.validateIdToken) yield* (yield* Discovery).jwks({ forceRefresh: false })
    const tokens = yield* refreshGrant({
      refreshToken: session.refreshToken,
      scopes: request.scopes ?? (request.resource === undefined ? undefined : key.scopes),
      resource: key.resource
    })
    const refreshed = yield* sessionFromRefresh(session, tokens, key, request)
    yield* (yield* SessionStore).replace(session, refreshed.session)
    yield* (yield* SessionBroadcast).publish({ type: "refreshed" })
    return refreshed
  })

/**
 * Tells the tabs that a refresh failed and, when the provider refused the refresh token, that the
 * session ended there. Not when the session it started from is gone (signed out, or replaced by a
 * sign-in): that change was announced, and there was nothing left to refresh.
 */
const announceFailure = (error: Exclude<MonoCloudError, MonoCloudJsError>) =>
  Effect.gen(function* () {
    if (
      error._tag === "MonoCloudNotSignedInError" ||
      (error._tag === "MonoCloudStorageError" && error.reason === "Changed")
    )
      return
    const broadcast = yield* SessionBroadcast
    if (error._tag !== "MonoCloudOPError")
      return yield* broadcast.publish({ type: "refreshFailed", errorTag: error._tag })
    yield* broadcast.publish({ type: "refreshFailed", errorTag: error._tag, oauthError: error.error })
    if (error.error === "invalid_grant") yield* broadcast.publish({ type: "sessionEnded", reason: "invalid_grant" })
  })

/** A lock wait shorter than this is no wait for another refresh, only the lock's own bookkeeping. */
const LOCK_WAIT_WORTH_LOGGING_MILLIS = 50

/** Refreshes the token for `request` and stores the result; returns the stored session. */
export const refreshStoredSession = (request: RefreshRequest) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const lock = yield* RefreshLock
    const key = `refresh:${request.resource ?? ""}:${request.scopes ?? ""}:${request.onlyIfStale}:${request.fetchUserInfo}`
    const refresh = refreshStored(request).pipe(withTimeout("refresh", config.httpTimeoutMillis))
    const asked = yield* Clock.currentTimeMillis
    const held = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      // Another tab (or this one) was refreshing: say how long this one waited for it.
      if (now - asked >= LOCK_WAIT_WORTH_LOGGING_MILLIS) config.log({ event: "lockWaited", millis: now - asked })
      return refresh
    })
    const attempt = lock.withLock(config.lockName, held).pipe(Effect.tapError(announceFailure))
    const { session, userInfoFailure } = yield* (yield* InFlight).share(key, attempt)
    // The renewed tokens are stored (a refreshed, not a failed refresh); the caller still learns
    // that the user's claims are not fresh.
    if (userInfoFailure !== undefined) return yield* Effect.failCause(userInfoFailure)
    return session
  })

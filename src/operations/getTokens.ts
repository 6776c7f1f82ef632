/**
 * `getTokens`: the access token for a resource/scope set, refreshed first when needed.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudValidationError } from "../MonoCloudError.js"
import type { AccessToken } from "../schemas/Session.js"
import { isStale, refreshStoredSession, requireSession } from "../internal/refresh.js"
import { findToken, tokenKeyFor } from "../internal/tokenKey.js"
import type { RefreshGrantOptions } from "./refreshSession.js"
import type {
  MonoCloudHttpError,
  MonoCloudOPError,
  MonoCloudStorageError,
  MonoCloudTimeoutError,
  MonoCloudTokenError
} from "../MonoCloudError.js"
import type { OidcHttp } from "../services/OidcHttp.js"
import type { Discovery } from "../services/Discovery.js"
import type { InFlight } from "../services/InFlight.js"
import type { RefreshLock } from "../services/RefreshLock.js"
import type { SessionBroadcast } from "../services/SessionBroadcast.js"
import type { SessionStore } from "../services/SessionStore.js"
import type { Crypto } from "../services/Crypto.js"

/**
 * Options of `getTokens`.
 *
 * @since 0.1.0
 * @category models
 */
export interface GetTokensOptions extends RefreshGrantOptions {
  /** Refresh even when the stored token is still valid. */
  readonly forceRefresh?: boolean | undefined
  /** Fetch UserInfo when a refresh happens. */
  readonly refetchUserInfo?: boolean | undefined
}

/**
 * An access token with the session's ID and refresh tokens.
 *
 * @since 0.1.0
 * @category models
 */
export interface MonoCloudTokens extends AccessToken {
  readonly idToken?: string | undefined
  readonly refreshToken?: string | undefined
  /** True when the access token expires within the refresh margin (default 30 s). */
  readonly isExpired: boolean
}

/**
 * What `getTokens` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type GetTokensError =
  | MonoCloudOPError
  | MonoCloudHttpError
  | MonoCloudTimeoutError
  | MonoCloudValidationError
  | MonoCloudStorageError
  | MonoCloudTokenError

/**
 * The services `getTokens` needs; `MonoCloud.layer(options)` provides them all.
 *
 * @since 0.1.0
 * @category models
 */
export type GetTokensRequirements =
  Crypto | MonoCloudConfig | OidcHttp | Discovery | InFlight | RefreshLock | SessionBroadcast | SessionStore

/**
 * Returns the access token for `resource`/`scopes` (default: the sign-in token), refreshing it
 * first when it is missing, expires within the margin, or `forceRefresh` is set.
 *
 * @since 0.1.0
 * @category operations
 */
export const getTokens: (
  options?: GetTokensOptions
) => Effect.Effect<MonoCloudTokens, GetTokensError, GetTokensRequirements> = (options = {}) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    let session = yield* requireSession
    const key = tokenKeyFor(config, session, options)
    const current = findToken(session, key)
    if (options.forceRefresh === true || (yield* isStale(current?.accessTokenExpiration))) {
      session = yield* refreshStoredSession({
        resource: options.resource,
        scopes: options.scopes,
        onlyIfStale: options.forceRefresh !== true,
        fetchUserInfo: options.refetchUserInfo === true
      })
    }
    const token = findToken(session, key)
    if (token === undefined) {
      return yield* Effect.fail(
        new MonoCloudValidationError({ check: "accessToken", detail: "Access token not found" })
      )
    }
    return {
      ...token,
      idToken: session.idToken,
      refreshToken: session.refreshToken,
      isExpired: yield* isStale(token.accessTokenExpiration)
    } satisfies MonoCloudTokens
  })

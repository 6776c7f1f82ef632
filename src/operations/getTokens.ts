/**
 * `getTokens`: the access token for a resource/scope set, refreshed first when needed.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { type Because, MonoCloudUsageError } from "../MonoCloudError.js"
import type { AccessToken } from "../schemas/Session.js"
import { isStale, refreshStoredSession, requireSession } from "../internal/refresh.js"
import { findToken, tokenKeyFor } from "../internal/tokenKey.js"
import type { RefreshGrantOptions, RefreshSessionError, RefreshSessionRequirements } from "./refreshSession.js"
import { spanned } from "../util/tracing.js"

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
 * Which access token an authorized request to the app's own API carries (`client.fetch`,
 * `MonoCloud.authorize`): the one `getTokens` returns for these options.
 *
 * @since 0.1.0
 * @category models
 */
export type AuthorizedRequestOptions = Pick<GetTokensOptions, "resource" | "scopes">

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
 * What `getTokens` can fail with: what `refreshSession` can, as it may refresh, and no token for
 * the resource and scopes asked for.
 *
 * @since 0.1.0
 * @category errors
 */
export type GetTokensError =
  | Exclude<RefreshSessionError, MonoCloudUsageError>
  | Because<MonoCloudUsageError, "refreshToken" | "onSessionCreating" | "accessToken">

/**
 * The services `getTokens` needs: those of `refreshSession`; `MonoCloud.layer(options)` provides them all.
 *
 * @since 0.1.0
 * @category models
 */
export type GetTokensRequirements = RefreshSessionRequirements

/**
 * Returns the access token for `resource`/`scopes` (default: the sign-in token), refreshing it
 * first when it is missing, expires within the margin, or `forceRefresh` is set.
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc8707 | RFC 8707} (resource indicators)
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
    } else {
      config.log({ event: "refreshSkipped", reason: "fresh" })
    }
    const token = findToken(session, key)
    if (token === undefined) {
      return yield* Effect.fail(MonoCloudUsageError.of("accessToken", "Access token not found"))
    }
    return {
      ...token,
      idToken: session.idToken,
      refreshToken: session.refreshToken,
      isExpired: yield* isStale(token.accessTokenExpiration)
    } satisfies MonoCloudTokens
  }).pipe(spanned("MonoCloud.getTokens"))

/**
 * `refreshSession`: renews the session's tokens with the refresh-token grant.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { refreshStoredSession } from "../internal/refresh.js"
import type {
  Because,
  MonoCloudNotSignedInError,
  MonoCloudRequestError,
  MonoCloudStorageError,
  MonoCloudTokenError,
  MonoCloudUsageError
} from "../MonoCloudError.js"
import type { OidcHttp } from "../services/OidcHttp.js"
import type { Discovery } from "../services/Discovery.js"
import type { InFlight } from "../services/InFlight.js"
import type { RefreshLock } from "../services/RefreshLock.js"
import type { SessionBroadcast } from "../services/SessionBroadcast.js"
import type { SessionStore } from "../services/SessionStore.js"
import type { Crypto } from "../services/Crypto.js"
import { spanned } from "../util/tracing.js"

/**
 * Narrows a refresh to some scopes and/or resources.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshGrantOptions {
  /** Space-separated resource indicators. */
  readonly resource?: string | undefined
  /** Space-separated scopes. */
  readonly scopes?: string | undefined
}

/**
 * Options of `refreshSession`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshOptions {
  readonly refreshGrantOptions?: RefreshGrantOptions | undefined
}

/**
 * What `refreshSession` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type RefreshSessionError =
  | MonoCloudRequestError
  | MonoCloudTokenError
  | MonoCloudStorageError
  | MonoCloudNotSignedInError
  | Because<MonoCloudUsageError, "refreshToken" | "onSessionCreating">

/**
 * The services `refreshSession` needs; `MonoCloud.layer(options)` provides them all.
 *
 * @since 0.1.0
 * @category models
 */
export type RefreshSessionRequirements =
  Crypto | MonoCloudConfig | OidcHttp | Discovery | InFlight | RefreshLock | SessionBroadcast | SessionStore

/**
 * Runs the refresh-token grant and updates the stored session: the access token for the
 * (resource, scopes) key is replaced and the others kept, a rotated refresh token and a new ID
 * token are stored, the user is merged with new claims. Returns nothing: read the result with
 * `getSession`. Fails with `MonoCloudOPError` (e.g. `invalid_grant`) when the provider refuses
 * the refresh token; on any failure the stored session is left exactly as it was.
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc6749#section-6 | RFC 6749 §6} (refreshing an access token)
 * @see {@link https://www.rfc-editor.org/rfc/rfc9700 | RFC 9700} (refresh token protection and rotation)
 * @see {@link https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse | OpenID Connect Core §12.2} (the refreshed ID token)
 * @since 0.1.0
 * @category operations
 */
export const refreshSession: (
  options?: RefreshOptions
) => Effect.Effect<void, RefreshSessionError, RefreshSessionRequirements> = (options = {}) =>
  Effect.flatMap(MonoCloudConfig, (config) =>
    refreshStoredSession({
      resource: options.refreshGrantOptions?.resource,
      scopes: options.refreshGrantOptions?.scopes,
      onlyIfStale: false,
      fetchUserInfo: config.fetchUserinfo
    })
  ).pipe(Effect.asVoid, spanned("MonoCloud.refreshSession"))

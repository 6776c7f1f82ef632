/**
 * `revokeToken`: tells the provider a token is no longer needed (RFC 7009).
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import { revokeToken as revoke } from "../internal/tokenRequests.js"
import type { MonoCloudConfig } from "../MonoCloudConfig.js"
import type { OidcHttp } from "../services/OidcHttp.js"
import type { Discovery } from "../services/Discovery.js"
import type { MonoCloudRequestError } from "../MonoCloudError.js"
import { spanned } from "../util/tracing.js"

/**
 * What `revokeToken` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type RevokeTokenError = MonoCloudRequestError

/**
 * The services `revokeToken` needs; `MonoCloud.layer(options)` provides them all.
 *
 * @since 0.1.0
 * @category models
 */
export type RevokeTokenRequirements = MonoCloudConfig | OidcHttp | Discovery

/**
 * Revokes an access or refresh token at the provider's revocation endpoint. The stored session
 * is not changed; revoke the refresh token before a local-only sign-out to end offline access.
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc7009 | RFC 7009} (token revocation)
 * @since 0.1.0
 * @category operations
 */
export const revokeToken: (
  token: string,
  tokenTypeHint?: "access_token" | "refresh_token"
) => Effect.Effect<void, RevokeTokenError, RevokeTokenRequirements> = (token, tokenTypeHint = "refresh_token") =>
  revoke(token, tokenTypeHint).pipe(spanned("MonoCloud.revokeToken"))

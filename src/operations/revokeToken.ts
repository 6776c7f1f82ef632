/**
 * `revokeToken`: tells the provider a token is no longer needed (RFC 7009).
 *
 * @since 0.1.0
 */
import { revokeToken as revoke } from "../internal/tokenRequests.js"

/**
 * Revokes an access or refresh token at the provider's revocation endpoint. The stored session
 * is not changed; revoke the refresh token before a local-only sign-out to end offline access.
 *
 * @since 0.1.0
 * @category operations
 */
export const revokeToken = (token: string, tokenTypeHint: "access_token" | "refresh_token" = "refresh_token") =>
  revoke(token, tokenTypeHint)

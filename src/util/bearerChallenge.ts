/**
 * The `WWW-Authenticate: Bearer …` challenge of RFC 6750 §3, read by the UserInfo decoder and by the
 * authorized requests to an app's own APIs.
 */
import type { OAuthErrorBody } from "../schemas/TokenResponse.js"

/** Reads `error`, `error_description` and `error_uri` from a `WWW-Authenticate: Bearer …` challenge. */
export const parseChallenge = (header: string | null | undefined): OAuthErrorBody | undefined => {
  if (header === undefined || header === null) return undefined
  const params = Object.fromEntries(
    [...header.matchAll(/([a-z_]+)="([^"]*)"/gi)].map((match) => [match[1]!.toLowerCase(), match[2]!])
  )
  const error = params["error"]
  return error === undefined || error === ""
    ? undefined
    : { error, error_description: params["error_description"], error_uri: params["error_uri"] }
}

/**
 * True when a resource server refused the access token itself: a 401 whose challenge says
 * `invalid_token` (expired, revoked, malformed; RFC 6750 §3.1). A new token may then succeed; any
 * other answer (403 `insufficient_scope`, a 401 without that error) would not be helped by one.
 */
export const refusedToken = (status: number, challenge: string | null | undefined): boolean =>
  status === 401 && parseChallenge(challenge)?.error === "invalid_token"

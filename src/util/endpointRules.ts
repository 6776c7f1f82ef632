/**
 * What the provider's metadata may name as endpoints (RFC 8414 §2, RFC 6749 §3.1 and §3.2, RFC
 * 9700 §4): only `https:` URLs (plain `http:` only under a local `http:` development issuer), and
 * only on the issuer's own origin or an origin the app listed. A code, a verifier or a token is
 * never sent anywhere else, and no script URL is ever navigated to.
 */
import type { DiscoveryMetadata } from "../schemas/DiscoveryMetadata.js"

/** The metadata members that name a URL the SDK calls or sends the browser to. */
const ENDPOINT_MEMBERS = [
  "authorization_endpoint",
  "token_endpoint",
  "jwks_uri",
  "userinfo_endpoint",
  "end_session_endpoint",
  "revocation_endpoint",
  "pushed_authorization_request_endpoint"
] as const

/**
 * Why the metadata's endpoints may not be used, naming the first member that breaks a rule;
 * `undefined` when every endpoint is acceptable. `issuer` is the configured (already checked) issuer.
 */
export const endpointProblem = (
  metadata: DiscoveryMetadata,
  issuer: string,
  allowedOrigins: ReadonlyArray<string>
): string | undefined => {
  const issuerUrl = new URL(issuer)
  for (const member of ENDPOINT_MEMBERS) {
    const value = metadata[member]
    if (value === undefined) continue
    const url = new URL(value)
    const scheme = url.protocol === "https:" || (url.protocol === "http:" && issuerUrl.protocol === "http:")
    if (!scheme) return `The provider metadata's ${member} must be an https URL`
    if (url.origin !== issuerUrl.origin && !allowedOrigins.includes(url.origin)) {
      return `The provider metadata's ${member} is not on the issuer's origin (list it in allowedEndpointOrigins if it must be)`
    }
  }
  return undefined
}

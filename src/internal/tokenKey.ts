/**
 * The one definition of which stored access token answers a request: each token is kept under the
 * key (resource set, requested-scope set), compared as sets, in every path that stores or reads.
 */
import type { ResolvedConfig } from "../MonoCloudConfig.js"
import type { AccessToken, MonoCloudSession } from "../schemas/Session.js"
import { sameWords, splitSpaceSeparated } from "../util/strings.js"

/** The key of an access token: space-separated resources and requested scopes. */
export interface TokenKey {
  readonly resource: string | undefined
  readonly scopes: string | undefined
}

/** Which token a request for `resource`/`scopes` means, with the configured defaults filled in. */
export const tokenKeyFor = (
  config: ResolvedConfig,
  session: MonoCloudSession,
  request: { readonly resource?: string | undefined; readonly scopes?: string | undefined }
): TokenKey => {
  const resource = request.resource ?? (config.defaultResources.join(" ") || undefined)
  if (request.scopes !== undefined) return { resource, scopes: request.scopes }
  if (request.resource === undefined) return { resource, scopes: session.authorizedScopes }
  const indicator = config.resources.find((candidate) => sameWords(candidate.resource, request.resource))
  return { resource, scopes: indicator?.scopes ?? session.authorizedScopes }
}

const matches = (token: AccessToken, key: TokenKey) =>
  sameWords(token.resource, key.resource) && sameWords(token.requestedScopes, key.scopes)

/** The stored token for a key, if any. */
export const findToken = (session: MonoCloudSession, key: TokenKey): AccessToken | undefined =>
  session.accessTokens?.find((token) => matches(token, key))

/** The session's tokens with the one for `key` replaced by (or extended with) `token`. */
export const replaceToken = (session: MonoCloudSession, key: TokenKey, token: AccessToken): Array<AccessToken> => [
  ...(session.accessTokens ?? []).filter((existing) => !matches(existing, key)),
  token
]

/** The access token record for a token response, stored under `key`. */
export const accessTokenRecord = (
  response: { readonly access_token: string; readonly expires_in: number; readonly scope?: string | undefined },
  key: TokenKey,
  nowSeconds: number
): AccessToken => ({
  accessToken: response.access_token,
  accessTokenExpiration: Math.floor(nowSeconds + response.expires_in),
  scopes: response.scope ?? key.scopes ?? "",
  ...(key.resource !== undefined && key.resource !== "" ? { resource: key.resource } : {}),
  ...(key.scopes !== undefined ? { requestedScopes: key.scopes } : {})
})

/** True when the granted scopes of a token include `scope`. */
export const grants = (token: { readonly scopes: string }, scope: string): boolean =>
  splitSpaceSeparated(token.scopes).includes(scope)

/**
 * Reading the response parameters of a callback URL (RFC 6749 §4.1.2): from its query, or from its
 * fragment when the query has none.
 */

/** The response parameters of a callback URL: from the query, or from the fragment when the query has none. */
export const callbackParams = (url: string): URLSearchParams => {
  const parsed = new URL(url)
  const query = parsed.searchParams
  if (query.has("state") || query.has("code") || query.has("error")) return query
  return new URLSearchParams(parsed.hash.replace(/^#/, ""))
}

/** The `state` of a callback URL, if it looks like an authorization or logout response. */
export const callbackState = (url: string): string | undefined => {
  try {
    return callbackParams(url).get("state") ?? undefined
  } catch {
    return undefined
  }
}

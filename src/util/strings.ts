/**
 * Small string helpers for URLs and space-separated OAuth lists.
 */

/** Drops one trailing `/`. */
export const removeTrailingSlash = (value: string): string => (value.endsWith("/") ? value.slice(0, -1) : value)

/** Adds a leading `/` when missing. */
export const ensureLeadingSlash = (value: string): string => (value.startsWith("/") ? value : `/${value}`)

/** Splits a space-separated list (`"openid  profile"`) into its non-empty words, keeping order, without repeats. */
export const splitSpaceSeparated = (value: string | undefined): Array<string> => [
  ...new Set((value ?? "").split(/\s+/).filter((word) => word !== ""))
]

/** The ordered union of several space-separated lists, without repeats. */
export const mergeSpaceSeparated = (values: ReadonlyArray<string | undefined>): Array<string> => [
  ...new Set(values.flatMap(splitSpaceSeparated))
]

/** True when two space-separated lists hold the same words, in any order. */
export const sameWords = (
  a: string | ReadonlyArray<string> | undefined,
  b: string | ReadonlyArray<string> | undefined
): boolean => {
  const left = new Set(typeof a === "string" || a === undefined ? splitSpaceSeparated(a) : a)
  const right = new Set(typeof b === "string" || b === undefined ? splitSpaceSeparated(b) : b)
  return left.size === right.size && [...left].every((word) => right.has(word))
}

/** `origin + pathname` of a URL without a trailing slash, or `undefined` when it does not parse. */
export const urlBase = (url: string): string | undefined => {
  try {
    const parsed = new URL(url)
    return removeTrailingSlash(parsed.origin + parsed.pathname)
  } catch {
    return undefined
  }
}

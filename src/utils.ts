/**
 * Helpers for apps: group checks on the signed-in user.
 *
 * @since 0.1.0
 */
import type { Group } from "./schemas/UserInfo.js"

const groupMatches = (held: unknown, wanted: Group): boolean => {
  const names =
    typeof held === "string"
      ? [held]
      : typeof held === "object" && held !== null
        ? [(held as { id?: unknown }).id, (held as { name?: unknown }).name]
        : []
  const wantedNames = typeof wanted === "string" ? [wanted] : [wanted.id, wanted.name]
  return names.some((name) => typeof name === "string" && wantedNames.includes(name))
}

/**
 * True when the user is in any of `groups` (all of them with `matchAll`). Groups match by name
 * or id, read from the `groupsClaim` claim (default `groups`). An empty `groups` list allows
 * everyone; a user without groups is in none.
 *
 * @since 0.1.0
 * @category utils
 */
export const isUserInGroup = (
  user: Readonly<Record<string, unknown>> | undefined,
  groups: ReadonlyArray<Group>,
  groupsClaim = "groups",
  matchAll = false
): boolean => {
  if (!Array.isArray(groups) || groups.length === 0) return true
  const held = user?.[groupsClaim]
  if (!Array.isArray(held) || held.length === 0) return false
  const isHeld = (wanted: Group) => held.some((entry: unknown) => groupMatches(entry, wanted))
  return matchAll ? groups.every(isHeld) : groups.some(isHeld)
}

export type { Group } from "./schemas/UserInfo.js"

/**
 * The JavaScript type each client option must have, checked before any option is read, so that a
 * wrong type (from plain JavaScript, JSON configuration or a cast) is reported as a bad option
 * instead of throwing inside the SDK.
 */

/** Options by the `typeof` their value must have; `strings` is an array of strings. */
const KINDS = {
  string:
    "tenantDomain clientId clientSecret clientAuthMethod appUrl callbackPath silentCallbackPath signOutPath idTokenSigningAlgorithm sessionKey",
  boolean: "validateIdToken fetchUserinfo federatedSignOut pushedAuthorizationRequests debug",
  number:
    "authWindowTimeout silentTimeout httpTimeout popupWindowWidth popupWindowHeight clockSkew clockTolerance refreshBeforeExpiry jwksCacheDuration metadataCacheDuration",
  function: "fetch postCallback onSessionCreating logger",
  object: "storage defaultAuthParams",
  strings: "filteredIdTokenClaims allowedEndpointOrigins"
} as const

const isStrings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === "string")

const isOptionalString = (value: unknown) => value === undefined || typeof value === "string"

const isIndicator = (item: unknown) =>
  typeof item === "object" &&
  item !== null &&
  typeof (item as { resource?: unknown }).resource === "string" &&
  isOptionalString((item as { scopes?: unknown }).scopes)

/**
 * The first option whose type is wrong, as a sentence naming it (`"httpTimeout must be of type
 * number"`); `undefined` when every option given has its type. Options left `undefined` pass.
 */
export const optionTypeProblem = (options: unknown): string | undefined => {
  if (typeof options !== "object" || options === null) return "the options must be an object"
  const given = options as Readonly<Record<string, unknown>>
  for (const [kind, names] of Object.entries(KINDS)) {
    for (const name of names.split(" ")) {
      const value = given[name]
      if (value === undefined) continue
      const fits =
        kind === "strings"
          ? isStrings(value)
          : typeof value === kind && (kind !== "object" || (value !== null && !Array.isArray(value)))
      if (!fits) return `${name} must be of type ${kind === "strings" ? "string[]" : kind}`
    }
  }
  const auth = given["defaultAuthParams"] as Readonly<Record<string, unknown>> | undefined
  if (auth !== undefined && !(isOptionalString(auth["scopes"]) && isOptionalString(auth["resource"]))) {
    return "defaultAuthParams.scopes and .resource must be strings"
  }
  const resources = given["resources"]
  return resources === undefined || (Array.isArray(resources) && resources.every(isIndicator))
    ? undefined
    : "resources must be an array of { resource: string, scopes?: string }"
}

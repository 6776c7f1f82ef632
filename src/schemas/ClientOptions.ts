/**
 * The client options as one Schema: each option's type, range and default, and the sentence a
 * developer reads when it is wrong. Durations are given in seconds and decode to milliseconds.
 * Options that depend on each other (the tenant domain, the app URL, client authentication, the
 * endpoint origins) are resolved from the decoded values by the configuration.
 *
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaTransformation from "effect/SchemaTransformation"

/**
 * The ID token signing algorithms the SDK verifies.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SecurityAlgorithms = /* @__PURE__ */ Schema.Literals([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512"
])

/**
 * An ID token signing algorithm the SDK verifies.
 *
 * @since 0.1.0
 * @category models
 */
export type SecurityAlgorithms = typeof SecurityAlgorithms.Type

/** `schema`, reporting any value it refuses with `message` (the option's name goes before it). */
const saying = <S extends Schema.Top>(message: string, schema: S): S["Rebuild"] => schema.annotate({ message })

const text = saying("must be of type string", Schema.String)
const flag = saying("must be of type boolean", Schema.Boolean)
const strings = saying("must be of type string[]", Schema.Array(saying("must be of type string[]", Schema.String)))
const aFunction = saying(
  "must be of type function",
  Schema.declare((u): u is (...args: never) => unknown => typeof u === "function")
)
const anObject = saying(
  "must be of type object",
  Schema.declare((u): u is object => typeof u === "object" && u !== null && !Array.isArray(u))
)

const number = saying("must be of type number", Schema.Number)

/** A number of seconds: not negative, or with `finite` any finite number. */
const seconds = (range: "nonNegative" | "finite" = "nonNegative") =>
  number.check(
    range === "finite"
      ? Schema.makeFilter(Number.isFinite, { message: "must be a finite number of seconds" })
      : Schema.makeFilter((value: number) => Number.isFinite(value) && value >= 0, {
          message: "must be a non-negative number of seconds"
        })
  )

/** {@link seconds}, decoded to milliseconds. */
const millis = () =>
  seconds().pipe(
    Schema.decodeTo(
      Schema.Number,
      SchemaTransformation.transform({ decode: (value) => value * 1000, encode: (value) => value / 1000 })
    )
  )

const pixels = number.check(
  Schema.makeFilter((value: number) => Number.isFinite(value) && value > 0, {
    message: "must be a positive number of pixels"
  })
)

const RESOURCES = "must be an array of { resource: string, scopes?: string }"

const indicator = saying(
  RESOURCES,
  Schema.Struct({
    resource: saying(RESOURCES, Schema.String),
    scopes: Schema.optionalKey(saying(RESOURCES, Schema.String))
  })
)

/**
 * The default of each option that has one, as an app would give it (durations in seconds).
 *
 * @since 0.1.0
 * @category constants
 */
export const OPTION_DEFAULTS = {
  tenantDomain: "",
  idTokenSigningAlgorithm: "RS256",
  validateIdToken: true,
  fetchUserinfo: true,
  pushedAuthorizationRequests: false,
  authWindowTimeout: 600,
  silentTimeout: 10,
  httpTimeout: 10,
  jwksCacheDuration: 300,
  metadataCacheDuration: 300,
  clockSkew: 0,
  clockTolerance: 60,
  refreshBeforeExpiry: 30
} as const

/**
 * The options the Schema decodes: the options with a default (in {@link OPTION_DEFAULTS}) are
 * required here, since decoding starts from the defaults; durations decode to milliseconds. The
 * test platform, an internal option, passes unchecked.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClientOptions = /* @__PURE__ */ Schema.Struct({
  tenantDomain: text,
  clientId: text.check(Schema.makeFilter((value: string) => value.trim() !== "", { message: "is required" })),
  clientSecret: Schema.optionalKey(text),
  clientAuthMethod: Schema.optionalKey(
    saying(
      "must be none, client_secret_basic or client_secret_post",
      Schema.Literals(["none", "client_secret_basic", "client_secret_post"])
    )
  ),
  appUrl: Schema.optionalKey(text),
  callbackPath: Schema.optionalKey(text),
  silentCallbackPath: Schema.optionalKey(text),
  signOutPath: Schema.optionalKey(text),
  idTokenSigningAlgorithm: text.check(
    Schema.makeFilter(
      (value: string) => SecurityAlgorithms.literals.includes(value as never) || `${value} is not supported`
    )
  ),
  sessionKey: Schema.optionalKey(text),
  validateIdToken: flag,
  fetchUserinfo: flag,
  federatedSignOut: Schema.optionalKey(flag),
  pushedAuthorizationRequests: flag,
  debug: Schema.optionalKey(flag),
  authWindowTimeout: millis(),
  silentTimeout: millis(),
  httpTimeout: millis(),
  jwksCacheDuration: millis(),
  metadataCacheDuration: millis(),
  clockSkew: seconds("finite"),
  clockTolerance: seconds(),
  refreshBeforeExpiry: seconds(),
  popupWindowWidth: Schema.optionalKey(pixels),
  popupWindowHeight: Schema.optionalKey(pixels),
  fetch: Schema.optionalKey(aFunction),
  postCallback: Schema.optionalKey(aFunction),
  onSessionCreating: Schema.optionalKey(aFunction),
  logger: Schema.optionalKey(aFunction),
  storage: Schema.optionalKey(anObject),
  defaultAuthParams: Schema.optionalKey(
    saying(
      "must be of type object",
      Schema.Struct({ scopes: Schema.optionalKey(text), resource: Schema.optionalKey(text) })
    )
  ),
  resources: Schema.optionalKey(saying(RESOURCES, Schema.Array(indicator))),
  filteredIdTokenClaims: Schema.optionalKey(strings),
  allowedEndpointOrigins: Schema.optionalKey(strings),
  userSchema: Schema.optionalKey(saying("must be an effect Schema", Schema.declare(Schema.isSchema)))
})

/**
 * The decoded options.
 *
 * @since 0.1.0
 * @category models
 */
export type ClientOptions = typeof ClientOptions.Type

const decode = /* @__PURE__ */ Schema.decodeUnknownResult(ClientOptions)

/** The `message` a schema node or check was annotated with, if any. */
const annotated = (annotations: { readonly message?: unknown } | undefined): string | undefined =>
  typeof annotations?.message === "string" ? annotations.message : undefined

/**
 * The first problem of a decoding failure, as the option's name and the message its schema gives
 * (`"httpTimeout must be of type number"`, `"defaultAuthParams.scopes must be of type string"`);
 * the name stops before an array position, whose element's message speaks for the whole array.
 */
const problemOf = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey> = []): string => {
  switch (issue._tag) {
    case "Pointer":
      return problemOf(issue.issue, [...path, ...issue.path])
    case "Composite":
      return problemOf(issue.issues[0], path)
    // A duration's checks run inside its seconds-to-milliseconds transformation.
    case "Encoding":
      return problemOf(issue.issue, path)
    case "Filter":
      return annotated(issue.filter.annotations) === undefined
        ? problemOf(issue.issue, path)
        : nameOf(path, annotated(issue.filter.annotations))
    case "InvalidType":
    case "AnyOf":
      return nameOf(path, annotated(issue.ast.annotations))
    case "InvalidValue":
      return nameOf(path, annotated(issue.annotations))
    case "MissingKey":
      return nameOf(path, "is required")
    default:
      return nameOf(path, undefined)
  }
}

const nameOf = (path: ReadonlyArray<PropertyKey>, message: string | undefined): string => {
  const position = path.findIndex((key) => typeof key !== "string")
  return `${(position === -1 ? path : path.slice(0, position)).join(".")} ${message ?? "is invalid"}`
}

/**
 * Decodes the options over {@link OPTION_DEFAULTS}, or names the first problem as a sentence
 * (`"httpTimeout must be of type number"`). An option set to `undefined` counts as not given, so
 * its default applies, as it does in the option types.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeClientOptions = (options: object): Result.Result<ClientOptions, string> =>
  Result.mapError(
    decode({
      ...OPTION_DEFAULTS,
      ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
    }),
    (error) => problemOf(error.issue)
  )

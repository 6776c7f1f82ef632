/**
 * Property tests of the option checks (`resolveConfig`, `src/MonoCloudConfig.ts`): arbitrary option
 * objects (NaN, infinities, negative numbers, any string) give a configuration that keeps every
 * promise the SDK relies on, or a `MonoCloudUsageError` with reason `options`, never a throw.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import { type MonoCloudWebJSClientOptions, resolveConfig } from "../../src/MonoCloudConfig.js"
import { MonoCloudUsageError } from "../../src/MonoCloudError.js"
import {
  anyNumber,
  anyString,
  anything,
  anyUrl,
  constantFrom,
  oneOf,
  optional,
  outcome,
  runs
} from "./support/arbitraries.js"

const NUMBER_OPTIONS = [
  "authWindowTimeout",
  "silentTimeout",
  "httpTimeout",
  "popupWindowWidth",
  "popupWindowHeight",
  "clockSkew",
  "clockTolerance",
  "refreshBeforeExpiry",
  "jwksCacheDuration",
  "metadataCacheDuration"
] as const

const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"])

const ORIGINS = ["https://acme.example.com", "http://localhost:4000", "http://127.0.0.1", "http://example.com"]

const tenantDomain = oneOf(
  constantFrom(
    "acme.us.monocloud.com",
    "  acme.example.com/  ",
    "https://acme.example.com/tenant/",
    "http://localhost:4000"
  ),
  constantFrom(
    "",
    "   ",
    "acme example",
    "javascript:alert(1)",
    "https://acme.example.com/?x=1",
    "ftp://acme.example.com"
  ),
  anyUrl(ORIGINS)
)

const path = optional(oneOf(constantFrom("/", "/callback", "callback/", "", "//evil.example.com", "/a?b#c"), anyString))

const spaceList = optional(
  oneOf(constantFrom("openid profile", "  openid  ", "", "https://api.example.com"), anyString)
)

/** For each option, hostile values of its documented type (`undefined` removes it). */
const hostile: { readonly [K in keyof MonoCloudWebJSClientOptions]?: Arbitrary.Arbitrary<unknown> } = {
  tenantDomain,
  clientId: oneOf(constantFrom("client-1", "", "  ", "a b"), anyString),
  clientSecret: optional(oneOf(constantFrom("", "secret"), anyString)),
  clientAuthMethod: optional(constantFrom("none", "client_secret_basic", "client_secret_post")),
  appUrl: optional(
    oneOf(constantFrom("http://localhost:3000", "https://app.example.com/portal/?q#x"), anyUrl(ORIGINS))
  ),
  callbackPath: path,
  silentCallbackPath: path,
  signOutPath: path,
  defaultAuthParams: optional(Arbitrary.all({ scopes: spaceList, resource: spaceList })),
  resources: optional(Arbitrary.array(Arbitrary.all({ resource: anyString, scopes: spaceList }), { maxLength: 3 })),
  idTokenSigningAlgorithm: optional(oneOf(constantFrom(...ALGORITHMS), constantFrom("none", "HS256", "rs256"))),
  sessionKey: optional(anyString),
  allowedEndpointOrigins: optional(Arbitrary.array(anyUrl(ORIGINS), { maxLength: 3 })),
  validateIdToken: optional(constantFrom(true, false)),
  fetchUserinfo: optional(constantFrom(true, false)),
  federatedSignOut: optional(constantFrom(true, false)),
  filteredIdTokenClaims: optional(Arbitrary.array(anyString, { maxLength: 3 })),
  ...Object.fromEntries(NUMBER_OPTIONS.map((name) => [name, optional(anyNumber)]))
}

const BASE: MonoCloudWebJSClientOptions = {
  tenantDomain: "acme.us.monocloud.com",
  clientId: "client-1",
  appUrl: "http://localhost:3000"
}

/** Valid options with up to four options set to hostile values of their documented types. */
const typedOptions = Arbitrary.map(
  Arbitrary.array(
    Arbitrary.flatMap(constantFrom(...(Object.keys(hostile) as Array<keyof typeof hostile>)), (name) =>
      Arbitrary.all([Arbitrary.Constant(name), hostile[name]!])
    ),
    { maxLength: 4 }
  ),
  (replacements) => {
    const options: Record<string, unknown> = { ...BASE }
    for (const [name, value] of replacements) {
      if (value === undefined) delete options[name]
      else options[name] = value
    }
    return options as unknown as MonoCloudWebJSClientOptions
  }
)

/** Success, or a `MonoCloudUsageError` with reason `options`: never a throw. */
const typedOutcome = (options: MonoCloudWebJSClientOptions) =>
  Effect.gen(function* () {
    const result = yield* outcome(() => resolveConfig(options))
    if (result._tag === "Failure") {
      expect(result.error).toBeInstanceOf(MonoCloudUsageError)
      expect(result.error).toMatchObject({ _tag: "MonoCloudUsageError", reason: "options" })
    }
  })

/** Valid options with up to four of `names` set to values of any type (objects, arrays, null, numbers for strings, …). */
const wrongTypedOptions = (names: ReadonlyArray<string>) =>
  Arbitrary.map(
    Arbitrary.array(Arbitrary.all([constantFrom(...names), anything]), {
      maxLength: 4
    }),
    (replacements) => {
      const options: Record<string, unknown> = { ...BASE }
      for (const [name, value] of replacements) options[name] = value
      return options as unknown as MonoCloudWebJSClientOptions
    }
  )

/** Never NaN nor negative; Infinity only for a finite number of seconds too large to be counted in milliseconds (no time-out then). */
const isDuration = (value: number) => value >= 0

describe("resolveConfig (property)", () => {
  it.effect.prop(
    "options with hostile values give a configuration the SDK can rely on, or an options error",
    [typedOptions],
    ([options]) =>
      Effect.gen(function* () {
        const result = yield* outcome(() => resolveConfig(options))
        if (result._tag === "Failure") {
          expect(result.error).toBeInstanceOf(MonoCloudUsageError)
          expect(result.error).toMatchObject({ _tag: "MonoCloudUsageError", reason: "options" })
          return
        }
        const config = result.value
        const issuer = new URL(config.issuer)
        expect(issuer.protocol === "https:" || (issuer.protocol === "http:" && LOCAL_HOSTS.has(issuer.hostname))).toBe(
          true
        )
        expect(issuer.search + issuer.hash).toBe("")
        expect(config.issuer.endsWith("/")).toBe(false)
        expect(["https:", "http:"]).toContain(new URL(config.appUrl).protocol)
        for (const uri of [config.redirectUri, config.silentRedirectUri, config.postLogoutRedirectUri]) {
          expect(new URL(uri).origin).toBe(config.appOrigin)
        }
        expect(config.clientId.trim()).not.toBe("")
        expect(ALGORITHMS).toContain(config.idTokenSigningAlgorithm)
        for (const value of [
          config.authWindowTimeoutMillis,
          config.silentTimeoutMillis,
          config.httpTimeoutMillis,
          config.clockTolerance,
          config.refreshBeforeExpiry,
          config.jwksCacheMillis,
          config.metadataCacheMillis
        ]) {
          expect(isDuration(value)).toBe(true)
        }
        expect(Number.isFinite(config.clockSkew)).toBe(true)
        expect(Number.isFinite(config.popupWindowWidth) && config.popupWindowWidth > 0).toBe(true)
        expect(Number.isFinite(config.popupWindowHeight) && config.popupWindowHeight > 0).toBe(true)
        for (const origin of config.allowedEndpointOrigins) {
          const url = new URL(origin)
          expect(url.origin).toBe(origin)
          expect(url.protocol === "https:" || LOCAL_HOSTS.has(url.hostname)).toBe(true)
        }
        if (config.clientAuth.method !== "none") expect(config.clientAuth.secret).not.toBe("")
      }),
    runs(300)
  )

  it.effect.prop(
    "options of the wrong types (what plain JavaScript may pass) give a configuration or an options error, never a throw",
    [wrongTypedOptions(Object.keys(hostile))],
    ([options]) => typedOutcome(options),
    runs(300)
  )
})

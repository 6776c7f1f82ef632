/**
 * Property tests of the callback URL parser (`src/internal/callbackResponse.ts`): any URL, query or
 * fragment, repeated parameters and garbage end in the code or in a typed SDK error.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { authorizationCode, callbackParams, callbackState } from "../../src/internal/callbackResponse.js"
import { MonoCloudOPError, MonoCloudValidationError } from "../../src/MonoCloudError.js"
import type { DiscoveryMetadata } from "../../src/schemas/DiscoveryMetadata.js"
import { urlBase } from "../../src/util/strings.js"
import { anyString, constantFrom, oneOf, outcome, runs, wellFormedString } from "./support/arbitraries.js"

const ISSUER = "https://op.example.test"
const REDIRECT = "http://localhost:3000/callback"
const STATE = "state-123"

const RESPONSE_NAMES = ["code", "state", "iss", "error", "error_description", "error_uri", "access_token", "id_token"]

const metadata = (iss: boolean | undefined): DiscoveryMetadata => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  ...(iss === undefined ? {} : { authorization_response_iss_parameter_supported: iss })
})

const parameter = Arbitrary.all([
  oneOf(constantFrom(...RESPONSE_NAMES, "session_state", "Code", "state "), anyString),
  oneOf(constantFrom(STATE, ISSUER, "the-code", "", "access_denied", `${STATE} `), anyString)
])

/** What a member of a genuine response (`code`, `state`, `iss`) becomes: kept, dropped, changed, emptied or repeated. */
const mutation = constantFrom("kept", "kept", "kept", "kept", "kept", "kept", "absent", "other", "empty", "repeated")

const GENUINE = { code: "the-code", state: STATE, iss: ISSUER } as const

/** A genuine response's parameters, each perhaps mutated, perhaps with an error or a token (implicit flow), then a few random ones. */
const parameters = Arbitrary.map(
  Arbitrary.all([
    mutation,
    mutation,
    mutation,
    constantFrom(undefined, undefined, "login_required", ""),
    constantFrom(undefined, undefined, undefined, "access_token", "id_token"),
    Arbitrary.array(parameter, { maxLength: 3 })
  ]),
  ([code, state, iss, error, implicit, extra]) => {
    const list: Array<readonly [string, string]> = []
    for (const [name, how] of [
      ["code", code],
      ["state", state],
      ["iss", iss]
    ] as const) {
      const value = GENUINE[name]
      if (how === "kept") list.push([name, value])
      if (how === "other") list.push([name, `${value}-other`])
      if (how === "empty") list.push([name, ""])
      if (how === "repeated") list.push([name, value], [name, value])
    }
    if (error !== undefined) list.push(["error", error], ["error_description", "described"])
    if (implicit !== undefined) list.push([implicit, "a-token"])
    return [...list, ...extra]
  }
)

/** Query or fragment text: properly encoded, or pasted raw (so `&`, `=`, `#` and `%` in values go wild). */
const parameterText = Arbitrary.map(
  Arbitrary.all([parameters, Arbitrary.schema(Schema.Boolean)]),
  ([params, encoded]) =>
    encoded
      ? new URLSearchParams(params.map(([name, value]) => [name, value])).toString()
      : params.map(([name, value]) => `${name}=${value}`).join("&")
)

/** A callback URL: at the redirect URI or elsewhere, with a query, a fragment, both or none, and perhaps trailing garbage. */
const callbackUrl = Arbitrary.map(
  Arbitrary.all([
    oneOf(
      constantFrom(REDIRECT, `${REDIRECT}/`),
      constantFrom(REDIRECT, `${REDIRECT}/`),
      constantFrom(REDIRECT, `${REDIRECT}/`),
      constantFrom(
        "HTTP://LOCALHOST:3000/callback",
        "http://localhost:3000/other",
        "http://localhost:4000/callback",
        "https://localhost:3000/callback",
        "http://localhost:3000/callback/x",
        "javascript:alert(1)//http://localhost:3000/callback",
        "not a url",
        ""
      )
    ),
    parameterText,
    parameterText,
    constantFrom("query", "query", "fragment", "both", "none"),
    oneOf(constantFrom(""), constantFrom("", "#", "&", "?", "%", "&state=x"), anyString)
  ]),
  ([base, query, fragment, where, garbage]) =>
    base +
    (where === "query" || where === "both" ? `?${query}` : "") +
    (where === "fragment" || where === "both" ? `#${fragment}` : "") +
    garbage
)

const anyUrlText = oneOf(callbackUrl, callbackUrl, callbackUrl, anyString)

const issSupport = constantFrom(true, false, undefined)

describe("callbackParams and callbackState (property)", () => {
  it.prop(
    "callbackState never throws; callbackParams throws a TypeError exactly for a string that is not a URL",
    [anyUrlText],
    ([url]) => {
      const state = callbackState(url)
      expect(state === undefined || typeof state === "string").toBe(true)
      if (URL.canParse(url)) {
        const params = callbackParams(url)
        expect(params).toBeInstanceOf(URLSearchParams)
        expect(state).toBe(params.get("state") ?? undefined)
      } else {
        expect(() => callbackParams(url)).toThrow(TypeError)
        expect(state).toBeUndefined()
      }
    },
    runs(300)
  )
})

describe("authorizationCode (property)", () => {
  it.effect.prop(
    "any callback URL gives the code or a typed error, and a code only for a clean response at the redirect URI",
    [anyUrlText, issSupport],
    ([url, iss]) =>
      Effect.gen(function* () {
        const result = yield* outcome(() =>
          authorizationCode(url, { state: STATE, redirectUri: REDIRECT, issuer: ISSUER }, metadata(iss))
        )
        if (result._tag === "Failure") {
          const error = result.error
          if (error instanceof MonoCloudOPError) {
            const params = callbackParams(url)
            expect(error.error).toBe(params.get("error"))
            expect(error.status).toBeUndefined()
            // an error response is believed only after its state (and iss) passed
            expect(params.getAll("state")).toEqual([STATE])
          } else {
            expect(error).toBeInstanceOf(MonoCloudValidationError)
            expect(["callbackUrl", "state", "issuer", "callbackResponse"]).toContain(error.reason)
            expect(error.message).not.toContain(STATE)
          }
          return
        }
        const code = result.value
        const params = callbackParams(url)
        expect(urlBase(url)).toBe(urlBase(REDIRECT))
        expect(code).not.toBe("")
        expect(params.getAll("code")).toEqual([code])
        expect(params.getAll("state")).toEqual([STATE])
        expect(params.has("error")).toBe(false)
        expect(params.has("access_token") || params.has("id_token")).toBe(false)
        const issuers = params.getAll("iss")
        expect(issuers.length === 0 ? iss !== true : issuers.length === 1 && issuers[0] === ISSUER).toBe(true)
      }),
    runs(300)
  )

  it.effect.prop(
    "a well-formed response with any code and any other parameters returns that code",
    [
      Arbitrary.map(wellFormedString, (code) => (code === "" ? "x" : code)),
      Arbitrary.array(Arbitrary.all([wellFormedString, wellFormedString]), { maxLength: 5 }),
      constantFrom("query", "fragment"),
      issSupport
    ],
    ([code, extra, where, iss]) =>
      Effect.gen(function* () {
        const others = extra.filter(([name]) => !RESPONSE_NAMES.includes(name))
        const params = new URLSearchParams([...others, ["code", code], ["state", STATE], ["iss", ISSUER]])
        const url = where === "query" ? `${REDIRECT}?${params}` : `${REDIRECT}?utm=1#${params}`
        const result = yield* authorizationCode(
          url,
          { state: STATE, redirectUri: REDIRECT, issuer: ISSUER },
          metadata(iss)
        )
        expect(result).toBe(code)
      }),
    runs(200)
  )
})

/**
 * Property tests of the endpoint response decoder (`src/util/endpointResponse.ts`) with the token,
 * UserInfo, discovery, key set and OAuth error schemas: any status, headers and body end in the
 * document, a `MonoCloudOPError` or a `MonoCloudHttpError`, never in a defect.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { MonoCloudHttpError, MonoCloudOPError } from "../../src/MonoCloudError.js"
import { DiscoveryMetadata, JsonWebKeySet } from "../../src/schemas/DiscoveryMetadata.js"
import { OAuthErrorBody, PushedAuthorizationResponse, TokenResponse } from "../../src/schemas/TokenResponse.js"
import { UserInfo } from "../../src/schemas/UserInfo.js"
import type { OidcEndpoint, OidcRequest, OidcResponse } from "../../src/services/OidcHttp.js"
import { decodeEndpointResponse } from "../../src/util/endpointResponse.js"
import {
  anyBodyText,
  anyNumber,
  anyString,
  anything,
  constantFrom,
  objectWith,
  oneOf,
  optional,
  outcome,
  runs
} from "./support/arbitraries.js"

const SCHEMAS = {
  token: {
    schema: TokenResponse,
    keys: ["access_token", "token_type", "expires_in", "refresh_token", "id_token", "scope"]
  },
  userinfo: { schema: UserInfo, keys: ["sub", "name", "email", "email_verified", "groups"] },
  discovery: {
    schema: DiscoveryMetadata,
    keys: [
      "issuer",
      "authorization_endpoint",
      "token_endpoint",
      "jwks_uri",
      "userinfo_endpoint",
      "authorization_response_iss_parameter_supported",
      "code_challenge_methods_supported"
    ]
  },
  jwks: { schema: JsonWebKeySet, keys: ["keys"] },
  revocation: { schema: OAuthErrorBody, keys: ["error", "error_description", "error_uri"] },
  par: { schema: PushedAuthorizationResponse, keys: ["request_uri", "expires_in"] }
} as const satisfies Record<OidcEndpoint, { readonly schema: Schema.Top; readonly keys: ReadonlyArray<string> }>

const ERROR_KEYS = ["error", "error_description", "error_uri"]

/** Values that are nearly right for some member: the right literal, a numeric string, a URL, a key set. */
const nearlyRight = oneOf(
  anything,
  constantFrom("Bearer", "bearer", "DPoP", "3600", "-5", "NaN", "Infinity", "1e309", " 12 ", "0x10", ""),
  constantFrom("https://op.example.test/x", "javascript:alert(1)", "invalid_grant", true, 3600, -1),
  constantFrom([{ kty: "RSA" }], [{ kty: 1 }], [], [null], ["openid"], [{ id: "g", name: "n" }])
)

const jsonObjectText = (keys: ReadonlyArray<string>) =>
  Arbitrary.map(objectWith(keys, nearlyRight), (object) => JSON.stringify(object))

const status = oneOf(
  constantFrom(200, 201, 204, 302, 400, 401, 403, 404, 429, 499, 500, 503),
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 999 }))),
  anyNumber
)

const headers = oneOf(
  Arbitrary.Constant({}),
  Arbitrary.map(
    oneOf(
      constantFrom(
        'Bearer error="invalid_token", error_description="expired"',
        'Bearer realm="x", error=""',
        'Bearer ERROR="insufficient_scope"',
        "Basic",
        'Bearer error="a\\"b"'
      ),
      anyString
    ),
    (value): Record<string, string> => ({ "www-authenticate": value })
  )
)

const nonEmpty = Arbitrary.schema(Schema.NonEmptyString)

/**
 * A well-formed token response. (`Arbitrary.schema(TokenResponse)` cannot be used: it finds no
 * value for the `token_type` filter and gives up.)
 */
const tokenResponse = Arbitrary.map(
  Arbitrary.all({
    access_token: nonEmpty,
    token_type: constantFrom("Bearer", "bearer", "BEARER", "bEaReR"),
    expires_in: Arbitrary.schema(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))),
    refresh_token: optional(nonEmpty),
    id_token: optional(nonEmpty),
    scope: optional(anyString)
  }),
  (token): TokenResponse => JSON.parse(JSON.stringify(token))
)

/** A valid document of each endpoint's schema (the discovery one with random extra members). */
const validBody: { readonly [E in OidcEndpoint]: Arbitrary.Arbitrary<unknown> } = {
  token: tokenResponse,
  userinfo: Arbitrary.schema(UserInfo),
  discovery: Arbitrary.map(objectWith(["x_extra", "claims_supported"]), (extra) => ({
    ...extra,
    issuer: "https://op.example.test",
    authorization_endpoint: "https://op.example.test/authorize",
    token_endpoint: "https://op.example.test/token",
    jwks_uri: "https://op.example.test/jwks"
  })),
  jwks: Arbitrary.schema(JsonWebKeySet),
  revocation: Arbitrary.schema(OAuthErrorBody),
  par: Arbitrary.schema(PushedAuthorizationResponse)
}

const exchange = Arbitrary.flatMap(
  Arbitrary.all([constantFrom(...(Object.keys(SCHEMAS) as Array<OidcEndpoint>)), constantFrom(200, 200, 201, 400)]),
  ([endpoint, expectedStatus]) =>
    Arbitrary.all({
      endpoint: Arbitrary.Constant(endpoint),
      query: constantFrom("", "?code=secret-code&state=s", "#frag", "?x#y"),
      status: oneOf(Arbitrary.Constant(expectedStatus), status),
      expectedStatus: Arbitrary.Constant(expectedStatus),
      headers,
      body: oneOf(
        anyBodyText,
        jsonObjectText(SCHEMAS[endpoint].keys),
        jsonObjectText(ERROR_KEYS),
        Arbitrary.map(validBody[endpoint], (document) => JSON.stringify(document))
      )
    })
)

const decodeOAuthError = Schema.decodeUnknownOption(Schema.fromJsonString(OAuthErrorBody))

describe("decodeEndpointResponse (property)", () => {
  it.effect.prop(
    "any response decodes to a valid document, or fails with an OP or HTTP error that matches the status",
    [exchange],
    ([{ body, endpoint, expectedStatus, headers, query, status }]) =>
      Effect.gen(function* () {
        const { schema } = SCHEMAS[endpoint]
        const request: OidcRequest = { endpoint, url: `https://op.example.test/${endpoint}${query}` }
        const response: OidcResponse = { status, headers, body }
        const result = yield* outcome(() =>
          decodeEndpointResponse<unknown>(request, response, schema as Schema.Decoder<unknown>, expectedStatus)
        )
        if (result._tag === "Success") {
          expect(status).toBe(expectedStatus)
          expect(Schema.is(schema as Schema.Top)(result.value)).toBe(true)
          return
        }
        const error = result.error
        if (error instanceof MonoCloudOPError) {
          // only endpoints that define OAuth errors (RFC 6749 §5.2, RFC 7009, RFC 9126, RFC 6750) report them
          expect(["token", "revocation", "par", "userinfo"]).toContain(endpoint)
          expect(status).not.toBe(expectedStatus)
          expect(status >= 400 && status < 500).toBe(true)
          expect(error.status).toBe(status)
          expect(typeof error.error === "string" && error.error !== "").toBe(true)
          return
        }
        expect(error).toBeInstanceOf(MonoCloudHttpError)
        expect(error).toMatchObject({ endpoint, url: `https://op.example.test/${endpoint}` })
        expect(error.status).toBe(status)
        expect(error.reason).toBe(status === expectedStatus ? "Decode" : "StatusCode")
        expect(error.cause).toBeUndefined()
        // an OAuth error body under a 4xx from an endpoint that defines them is never a plain status failure
        if (
          status !== expectedStatus &&
          status >= 400 &&
          status < 500 &&
          ["token", "revocation", "par"].includes(endpoint)
        ) {
          expect(Option.isNone(decodeOAuthError(body))).toBe(true)
        }
      }),
    runs(300)
  )

  it.effect.prop(
    "a 4xx OAuth error body becomes a MonoCloudOPError with its fields",
    [
      Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 400, maximum: 499 }))),
      Arbitrary.schema(OAuthErrorBody),
      headers
    ],
    ([status, body, headers]) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(
          decodeEndpointResponse(
            { endpoint: "token", url: "https://op.example.test/token" },
            { status, headers, body: JSON.stringify(body) },
            TokenResponse
          )
        )
        expect(error).toBeInstanceOf(MonoCloudOPError)
        expect(error).toMatchObject({
          error: body.error,
          errorDescription: body.error_description,
          errorUri: body.error_uri,
          status
        })
      }),
    runs(150)
  )

  it.effect.prop(
    "a well-formed token response, generated from its schema, always decodes to itself",
    [tokenResponse, Arbitrary.schema(Schema.Boolean)],
    ([token, asString]) =>
      Effect.gen(function* () {
        // `expires_in` may come as a numeric string too
        const sent = asString ? { ...token, expires_in: String(token.expires_in) } : token
        const decoded = yield* decodeEndpointResponse(
          { endpoint: "token", url: "https://op.example.test/token" },
          { status: 200, headers: {}, body: JSON.stringify(sent) },
          TokenResponse
        )
        expect(decoded).toEqual(token)
      }),
    runs(150)
  )

  it.effect.prop(
    "a well-formed UserInfo response, any extra claims included, always decodes to itself",
    [Arbitrary.schema(UserInfo)],
    ([userInfo]) =>
      Effect.gen(function* () {
        const decoded = yield* decodeEndpointResponse(
          { endpoint: "userinfo", url: "https://op.example.test/userinfo" },
          { status: 200, headers: {}, body: JSON.stringify(userInfo) },
          UserInfo
        )
        expect(decoded).toEqual(JSON.parse(JSON.stringify(userInfo)))
      }),
    runs(150)
  )
})

/**
 * Property tests of the Discovery service (`src/services/Discovery.ts` with the endpoint rules of
 * `src/util/endpointRules.ts`): any metadata document, with URLs of any scheme and origin, ends in
 * the metadata or a typed error naming the problem, and no `javascript:`, foreign-origin or (outside
 * local development) non-https endpoint is ever accepted.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Layer from "effect/Layer"
import * as MonoCloud from "../../src/MonoCloud.js"
import { MonoCloudConfig } from "../../src/MonoCloudConfig.js"
import { MonoCloudHttpError, MonoCloudValidationError } from "../../src/MonoCloudError.js"
import { DiscoveryMetadata, JsonWebKeySet } from "../../src/schemas/DiscoveryMetadata.js"
import { Discovery } from "../../src/services/Discovery.js"
import { OidcHttp } from "../../src/services/OidcHttp.js"
import { makeTestPlatform } from "../../src/testing.js"
import { makeScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import {
  anyBodyText,
  anyUrl,
  anything,
  constantFrom,
  objectWith,
  oneOf,
  outcome,
  runs,
  urlLike
} from "./support/arbitraries.js"

const ENDPOINT_MEMBERS = [
  "authorization_endpoint",
  "token_endpoint",
  "jwks_uri",
  "userinfo_endpoint",
  "end_session_endpoint",
  "revocation_endpoint"
] as const

/** The tenants the service is built for: production ones (with and without extra allowed origins) and a local one. */
const TENANTS = [
  { tenantDomain: "https://op.example.test", allowedEndpointOrigins: [] },
  { tenantDomain: "https://op.example.test", allowedEndpointOrigins: ["https://keys.example.test"] },
  // a local http origin the app allowed: an https tenant's endpoint there is still refused (not https)
  { tenantDomain: "https://op.example.test", allowedEndpointOrigins: ["http://localhost:4000"] },
  { tenantDomain: "http://localhost:4000", allowedEndpointOrigins: [] }
] as const

const ORIGINS = [
  "https://op.example.test",
  "http://op.example.test",
  "https://keys.example.test",
  "http://localhost:4000"
]

/** A URL that parses, of some scheme, on some origin (the tenant's, an allowed one, a hostile one). */
const parseableUrl = oneOf(
  Arbitrary.map(
    Arbitrary.all([
      constantFrom("https://", "http://", "HTTPS://", "ftp://", "wss://", "file://", "blob:https://"),
      constantFrom(
        "op.example.test",
        "localhost:4000",
        "keys.example.test",
        "OP.EXAMPLE.TEST:443",
        "evil.example.test",
        "op.example.test@evil.example.test",
        "op.example.test.evil.example.test",
        "[::1]"
      ),
      constantFrom("", "/", "/token", "/a?b=1#c", "/%2e%2e/x", "/\\evil.example.test")
    ]),
    ([scheme, host, path]) => scheme + host + path
  ),
  constantFrom(
    "javascript:alert(1)",
    "javascript://op.example.test/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "about:blank",
    "mailto:a@op.example.test"
  )
)

/** What a member is replaced with: a URL that parses (of any scheme and origin), URL-ish text, a wrong type, or nothing. */
const telling = constantFrom(
  "https://op.example.test/other",
  "http://localhost:4000/other",
  "https://keys.example.test/other",
  "http://op.example.test/other",
  "http://keys.example.test/other",
  "javascript:alert(1)"
)

const hostileValue = oneOf(
  telling,
  telling,
  telling,
  parseableUrl,
  parseableUrl,
  urlLike(ORIGINS),
  anyUrl(ORIGINS),
  anything,
  Arbitrary.Constant(undefined)
)

const MUTABLE_MEMBERS = ["issuer", ...ENDPOINT_MEMBERS] as const

/**
 * A metadata document for the tenant `issuer`: a valid one with up to three members replaced by
 * hostile values (or removed), and perhaps extra members of any type.
 */
const metadataFor = (issuer: string) =>
  Arbitrary.map(
    Arbitrary.all([
      Arbitrary.array(Arbitrary.all([constantFrom(...MUTABLE_MEMBERS), hostileValue]), { maxLength: 3 }),
      oneOf(
        Arbitrary.Constant({}),
        objectWith(["authorization_response_iss_parameter_supported", "id_token_signing_alg_values_supported"])
      )
    ]),
    ([replacements, rest]) => {
      const document: Record<string, unknown> = {
        ...rest,
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/userinfo`
      }
      for (const [member, value] of replacements) {
        if (value === undefined) delete document[member]
        else document[member] = value
      }
      return document
    }
  )

/** A tenant and what its discovery endpoint answers: a metadata document (as JSON) or any text. */
const discoveryCase = Arbitrary.flatMap(constantFrom(...TENANTS), (tenant) =>
  Arbitrary.all([
    Arbitrary.Constant(tenant),
    oneOf(
      Arbitrary.map(metadataFor(tenant.tenantDomain), (document) => JSON.stringify(document)),
      Arbitrary.map(metadataFor(tenant.tenantDomain), (document) => JSON.stringify(document)),
      Arbitrary.map(metadataFor(tenant.tenantDomain), (document) => JSON.stringify(document)),
      anyBodyText
    )
  ])
)

/** What the rules allow, computed independently: an https URL (http under a local http tenant) on an allowed origin. */
const acceptable = (value: string, issuer: string, allowedOrigins: ReadonlyArray<string>) => {
  const url = new URL(value)
  const tenant = new URL(issuer)
  const scheme = url.protocol === "https:" || (url.protocol === "http:" && tenant.protocol === "http:")
  return scheme && (url.origin === tenant.origin || allowedOrigins.includes(url.origin))
}

/** One scripted server for the test platform's other services; its HTTP is replaced by a stub. */
const server = await makeScriptedAuthorizationServer({ now: () => 0, alg: "ES256" })

/**
 * The Discovery service of a client for `tenant`, built by the real wiring (`layerWith`) over the
 * test platform, with an HTTP seam that answers every request with 200 and `body(endpoint)`.
 */
const serviceFor = (tenant: (typeof TENANTS)[number], body: (endpoint: string) => string) => {
  const http = Layer.succeed(
    OidcHttp,
    OidcHttp.of({ execute: (request) => Effect.succeed({ status: 200, headers: {}, body: body(request.endpoint) }) })
  )
  const platform = Layer.merge(makeTestPlatform(server).layer, http)
  return Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const service = yield* Discovery
    return { config, service }
  }).pipe(
    Effect.provide(MonoCloud.layerWith({ ...tenant, clientId: "client-1", appUrl: "http://localhost:3000" }, platform))
  )
}

/** A key: a `kty` of any type (usually a string), other members of any type. */
const key = Arbitrary.map(
  Arbitrary.all([oneOf(constantFrom("EC", "RSA", ""), anything), objectWith(["kid", "alg", "use", "crv"])]),
  ([kty, members]) => ({ ...members, kty })
)

describe("Discovery (property)", () => {
  it.effect.prop(
    "any metadata gives a document whose endpoints all obey the rules, or a typed error naming the problem",
    [discoveryCase],
    ([[tenant, text]]) =>
      Effect.gen(function* () {
        const { config, service } = yield* serviceFor(tenant, () => text)
        const result = yield* outcome(() => service.metadata)
        if (result._tag === "Success") {
          const accepted = result.value
          expect(accepted.issuer).toBe(config.issuer)
          for (const member of ENDPOINT_MEMBERS) {
            const value = accepted[member]
            if (value === undefined) continue
            expect(typeof value).toBe("string")
            const protocol = new URL(value).protocol
            expect(protocol === "https:" || (protocol === "http:" && config.issuer.startsWith("http://"))).toBe(true)
            expect(acceptable(value, config.issuer, config.allowedEndpointOrigins)).toBe(true)
          }
          return
        }
        const error = result.error
        if (error instanceof MonoCloudHttpError) {
          // the document does not have the schema's shape (or is not JSON); the error quotes none of it
          expect(error).toMatchObject({ reason: "Decode", endpoint: "discovery", status: 200 })
          expect(error.cause).toBeUndefined()
          expect(Schema.decodeUnknownOption(Schema.fromJsonString(DiscoveryMetadata))(text)._tag).toBe("None")
          return
        }
        expect(error).toBeInstanceOf(MonoCloudValidationError)
        if (!(error instanceof MonoCloudValidationError)) return
        expect(error.reason).toBe("discovery")
        const decoded = Schema.decodeUnknownSync(Schema.fromJsonString(DiscoveryMetadata))(text)
        if (decoded.issuer !== config.issuer) {
          expect(error.detail).toBe("The provider metadata names another issuer")
          return
        }
        // the first endpoint that breaks a rule is the one named
        const broken = ENDPOINT_MEMBERS.find(
          (member) =>
            decoded[member] !== undefined && !acceptable(decoded[member], config.issuer, config.allowedEndpointOrigins)
        )
        expect(broken).toBeDefined()
        expect(error.detail).toContain(`metadata's ${broken} `)
      }),
    runs(300)
  )

  it.effect.prop(
    "an endpoint URL of any scheme and origin is accepted exactly when the rules allow it, and otherwise named",
    [constantFrom(...TENANTS), constantFrom(...ENDPOINT_MEMBERS), oneOf(telling, telling, parseableUrl)],
    ([tenant, member, url]) =>
      Effect.gen(function* () {
        const issuer = tenant.tenantDomain
        const document = {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          [member]: url
        }
        const { config, service } = yield* serviceFor(tenant, () => JSON.stringify(document))
        const result = yield* outcome(() => service.metadata)
        if (!URL.canParse(url)) {
          // e.g. a file: URL with a port: not a URL at all, so the document does not decode
          expect(result).toMatchObject({ _tag: "Failure", error: { _tag: "MonoCloudHttpError", reason: "Decode" } })
        } else if (acceptable(url, config.issuer, config.allowedEndpointOrigins)) {
          expect(result).toMatchObject({ _tag: "Success", value: { [member]: url } })
        } else {
          expect(result).toMatchObject({
            _tag: "Failure",
            error: { _tag: "MonoCloudValidationError", reason: "discovery" }
          })
          if (result._tag === "Failure") expect(result.error.message).toContain(`metadata's ${member} `)
        }
      }),
    runs(200)
  )

  it.effect.prop(
    "any key set body gives keys that each have a string kty, or a Decode error for the jwks endpoint",
    [
      oneOf(
        anyBodyText,
        Arbitrary.map(
          objectWith(
            ["keys"],
            oneOf(anything, Arbitrary.array(key, { maxLength: 3 }), Arbitrary.array(key, { maxLength: 3 }))
          ),
          (jwks) => JSON.stringify(jwks)
        )
      )
    ],
    ([jwksText]) =>
      Effect.gen(function* () {
        const tenant = TENANTS[0]
        const valid = JSON.stringify({
          issuer: "https://op.example.test",
          authorization_endpoint: "https://op.example.test/authorize",
          token_endpoint: "https://op.example.test/token",
          jwks_uri: "https://op.example.test/jwks"
        })
        const { service } = yield* serviceFor(tenant, (endpoint) => (endpoint === "jwks" ? jwksText : valid))
        const result = yield* outcome(() => service.jwks({ forceRefresh: false }))
        if (result._tag === "Success") {
          expect(Schema.is(JsonWebKeySet)(result.value)).toBe(true)
          for (const key of result.value.keys) expect(typeof key.kty).toBe("string")
          return
        }
        expect(result.error).toBeInstanceOf(MonoCloudHttpError)
        expect(result.error).toMatchObject({ reason: "Decode", endpoint: "jwks" })
      }),
    runs(150)
  )
})

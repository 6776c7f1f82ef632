/**
 * Property tests of the ID token checks (`src/internal/idTokenValidation.ts`): arbitrary compact-JWS
 * strings (random base64url parts, random JSON headers and payloads, validly signed payloads of the
 * wrong shape) end in the claims or a `MonoCloudTokenError`, never in a defect.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { base64url } from "jose"
import {
  checkIdTokenClaims,
  decodeIdTokenClaims,
  type IdTokenExpectations,
  validateIdToken
} from "../../src/internal/idTokenValidation.js"
import { type TokenReason } from "../../src/MonoCloudError.js"
import { IdTokenClaims } from "../../src/schemas/IdTokenClaims.js"
import * as Crypto from "../../src/services/Crypto.js"
import { makeTokenMinter } from "../../src/testing/TokenMinter.js"
import type { PublicJwks } from "../../src/util/jws.js"
import {
  anyJson,
  anyString,
  anything,
  base64UrlText,
  constantFrom,
  objectWith,
  oneOf,
  optional,
  outcome,
  runs
} from "./support/arbitraries.js"
import { expectTagged } from "./support/failures.js"

const ISSUER = "https://op.example.test"
const CLIENT = "client-1"
const NOW = 1_700_000_000
const TOLERANCE = 60
const ACCESS_TOKEN = "access-token-1"

const minter = await makeTokenMinter({ issuer: ISSUER, alg: "ES256" })

/** The at_hash of ACCESS_TOKEN for ES256 (SHA-256), computed independently of the code under test. */
const AT_HASH = base64url.encode(
  new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(ACCESS_TOKEN))).subarray(0, 16)
)

const CLAIMS = ["iss", "sub", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "azp", "at_hash", "acr", "amr"]

const times = [NOW, NOW + 300, NOW - 300, NOW + TOLERANCE, NOW - TOLERANCE, NOW + TOLERANCE + 1, NOW - TOLERANCE - 1]

/** For each registered claim, values of its type that may fail its check (and, through `anything`, of other types). */
const claimValues: Record<string, Arbitrary.Arbitrary<unknown>> = {
  iss: constantFrom(ISSUER, `${ISSUER}/`, "https://evil.example.test", ""),
  sub: constantFrom("user-2", ""),
  aud: constantFrom(CLIENT, [CLIENT], [CLIENT, "other"], ["other", CLIENT], ["other"], "other", [], `${CLIENT} `),
  exp: constantFrom(...times, "1700000000"),
  iat: constantFrom(...times),
  nbf: constantFrom(...times),
  auth_time: constantFrom(...times),
  nonce: constantFrom("nonce-1", "nonce-2", ""),
  azp: constantFrom(CLIENT, "other"),
  at_hash: constantFrom(AT_HASH, "AAAAAAAAAAAAAAAAAAAAAA", ""),
  acr: constantFrom("urn:x", ""),
  amr: constantFrom(["pwd"], "pwd", [])
}

/** A claim and what replaces it: a value of its type (usually), any value, or nothing. */
const replacement = Arbitrary.flatMap(constantFrom(...CLAIMS), (claim) =>
  Arbitrary.all([
    Arbitrary.Constant(claim),
    oneOf(claimValues[claim]!, claimValues[claim]!, claimValues[claim]!, anything, Arbitrary.Constant(undefined))
  ])
)

/** A valid claim set with up to three claims replaced (or removed) and perhaps extra claims. */
const claims = Arbitrary.map(
  Arbitrary.all([
    Arbitrary.array(replacement, { maxLength: 3 }),
    oneOf(Arbitrary.Constant({}), objectWith(["email", "groups", "__proto__", "constructor"]))
  ]),
  ([replacements, extra]) => {
    const payload: Record<string, unknown> = {
      ...extra,
      iss: ISSUER,
      sub: "user-1",
      aud: CLIENT,
      iat: NOW,
      exp: NOW + 300,
      nonce: "nonce-1",
      auth_time: NOW - 10,
      at_hash: AT_HASH
    }
    for (const [claim, value] of replacements) {
      if (value === undefined) delete payload[claim]
      else payload[claim] = value
    }
    return payload
  }
)

/** Payload text: a claim set, any JSON value, or not JSON at all. */
const payloadText = oneOf(
  Arbitrary.map(claims, (value) => JSON.stringify(value)),
  Arbitrary.map(claims, (value) => JSON.stringify(value)),
  Arbitrary.map(anyJson, (value) => JSON.stringify(value)),
  anyString
)

/** A protected header: the right `alg`, another, none, or junk; perhaps a `kid` and a `crit`. */
const header = oneOf(
  Arbitrary.map(
    objectWith(["kid", "crit", "typ"], oneOf(anything, constantFrom(minter.currentKid, ["exp"], "JWT"))),
    (members) => ({ ...members, alg: "ES256" })
  ),
  Arbitrary.map(
    objectWith(["kid", "crit", "typ"], oneOf(anything, constantFrom(minter.currentKid, ["exp"], "JWT"))),
    (members) => ({ ...members, alg: "ES256" })
  ),
  objectWith(
    ["alg", "kid", "crit"],
    oneOf(anything, constantFrom("ES256", "RS256", "none", "HS256", "", minter.currentKid))
  ),
  anyJson
)

/** Bytes as base64url, from a string's char codes (so not always UTF-8). */
const rawBytes = Arbitrary.map(anyString, (text) =>
  base64url.encode(Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff))
)

/** Three parts: a JSON header, a payload (JSON or raw bytes, as base64url) and a signature (perhaps empty). */
const structuredJws = Arbitrary.map(
  Arbitrary.all([
    header,
    oneOf(
      Arbitrary.map(payloadText, (text) => base64url.encode(text)),
      Arbitrary.map(payloadText, (text) => base64url.encode(text)),
      rawBytes
    ),
    oneOf(base64UrlText, Arbitrary.Constant(""))
  ]),
  ([protectedHeader, payload, signature]) =>
    `${base64url.encode(JSON.stringify(protectedHeader))}.${payload}.${signature}`
)

/** A structured JWS whose payload lost its last few characters (so its length may be impossible for base64url). */
const truncatedJws = Arbitrary.map(Arbitrary.all([structuredJws, constantFrom(1, 2, 3)]), ([token, cut]) => {
  const [protectedHeader = "", payload = "", signature = ""] = token.split(".")
  return `${protectedHeader}.${payload.length > cut ? payload.slice(0, -cut) : `${payload}A`}.${signature}`
})

/** A string that looks more or less like a compact JWS. */
const jwsLike = oneOf(
  truncatedJws,
  structuredJws,
  structuredJws,
  structuredJws,
  structuredJws,
  anyString,
  Arbitrary.map(Arbitrary.all([base64UrlText, base64UrlText, base64UrlText]), (parts) => parts.join(".")),
  Arbitrary.map(Arbitrary.all([base64UrlText, base64UrlText, base64UrlText, base64UrlText]), (parts) => parts.join("."))
)

/** Key sets the key source may return: the minter's, an empty one, or keys of any shape. */
const keySet: Arbitrary.Arbitrary<PublicJwks> = oneOf(
  Arbitrary.Constant(minter.jwks),
  Arbitrary.Constant({ keys: [] }),
  Arbitrary.map(
    Arbitrary.array(
      objectWith(
        ["kty", "crv", "kid", "alg", "use", "key_ops", "x", "y", "n", "e"],
        oneOf(anything, constantFrom("EC", "RSA", "P-256", minter.currentKid, "sig", ["verify"], "AQAB", "ES256"))
      ),
      { maxLength: 3 }
    ),
    (keys) => ({ keys })
  )
)

const expectations = Arbitrary.map(
  Arbitrary.all([optional(constantFrom("nonce-1")), optional(constantFrom(60)), optional(constantFrom(ACCESS_TOKEN))]),
  ([nonce, maxAge, accessToken]): IdTokenExpectations => ({
    issuer: ISSUER,
    clientId: CLIENT,
    algorithms: ["ES256"],
    nowSeconds: NOW,
    clockSkew: 0,
    clockTolerance: TOLERANCE,
    nonce,
    maxAge,
    accessToken
  })
)

const ALL_CHECKS: ReadonlyArray<TokenReason> = [
  "format",
  "algorithm",
  "key",
  "signature",
  "claims",
  "issuer",
  "audience",
  "authorizedParty",
  "expired",
  "notYetValid",
  "issuedAt",
  "nonce",
  "authTime",
  "accessTokenHash"
]

const expectTokenError = (error: unknown, checks: ReadonlyArray<TokenReason>, token: string) => {
  const tokenError = expectTagged(error, "MonoCloudTokenError")
  expect(checks).toContain(tokenError.reason)
  if (token.length > 8) expect(tokenError.message).not.toContain(token)
}

/** Every claim check, done independently on claims that passed: what a success must satisfy. */
const expectAcceptable = (accepted: IdTokenClaims, expected: IdTokenExpectations) => {
  expect(Schema.is(IdTokenClaims)(accepted)).toBe(true)
  const audiences = typeof accepted.aud === "string" ? [accepted.aud] : accepted.aud
  expect(accepted.iss).toBe(ISSUER)
  expect(audiences).toContain(CLIENT)
  if (accepted.azp === undefined) expect(audiences).toHaveLength(1)
  else expect(accepted.azp).toBe(CLIENT)
  expect(accepted.exp).toBeGreaterThan(NOW - TOLERANCE)
  expect(accepted.iat).toBeLessThanOrEqual(NOW + TOLERANCE)
  if (accepted.nbf !== undefined) expect(accepted.nbf).toBeLessThanOrEqual(NOW + TOLERANCE)
  if (expected.nonce !== undefined) expect(accepted.nonce).toBe(expected.nonce)
  if (expected.maxAge !== undefined) {
    expect(accepted.auth_time).toBeDefined()
    expect(accepted.auth_time! + expected.maxAge).toBeGreaterThanOrEqual(NOW - TOLERANCE)
  }
  if (expected.accessToken !== undefined && accepted.at_hash !== undefined) expect(accepted.at_hash).toBe(AT_HASH)
}

const withCrypto = Effect.provide(Crypto.layerWebCrypto)

describe("decodeIdTokenClaims (property)", () => {
  it.effect.prop(
    "any string gives claims of the schema's shape or a format/claims MonoCloudTokenError",
    [jwsLike],
    ([token]) =>
      Effect.gen(function* () {
        const result = yield* outcome(() => decodeIdTokenClaims(token))
        if (result._tag === "Success") expect(Schema.is(IdTokenClaims)(result.value)).toBe(true)
        else expectTokenError(result.error, ["format", "claims"], token)
      }),
    runs(300)
  )
})

describe("validateIdToken (property)", () => {
  it.effect.prop(
    "an unsigned or randomly signed token always fails with a MonoCloudTokenError, whatever the key set",
    [jwsLike, keySet, expectations],
    ([token, keys, expected]) =>
      Effect.gen(function* () {
        const result = yield* outcome(() =>
          validateIdToken(token, expected, { getKeys: () => Effect.succeed(keys) }).pipe(withCrypto)
        )
        expect(result._tag).toBe("Failure")
        if (result._tag === "Failure") {
          expectTokenError(result.error, ["format", "algorithm", "key", "signature"], token)
        }
      }),
    runs(200)
  )

  it.effect.prop(
    "a validly signed token with any payload and header members gives claims that pass every check, or a MonoCloudTokenError",
    [payloadText, optional(objectWith(["crit", "typ", "x5u", "jku"])), expectations],
    ([payload, extraHeader, expected]) =>
      Effect.gen(function* () {
        const token = yield* Effect.promise(() =>
          minter.signPayload(payload, extraHeader === undefined ? {} : { header: extraHeader })
        )
        const result = yield* outcome(() =>
          validateIdToken(token, expected, { getKeys: () => Effect.succeed(minter.jwks) }).pipe(withCrypto)
        )
        if (result._tag === "Success") {
          expect(extraHeader?.["crit"]).toBeUndefined()
          expectAcceptable(result.value, expected)
        } else {
          expectTokenError(result.error, ALL_CHECKS, token)
        }
      }),
    runs(200)
  )

  it.effect.prop(
    "the issuer, audience, azp, nonce and at_hash checks of a signed token accept exactly what the rules allow",
    [
      constantFrom(ISSUER, `${ISSUER}/`, "https://evil.example.test"),
      constantFrom(CLIENT, [CLIENT], [CLIENT, "other"], ["other", CLIENT], ["other"], "other"),
      optional(constantFrom(CLIENT, "other")),
      optional(constantFrom("nonce-1", "nonce-2")),
      optional(constantFrom(AT_HASH, "AAAAAAAAAAAAAAAAAAAAAA")),
      expectations
    ],
    ([iss, aud, azp, nonce, atHash, expected]) =>
      Effect.gen(function* () {
        const payload = {
          iss,
          sub: "user-1",
          aud,
          azp,
          nonce,
          at_hash: atHash,
          iat: NOW,
          exp: NOW + 300,
          auth_time: NOW
        }
        const token = yield* Effect.promise(() => minter.signPayload(JSON.stringify(payload)))
        const result = yield* outcome(() =>
          validateIdToken(token, expected, { getKeys: () => Effect.succeed(minter.jwks) }).pipe(withCrypto)
        )
        // the rules of docs/errors.md, in the order the checks run
        const audiences: ReadonlyArray<string> = typeof aud === "string" ? [aud] : aud
        const failed: TokenReason | undefined =
          iss !== ISSUER
            ? "issuer"
            : !audiences.includes(CLIENT)
              ? "audience"
              : azp === undefined
                ? audiences.length > 1
                  ? "authorizedParty"
                  : undefined
                : azp !== CLIENT
                  ? "authorizedParty"
                  : undefined
        const failedLater: TokenReason | undefined =
          failed ??
          (expected.nonce !== undefined && nonce !== expected.nonce
            ? "nonce"
            : expected.accessToken !== undefined && atHash !== undefined && atHash !== AT_HASH
              ? "accessTokenHash"
              : undefined)
        if (failedLater === undefined) expect(result._tag).toBe("Success")
        else expect(result).toMatchObject({ _tag: "Failure", error: { reason: failedLater } })
      }),
    runs(200)
  )
})

/** Times around the boundaries the checks draw: now ± tolerance, one second either side. */
const instant = constantFrom(
  ...[-TOLERANCE - 1, -TOLERANCE, -TOLERANCE + 1, -1, 0, 1, TOLERANCE - 1, TOLERANCE, TOLERANCE + 1].map((d) => NOW + d)
)

const unsignedToken = (payload: unknown) =>
  `${base64url.encode(JSON.stringify({ alg: "ES256" }))}.${base64url.encode(JSON.stringify(payload))}.c2ln`

describe("checkIdTokenClaims (property)", () => {
  it.effect.prop(
    "the time checks accept exactly what the rules allow, at the boundaries, with any clock skew",
    [instant, instant, optional(instant), optional(instant), optional(constantFrom(0, 30)), constantFrom(0, 1, -1)],
    ([exp, iat, nbf, authTime, maxAge, clockSkew]) =>
      Effect.gen(function* () {
        const payload = { iss: ISSUER, sub: "user-1", aud: CLIENT, exp, iat, nbf, auth_time: authTime }
        const expected = {
          issuer: ISSUER,
          clientId: CLIENT,
          nowSeconds: NOW - clockSkew,
          clockSkew,
          clockTolerance: TOLERANCE,
          maxAge
        }
        const result = yield* outcome(() => checkIdTokenClaims(unsignedToken(payload), expected).pipe(withCrypto))
        // the rules of docs/errors.md, in the order the checks run; "now" is the clock plus the skew
        const now = NOW
        const failed: TokenReason | undefined =
          exp <= now - TOLERANCE
            ? "expired"
            : nbf !== undefined && nbf > now + TOLERANCE
              ? "notYetValid"
              : iat > now + TOLERANCE
                ? "issuedAt"
                : maxAge !== undefined && (authTime === undefined || authTime + maxAge < now - TOLERANCE)
                  ? "authTime"
                  : undefined
        if (failed === undefined) expect(result._tag).toBe("Success")
        else expect(result).toMatchObject({ _tag: "Failure", error: { reason: failed } })
      }),
    runs(200)
  )

  it.effect.prop(
    "any token gives claims that pass every claim check, or a MonoCloudTokenError",
    [oneOf(jwsLike, ...Array.from({ length: 3 }, () => Arbitrary.map(claims, unsignedToken))), expectations],
    ([token, expected]) =>
      Effect.gen(function* () {
        const result = yield* outcome(() => checkIdTokenClaims(token, expected).pipe(withCrypto))
        if (result._tag === "Success") expectAcceptable(result.value, expected)
        else expectTokenError(result.error, ALL_CHECKS, token)
      }),
    runs(300)
  )

  it.effect.prop(
    "a well-formed token with any extra claims passes, and its claims come back whole",
    [objectWith(["email", "groups", "name", "x-custom", "toString"])],
    ([extra]) =>
      Effect.gen(function* () {
        const payload = { ...extra, iss: ISSUER, sub: "user-1", aud: CLIENT, iat: NOW, exp: NOW + 300 }
        const token = yield* Effect.promise(() => minter.signPayload(JSON.stringify(payload)))
        const expected: IdTokenExpectations = {
          issuer: ISSUER,
          clientId: CLIENT,
          algorithms: ["ES256"],
          nowSeconds: NOW,
          clockSkew: 0,
          clockTolerance: TOLERANCE
        }
        const accepted = yield* validateIdToken(token, expected, { getKeys: () => Effect.succeed(minter.jwks) }).pipe(
          withCrypto
        )
        expect(accepted).toEqual(JSON.parse(JSON.stringify(payload)))
      }),
    runs(100)
  )
})

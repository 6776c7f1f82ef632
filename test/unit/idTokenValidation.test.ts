import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { base64url } from "jose"
import type { PublicJwks } from "../../src/util/jws.js"
import type { TokenReason } from "../../src/MonoCloudError.js"
import { MonoCloudTokenError } from "../../src/MonoCloudError.js"
import { checkIdTokenClaims, decodeIdTokenClaims, validateIdToken } from "../../src/internal/idTokenValidation.js"
import * as Crypto from "../../src/services/Crypto.js"
import type { IdTokenExpectations, KeySource } from "../../src/internal/idTokenValidation.js"
import { makeTokenMinter, tamperPayload } from "../../src/testing/TokenMinter.js"
import type { MintOptions } from "../../src/testing/TokenMinter.js"

const issuer = "https://op.example.test"
const clientId = "test-client"
const now = 1_700_000_000
/** The SDK's default algorithm, RS256: the one 2048-bit key this file generates (the signature tests are about it). */
const minter = await makeTokenMinter({ issuer })

const expectations: IdTokenExpectations = {
  issuer,
  clientId,
  algorithms: ["RS256"],
  nowSeconds: now,
  clockSkew: 0,
  clockTolerance: 0
}

const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: issuer,
  sub: "user-1",
  aud: clientId,
  iat: now,
  exp: now + 300,
  ...overrides
})

const mint = (overrides: Record<string, unknown> = {}, options?: MintOptions) =>
  Effect.promise(() => minter.mintIdToken(claims(overrides), options))

const recordingKeys = (first: PublicJwks, refreshed: PublicJwks = first) => {
  const calls: Array<boolean> = []
  const source: KeySource = {
    getKeys: ({ forceRefresh }) =>
      Effect.sync(() => {
        calls.push(forceRefresh)
        return forceRefresh ? refreshed : first
      })
  }
  return { calls, source }
}

const validate = (
  token: string,
  overrides: Partial<IdTokenExpectations> = {},
  keys: KeySource = recordingKeys(minter.jwks).source
) => validateIdToken(token, { ...expectations, ...overrides }, keys).pipe(Effect.provide(Crypto.layerWebCrypto))

/** The at_hash of an access token for RS256, computed independently of the code under test. */
const atHashOf = (accessToken: string) =>
  Effect.promise(async () => {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken)))
    return base64url.encode(digest.subarray(0, 16))
  })

const expectCheck = (error: MonoCloudTokenError, check: TokenReason, token: string) => {
  expect(error._tag).toBe("MonoCloudTokenError")
  expect(error.reason).toBe(check)
  if (token.length > 0) expect(error.message).not.toContain(token)
}

const failsWith = (
  check: TokenReason,
  overrides: Record<string, unknown>,
  expected: Partial<IdTokenExpectations> = {}
) =>
  Effect.gen(function* () {
    const token = yield* mint(overrides)
    const error = yield* Effect.flip(validate(token, expected))
    expectCheck(error, check, token)
  })

const passes = (overrides: Record<string, unknown>, expected: Partial<IdTokenExpectations> = {}) =>
  Effect.gen(function* () {
    const token = yield* mint(overrides)
    const result = yield* validate(token, expected)
    expect(result.sub).toBe("user-1")
  })

describe("validateIdToken", () => {
  it.effect("returns the claims of a valid token, extra claims included, after one cached key lookup", () =>
    Effect.gen(function* () {
      const accessToken = "access-token-1"
      const atHash = yield* atHashOf(accessToken)
      const token = yield* mint({
        nonce: "n-1",
        auth_time: now - 10,
        at_hash: atHash,
        email: "user@example.test",
        groups: ["admins"]
      })
      const keys = recordingKeys(minter.jwks)
      const result = yield* validate(token, { nonce: "n-1", maxAge: 60, accessToken }, keys.source)
      expect(result).toMatchObject({ iss: issuer, sub: "user-1", aud: clientId, email: "user@example.test" })
      expect(result.groups).toEqual(["admins"])
      expect(keys.calls).toEqual([false])
    })
  )

  describe("format", () => {
    it.effect("rejects strings that are not a compact JWS", () =>
      Effect.gen(function* () {
        const header = base64url.encode(JSON.stringify({ alg: "RS256" }))
        const malformed = ["", "abc", "a.b", "a.b.c.d", "a b.c.d", `${header}..sig`, "bm90IGpzb24.e30.c2ln"]
        for (const token of malformed) {
          expectCheck(yield* Effect.flip(validate(token)), "format", token)
        }
      })
    )

    it.effect("rejects a crit header", () =>
      Effect.gen(function* () {
        const token = yield* mint({}, { header: { crit: ["urn:example:ext"], "urn:example:ext": 1 } })
        expectCheck(yield* Effect.flip(validate(token)), "format", token)
      })
    )
  })

  describe("algorithm", () => {
    it.effect("never accepts alg none, even when allowed, and asks for no keys", () =>
      Effect.gen(function* () {
        const token = yield* mint({}, { alg: "none" })
        const keys = recordingKeys(minter.jwks)
        const error = yield* Effect.flip(validate(token, { algorithms: ["RS256", "none"] }, keys.source))
        expectCheck(error, "algorithm", token)
        expect(keys.calls).toEqual([])
      })
    )

    it.effect("rejects an algorithm outside the allow-list", () =>
      Effect.gen(function* () {
        const token = yield* mint()
        expectCheck(yield* Effect.flip(validate(token, { algorithms: ["ES256"] })), "algorithm", token)
      })
    )
  })

  describe("keys", () => {
    it.effect("fails with key after exactly one forced refetch when no key has the kid", () =>
      Effect.gen(function* () {
        const token = yield* mint({}, { kid: "rotated-away" })
        const keys = recordingKeys(minter.jwks)
        expectCheck(yield* Effect.flip(validate(token, {}, keys.source)), "key", token)
        expect(keys.calls).toEqual([false, true])
      })
    )

    it.effect("follows key rotation: an unknown kid is found after the refetch", () =>
      Effect.gen(function* () {
        const rotating = yield* Effect.promise(() => makeTokenMinter({ issuer, alg: "ES256" }))
        const before = rotating.jwks
        yield* Effect.promise(() => rotating.rotate())
        const token = yield* Effect.promise(() => rotating.mintIdToken(claims()))
        const keys = recordingKeys(before, rotating.jwks)
        const result = yield* validate(token, { algorithms: ["ES256"] }, keys.source)
        expect(result.sub).toBe("user-1")
        expect(keys.calls).toEqual([false, true])
        expect(rotating.jwks.keys.map((key) => key.kid)).not.toContain(before.keys[0]?.kid)
      })
    )

    it.effect("rejects a token without kid when several keys match", () =>
      Effect.gen(function* () {
        const token = yield* mint({}, { kid: null })
        const both = { keys: [...minter.jwks.keys, { ...minter.jwks.keys[0], kid: "other" }] }
        expectCheck(yield* Effect.flip(validate(token, {}, recordingKeys(both).source)), "key", token)
      })
    )

    it.effect("propagates the key source's own failure", () =>
      Effect.gen(function* () {
        const token = yield* mint()
        const failing: KeySource<"jwks unavailable"> = { getKeys: () => Effect.fail("jwks unavailable" as const) }
        const error = yield* Effect.flip(
          validateIdToken(token, expectations, failing).pipe(Effect.provide(Crypto.layerWebCrypto))
        )
        expect(error).toBe("jwks unavailable")
      })
    )
  })

  describe("signature", () => {
    it.effect("rejects a tampered payload", () =>
      Effect.gen(function* () {
        const token = tamperPayload(yield* mint(), (original) => ({ ...original, sub: "admin" }))
        expectCheck(yield* Effect.flip(validate(token)), "signature", token)
      })
    )

    it.effect("refuses a key Web Crypto cannot import (no exponent) with key, not a defect", () =>
      Effect.gen(function* () {
        const token = yield* mint()
        const published = minter.jwks.keys[0]!
        const { e: _exponent, ...withoutExponent } = published
        const broken = { keys: [withoutExponent] }
        const error = yield* Effect.flip(validate(token, {}, recordingKeys(broken).source))
        expectCheck(error, "key", token)
      })
    )

    it.effect("rejects a token signed by another key under the published kid", () =>
      Effect.gen(function* () {
        const token = yield* mint({}, { key: "unknown", kid: minter.currentKid })
        expectCheck(yield* Effect.flip(validate(token)), "signature", token)
      })
    )
  })

  describe("claims", () => {
    it.effect("rejects payloads that are not JSON objects", () =>
      Effect.gen(function* () {
        for (const payload of ["not json", "[1,2]", "null"]) {
          const token = yield* Effect.promise(() => minter.signPayload(payload))
          expectCheck(yield* Effect.flip(validate(token)), "claims", token)
        }
      })
    )

    it.effect("rejects claims that do not match the schema, keeping the ParseError as cause", () =>
      Effect.gen(function* () {
        for (const overrides of [{ sub: undefined }, { aud: 42 }, { aud: [] }, { exp: "soon" }, { amr: "pwd" }]) {
          const token = yield* mint(overrides)
          const error = yield* Effect.flip(validate(token))
          expectCheck(error, "claims", token)
          expect(Schema.isSchemaError(error.cause)).toBe(true)
        }
      })
    )
  })

  it.effect("issuer: rejects another iss", () => failsWith("issuer", { iss: "https://evil.example.test" }))

  it.effect("audience: rejects an aud without the client", () => failsWith("audience", { aud: "other-client" }))

  describe("authorizedParty", () => {
    it.effect("rejects several audiences without azp", () =>
      failsWith("authorizedParty", { aud: [clientId, "other-client"] })
    )

    it.effect("rejects an azp that is not the client", () =>
      failsWith("authorizedParty", { aud: [clientId, "other-client"], azp: "other-client" })
    )

    it.effect("accepts several audiences when azp is the client", () =>
      passes({ aud: [clientId, "other-client"], azp: clientId })
    )
  })

  describe("expiry", () => {
    it.effect("rejects exp at now", () => failsWith("expired", { exp: now }))

    it.effect("accepts exp in the past but within the tolerance", () =>
      passes({ exp: now - 30 }, { clockTolerance: 60 })
    )

    it.effect("applies the clock skew to now", () => failsWith("expired", { exp: now + 10 }, { clockSkew: 20 }))
  })

  describe("notYetValid", () => {
    it.effect("rejects nbf in the future", () => failsWith("notYetValid", { nbf: now + 120 }, { clockTolerance: 60 }))

    it.effect("accepts nbf within the tolerance", () => passes({ nbf: now + 30 }, { clockTolerance: 60 }))
  })

  it.effect("issuedAt: rejects iat in the future beyond the tolerance", () =>
    failsWith("issuedAt", { iat: now + 120 }, { clockTolerance: 60 })
  )

  describe("nonce", () => {
    it.effect("rejects a different nonce", () => failsWith("nonce", { nonce: "other" }, { nonce: "sent" }))

    it.effect("names neither nonce in the message", () =>
      Effect.gen(function* () {
        const token = yield* mint({ nonce: "received-nonce-value" })
        const error = yield* Effect.flip(validate(token, { nonce: "expected-nonce-value" }))
        expect(error.reason).toBe("nonce")
        expect(error.message).not.toContain("received-nonce-value")
        expect(error.message).not.toContain("expected-nonce-value")
      })
    )

    it.effect("rejects a missing nonce when one was sent", () => failsWith("nonce", {}, { nonce: "sent" }))
  })

  describe("authTime", () => {
    it.effect("rejects an auth_time older than max_age", () =>
      failsWith("authTime", { auth_time: now - 600 }, { maxAge: 300, clockTolerance: 60 })
    )

    it.effect("rejects a missing auth_time when max_age was sent", () => failsWith("authTime", {}, { maxAge: 300 }))

    it.effect("accepts an auth_time within max_age plus tolerance", () =>
      passes({ auth_time: now - 350 }, { maxAge: 300, clockTolerance: 60 })
    )
  })

  describe("accessTokenHash", () => {
    it.effect("rejects an at_hash of another access token", () =>
      Effect.gen(function* () {
        const atHash = yield* atHashOf("another-access-token")
        yield* failsWith("accessTokenHash", { at_hash: atHash }, { accessToken: "access-token-1" })
      })
    )

    it.effect("skips the check when the token has no at_hash", () => passes({}, { accessToken: "access-token-1" }))
  })
})

describe("decodeIdTokenClaims", () => {
  it.effect("decodes the claims without checking the signature", () =>
    Effect.gen(function* () {
      const token = yield* mint({ iss: "https://anyone.example.test" }, { key: "unknown" })
      const result = yield* decodeIdTokenClaims(token)
      expect(result.iss).toBe("https://anyone.example.test")
    })
  )

  it.effect("rejects malformed tokens and payloads", () =>
    Effect.gen(function* () {
      const malformed = yield* Effect.flip(decodeIdTokenClaims("a.b"))
      expect(malformed).toBeInstanceOf(MonoCloudTokenError)
      expect(malformed.reason).toBe("format")
      const array = yield* Effect.promise(() => minter.signPayload("[]"))
      expect((yield* Effect.flip(decodeIdTokenClaims(array))).reason).toBe("claims")
      const noSubject = yield* mint({ sub: "" })
      expect((yield* Effect.flip(decodeIdTokenClaims(noSubject))).reason).toBe("claims")
    })
  )
})

describe("checkIdTokenClaims (validateIdToken: false)", () => {
  const check = (token: string, overrides: Partial<IdTokenExpectations> = {}) =>
    checkIdTokenClaims(token, { ...expectations, ...overrides }).pipe(Effect.provide(Crypto.layerWebCrypto))

  it.effect("skips only the signature: an unsigned or foreign-signed token with the right claims passes", () =>
    Effect.gen(function* () {
      expect((yield* check(yield* mint({ nonce: "n-1" }, { alg: "none" }), { nonce: "n-1" })).sub).toBe("user-1")
      expect((yield* check(yield* mint({}, { key: "unknown" }))).sub).toBe("user-1")
    })
  )

  it.effect("still checks issuer, audience, authorized party, expiry, issued-at, nonce, auth_time and at_hash", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [TokenReason, Record<string, unknown>, Partial<IdTokenExpectations>]> = [
        ["issuer", { iss: "https://attacker.example" }, {}],
        ["audience", { aud: "someone-else" }, {}],
        ["authorizedParty", { aud: [clientId, "other"], azp: "other" }, {}],
        ["expired", { exp: 1 }, {}],
        ["issuedAt", { iat: now + 3600 }, {}],
        ["nonce", { nonce: "wrong" }, { nonce: "n-1" }],
        ["authTime", { auth_time: now - 3600 }, { maxAge: 60 }],
        ["accessTokenHash", { at_hash: "not-the-hash" }, { accessToken: "access-token-1" }]
      ]
      for (const [expectedCheck, overrides, expected] of cases) {
        for (const options of [{ alg: "none" as const }, { key: "unknown" as const }]) {
          const token = yield* mint(overrides, options)
          const error = yield* Effect.flip(check(token, expected))
          expectCheck(error, expectedCheck, token)
        }
      }
    })
  )
})

import { createHash, generateKeyPairSync, sign } from "node:crypto"
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Crypto from "../../src/services/Crypto.js"
import { failsWith } from "./support/failures.js"

const crypto = Crypto.Crypto.pipe(Effect.provide(Crypto.layerWebCrypto))

/** A P-256 key pair and an ES256 compact JWS made with node:crypto, independently of the code under test. */
const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" })
const publicJwk = publicKey.export({ format: "jwk" })
const privateJwk = privateKey.export({ format: "jwk" })
const text = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
const signingInput = `${text({ alg: "ES256", typ: "JWT" })}.${text({ sub: "user-1" })}`
const jws = `${signingInput}.${sign("sha256", Buffer.from(signingInput), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url")}`

describe("Crypto.layerWebCrypto", () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it.effect("gives random strings of the asked bytes, base64url without padding, never the same twice", () =>
    Effect.gen(function* () {
      const { randomString } = yield* crypto
      for (const bytes of [1, 16, 32, 33]) {
        const value = yield* randomString(bytes)
        expect(value).toMatch(/^[A-Za-z0-9_-]+$/)
        expect(Buffer.from(value, "base64url")).toHaveLength(bytes)
      }
      // 32 bytes (what state, nonce and the PKCE verifier use): a repeat would be a broken generator
      const drawn = new Set<string>()
      for (let i = 0; i < 50; i++) drawn.add(yield* randomString(32))
      expect(drawn.size).toBe(50)
    })
  )

  it.effect("digests the UTF-8 text with the named SHA-2, as an independent implementation does", () =>
    Effect.gen(function* () {
      const { digest } = yield* crypto
      const input = "code-verifier-\u00e9-\u{1F511}"
      for (const [algorithm, node] of [
        ["SHA-256", "sha256"],
        ["SHA-384", "sha384"],
        ["SHA-512", "sha512"]
      ] as const) {
        const expected = createHash(node).update(input, "utf8").digest()
        expect(Buffer.from(yield* digest(algorithm, input)).equals(expected)).toBe(true)
      }
    })
  )

  it.effect(
    "verifies a signature made elsewhere, and says false for another payload or malformed signature bytes",
    () =>
      Effect.gen(function* () {
        const { importVerifyKey, verifySignature } = yield* crypto
        const key = yield* importVerifyKey(publicJwk, "ES256")
        expect(yield* verifySignature(jws, key, "ES256")).toBe(true)
        const [header, , signature] = jws.split(".")
        expect(yield* verifySignature(`${header}.${text({ sub: "admin" })}.${signature}`, key, "ES256")).toBe(false)
        for (const bad of ["", "AAAA", "not*base64url", `${signature}AA`]) {
          expect(yield* verifySignature(`${signingInput}.${bad}`, key, "ES256")).toBe(false)
        }
      })
  )

  it.effect("imports only a key's public members: a published private key never becomes a signing key", () =>
    Effect.gen(function* () {
      const { importVerifyKey, verifySignature } = yield* crypto
      const key = yield* importVerifyKey({ ...privateJwk, key_ops: ["sign"] }, "ES256")
      expect(key.type).toBe("public")
      expect(key.usages).toEqual(["verify"])
      expect(yield* verifySignature(jws, key, "ES256")).toBe(true)
    })
  )

  it.effect("fails, as a typed failure, for a key Web Crypto refuses", () =>
    Effect.gen(function* () {
      const { importVerifyKey } = yield* crypto
      const error = yield* Effect.flip(importVerifyKey({ ...publicJwk, x: "AAAA" }, "ES256"))
      expect(error._tag).toBe("UnknownError")
    })
  )

  it.effect("fails with MonoCloudJsError NoBrowser without Web Crypto (no crypto, or no subtle outside https)", () =>
    Effect.gen(function* () {
      for (const missing of [undefined, { getRandomValues: globalThis.crypto.getRandomValues }]) {
        vi.stubGlobal("crypto", missing)
        const service = yield* crypto
        expect((yield* failsWith(service.randomString(16), "MonoCloudJsError")).reason).toBe("NoBrowser")
        expect((yield* failsWith(service.digest("SHA-256", "x"), "MonoCloudJsError")).reason).toBe("NoBrowser")
      }
    })
  )
})

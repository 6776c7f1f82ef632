import { describe, expect, it } from "@effect/vitest"
import { matchingKeys, type PublicJwk } from "../../src/util/jws.js"

const rsa = (extra: Partial<Record<string, unknown>> = {}): PublicJwk => ({
  kty: "RSA",
  kid: "k1",
  n: "n",
  e: "AQAB",
  ...extra
})
const ec = (crv: string, extra: Partial<Record<string, unknown>> = {}): PublicJwk => ({
  kty: "EC",
  kid: "k1",
  crv,
  x: "x",
  y: "y",
  ...extra
})

describe("matchingKeys", () => {
  it("keeps only keys that can verify the algorithm: kty, kid, alg, use and key_ops", () => {
    const good = rsa({ use: "sig", key_ops: ["verify"] })
    const keys = [
      ec("P-256"), // another key type
      rsa({ kid: "k2" }), // another kid
      rsa({ alg: "RS512" }), // meant for another algorithm
      rsa({ use: "enc" }), // meant for encryption
      rsa({ key_ops: ["encrypt"] }), // not for verifying
      rsa({ key_ops: "verify" }), // key_ops must be an array
      good
    ]
    expect(matchingKeys({ keys }, { alg: "RS256", kid: "k1" }, "RS256")).toEqual([good])
  })

  it("requires the curve of an EC algorithm, and matches every fitting key when the header names no kid", () => {
    const p256 = ec("P-256")
    const keys = [ec("P-384"), p256, { ...p256, kid: "k9" }]
    expect(matchingKeys({ keys }, { alg: "ES256", kid: "k1" }, "ES256")).toEqual([p256])
    expect(matchingKeys({ keys }, { alg: "ES256" }, "ES256")).toEqual([p256, { ...p256, kid: "k9" }])
    expect(matchingKeys({ keys }, { alg: "ES384" }, "ES384")).toEqual([keys[0]])
  })
})

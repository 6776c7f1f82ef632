/**
 * JWS compact serialisation (RFC 7515) without cryptography: the protected header, the payload,
 * the asymmetric algorithms the SDK verifies (RFC 7518 §3) and key selection from a JWK set. The
 * `Crypto` service does the signature check.
 */
import { base64UrlDecode } from "./base64url.js"

/**
 * A JSON Web Key as published in a key set (RFC 7517): the members key selection reads, others kept.
 *
 * @since 0.1.0
 * @category models
 */
export interface PublicJwk {
  readonly kty?: unknown
  readonly kid?: unknown
  readonly alg?: unknown
  readonly use?: unknown
  readonly crv?: unknown
  readonly key_ops?: unknown
  readonly [member: string]: unknown
}

/**
 * A JSON Web Key Set.
 *
 * @since 0.1.0
 * @category models
 */
export interface PublicJwks {
  readonly keys: ReadonlyArray<PublicJwk>
}

/** The members of a protected header the checks read. */
export interface JwsHeader {
  readonly alg?: unknown
  readonly kid?: unknown
  readonly crit?: unknown
  readonly [member: string]: unknown
}

/** The Web Crypto parameters of an algorithm and the key type (and curve) it needs. */
export interface AlgorithmSpec {
  readonly kty: "RSA" | "EC"
  readonly crv?: string
  readonly importParams: RsaHashedImportParams | EcKeyImportParams
  readonly verifyParams: AlgorithmIdentifier | RsaPssParams | EcdsaParams
}

const rsa = (name: "RSASSA-PKCS1-v1_5" | "RSA-PSS", bits: 256 | 384 | 512): AlgorithmSpec => ({
  kty: "RSA",
  importParams: { name, hash: `SHA-${bits}` },
  verifyParams: name === "RSA-PSS" ? { name, saltLength: bits / 8 } : { name }
})

const ec = (crv: "P-256" | "P-384" | "P-521", bits: 256 | 384 | 512): AlgorithmSpec => ({
  kty: "EC",
  crv,
  importParams: { name: "ECDSA", namedCurve: crv },
  verifyParams: { name: "ECDSA", hash: `SHA-${bits}` }
})

/** The asymmetric JWS algorithms; anything else (`none`, HMAC, EdDSA) has no entry and is never verified. */
export const jwsAlgorithms = {
  RS256: rsa("RSASSA-PKCS1-v1_5", 256),
  RS384: rsa("RSASSA-PKCS1-v1_5", 384),
  RS512: rsa("RSASSA-PKCS1-v1_5", 512),
  PS256: rsa("RSA-PSS", 256),
  PS384: rsa("RSA-PSS", 384),
  PS512: rsa("RSA-PSS", 512),
  ES256: ec("P-256", 256),
  ES384: ec("P-384", 384),
  ES512: ec("P-521", 512)
} as const satisfies Readonly<Record<string, AlgorithmSpec>>

/** A JWS algorithm the SDK verifies. */
export type JwsAlgorithm = keyof typeof jwsAlgorithms

/** True for an algorithm the SDK can verify. */
export const isJwsAlgorithm = (alg: string): alg is JwsAlgorithm => Object.hasOwn(jwsAlgorithms, alg)

const decodeJson = (part: string): unknown =>
  JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(base64UrlDecode(part)))

/** The protected header of a compact JWS; throws when it is not a base64url JSON object. */
export const decodeHeader = (jws: string): JwsHeader => {
  const header = decodeJson(jws.split(".")[0] ?? "")
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new TypeError("Not a JSON object")
  return header as JwsHeader
}

/** The payload bytes of a compact JWS; throws when it is not base64url. */
export const payloadOf = (jws: string): Uint8Array => base64UrlDecode(jws.split(".")[1] ?? "")

/**
 * The keys of `jwks` that may verify a signature with `alg` under `header`: the algorithm's key
 * type (and curve), the header's `kid` when it has one, and no `alg`, `use` or `key_ops` that
 * excludes signature verification.
 */
export const matchingKeys = (jwks: PublicJwks, header: JwsHeader, alg: JwsAlgorithm): ReadonlyArray<PublicJwk> => {
  const spec: AlgorithmSpec = jwsAlgorithms[alg]
  return jwks.keys.filter(
    (key) =>
      key.kty === spec.kty &&
      (spec.crv === undefined || key.crv === spec.crv) &&
      (header.kid === undefined || key.kid === header.kid) &&
      (key.alg === undefined || key.alg === alg) &&
      (key.use === undefined || key.use === "sig") &&
      (key.key_ops === undefined || (Array.isArray(key.key_ops) && key.key_ops.includes("verify")))
  )
}

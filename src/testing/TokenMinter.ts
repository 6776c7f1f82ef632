/**
 * Signing keys and real signed ID tokens for tests: the published key set, tokens signed by the
 * current, a retired or an unpublished key, unsigned (`alg: none`) tokens and tampered payloads.
 *
 * @since 0.1.0
 */
import { base64UrlDecode, base64UrlEncode } from "../util/base64url.js"
import { jwsAlgorithms, type PublicJwk, type PublicJwks } from "../util/jws.js"

/**
 * The signing algorithms a {@link TokenMinter} can use.
 *
 * @since 0.1.0
 * @category testing
 */
export type MinterAlgorithm = "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512"

/**
 * Options of {@link makeTokenMinter}.
 *
 * @since 0.1.0
 * @category testing
 */
export interface TokenMinterOptions {
  /** The `iss` every minted token carries unless a claim overrides it. */
  readonly issuer: string
  /** The signing algorithm; `RS256` by default. */
  readonly alg?: MinterAlgorithm | undefined
}

/**
 * How one token is signed.
 *
 * @since 0.1.0
 * @category testing
 */
export interface MintOptions {
  /**
   * Which private key signs: `"current"` (default), `"previous"` (the key the last `rotate()`
   * retired, no longer in `jwks`) or `"unknown"` (a key never published).
   */
  readonly key?: "current" | "previous" | "unknown" | undefined
  /** The `kid` header: a string replaces the signing key's `kid`, `null` leaves it out. */
  readonly kid?: string | null | undefined
  /** `"none"` builds an unsigned token (`header.payload.`) by hand. */
  readonly alg?: "none" | undefined
  /** Extra protected header parameters, e.g. `{ crit: ["urn:x"], "urn:x": 1 }`. */
  readonly header?: Readonly<Record<string, unknown>> | undefined
}

/**
 * A set of signing keys for a fake OpenID Provider.
 *
 * @since 0.1.0
 * @category testing
 */
export interface TokenMinter {
  readonly issuer: string
  readonly alg: MinterAlgorithm
  /** The published key set: the current public key with `kid`, `alg` and `use: "sig"`. Read it again after `rotate()`. */
  readonly jwks: PublicJwks
  /** The `kid` of the current key. */
  readonly currentKid: string
  /** Signs `claims` as a JWT; `iss` defaults to the minter's issuer and claims set to `undefined` are left out. */
  readonly mintIdToken: (claims: Readonly<Record<string, unknown>>, options?: MintOptions) => Promise<string>
  /** Signs an arbitrary payload string (e.g. not JSON, or a JSON array) as a compact JWS. */
  readonly signPayload: (payload: string, options?: MintOptions) => Promise<string>
  /** Makes a new key current and removes the old one from `jwks` (it stays available as `key: "previous"`). */
  readonly rotate: () => Promise<void>
}

interface SigningKey {
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicJwk: PublicJwk
}

const encodeText = (text: string): string => base64UrlEncode(new TextEncoder().encode(text))

const encodeJson = (value: unknown): string => encodeText(JSON.stringify(value))

/** A fresh Web Crypto key pair for `alg` (2048-bit RSA keys). */
const generateKeyPair = (alg: MinterAlgorithm): Promise<CryptoKeyPair> => {
  const params = jwsAlgorithms[alg].importParams
  const generation =
    params.name === "ECDSA" ? params : { ...params, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }
  return globalThis.crypto.subtle.generateKey(generation, true, ["sign", "verify"]) as Promise<CryptoKeyPair>
}

/** The public JWK of a key, without Web Crypto's `key_ops` and `ext` members. */
const exportPublicJwk = async (publicKey: CryptoKey): Promise<PublicJwk> => {
  const { key_ops: _ops, ext: _ext, ...jwk } = await globalThis.crypto.subtle.exportKey("jwk", publicKey)
  return jwk
}

/**
 * Creates a {@link TokenMinter} with one fresh key pair. Returns a `Promise` because key generation
 * is asynchronous in WebCrypto; from Effect code use `Effect.promise(() => makeTokenMinter(…))`.
 *
 * @since 0.1.0
 * @category testing
 */
export const makeTokenMinter = async (options: TokenMinterOptions): Promise<TokenMinter> => {
  const alg = options.alg ?? "RS256"
  let generated = 0
  const generate = async (kid: string): Promise<SigningKey> => {
    const { privateKey, publicKey } = await generateKeyPair(alg)
    return { kid, privateKey, publicJwk: { ...(await exportPublicJwk(publicKey)), kid, alg, use: "sig" } }
  }
  const nextKey = () => generate(`key-${++generated}`)
  let current = await nextKey()
  let previous: SigningKey | undefined
  let unknown: Promise<SigningKey> | undefined

  const signingKey = (which: MintOptions["key"]): Promise<SigningKey> => {
    switch (which) {
      case "previous":
        return previous === undefined
          ? Promise.reject(new Error("TokenMinter: no previous key; call rotate() first"))
          : Promise.resolve(previous)
      case "unknown":
        return (unknown ??= generate("unknown-key"))
      default:
        return Promise.resolve(current)
    }
  }

  const signPayload = async (payload: string, mint: MintOptions = {}): Promise<string> => {
    if (mint.alg === "none") {
      const kid = typeof mint.kid === "string" ? { kid: mint.kid } : {}
      return `${encodeJson({ alg: "none", typ: "JWT", ...kid, ...mint.header })}.${encodeText(payload)}.`
    }
    const key = await signingKey(mint.key)
    const kid = mint.kid === null ? {} : { kid: mint.kid ?? key.kid }
    const signingInput = `${encodeJson({ alg, typ: "JWT", ...kid, ...mint.header })}.${encodeText(payload)}`
    const signature = await globalThis.crypto.subtle.sign(
      jwsAlgorithms[alg].verifyParams,
      key.privateKey,
      new TextEncoder().encode(signingInput)
    )
    return `${signingInput}.${base64UrlEncode(new Uint8Array(signature))}`
  }

  return {
    issuer: options.issuer,
    alg,
    get jwks() {
      return { keys: [{ ...current.publicJwk }] }
    },
    get currentKid() {
      return current.kid
    },
    signPayload,
    mintIdToken: (claims, mint) => signPayload(JSON.stringify({ iss: options.issuer, ...claims }), mint),
    rotate: async () => {
      previous = current
      current = await nextKey()
    }
  }
}

/**
 * Replaces the payload of a compact JWS with `edit(claims)`, keeping the original header and
 * signature, so the signature no longer matches.
 *
 * @since 0.1.0
 * @category testing
 */
export const tamperPayload = (
  token: string,
  edit: (claims: Record<string, unknown>) => Record<string, unknown>
): string => {
  const [header = "", payload = "", signature = ""] = token.split(".")
  const claims: Record<string, unknown> = JSON.parse(new TextDecoder().decode(base64UrlDecode(payload)))
  return `${header}.${encodeJson(edit(claims))}.${signature}`
}

/**
 * The SDK's cryptography over Web Crypto: randomness for `state`, `nonce` and PKCE, SHA-2 digests
 * (PKCE challenge, `at_hash`), and JWS signature verification with the provider's public keys.
 *
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { MonoCloudJsError } from "../MonoCloudError.js"
import { base64UrlDecode, base64UrlEncode } from "../util/base64url.js"
import { type JwsAlgorithm, jwsAlgorithms, type PublicJwk } from "../util/jws.js"

/**
 * The SHA-2 functions the SDK uses.
 *
 * @since 0.1.0
 * @category models
 */
export type DigestAlgorithm = "SHA-256" | "SHA-384" | "SHA-512"

/**
 * The randomness and hashing service.
 *
 * @since 0.1.0
 * @category models
 */
export interface CryptoService {
  /** `bytes` random bytes, base64url-encoded. */
  readonly randomString: (bytes: number) => Effect.Effect<string, MonoCloudJsError>
  /** The digest of the UTF-8 text. */
  readonly digest: (algorithm: DigestAlgorithm, text: string) => Effect.Effect<Uint8Array, MonoCloudJsError>
  /** Imports the public members of a JWK as a key that verifies `alg` signatures; fails for a key Web Crypto refuses. */
  readonly importVerifyKey: (
    jwk: PublicJwk,
    alg: JwsAlgorithm
  ) => Effect.Effect<CryptoKey, MonoCloudJsError | Cause.UnknownError>
  /** True when the compact JWS's signature verifies under `key` with `alg` (false for malformed signature bytes). */
  readonly verifySignature: (jws: string, key: CryptoKey, alg: JwsAlgorithm) => Effect.Effect<boolean, MonoCloudJsError>
}

/**
 * The randomness and hashing service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class Crypto extends Context.Service<Crypto, CryptoService>()("@monocloud/auth-web-js/Crypto") {}

const webCrypto = Effect.suspend(() => {
  const crypto = (globalThis as { crypto?: globalThis.Crypto }).crypto
  return crypto?.subtle === undefined
    ? Effect.fail(
        new MonoCloudJsError({
          reason: "NoBrowser",
          detail: "Web Crypto is not available (is the page served over https?)"
        })
      )
    : Effect.succeed(crypto)
})

/** Only the public members: a published private exponent must never turn into a signing key. */
const publicMembers = (jwk: PublicJwk): JsonWebKey => {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, key_ops: _ops, ...rest } = jwk
  return rest as JsonWebKey
}

/**
 * Web Crypto (`crypto.getRandomValues`, `crypto.subtle`); fails with reason `NoBrowser` where it is
 * missing (Web Crypto needs a secure context).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebCrypto: Layer.Layer<Crypto> = Layer.succeed(Crypto, {
  randomString: (bytes) =>
    Effect.map(webCrypto, (crypto) => base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)))),
  digest: (algorithm, text) =>
    Effect.flatMap(webCrypto, (crypto) =>
      Effect.promise(() => crypto.subtle.digest(algorithm, new TextEncoder().encode(text)))
    ).pipe(Effect.map((digest) => new Uint8Array(digest))),
  importVerifyKey: (jwk, alg) =>
    Effect.flatMap(webCrypto, (crypto) =>
      Effect.tryPromise(() =>
        crypto.subtle.importKey("jwk", publicMembers(jwk), jwsAlgorithms[alg].importParams, false, ["verify"])
      )
    ),
  verifySignature: (jws, key, alg) =>
    Effect.flatMap(webCrypto, (crypto) =>
      Effect.promise(async () => {
        const [header = "", payload = "", signature = ""] = jws.split(".")
        try {
          const signed = new TextEncoder().encode(`${header}.${payload}`)
          return await crypto.subtle.verify(jwsAlgorithms[alg].verifyParams, key, base64UrlDecode(signature), signed)
        } catch {
          return false
        }
      })
    )
})

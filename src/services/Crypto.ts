/**
 * Randomness and SHA-256 for `state`, `nonce` and PKCE, over Web Crypto.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { MonoCloudJsError } from "../MonoCloudError.js"
import { base64UrlEncode } from "../util/base64url.js"

/**
 * The randomness and hashing service.
 *
 * @since 0.1.0
 * @category models
 */
export interface CryptoService {
  /** `bytes` random bytes, base64url-encoded. */
  readonly randomString: (bytes: number) => Effect.Effect<string, MonoCloudJsError>
  /** SHA-256 of the UTF-8 text, base64url-encoded. */
  readonly sha256: (text: string) => Effect.Effect<string, MonoCloudJsError>
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

/**
 * Web Crypto (`crypto.getRandomValues`, `crypto.subtle.digest`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebCrypto: Layer.Layer<Crypto> = Layer.succeed(Crypto, {
  randomString: (bytes) =>
    Effect.map(webCrypto, (crypto) => base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)))),
  sha256: (text) =>
    Effect.flatMap(webCrypto, (crypto) =>
      Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))
    ).pipe(Effect.map((digest) => base64UrlEncode(new Uint8Array(digest))))
})

/**
 * Provider metadata and signing keys, fetched on first use and cached in memory and in the
 * platform's `DocumentCache` (so the next page load may skip them). The metadata's `issuer`
 * must equal the configured tenant (OpenID Connect Discovery §4.3), and its endpoints must be
 * `https:` URLs on the issuer's origin (or an origin listed in `allowedEndpointOrigins`).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import {
  type MonoCloudHttpError,
  type MonoCloudOPError,
  type MonoCloudTimeoutError,
  MonoCloudValidationError
} from "../MonoCloudError.js"
import { DiscoveryMetadata, JsonWebKeySet } from "../schemas/DiscoveryMetadata.js"
import { requestDocument } from "../util/endpointResponse.js"
import { endpointProblem } from "../util/endpointRules.js"
import { makeTtlCache } from "../util/ttlCache.js"
import { DocumentCache } from "./DocumentCache.js"
import { OidcHttp } from "./OidcHttp.js"

/**
 * What fetching metadata or keys can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type DiscoveryError = MonoCloudHttpError | MonoCloudOPError | MonoCloudTimeoutError | MonoCloudValidationError

/**
 * The discovery service.
 *
 * @since 0.1.0
 * @category models
 */
export interface DiscoveryService {
  readonly metadata: Effect.Effect<DiscoveryMetadata, DiscoveryError>
  /** The provider's keys; `forceRefresh` fetches them again (used once when a `kid` is unknown). */
  readonly jwks: (options: { readonly forceRefresh: boolean }) => Effect.Effect<JsonWebKeySet, DiscoveryError>
}

/**
 * The discovery service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class Discovery extends Context.Service<Discovery, DiscoveryService>()("@monocloud/auth-web-js/Discovery") {}

/**
 * Builds the discovery service with caches for the metadata and the keys.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<DiscoveryService, never, MonoCloudConfig | OidcHttp | DocumentCache> = Effect.gen(
  function* () {
    const config = yield* MonoCloudConfig
    const http = yield* OidcHttp
    const documents = yield* DocumentCache
    /** `fetch`, unless a fresh copy kept from an earlier page decodes and passes `check` as well. */
    const remembered = <A, I, E, C>(
      key: string,
      schema: Schema.Codec<A, I>,
      fetch: Effect.Effect<A, E>,
      check: (document: A) => Effect.Effect<A, C>,
      ttlMillis: number
    ): Effect.Effect<A, E | C> =>
      Effect.flatMap(documents.get(key), (kept) =>
        Schema.decodeUnknownEffect(schema)(kept).pipe(
          Effect.flatMap(check),
          Effect.catch(() =>
            fetch.pipe(
              Effect.flatMap(check),
              Effect.tap((document) => documents.set(key, Schema.encodeSync(schema)(document), ttlMillis))
            )
          )
        )
      )
    const checkMetadata = (document: DiscoveryMetadata) => {
      if (document.issuer !== config.issuer) {
        return Effect.fail(
          new MonoCloudValidationError({ reason: "discovery", detail: "The provider metadata names another issuer" })
        )
      }
      const problem = endpointProblem(document, config.issuer, config.allowedEndpointOrigins)
      return problem === undefined
        ? Effect.succeed(document)
        : Effect.fail(new MonoCloudValidationError({ reason: "discovery", detail: problem }))
    }
    const metadata = yield* makeTtlCache(
      remembered(
        `mc.discovery.${config.issuer}`,
        DiscoveryMetadata,
        requestDocument(
          http,
          { endpoint: "discovery", url: `${config.issuer}/.well-known/openid-configuration` },
          DiscoveryMetadata
        ),
        checkMetadata,
        config.metadataCacheMillis
      ),
      config.metadataCacheMillis
    )
    const fetchKeys = Effect.flatMap(metadata.get(false), (document) =>
      requestDocument(http, { endpoint: "jwks", url: document.jwks_uri }, JsonWebKeySet)
    )
    const keysKey = `mc.jwks.${config.issuer}`
    // An unknown `kid` asks for the keys again: that must reach the provider, not the kept copy.
    const refetchKeys = Effect.tap(fetchKeys, (keys) =>
      documents.set(keysKey, Schema.encodeSync(JsonWebKeySet)(keys), config.jwksCacheMillis)
    )
    const jwks = yield* makeTtlCache(
      remembered(keysKey, JsonWebKeySet, fetchKeys, Effect.succeed, config.jwksCacheMillis),
      config.jwksCacheMillis,
      refetchKeys
    )
    return { metadata: metadata.get(false), jwks: ({ forceRefresh }) => jwks.get(forceRefresh) }
  }
)

/**
 * The discovery service over the HTTP seam.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Discovery, never, MonoCloudConfig | OidcHttp | DocumentCache> = Layer.effect(
  Discovery,
  make
)

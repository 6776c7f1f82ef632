/**
 * Provider metadata and signing keys, fetched on first use and cached. The metadata's `issuer`
 * must equal the configured tenant (OpenID Connect Discovery §4.3), and its endpoints must be
 * `https:` URLs on the issuer's origin (or an origin listed in `allowedEndpointOrigins`).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
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
export const make: Effect.Effect<DiscoveryService, never, MonoCloudConfig | OidcHttp> = Effect.gen(function* () {
  const config = yield* MonoCloudConfig
  const http = yield* OidcHttp
  const metadata = yield* makeTtlCache(
    requestDocument(
      http,
      { endpoint: "discovery", url: `${config.issuer}/.well-known/openid-configuration` },
      DiscoveryMetadata
    ).pipe(
      Effect.filterOrFail(
        (document) => document.issuer === config.issuer,
        () => new MonoCloudValidationError({ check: "discovery", detail: "The provider metadata names another issuer" })
      ),
      Effect.flatMap((document) => {
        const problem = endpointProblem(document, config.issuer, config.allowedEndpointOrigins)
        return problem === undefined
          ? Effect.succeed(document)
          : Effect.fail(new MonoCloudValidationError({ check: "discovery", detail: problem }))
      })
    ),
    config.metadataCacheMillis
  )
  const jwks = yield* makeTtlCache(
    Effect.flatMap(metadata.get(false), (document) =>
      requestDocument(http, { endpoint: "jwks", url: document.jwks_uri }, JsonWebKeySet)
    ),
    config.jwksCacheMillis
  )
  return { metadata: metadata.get(false), jwks: ({ forceRefresh }) => jwks.get(forceRefresh) }
})

/**
 * The discovery service over the HTTP seam.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Discovery, never, MonoCloudConfig | OidcHttp> = Layer.effect(Discovery, make)

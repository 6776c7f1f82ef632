/**
 * OpenID Provider metadata (OpenID Connect Discovery §3), as far as the SDK uses it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const Url = Schema.String.check(Schema.makeFilter((value) => URL.canParse(value) || "must be an absolute URL"))

const OtherMembers = [Schema.Record(Schema.String, Schema.Unknown)] as const

/**
 * The provider metadata; unknown members are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DiscoveryMetadata = Schema.StructWithRest(
  Schema.Struct({
    issuer: Url,
    authorization_endpoint: Url,
    token_endpoint: Url,
    jwks_uri: Url,
    userinfo_endpoint: Schema.optional(Url),
    end_session_endpoint: Schema.optional(Url),
    revocation_endpoint: Schema.optional(Url),
    pushed_authorization_request_endpoint: Schema.optional(Url),
    require_pushed_authorization_requests: Schema.optional(Schema.Boolean),
    require_signed_request_object: Schema.optional(Schema.Boolean),
    authorization_response_iss_parameter_supported: Schema.optional(Schema.Boolean),
    code_challenge_methods_supported: Schema.optional(Schema.Array(Schema.String)),
    id_token_signing_alg_values_supported: Schema.optional(Schema.Array(Schema.String))
  }),
  OtherMembers
)

/**
 * The provider metadata.
 *
 * @since 0.1.0
 * @category models
 */
export type DiscoveryMetadata = typeof DiscoveryMetadata.Type

/**
 * A JSON Web Key Set; each key needs at least `kty`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const JsonWebKeySet = Schema.Struct({
  keys: Schema.Array(Schema.StructWithRest(Schema.Struct({ kty: Schema.String }), OtherMembers))
})

/**
 * A JSON Web Key Set.
 *
 * @since 0.1.0
 * @category models
 */
export type JsonWebKeySet = typeof JsonWebKeySet.Type

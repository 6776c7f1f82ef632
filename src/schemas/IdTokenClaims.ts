/**
 * The shape of a decoded ID token payload.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The claims of an ID token: the registered OpenID Connect claims with their JSON types, plus any
 * other claim (profile claims, custom claims) kept as `unknown`. Only the shape is checked here;
 * the values (issuer, audience, times, nonce, …) are checked by the ID token validation.
 *
 * @since 0.1.0
 * @category schemas
 */
export const IdTokenClaims = Schema.StructWithRest(
  Schema.Struct({
    iss: Schema.NonEmptyString,
    sub: Schema.NonEmptyString,
    aud: Schema.Union([Schema.String, Schema.NonEmptyArray(Schema.String)]),
    exp: Schema.Finite,
    iat: Schema.Finite,
    nbf: Schema.optional(Schema.Finite),
    auth_time: Schema.optional(Schema.Finite),
    nonce: Schema.optional(Schema.String),
    azp: Schema.optional(Schema.String),
    at_hash: Schema.optional(Schema.String),
    acr: Schema.optional(Schema.String),
    amr: Schema.optional(Schema.Array(Schema.String))
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
).annotate({ identifier: "IdTokenClaims" })

/**
 * The decoded claims of an ID token.
 *
 * @since 0.1.0
 * @category schemas
 */
export type IdTokenClaims = typeof IdTokenClaims.Type

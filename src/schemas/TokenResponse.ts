/**
 * Token endpoint responses (RFC 6749 §5.1, §5.2) and the pushed authorization response (RFC 9126).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const PositiveSeconds = Schema.Union([Schema.Number, Schema.NumberFromString]).check(
  Schema.makeFilter((value) => (Number.isFinite(value) && value >= 0) || "must be a non-negative number")
)

/**
 * A successful token response. `token_type` must be `Bearer` (any case); `expires_in` may be sent as
 * a number or a numeric string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TokenResponse = Schema.Struct({
  access_token: Schema.NonEmptyString,
  token_type: Schema.String.check(Schema.makeFilter((value) => value.toLowerCase() === "bearer" || "must be Bearer")),
  expires_in: PositiveSeconds,
  refresh_token: Schema.optional(Schema.NonEmptyString),
  id_token: Schema.optional(Schema.NonEmptyString),
  scope: Schema.optional(Schema.String)
})

/**
 * A successful token response.
 *
 * @since 0.1.0
 * @category models
 */
export type TokenResponse = typeof TokenResponse.Type

/**
 * A pushed authorization response (RFC 9126 §2.2): the `request_uri` that stands for the pushed
 * parameters at the authorization endpoint, and how long it is valid.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PushedAuthorizationResponse = Schema.Struct({
  request_uri: Schema.NonEmptyString,
  expires_in: PositiveSeconds
})

/**
 * A pushed authorization response.
 *
 * @since 0.1.0
 * @category models
 */
export type PushedAuthorizationResponse = typeof PushedAuthorizationResponse.Type

/**
 * An OAuth error body (`{ "error": "invalid_grant", … }`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OAuthErrorBody = Schema.Struct({
  error: Schema.NonEmptyString,
  error_description: Schema.optional(Schema.String),
  error_uri: Schema.optional(Schema.String)
})

/**
 * An OAuth error body.
 *
 * @since 0.1.0
 * @category models
 */
export type OAuthErrorBody = typeof OAuthErrorBody.Type

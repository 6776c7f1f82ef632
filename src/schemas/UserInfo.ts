/**
 * The UserInfo response (OpenID Connect Core §5.3.2) and the user kept on the session.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A UserInfo response: `sub` is required, every other claim is kept as sent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UserInfo = Schema.StructWithRest(
  Schema.Struct({
    sub: Schema.NonEmptyString,
    name: Schema.optional(Schema.String),
    email: Schema.optional(Schema.String),
    email_verified: Schema.optional(Schema.Boolean),
    /** Group names or `{ id, name }` objects; entries of other shapes are kept and never match. */
    groups: Schema.optional(Schema.Array(Schema.Unknown))
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

/**
 * A UserInfo response.
 *
 * @since 0.1.0
 * @category models
 */
export type UserInfo = typeof UserInfo.Type

/**
 * A group entry in the `groups` claim: a name or an `{ id, name }` object.
 *
 * @since 0.1.0
 * @category models
 */
export type Group = string | { readonly id: string; readonly name: string }

/**
 * Typed custom claims: the app's own Schema for `session.user`, decoded and validated where a
 * session reaches the app.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { MonoCloudValidationError } from "../MonoCloudError.js"
import type { MonoCloudSession, MonoCloudUser } from "../schemas/Session.js"

/**
 * A session whose `user` also has the app's own claims `User` (the type a `userSchema` decodes
 * to); plain `MonoCloudSession` when no user type is given (`User` is `unknown`).
 *
 * @since 0.1.0
 * @category models
 */
export type MonoCloudSessionOf<User> = unknown extends User
  ? MonoCloudSession
  : MonoCloudSession & { readonly user: MonoCloudUser & User }

/**
 * Checks `session.user` against `schema` and returns the session with the decoded claims laid
 * over the stored ones (so claims the schema does not name stay, and claims it transforms arrive
 * transformed), or `MonoCloudValidationError` with `reason: "userClaims"` (its `cause` is the
 * schema's report, which may quote the claims). The stored session is never changed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const userDecoder =
  <User>(schema: Schema.Decoder<User>) =>
  (session: MonoCloudSession): Result.Result<MonoCloudSessionOf<User>, MonoCloudValidationError> => {
    const decoded = Schema.decodeUnknownResult(schema)(session.user)
    return Result.isSuccess(decoded)
      ? Result.succeed({
          ...session,
          user: { ...session.user, ...(decoded.success as object) }
        } as MonoCloudSessionOf<User>)
      : Result.fail(
          new MonoCloudValidationError({
            reason: "userClaims",
            detail: "The signed-in user's claims do not match the app's user schema",
            cause: decoded.failure
          })
        )
  }

/**
 * {@link userDecoder} as an Effect, for `MonoCloud.getSession`, `signIn` or `signInSilent` results:
 * `MonoCloud.signInSilent().pipe(Effect.flatMap(MonoCloud.decodeUser(AppUser)))`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const decodeUser =
  <User>(schema: Schema.Decoder<User>) =>
  (session: MonoCloudSession): Effect.Effect<MonoCloudSessionOf<User>, MonoCloudValidationError> =>
    Effect.fromResult(userDecoder(schema)(session))

/**
 * Assertions that narrow a failure by its tag, so a test reads the error's fields without a cast:
 * `const error = yield* failsWith(effect, "MonoCloudOPError")` then `error.error`.
 */
import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Errors from "../../../src/MonoCloudError.js"

const classes = {
  MonoCloudOPError: Errors.MonoCloudOPError,
  MonoCloudHttpError: Errors.MonoCloudHttpError,
  MonoCloudValidationError: Errors.MonoCloudValidationError,
  MonoCloudUsageError: Errors.MonoCloudUsageError,
  MonoCloudNotSignedInError: Errors.MonoCloudNotSignedInError,
  MonoCloudTokenError: Errors.MonoCloudTokenError,
  MonoCloudJsError: Errors.MonoCloudJsError,
  MonoCloudTimeoutError: Errors.MonoCloudTimeoutError,
  MonoCloudStorageError: Errors.MonoCloudStorageError
} as const satisfies { readonly [Tag in Errors.MonoCloudError["_tag"]]: abstract new (...args: never) => unknown }

/** The tag of an SDK error class. */
export type ErrorTag = keyof typeof classes

/** The SDK error class tagged `Tag`. */
export type Tagged<Tag extends ErrorTag> = Extract<Errors.MonoCloudError, { readonly _tag: Tag }>

/** Expects `error` to be an instance of the SDK error class tagged `tag` and returns it as that class. */
export const expectTagged = <Tag extends ErrorTag>(error: unknown, tag: Tag): Tagged<Tag> => {
  expect(Errors.isMonoCloudError(error) ? error._tag : error, "the error's tag").toBe(tag)
  expect(error).toBeInstanceOf(classes[tag])
  return error as Tagged<Tag>
}

/** The failure of `effect`, expected to be the SDK error tagged `tag` (a success fails the test). */
export const failsWith = <A, E, R, Tag extends ErrorTag>(
  effect: Effect.Effect<A, E, R>,
  tag: Tag
): Effect.Effect<Tagged<Tag>, never, R> =>
  Effect.matchEffect(effect, {
    onFailure: (error) => Effect.sync(() => expectTagged(error, tag)),
    onSuccess: () => Effect.die(new Error(`expected a ${tag}, but the effect succeeded`))
  })

/** The rejection of `promise`, expected to be the SDK error tagged `tag` (a fulfilment fails the test). */
export const rejectsWith = async <Tag extends ErrorTag>(promise: Promise<unknown>, tag: Tag): Promise<Tagged<Tag>> => {
  try {
    await promise
  } catch (error) {
    return expectTagged(error, tag)
  }
  throw new Error(`expected the promise to reject with a ${tag}`)
}

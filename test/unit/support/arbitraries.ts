/**
 * Building blocks for the property tests of the parsers of untrusted input
 * (`test/unit/*.property.test.ts`): hostile strings, JSON, URLs and numbers, built from effect's
 * own `Arbitrary` module, and a check that an outcome is a success or one of the SDK's typed errors.
 */
import { expect } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { base64url } from "jose"
import { MonoCloudAuthBaseError } from "../../../src/MonoCloudError.js"

/** One of the given arbitraries, chosen at random (shrinks towards the first). */
export const oneOf = <const Arbs extends ReadonlyArray<Arbitrary.Arbitrary<unknown>>>(
  ...arbitraries: Arbs
): Arbitrary.Arbitrary<Arbs[number] extends Arbitrary.Arbitrary<infer A> ? A : never> =>
  Arbitrary.flatMap(
    Arbitrary.schema(Schema.Literals(arbitraries.map((_, index) => index))),
    (index) => arbitraries[index]!
  ) as never

/** One of the given values (shrinks towards the first). */
export const constantFrom = <const Values extends ReadonlyArray<unknown>>(
  ...values: Values
): Arbitrary.Arbitrary<Values[number]> =>
  Arbitrary.map(Arbitrary.schema(Schema.Literals(values.map((_, index) => index))), (index) => values[index])

/** An optional value: absent (`undefined`) or drawn from `arbitrary`. */
export const optional = <A>(arbitrary: Arbitrary.Arbitrary<A>): Arbitrary.Arbitrary<A | undefined> =>
  oneOf(Arbitrary.Constant(undefined), arbitrary)

/** Any string (effect's generator includes `__proto__`, `toString`, control characters, emoji). */
export const anyString = Arbitrary.schema(Schema.String)

/** Any string without lone surrogates (what survives URL and UTF-8 encoding unchanged). */
export const wellFormedString = Arbitrary.map(anyString, (text) =>
  text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
)

/** Any JSON value. */
export const anyJson = Arbitrary.schema(Schema.Json)

/** Any number, with the special ones over-represented. */
export const anyNumber = oneOf(
  Arbitrary.schema(Schema.Number),
  constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, -1, 1e308, -1e-300, 2 ** 53)
)

/** A value of any type, `undefined` and non-JSON numbers included. */
export const anything = oneOf(anyJson, anyNumber, anyString, Arbitrary.Constant(undefined))

/** Text a server might send as a body: any string, any JSON text, or JSON cut short. */
export const anyBodyText = oneOf(
  anyString,
  Arbitrary.map(anyJson, (json) => JSON.stringify(json)),
  Arbitrary.map(anyJson, (json) => JSON.stringify(json).slice(0, -1)),
  constantFrom("", "null", "{}", "[]", "<html>502 Bad Gateway</html>", '{"__proto__":{"polluted":1}}')
)

/**
 * An object with some of the `keys` (often right, sometimes wrong types drawn from `values`), plus
 * perhaps an unexpected member.
 */
export const objectWith = (
  keys: ReadonlyArray<string>,
  values: Arbitrary.Arbitrary<unknown> = anything
): Arbitrary.Arbitrary<Record<string, unknown>> =>
  Arbitrary.map(
    Arbitrary.all([
      Arbitrary.all(keys.map((key) => Arbitrary.all([Arbitrary.Constant(key), optional(values)]))),
      optional(Arbitrary.all([anyString, values]))
    ]),
    ([members, extra]) => {
      const object: Record<string, unknown> = {}
      for (const [key, value] of [...members, ...(extra === undefined ? [] : [extra])]) {
        if (value !== undefined) Object.defineProperty(object, key, { value, enumerable: true, writable: true })
      }
      return object
    }
  )

/** A URL-ish string of any scheme on one of `origins` or a hostile one (`javascript:`, `data:`, userinfo tricks). */
export const urlLike = (origins: ReadonlyArray<string>): Arbitrary.Arbitrary<string> =>
  Arbitrary.map(
    Arbitrary.all([
      constantFrom(
        ...origins,
        "https://evil.example.test",
        "http://evil.example.test",
        "javascript:",
        "data:text/html,",
        "file://",
        "ftp://op.example.test",
        "blob:https://op.example.test/",
        "//op.example.test",
        "https://op.example.test@evil.example.test",
        "HTTPS://OP.EXAMPLE.TEST",
        "",
        " https://op.example.test"
      ),
      constantFrom("", "/", "/token", "/a/b?x=1#f", "alert(1)", "%0a", "/../../x", ":8443/x"),
      anyString
    ]),
    ([origin, path, noise]) => `${origin}${path}${noise.length % 3 === 0 ? noise : ""}`
  )

/** A URL-ish string of any scheme (see {@link urlLike}), or any string at all. */
export const anyUrl = (origins: ReadonlyArray<string>): Arbitrary.Arbitrary<string> =>
  oneOf(urlLike(origins), anyString)

/** A string of the base64url alphabet (what passes the compact-JWS pattern), any length. */
export const base64UrlText = oneOf(
  Arbitrary.map(anyString, (text) => base64url.encode(text)),
  Arbitrary.map(anyString, (text) => text.replace(/[^A-Za-z0-9_-]/g, "")),
  Arbitrary.map(anyJson, (json) => base64url.encode(JSON.stringify(json)))
)

/** How an Effect ended, for asserting that a failure is one of the SDK's own errors. */
export type Outcome<A, E> =
  { readonly _tag: "Success"; readonly value: A } | { readonly _tag: "Failure"; readonly error: E }

/**
 * Runs `run` (a synchronous throw while building the Effect counts too) and returns its success or
 * its typed failure. Fails the property on a defect, an interruption, several failures, or a failure
 * that is not an SDK error.
 */
export const outcome = <A, E, R>(run: () => Effect.Effect<A, E, R>): Effect.Effect<Outcome<A, E>, never, R> =>
  Effect.map(Effect.exit(Effect.suspend(run)), (exit) => {
    if (Exit.isSuccess(exit)) return { _tag: "Success", value: exit.value }
    const failures = exit.cause.reasons.filter(Cause.isFailReason)
    expect(
      exit.cause.reasons.length === 1 && failures.length === 1,
      `expected exactly one typed failure, got: ${Cause.pretty(exit.cause)}`
    ).toBe(true)
    const error = failures[0]!.error
    expect(error, `not an SDK error: ${String(error)}`).toBeInstanceOf(MonoCloudAuthBaseError)
    return { _tag: "Failure", error }
  })

/** Options for a property run of `count` cases (a failure prints its seed and a replay token). */
export const runs = (count: number) => ({ arbitrary: { runs: count } })

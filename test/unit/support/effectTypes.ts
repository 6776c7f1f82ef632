/**
 * Type helpers for the type tests: the error channel and the requirements of an Effect.
 */
import type * as Effect from "effect/Effect"

/** The error type of an Effect. */
export type ErrorOf<T> = T extends Effect.Effect<infer _A, infer E, infer _R> ? E : never

/** The services an Effect requires. */
export type NeedsOf<T> = T extends Effect.Effect<infer _A, infer _E, infer R> ? R : never

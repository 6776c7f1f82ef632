/**
 * The one way the SDK bounds a wait: fail with `MonoCloudTimeoutError` naming what was awaited.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { MonoCloudTimeoutError, type TimedOperation } from "../MonoCloudError.js"

/** Fails `effect` with a `MonoCloudTimeoutError` for `operation` when it takes longer than `timeoutMillis`. */
export const withTimeout =
  (operation: TimedOperation, timeoutMillis: number) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | MonoCloudTimeoutError, R> =>
    Effect.timeoutOrElse(effect, {
      duration: Duration.millis(timeoutMillis),
      orElse: () => Effect.fail(new MonoCloudTimeoutError({ operation, timeoutMillis }))
    })

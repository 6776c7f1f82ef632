/**
 * Shares one run of an operation between concurrent callers in this tab: while a run for a key
 * is in flight, further callers wait for its result instead of starting another (two
 * `refreshSession()` calls → one token request).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * The in-flight sharing service.
 *
 * @since 0.1.0
 * @category models
 */
export interface InFlightService {
  readonly share: <A, E, R>(key: string, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/**
 * The in-flight sharing service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class InFlight extends Context.Service<InFlight, InFlightService>()("@monocloud/auth-web-js/InFlight") {}

/**
 * Makes an empty in-flight registry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (): InFlightService => {
  const running = new Map<string, Deferred.Deferred<unknown, unknown>>()
  return {
    share: <A, E, R>(key: string, effect: Effect.Effect<A, E, R>) =>
      Effect.suspend(() => {
        const existing = running.get(key) as Deferred.Deferred<A, E> | undefined
        if (existing !== undefined) return Deferred.await(existing)
        // Registered synchronously, so no other fiber can start a second run for this key in between.
        const deferred = Deferred.makeUnsafe<A, E>()
        running.set(key, deferred as Deferred.Deferred<unknown, unknown>)
        return effect.pipe(
          Effect.onExit((exit) =>
            Effect.andThen(
              Effect.sync(() => running.delete(key)),
              Deferred.done(deferred, exit)
            )
          )
        )
      })
  }
}

/**
 * A fresh in-flight registry.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<InFlight> = Layer.sync(InFlight, make)

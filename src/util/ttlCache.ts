/**
 * Caches the success of an Effect for a time; failures are not cached, and concurrent callers
 * share one load.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Semaphore from "effect/Semaphore"

/** A cached loader: `get(true)` bypasses the cache and replaces it. */
export interface TtlCache<A, E, R> {
  readonly get: (forceRefresh: boolean) => Effect.Effect<A, E, R>
}

/** Makes a cache around `load` whose successes are kept for `ttlMillis`; `get(true)` runs `forcedLoad` instead. */
export const makeTtlCache = <A, E, R>(
  load: Effect.Effect<A, E, R>,
  ttlMillis: number,
  forcedLoad: Effect.Effect<A, E, R> = load
): Effect.Effect<TtlCache<A, E, R>> =>
  Effect.gen(function* () {
    const entry = yield* Ref.make(Option.none<{ readonly value: A; readonly expiresAt: number }>())
    const lock = yield* Semaphore.make(1)
    const fresh = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      return Option.filter(yield* Ref.get(entry), (cached) => cached.expiresAt > now)
    })
    const reload = (run: Effect.Effect<A, E, R>) =>
      Effect.gen(function* () {
        const value = yield* run
        const now = yield* Clock.currentTimeMillis
        yield* Ref.set(entry, Option.some({ value, expiresAt: now + ttlMillis }))
        return value
      })
    return {
      get: (forceRefresh) =>
        lock.withPermits(1)(
          forceRefresh
            ? reload(forcedLoad)
            : Effect.flatMap(
                fresh,
                Option.match({ onNone: () => reload(load), onSome: (cached) => Effect.succeed(cached.value) })
              )
        )
    }
  })

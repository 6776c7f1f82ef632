import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/testing/TestClock"
import { makeTtlCache } from "../../src/util/ttlCache.js"

/** A loader that counts its runs and returns the run number. */
const countingLoader = Effect.gen(function* () {
  const runs = yield* Ref.make(0)
  return { runs, load: Ref.updateAndGet(runs, (n) => n + 1) }
})

describe("makeTtlCache", () => {
  it.effect("caches a success for the TTL and loads again after it", () =>
    Effect.gen(function* () {
      const { load, runs } = yield* countingLoader
      const cache = yield* makeTtlCache(load, 1_000)
      expect(yield* Ref.get(runs)).toBe(0)
      expect(yield* cache.get(false)).toBe(1)
      yield* TestClock.adjust("999 millis")
      expect(yield* cache.get(false)).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(yield* cache.get(false)).toBe(2)
      expect(yield* cache.get(false)).toBe(2)
      expect(yield* Ref.get(runs)).toBe(2)
    })
  )

  it.effect("does not cache a failure", () =>
    Effect.gen(function* () {
      const attempts = yield* Ref.make(0)
      const load = Effect.flatMap(
        Ref.updateAndGet(attempts, (n) => n + 1),
        (n) => (n === 1 ? Effect.fail("first attempt fails" as const) : Effect.succeed(`value-${n}`))
      )
      const cache = yield* makeTtlCache(load, 1_000)
      expect(yield* Effect.flip(cache.get(false))).toBe("first attempt fails")
      expect(yield* cache.get(false)).toBe("value-2")
      expect(yield* cache.get(false)).toBe("value-2")
      expect(yield* Ref.get(attempts)).toBe(2)
    })
  )

  it.effect("keeps the previous value when a forced reload fails", () =>
    Effect.gen(function* () {
      const attempts = yield* Ref.make(0)
      const load = Effect.flatMap(
        Ref.updateAndGet(attempts, (n) => n + 1),
        (n) => (n === 2 ? Effect.fail("reload fails" as const) : Effect.succeed(`value-${n}`))
      )
      const cache = yield* makeTtlCache(load, 1_000)
      expect(yield* cache.get(false)).toBe("value-1")
      expect(yield* Effect.flip(cache.get(true))).toBe("reload fails")
      expect(yield* cache.get(false)).toBe("value-1")
      expect(yield* Ref.get(attempts)).toBe(2)
    })
  )

  it.effect("bypasses and replaces the cached value with get(true)", () =>
    Effect.gen(function* () {
      const { load, runs } = yield* countingLoader
      const cache = yield* makeTtlCache(load, 1_000)
      expect(yield* cache.get(false)).toBe(1)
      expect(yield* cache.get(true)).toBe(2)
      expect(yield* cache.get(false)).toBe(2)
      expect(yield* Ref.get(runs)).toBe(2)
      // the forced value gets a fresh TTL
      yield* TestClock.adjust("999 millis")
      expect(yield* cache.get(false)).toBe(2)
    })
  )

  it.effect("shares one load between concurrent callers", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<void>()
      const gate = yield* Deferred.make<void>()
      const runs = yield* Ref.make(0)
      const load = Ref.updateAndGet(runs, (n) => n + 1).pipe(
        Effect.tap(() => Deferred.succeed(started, undefined)),
        Effect.tap(() => Deferred.await(gate))
      )
      const cache = yield* makeTtlCache(load, 1_000)
      const callers = yield* Effect.forkChild(
        Effect.all([cache.get(false), cache.get(false), cache.get(false)], {
          concurrency: "unbounded"
        })
      )
      yield* Deferred.await(started)
      // give the other callers every chance to start a load of their own
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow
      expect(yield* Ref.get(runs)).toBe(1)
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Fiber.join(callers)).toEqual([1, 1, 1])
      expect(yield* Ref.get(runs)).toBe(1)
    })
  )

  it.effect("with a TTL of 0 caches nothing", () =>
    Effect.gen(function* () {
      const { load } = yield* countingLoader
      const cache = yield* makeTtlCache(load, 0)
      expect(yield* cache.get(false)).toBe(1)
      expect(yield* cache.get(false)).toBe(2)
    })
  )
})

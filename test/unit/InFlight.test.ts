import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as InFlight from "../../src/services/InFlight.js"

/** An operation that counts its runs and ends when `finish` is completed. */
const gatedOperation = <A, E>() =>
  Effect.gen(function* () {
    const finish = yield* Deferred.make<A, E>()
    let runs = 0
    const operation = Effect.suspend(() => {
      runs += 1
      return Deferred.await(finish)
    })
    return { finish, operation, runs: () => runs }
  })

describe("InFlight", () => {
  it.effect("runs an operation once for concurrent callers of one key, and each of them gets its result", () =>
    Effect.gen(function* () {
      const inFlight = InFlight.make()
      const { finish, operation, runs } = yield* gatedOperation<string, never>()
      const callers = yield* Effect.forEach([1, 2, 3], () =>
        Effect.forkChild(inFlight.share("refresh", operation), { startImmediately: true })
      )
      expect(runs()).toBe(1)
      yield* Deferred.succeed(finish, "tokens")
      expect(yield* Fiber.joinAll(callers)).toEqual(["tokens", "tokens", "tokens"])
    })
  )

  it.effect("shares a failure with every waiting caller", () =>
    Effect.gen(function* () {
      const inFlight = InFlight.make()
      const { finish, operation, runs } = yield* gatedOperation<string, "invalid_grant">()
      const first = yield* Effect.forkChild(inFlight.share("refresh", operation), { startImmediately: true })
      const second = yield* Effect.forkChild(inFlight.share("refresh", operation), { startImmediately: true })
      yield* Deferred.fail(finish, "invalid_grant")
      expect(yield* Effect.flip(Fiber.join(first))).toBe("invalid_grant")
      expect(yield* Effect.flip(Fiber.join(second))).toBe("invalid_grant")
      expect(runs()).toBe(1)
    })
  )

  it.effect("keeps keys apart, and starts a new run once the previous one ended, whether it succeeded or failed", () =>
    Effect.gen(function* () {
      const inFlight = InFlight.make()
      let runs = 0
      const counted = (outcome: Effect.Effect<number, string>) =>
        Effect.suspend(() => {
          runs += 1
          return outcome
        })
      expect(yield* inFlight.share("a", counted(Effect.succeed(1)))).toBe(1)
      expect(yield* Effect.flip(inFlight.share("a", counted(Effect.fail("no"))))).toBe("no")
      expect(yield* inFlight.share("a", counted(Effect.succeed(3)))).toBe(3)
      const { finish, operation } = yield* gatedOperation<number, string>()
      const gated = yield* Effect.forkChild(inFlight.share("a", operation), { startImmediately: true })
      expect(yield* inFlight.share("b", counted(Effect.succeed(4)))).toBe(4)
      yield* Deferred.succeed(finish, 5)
      expect(yield* Fiber.join(gated)).toBe(5)
      expect(runs).toBe(4)
    })
  )

  it.effect("after the running caller is interrupted, its waiters end too, and the next call runs afresh", () =>
    Effect.gen(function* () {
      const inFlight = InFlight.make()
      const { operation, runs } = yield* gatedOperation<string, never>()
      const runner = yield* Effect.forkChild(inFlight.share("refresh", operation), { startImmediately: true })
      const waiter = yield* Effect.forkChild(inFlight.share("refresh", operation), { startImmediately: true })
      yield* Fiber.interrupt(runner)
      expect(Exit.hasInterrupts(yield* Fiber.await(waiter))).toBe(true)
      expect(yield* inFlight.share("refresh", Effect.succeed("fresh"))).toBe("fresh")
      expect(runs()).toBe(1)
    })
  )

  it.effect("the layer gives each app its own registry", () =>
    Effect.gen(function* () {
      const { finish, operation, runs } = yield* gatedOperation<string, never>()
      const inApp = (effect: Effect.Effect<string>) =>
        Effect.forkChild(
          Effect.provide(
            InFlight.InFlight.use((inFlight) => inFlight.share("refresh", effect)),
            InFlight.layer
          ),
          {
            startImmediately: true
          }
        )
      const one = yield* inApp(operation)
      const other = yield* inApp(operation)
      expect(runs()).toBe(2)
      yield* Deferred.succeed(finish, "done")
      expect(yield* Fiber.joinAll([one, other])).toEqual(["done", "done"])
    })
  )
})

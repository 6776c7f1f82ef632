import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as TestClock from "effect/testing/TestClock"
import { MonoCloudTimeoutError } from "../../src/MonoCloudError.js"
import * as RefreshLock from "../../src/services/RefreshLock.js"

/** A minimal in-memory `navigator.locks`: exclusive locks granted in request order, abortable while waiting. */
class FakeLockManager {
  readonly requested: Array<string> = []
  private readonly held = new Set<string>()
  private readonly queues = new Map<string, Array<() => void>>()

  request(name: string, options: { readonly signal?: AbortSignal }, callback: () => unknown): Promise<unknown> {
    this.requested.push(name)
    const queue = this.queues.get(name) ?? []
    this.queues.set(name, queue)
    return new Promise((resolve, reject) => {
      const signal = options.signal
      const onAbort = () => {
        queue.splice(queue.indexOf(grant), 1)
        reject(new DOMException("The request was aborted", "AbortError"))
      }
      const grant = () => {
        signal?.removeEventListener("abort", onAbort)
        this.held.add(name)
        Promise.resolve()
          .then(callback)
          .then(resolve, reject)
          .finally(() => {
            this.held.delete(name)
            this.grantNext(name)
          })
      }
      signal?.addEventListener("abort", onAbort)
      queue.push(grant)
      this.grantNext(name)
    })
  }

  waiting(name: string): number {
    return this.queues.get(name)?.length ?? 0
  }

  private grantNext(name: string) {
    if (!this.held.has(name)) this.queues.get(name)?.shift()?.()
  }
}

let fakeLocks: FakeLockManager | undefined

const installFakeLocks = () => {
  fakeLocks = new FakeLockManager()
  Object.defineProperty(navigator, "locks", { configurable: true, value: fakeLocks })
  return fakeLocks
}

afterEach(() => {
  Reflect.deleteProperty(navigator, "locks")
  fakeLocks = undefined
  vi.unstubAllGlobals()
  localStorage.clear()
})

/** Lets fibers and promise callbacks (the fake lock manager's grants) run. */
const settle = Effect.andThen(
  Effect.yieldNow,
  Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 20)))
)

/** Expects `effect` to finish without any clock time passing (so it did not wait for a lock). */
const finishesPromptly = <A, E>(effect: Effect.Effect<A, E, RefreshLock.RefreshLock>) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(effect)
    yield* settle
    const exit = fiber.pollUnsafe()
    if (exit === undefined) throw new Error("still waiting for the lock")
    return exit
  })

/** Runs `withLock(name, …)` in a fiber and returns it once the lock is held, with a handle to release it. */
const holdLock = (name: string) =>
  Effect.gen(function* () {
    const lock = yield* RefreshLock.RefreshLock
    const entered = yield* Deferred.make<void>()
    const release = yield* Deferred.make<void>()
    const fiber = yield* Effect.forkChild(
      lock.withLock(name, Effect.andThen(Deferred.succeed(entered, undefined), Deferred.await(release)))
    )
    yield* Deferred.await(entered)
    return { fiber, release: Deferred.succeed(release, undefined) }
  })

const backends: ReadonlyArray<{
  readonly name: string
  readonly layer: (timeoutMillis: number) => Layer.Layer<RefreshLock.RefreshLock>
  readonly usedWebLocks: boolean
}> = [
  {
    name: "tab-local (layerLocal)",
    layer: (timeoutMillis) => RefreshLock.layerLocal({ timeoutMillis }),
    usedWebLocks: false
  },
  {
    name: "Web Locks (layerBrowser over a fake navigator.locks)",
    layer: (timeoutMillis) => {
      installFakeLocks()
      // The settle time after success has its own tests below.
      return RefreshLock.layerBrowser({ timeoutMillis, settleMillis: 0 })
    },
    usedWebLocks: true
  },
  {
    name: "layerBrowser without navigator.locks and localStorage (tab-local fallback)",
    layer: (timeoutMillis) => {
      vi.stubGlobal("localStorage", undefined)
      return RefreshLock.layerBrowser({ timeoutMillis })
    },
    usedWebLocks: false
  }
]

for (const backend of backends) {
  describe(`RefreshLock ${backend.name}`, () => {
    const withLayer =
      (timeoutMillis: number) =>
      <A, E>(effect: Effect.Effect<A, E, RefreshLock.RefreshLock>) =>
        Effect.suspend(() => Effect.provide(effect, backend.layer(timeoutMillis))).pipe(
          Effect.tap(() => Effect.sync(() => expect((fakeLocks?.requested.length ?? 0) > 0).toBe(backend.usedWebLocks)))
        )

    it.live("concurrent runs under one name never overlap", () =>
      Effect.gen(function* () {
        const lock = yield* RefreshLock.RefreshLock
        const log: Array<string> = []
        const task = (id: string) =>
          lock.withLock(
            "mc.lock.app",
            Effect.gen(function* () {
              log.push(`enter ${id}`)
              yield* Effect.sleep("15 millis")
              log.push(`exit ${id}`)
              return id
            })
          )
        const results = yield* Effect.all([task("a"), task("b"), task("c")], { concurrency: "unbounded" })
        expect([...results].sort()).toEqual(["a", "b", "c"])
        expect(log).toHaveLength(6)
        for (let i = 0; i < log.length; i += 2) {
          expect(log[i]!.replace("enter", "exit")).toBe(log[i + 1])
        }
      }).pipe(withLayer(5_000))
    )

    it.effect("different names do not wait for each other", () =>
      Effect.gen(function* () {
        const lock = yield* RefreshLock.RefreshLock
        const held = yield* holdLock("mc.lock.a")
        expect(yield* finishesPromptly(lock.withLock("mc.lock.b", Effect.succeed("b")))).toEqual(Exit.succeed("b"))
        yield* held.release
        yield* Fiber.join(held.fiber)
      }).pipe(withLayer(1_000))
    )

    it.effect("waiting longer than the time-out fails with MonoCloudTimeoutError, and the lock stays usable", () =>
      Effect.gen(function* () {
        const lock = yield* RefreshLock.RefreshLock
        const held = yield* holdLock("mc.lock.app")
        let ran = false
        const waiter = yield* Effect.forkChild(
          lock.withLock(
            "mc.lock.app",
            Effect.sync(() => (ran = true))
          )
        )
        yield* settle
        yield* TestClock.adjust("999 millis")
        expect(waiter.pollUnsafe()).toBeUndefined()
        yield* TestClock.adjust("1 millis")
        const error = yield* Effect.flip(Fiber.join(waiter))
        expect(error).toBeInstanceOf(MonoCloudTimeoutError)
        expect(error).toMatchObject({ operation: "lock", timeoutMillis: 1_000 })
        expect(ran).toBe(false)
        expect(fakeLocks?.waiting("mc.lock.app") ?? 0).toBe(0)
        yield* held.release
        yield* Fiber.join(held.fiber)
        expect(yield* finishesPromptly(lock.withLock("mc.lock.app", Effect.succeed("next")))).toEqual(
          Exit.succeed("next")
        )
        expect(ran).toBe(false)
      }).pipe(withLayer(1_000))
    )

    it.effect("releases the lock when the effect fails", () =>
      Effect.gen(function* () {
        const lock = yield* RefreshLock.RefreshLock
        expect(yield* Effect.flip(lock.withLock("mc.lock.app", Effect.fail("boom")))).toBe("boom")
        expect(yield* finishesPromptly(lock.withLock("mc.lock.app", Effect.succeed("next")))).toEqual(
          Exit.succeed("next")
        )
      }).pipe(withLayer(1_000))
    )

    it.effect("releases the lock when the holder is interrupted", () =>
      Effect.gen(function* () {
        const lock = yield* RefreshLock.RefreshLock
        const held = yield* holdLock("mc.lock.app")
        yield* Fiber.interrupt(held.fiber)
        expect(yield* finishesPromptly(lock.withLock("mc.lock.app", Effect.succeed("next")))).toEqual(
          Exit.succeed("next")
        )
      }).pipe(withLayer(1_000))
    )

    it.effect("withdraws a waiting request when the waiter is interrupted", () =>
      Effect.gen(function* () {
        const lock = yield* RefreshLock.RefreshLock
        const held = yield* holdLock("mc.lock.app")
        let ran = false
        const waiter = yield* Effect.forkChild(
          lock.withLock(
            "mc.lock.app",
            Effect.sync(() => (ran = true))
          )
        )
        yield* settle
        yield* Fiber.interrupt(waiter)
        expect(fakeLocks?.waiting("mc.lock.app") ?? 0).toBe(0)
        yield* held.release
        yield* Fiber.join(held.fiber)
        expect(yield* finishesPromptly(lock.withLock("mc.lock.app", Effect.succeed("next")))).toEqual(
          Exit.succeed("next")
        )
        expect(ran).toBe(false)
      }).pipe(withLayer(1_000))
    )
  })
}

describe("RefreshLock settle time", () => {
  /** One tab's lock service: its own layer over the shared (fake) `navigator.locks`. */
  const tab = (layer: Layer.Layer<RefreshLock.RefreshLock>) => Effect.provide(RefreshLock.RefreshLock, layer)

  it.effect("Web Locks keep other tabs out for 150 ms after a success (their storage caches catch up)", () =>
    Effect.gen(function* () {
      installFakeLocks()
      const first = yield* tab(RefreshLock.layerBrowser())
      const other = yield* tab(RefreshLock.layerBrowser())
      expect(yield* first.withLock("settle", Effect.succeed("first"))).toBe("first")
      const second = yield* Effect.forkChild(other.withLock("settle", Effect.succeed("second")))
      yield* TestClock.adjust("149 millis")
      yield* settle
      expect(second.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(second)).toBe("second")
    })
  )

  it.effect("the same tab's next claim takes the held lock over at once, asking for no new lock", () =>
    Effect.gen(function* () {
      const locks = installFakeLocks()
      const lock = yield* tab(RefreshLock.layerBrowser())
      const other = yield* tab(RefreshLock.layerBrowser())
      expect(yield* lock.withLock("settle", Effect.succeed("first"))).toBe("first")
      yield* TestClock.adjust("100 millis")
      const second = yield* Effect.forkChild(lock.withLock("settle", Effect.succeed("second")))
      yield* settle
      expect(second.pollUnsafe()).toEqual(Exit.succeed("second"))
      expect(locks.requested).toEqual(["settle"])
      // The settle time starts again from the last success: another tab still waits it out.
      const waiting = yield* Effect.forkChild(other.withLock("settle", Effect.succeed("other tab")))
      yield* TestClock.adjust("100 millis")
      yield* settle
      expect(waiting.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("50 millis")
      expect(yield* Fiber.join(waiting)).toBe("other tab")
    })
  )

  it.effect("releases at once after a failure", () =>
    Effect.gen(function* () {
      installFakeLocks()
      const lock = yield* tab(RefreshLock.layerBrowser())
      const other = yield* tab(RefreshLock.layerBrowser())
      yield* Effect.flip(lock.withLock("settle", Effect.fail("boom")))
      const second = yield* Effect.forkChild(other.withLock("settle", Effect.succeed("second")))
      yield* settle
      expect(yield* Fiber.join(second)).toBe("second")
    })
  )

  it.effect("a failure after a take-over releases at once too", () =>
    Effect.gen(function* () {
      installFakeLocks()
      const lock = yield* tab(RefreshLock.layerBrowser())
      const other = yield* tab(RefreshLock.layerBrowser())
      yield* lock.withLock("settle", Effect.succeed("first"))
      yield* Effect.flip(lock.withLock("settle", Effect.fail("boom")))
      const second = yield* Effect.forkChild(other.withLock("settle", Effect.succeed("second")))
      yield* settle
      expect(yield* Fiber.join(second)).toBe("second")
    })
  )
})

describe("RefreshLock localStorage lease (no Web Locks)", () => {
  /** A tab: its own lock layer (own tab-local permits) over the shared localStorage. */
  const tab = () => Effect.provide(RefreshLock.RefreshLock, RefreshLock.layerBrowser({ settleMillis: 0 }))
  const LEASE_KEY = "mc.lock.app.lease"

  it.live("two tabs never hold the lock at the same time, and the lease is removed afterwards", () =>
    Effect.gen(function* () {
      const tabs = [yield* tab(), yield* tab()]
      let holders = 0
      let overlapped = false
      const critical = Effect.gen(function* () {
        holders++
        overlapped ||= holders > 1
        expect(localStorage.getItem(LEASE_KEY)).not.toBeNull()
        yield* Effect.sleep("30 millis")
        holders--
      })
      yield* Effect.all(
        [0, 1, 2, 3].map((i) => tabs[i % 2]!.withLock("mc.lock.app", critical)),
        { concurrency: "unbounded" }
      )
      expect(overlapped).toBe(false)
      expect(localStorage.getItem(LEASE_KEY)).toBeNull()
    })
  )

  it.live("waits for another tab's live lease, and takes over an expired one (a tab that died)", () =>
    Effect.gen(function* () {
      const lock = yield* tab()
      localStorage.setItem(LEASE_KEY, JSON.stringify({ owner: "other-tab", expiresAt: Date.now() + 60_000 }))
      const waiting = yield* Effect.forkChild(lock.withLock("mc.lock.app", Effect.succeed("got it")))
      yield* Effect.sleep("200 millis")
      expect(waiting.pollUnsafe()).toBeUndefined()
      localStorage.setItem(LEASE_KEY, JSON.stringify({ owner: "other-tab", expiresAt: Date.now() - 1 }))
      expect(yield* Fiber.join(waiting)).toBe("got it")
      expect(localStorage.getItem(LEASE_KEY)).toBeNull()
    })
  )

  it.live("an interrupted waiter leaves the other tab's lease alone", () =>
    Effect.gen(function* () {
      const lock = yield* tab()
      const lease = JSON.stringify({ owner: "other-tab", expiresAt: Date.now() + 60_000 })
      localStorage.setItem(LEASE_KEY, lease)
      const waiting = yield* Effect.forkChild(lock.withLock("mc.lock.app", Effect.void))
      yield* Effect.sleep("100 millis")
      yield* Fiber.interrupt(waiting)
      expect(localStorage.getItem(LEASE_KEY)).toBe(lease)
    })
  )
})

/**
 * A named lock held while an effect runs, so that refreshes never run twice at once. Across tabs
 * it uses the Web Locks API; where that is missing (old browsers, insecure origins) a lease in
 * `localStorage` stands in; without either (Node) it only serialises fibers of the current tab.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Semaphore from "effect/Semaphore"
import type { MonoCloudTimeoutError } from "../MonoCloudError.js"
import { withTimeout } from "../util/timeout.js"

/**
 * The lock service.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshLockService {
  /**
   * Runs `effect` while holding the lock `name`. Waiting longer than the layer's time-out fails
   * with `MonoCloudTimeoutError` (operation `lock`); the lock is released however `effect` ends,
   * interruption included.
   */
  readonly withLock: <A, E, R>(
    name: string,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | MonoCloudTimeoutError, R>
}

/**
 * The lock service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class RefreshLock extends Context.Service<RefreshLock, RefreshLockService>()(
  "@monocloud/auth-web-js/RefreshLock"
) {}

/**
 * Lock options.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshLockOptions {
  /** How long to wait for the lock before failing. Default 10 000 ms. */
  readonly timeoutMillis?: number
  /**
   * How long the lock stays held after the effect succeeded, without delaying its result. Other
   * tabs read `localStorage` from a per-process cache that learns of this tab's writes a moment
   * later; holding the lock that moment keeps them from refreshing with a rotated-out token.
   * Default 0; 150 ms for Web Locks in {@link layerBrowser}.
   */
  readonly settleMillis?: number
}

const DEFAULT_TIMEOUT_MILLIS = 10_000
const CROSS_TAB_SETTLE_MILLIS = 150

/** A request for a named lock: `granted` completes once it is held; `release` gives it up, held or still awaited. */
interface Claim {
  readonly granted: Effect.Effect<void>
  readonly release: Effect.Effect<void>
}

/**
 * A lock this tab still holds after a success, waiting out the settle time: `release` gives it
 * up. Whoever removes it from the table (the settle timer, or this tab's next claim) owns it.
 */
interface SettlingHold {
  readonly release: Effect.Effect<void>
}

const make = (claim: (name: string) => Effect.Effect<Claim>, options: RefreshLockOptions): RefreshLockService => {
  const timeoutMillis = options.timeoutMillis ?? DEFAULT_TIMEOUT_MILLIS
  const settleMillis = options.settleMillis ?? 0
  const settling = new Map<string, SettlingHold>()
  /** Removes `hold` from the table if it is still there; true when this caller now owns it. */
  const takeOver = (name: string, hold: SettlingHold | undefined): hold is SettlingHold =>
    hold !== undefined && settling.get(name) === hold && settling.delete(name)
  const releaseAfter = (name: string, release: Effect.Effect<void>, exit: Exit.Exit<unknown, unknown>) => {
    if (settleMillis <= 0 || !Exit.isSuccess(exit)) return release
    // Other tabs stay out for the settle time; this tab's next claim takes the held lock over at once.
    const hold: SettlingHold = { release }
    settling.set(name, hold)
    const releaseLater = Effect.sleep(Duration.millis(settleMillis)).pipe(
      Effect.andThen(Effect.suspend(() => (takeOver(name, hold) ? release : Effect.void)))
    )
    return Effect.asVoid(Effect.forkDetach(releaseLater))
  }
  return {
    withLock: (name, effect) =>
      Effect.suspend(() => {
        const held = settling.get(name)
        if (takeOver(name, held)) return Effect.onExit(effect, (exit) => releaseAfter(name, held.release, exit))
        return Effect.acquireUseRelease(
          claim(name),
          ({ granted }) => granted.pipe(withTimeout("lock", timeoutMillis), Effect.andThen(effect)),
          ({ release }, exit) => releaseAfter(name, release, exit)
        )
      })
  }
}

/**
 * Claims through `navigator.locks`: the lock is held until the abort signal fires, which also
 * withdraws a request still waiting.
 */
const webLockClaim =
  (locks: LockManager) =>
  (name: string): Effect.Effect<Claim> =>
    Effect.gen(function* () {
      const granted = yield* Deferred.make<void>()
      const controller = new AbortController()
      const held = new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve()))
      yield* Effect.sync(() =>
        locks
          .request(name, { signal: controller.signal }, () => {
            Deferred.doneUnsafe(granted, Effect.void)
            return held
          })
          .catch((error: unknown) => Deferred.doneUnsafe(granted, Effect.die(error)))
      )
      return { granted: Deferred.await(granted), release: Effect.sync(() => controller.abort()) }
    })

/**
 * What the holder of a tab-local permit does: completes `granted` once the lock is held, then
 * holds it until interrupted (its finalizers give it up).
 */
type Hold = (name: string, granted: Effect.Effect<void>) => Effect.Effect<never>

/** Tab-local only: the permit is the lock. */
const holdPermit: Hold = (_name, granted) => Effect.andThen(granted, Effect.never)

/** Claims through one semaphore per name, held by a fiber that runs `hold` and keeps the permit until interrupted. */
const semaphoreClaim = (hold: Hold): ((name: string) => Effect.Effect<Claim>) => {
  const semaphores = new Map<string, Semaphore.Semaphore>()
  const semaphoreFor = (name: string): Semaphore.Semaphore => {
    const existing = semaphores.get(name)
    if (existing !== undefined) return existing
    const created = Semaphore.makeUnsafe(1)
    semaphores.set(name, created)
    return created
  }
  return (name) =>
    Effect.gen(function* () {
      const granted = yield* Deferred.make<void>()
      const holder = yield* Effect.forkDetach(
        // Interruptible although forked inside `acquireUseRelease`'s uninterruptible acquire, so release can end it.
        Effect.interruptible(semaphoreFor(name).withPermits(1)(hold(name, Deferred.succeed(granted, undefined))))
      )
      return { granted: Deferred.await(granted), release: Effect.asVoid(Fiber.interrupt(holder)) }
    })
}

/** Timing of the `localStorage` lease used where Web Locks are missing. */
interface LeaseTiming {
  /** How often a waiting tab looks at the lease again. */
  readonly pollMillis: number
  /** How long a tab waits after writing the lease before checking it won a race with another tab. */
  readonly confirmMillis: number
  /** How long a lease lasts without renewal (a crashed tab's lease expires after this). */
  readonly leaseMillis: number
}

const LEASE_TIMING: LeaseTiming = { pollMillis: 50, confirmMillis: 50, leaseMillis: 10_000 }

/**
 * Cross-tab fallback without Web Locks: a lease `{ owner, expiresAt }` in `localStorage` under
 * `<name>.lease`. A tab writes its lease when there is none (or it expired), waits a moment and
 * keeps it only if its write survived; it renews the lease while it holds it and removes it when
 * done. Storage failures are treated as "no lease" so the tab-local permit still applies.
 */
const holdStorageLease =
  (storage: Storage, timing: LeaseTiming): Hold =>
  (name, granted) => {
    const key = `${name}.lease`
    const owner = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}`
    const read = (): { readonly owner?: unknown; readonly expiresAt?: unknown } | undefined => {
      try {
        const parsed: unknown = JSON.parse(storage.getItem(key) ?? "null")
        return typeof parsed === "object" && parsed !== null ? parsed : undefined
      } catch {
        return undefined
      }
    }
    const write = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        try {
          storage.setItem(key, JSON.stringify({ owner, expiresAt: now + timing.leaseMillis }))
        } catch {
          // Without storage only the tab-local permit remains.
        }
      })
    )
    const isFree = Effect.map(Clock.currentTimeMillis, (now) => {
      const lease = read()
      return lease === undefined || typeof lease.expiresAt !== "number" || lease.expiresAt <= now
    })
    const tryOnce: Effect.Effect<boolean> = Effect.flatMap(isFree, (free) =>
      free
        ? write.pipe(
            Effect.andThen(Effect.sleep(Duration.millis(timing.confirmMillis))),
            Effect.map(() => read()?.owner === owner || read() === undefined)
          )
        : Effect.succeed(false)
    )
    const acquire: Effect.Effect<void> = Effect.flatMap(tryOnce, (won) =>
      won ? Effect.void : Effect.andThen(Effect.sleep(Duration.millis(timing.pollMillis)), acquire)
    )
    const renew = Effect.forever(Effect.andThen(Effect.sleep(Duration.millis(timing.leaseMillis / 3)), write))
    const giveUp = Effect.sync(() => {
      if (read()?.owner === owner) storage.removeItem(key)
    })
    return acquire.pipe(Effect.andThen(granted), Effect.andThen(renew), Effect.ensuring(giveUp))
  }

/**
 * Web Locks (`navigator.locks.request`) when the browser has them; otherwise a `localStorage`
 * lease (polled, renewed while held, expiring if a tab dies); both serialise across the tabs of
 * the origin. Without either, the tab-local lock of {@link layerLocal}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBrowser = (options: RefreshLockOptions = {}): Layer.Layer<RefreshLock> =>
  Layer.sync(RefreshLock, () => {
    const locks = typeof navigator === "undefined" ? undefined : (navigator.locks as LockManager | null | undefined)
    if (locks != null) return make(webLockClaim(locks), { settleMillis: CROSS_TAB_SETTLE_MILLIS, ...options })
    const storage = typeof localStorage === "undefined" ? undefined : localStorage
    return storage === undefined
      ? make(semaphoreClaim(holdPermit), options)
      : make(semaphoreClaim(holdStorageLease(storage, LEASE_TIMING)), {
          settleMillis: CROSS_TAB_SETTLE_MILLIS,
          ...options
        })
  })

/**
 * A lock that serialises fibers of this tab (or process) only, one semaphore per name. For tests
 * and for environments without Web Locks.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLocal = (options: RefreshLockOptions = {}): Layer.Layer<RefreshLock> =>
  Layer.sync(RefreshLock, () => make(semaphoreClaim(holdPermit), options))

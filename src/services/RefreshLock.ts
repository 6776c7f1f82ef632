/**
 * A named lock held while an effect runs, so that refreshes (and the other operations that may
 * rotate the refresh token) never run twice at once. Across tabs it uses the Web Locks API; where
 * that is missing (old browsers, insecure origins, Node) the lock only serialises fibers of the
 * current tab.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import type { MonoCloudTimeoutError } from "../MonoCloudError.js"
import { withTimeout } from "../internal/timeout.js"

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
export class RefreshLock extends Context.Tag("@monocloud/auth-web-js/RefreshLock")<RefreshLock, RefreshLockService>() {}

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

const make = (claim: (name: string) => Effect.Effect<Claim>, options: RefreshLockOptions): RefreshLockService => {
  const timeoutMillis = options.timeoutMillis ?? DEFAULT_TIMEOUT_MILLIS
  const settleMillis = options.settleMillis ?? 0
  const releaseAfter = (release: Effect.Effect<void>, exit: Exit.Exit<unknown, unknown>) =>
    settleMillis > 0 && Exit.isSuccess(exit)
      ? Effect.asVoid(Effect.forkDaemon(Effect.zipRight(Effect.sleep(Duration.millis(settleMillis)), release)))
      : release
  return {
    withLock: (name, effect) =>
      Effect.acquireUseRelease(
        claim(name),
        ({ granted }) =>
          granted.pipe(
            withTimeout("lock", timeoutMillis),
            Effect.zipRight(effect)
          ),
        ({ release }, exit) => releaseAfter(release, exit)
      )
  }
}

/**
 * Claims through `navigator.locks`: the lock is held until the abort signal fires, which also
 * withdraws a request still waiting.
 */
const webLockClaim = (locks: LockManager) => (name: string): Effect.Effect<Claim> =>
  Effect.gen(function*() {
    const granted = yield* Deferred.make<void>()
    const controller = new AbortController()
    const held = new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve()))
    yield* Effect.sync(() =>
      locks
        .request(name, { signal: controller.signal }, () => {
          Deferred.unsafeDone(granted, Effect.void)
          return held
        })
        .catch((error: unknown) => Deferred.unsafeDone(granted, Effect.die(error)))
    )
    return { granted: Deferred.await(granted), release: Effect.sync(() => controller.abort()) }
  })

/** Claims through one semaphore per name, held by a fiber that keeps the permit until interrupted. */
const localClaim = (): ((name: string) => Effect.Effect<Claim>) => {
  const semaphores = new Map<string, Effect.Semaphore>()
  const semaphoreFor = (name: string): Effect.Semaphore => {
    const existing = semaphores.get(name)
    if (existing !== undefined) return existing
    const created = Effect.unsafeMakeSemaphore(1)
    semaphores.set(name, created)
    return created
  }
  return (name) =>
    Effect.gen(function*() {
      const granted = yield* Deferred.make<void>()
      const holder = yield* Effect.forkDaemon(
        Effect.interruptible(semaphoreFor(name).withPermits(1)(Effect.zipRight(Deferred.succeed(granted, undefined), Effect.never)))
      )
      return { granted: Deferred.await(granted), release: Effect.asVoid(Fiber.interrupt(holder)) }
    })
}

/**
 * Web Locks (`navigator.locks.request`) when the browser has them, which serialise across tabs of
 * the origin; otherwise the tab-local lock of {@link layerLocal}, which does not.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBrowser = (options: RefreshLockOptions = {}): Layer.Layer<RefreshLock> =>
  Layer.sync(RefreshLock, () => {
    const locks = typeof navigator === "undefined" ? undefined : (navigator.locks as LockManager | null | undefined)
    return locks == null
      ? make(localClaim(), options)
      : make(webLockClaim(locks), { settleMillis: CROSS_TAB_SETTLE_MILLIS, ...options })
  })

/**
 * A lock that serialises fibers of this tab (or process) only, one semaphore per name. For tests
 * and for environments without Web Locks.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLocal = (options: RefreshLockOptions = {}): Layer.Layer<RefreshLock> =>
  Layer.sync(RefreshLock, () => make(localClaim(), options))

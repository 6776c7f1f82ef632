/**
 * `getSession` and `watchSession`: reading the stored session, once or as it changes.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Semaphore from "effect/Semaphore"
import type { MonoCloudStorageError } from "../MonoCloudError.js"
import type { MonoCloudSession } from "../schemas/Session.js"
import { SessionBroadcast } from "../services/SessionBroadcast.js"
import { SessionStore } from "../services/SessionStore.js"

/**
 * What `getSession` can fail with: the storage threw (`Unavailable`), or the stored entry is
 * corrupt (`Corrupt`).
 *
 * @since 0.1.0
 * @category errors
 */
export type GetSessionError = MonoCloudStorageError

/**
 * The stored session, or `undefined`. A corrupt entry fails with `MonoCloudStorageError`
 * (`Corrupt`) and stays in storage; the promise client reads it as `undefined`.
 *
 * @since 0.1.0
 * @category operations
 */
export const getSession: Effect.Effect<MonoCloudSession | undefined, GetSessionError, SessionStore> = Effect.flatMap(
  SessionStore,
  (store) => Effect.map(store.get, Option.getOrUndefined)
)

/**
 * Reports a listener's error where the page reports uncaught ones (`reportError`, else the
 * console), so a buggy listener neither breaks the SDK nor goes unnoticed.
 *
 * @internal
 */
export const reportListenerError = (error: unknown): void => {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError
  if (typeof report === "function") report(error)
  else console.error(error)
}

/**
 * Calls `listener` with the current session, then again after every change made in this tab or
 * another one (sign-in, refresh, userinfo update, sign-out), until interrupted. Another tab's
 * change is read once this tab's storage shows it (its `storage` event), not only on its
 * broadcast, so a stale read never reports the wrong session for good; a signal that changed
 * nothing is not reported. A corrupt entry reads as `undefined`; calls never overlap and come in
 * the order of the changes. A listener that throws is not unsubscribed: its error is reported like
 * an uncaught one (`reportError`) and the next change calls it again.
 *
 * @since 0.1.0
 * @category operations
 */
export const watchSession = (
  listener: (session: MonoCloudSession | undefined) => void
): Effect.Effect<never, never, SessionStore | SessionBroadcast> =>
  Effect.gen(function* () {
    const store = yield* SessionStore
    const broadcast = yield* SessionBroadcast
    const inOrder = yield* Semaphore.make(1)
    /** What the listener was last told, as JSON: a signal that changed nothing is not passed on. */
    let told: string | undefined
    const deliver = Effect.map(store.get, Option.getOrUndefined).pipe(
      Effect.orElseSucceed(() => undefined),
      Effect.flatMap((session) =>
        Effect.sync(() => {
          const now = JSON.stringify(session ?? null)
          if (now === told) return
          told = now
          try {
            listener(session)
          } catch (error) {
            // A listener that throws stays subscribed; the error goes where the page reports uncaught ones.
            reportListenerError(error)
          }
        })
      ),
      Semaphore.withPermit(inOrder)
    )
    const onSignal = () => void Effect.runFork(deliver)
    // Another tab's broadcast can come before its write is readable here; its storage event comes after.
    yield* broadcast.subscribe(onSignal)
    yield* store.watchOtherTabs(onSignal)
    yield* deliver
    return yield* Effect.never
  }).pipe(Effect.scoped)

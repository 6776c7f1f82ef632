/**
 * `getSession` and `sessionChanges`: reading the stored session.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { MonoCloudSession } from "../schemas/Session.js"
import { SessionBroadcast, type SessionEvent } from "../services/SessionBroadcast.js"
import { SessionStore } from "../services/SessionStore.js"

/**
 * The stored session, or `undefined`. A corrupt entry fails with `MonoCloudValidationError`
 * (`check: "storedData"`) and stays in storage; the promise client reads it as `undefined`.
 *
 * @since 0.1.0
 * @category operations
 */
export const getSession: Effect.Effect<
  MonoCloudSession | undefined,
  Effect.Effect.Error<SessionStore["Type"]["get"]>,
  SessionStore
> = Effect.flatMap(SessionStore, (store) => Effect.map(store.get, Option.getOrUndefined))

/**
 * The session as it changes: the current value first, then a new value after every change made
 * in this tab or another one (sign-in, refresh, userinfo update, sign-out). A corrupt entry reads
 * as `undefined`.
 *
 * @since 0.1.0
 * @category operations
 */
export const sessionChanges: Stream.Stream<MonoCloudSession | undefined, never, SessionStore | SessionBroadcast> =
  Stream.unwrap(
    Effect.gen(function*() {
      const broadcast = yield* SessionBroadcast
      const read = getSession.pipe(Effect.orElseSucceed(() => undefined))
      return Stream.concat(
        Stream.fromEffect(read),
        Stream.mapEffect(broadcast.events, (_: SessionEvent) => read)
      )
    })
  )

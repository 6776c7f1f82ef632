/**
 * `sessionChanges`: the stored session as a `Stream`, for Effect users (the promise client uses
 * `watchSession`, which needs no `Stream`).
 *
 * @since 0.1.0
 */
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type { MonoCloudSession } from "../schemas/Session.js"
import type { SessionBroadcast } from "../services/SessionBroadcast.js"
import type { SessionStore } from "../services/SessionStore.js"
import { watchSession } from "./getSession.js"

/**
 * The session as it changes: the current value first, then a new value after every change made
 * in this tab or another one (sign-in, refresh, userinfo update, sign-out). A corrupt entry reads
 * as `undefined`.
 *
 * @since 0.1.0
 * @category operations
 */
export const sessionChanges: Stream.Stream<MonoCloudSession | undefined, never, SessionStore | SessionBroadcast> =
  Stream.callback((queue) => watchSession((session) => void Queue.offerUnsafe(queue, session)))

/**
 * `sessionChanges` and `sessionEvents`: the stored session and the session's events as `Stream`s,
 * for Effect users (the promise client uses `watchSession` and `watchSessionEvents`, which need no
 * `Stream`).
 *
 * @since 0.1.0
 */
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type { MonoCloudConfig } from "../MonoCloudConfig.js"
import type { MonoCloudSession } from "../schemas/Session.js"
import type { SessionBroadcast } from "../services/SessionBroadcast.js"
import type { SessionStore } from "../services/SessionStore.js"
import { watchSession } from "./getSession.js"
import { type MonoCloudEvent, watchSessionEvents } from "./sessionEvents.js"

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

/**
 * Every event of this tab and the other tabs, each tab's in the order it published them:
 * `signedIn`, `refreshed`, `refreshFailed`, `sessionEnded`, `userUpdated`, `signedOut`, and
 * `tokenExpiring` (see `MonoCloudEventMap`). Only events after the stream starts; it never ends by
 * itself.
 *
 * @since 0.1.0
 * @category operations
 */
export const sessionEvents: Stream.Stream<MonoCloudEvent, never, MonoCloudConfig | SessionStore | SessionBroadcast> =
  Stream.callback((queue) => watchSessionEvents((event) => void Queue.offerUnsafe(queue, event)))

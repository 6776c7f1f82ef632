/**
 * `watchSessionEvents`: what happens to the session, as events, in this tab and the others; the
 * promise client's `on` runs it (the Effect entry's `sessionEvents` stream too).
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { findToken, tokenKeyFor } from "../internal/tokenKey.js"
import { SessionBroadcast, type SessionEventMap } from "../services/SessionBroadcast.js"
import { SessionStore } from "../services/SessionStore.js"
import { reportListenerError } from "./getSession.js"

/**
 * The session's default access token (the one `getTokens()` returns without options) expires
 * within `refreshBeforeExpiry`: `getTokens()` would refresh it now. Told once per token, by each
 * listening tab from the stored session (it is not broadcast).
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenExpiringEvent {
  readonly type: "tokenExpiring"
  /** When the token expires, in epoch seconds (`accessTokenExpiration`); in the past after a long sleep. */
  readonly expiresAt: number
}

/**
 * Every event a listener can hear, by name: the payload type of each `client.on(name, listener)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface MonoCloudEventMap extends SessionEventMap {
  readonly tokenExpiring: TokenExpiringEvent
}

/**
 * One of the events of {@link MonoCloudEventMap}; `type` tells which.
 *
 * @since 0.1.0
 * @category models
 */
export type MonoCloudEvent = MonoCloudEventMap[keyof MonoCloudEventMap]

/**
 * Options of `watchSessionEvents`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WatchSessionEventsOptions {
  /** Watch the token's expiry for `tokenExpiring` (default `true`); `false` reads no session and sets no timer. */
  readonly tokenExpiring?: boolean | undefined
}

/**
 * Calls `listener` with every event of this tab and the other tabs (see {@link MonoCloudEventMap}),
 * each tab's in the order it published them, until interrupted. Each call comes on a later microtask, never inside the SDK's own
 * operation, so a listener may call the SDK; one that throws stays subscribed and its error is
 * reported like an uncaught one (`reportError`). For `tokenExpiring` the stored session is read
 * now, after every session event and storage change, when the page is shown again, back from the
 * back/forward cache or back online (timers are late in sleeping tabs), and when its timer, set
 * for the token's `refreshBeforeExpiry` mark, fires.
 *
 * @since 0.1.0
 * @category operations
 */
export const watchSessionEvents = (
  listener: (event: MonoCloudEvent) => void,
  options: WatchSessionEventsOptions = {}
): Effect.Effect<never, never, MonoCloudConfig | SessionStore | SessionBroadcast> =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const store = yield* SessionStore
    /** Done when the expiry must be read again; a new one before each read, so no signal is lost. */
    let changed = Deferred.makeUnsafe<void>()
    const signal = () => void Deferred.doneUnsafe(changed, Effect.void)
    const tell = (event: MonoCloudEvent) =>
      queueMicrotask(() => {
        try {
          listener(event)
        } catch (error) {
          reportListenerError(error)
        }
      })
    yield* (yield* SessionBroadcast).subscribe((event) => {
      tell(event)
      signal()
    })
    if (options.tokenExpiring === false) return yield* Effect.never
    yield* store.watchOtherTabs(signal)
    /** The expiry `tokenExpiring` was last told for: once per token. */
    let told: number | undefined
    for (;;) {
      changed = Deferred.makeUnsafe<void>()
      const session = Option.getOrUndefined(yield* store.get.pipe(Effect.orElseSucceed(Option.none)))
      const expiresAt = session && findToken(session, tokenKeyFor(config, session, {}))?.accessTokenExpiration
      const dueMillis =
        expiresAt === undefined
          ? Infinity
          : (expiresAt - config.refreshBeforeExpiry) * 1000 - (yield* Clock.currentTimeMillis)
      if (expiresAt !== undefined && dueMillis <= 0 && told !== expiresAt) {
        told = expiresAt
        tell({ type: "tokenExpiring", expiresAt })
      }
      // Past the mark (or no token) only a change can bring news; before it, the timer too.
      yield* Effect.timeoutOrElse(Deferred.await(changed), {
        duration: Duration.millis(dueMillis > 0 ? dueMillis : Infinity),
        orElse: () => Effect.void
      })
    }
  }).pipe(Effect.scoped)

/**
 * Tells the app's tabs that the session changed, over a `BroadcastChannel`: a subscriber hears
 * what this tab and the other tabs publish, each event once.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import type * as Scope from "effect/Scope"

/**
 * What happened to the session in some tab.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionEvent {
  readonly type: "signedIn" | "refreshed" | "signedOut" | "userUpdated"
}

/**
 * The cross-tab session broadcast service.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionBroadcastService {
  /** Tells this tab's subscribers and the other tabs. */
  readonly publish: (event: SessionEvent) => Effect.Effect<void>
  /** Calls `listener` with what this tab and the other tabs publish, until the scope closes. */
  readonly subscribe: (listener: (event: SessionEvent) => void) => Effect.Effect<void, never, Scope.Scope>
}

/**
 * The cross-tab session broadcast service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class SessionBroadcast extends Context.Service<SessionBroadcast, SessionBroadcastService>()(
  "@monocloud/auth-web-js/SessionBroadcast"
) {}

const eventTypes: ReadonlyArray<unknown> = [
  "signedIn",
  "refreshed",
  "signedOut",
  "userUpdated"
] satisfies ReadonlyArray<SessionEvent["type"]>

const isSessionEvent = (data: unknown): data is SessionEvent =>
  Predicate.hasProperty(data, "type") && eventTypes.includes(data.type)

const noop: SessionBroadcastService = { publish: () => Effect.void, subscribe: () => Effect.void }

/**
 * A `BroadcastChannel` named `channelName` (e.g. `mc.events.<clientId>`), closed when the layer is
 * released; publishes nothing and hears nothing where `BroadcastChannel` is missing.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBrowser = (channelName: string): Layer.Layer<SessionBroadcast> =>
  Layer.effect(
    SessionBroadcast,
    Effect.gen(function* () {
      // Outside a browser page (server-side rendering, Node) there are no other tabs to tell, and an
      // open channel would keep the process alive.
      if (typeof window === "undefined" || typeof BroadcastChannel === "undefined") return noop
      const channel = yield* Effect.acquireRelease(
        Effect.sync(() => new BroadcastChannel(channelName)),
        (channel) => Effect.sync(() => channel.close())
      )
      const localListeners = new Set<(event: SessionEvent) => void>()
      const subscribe = (listener: (event: SessionEvent) => void) =>
        Effect.acquireRelease(
          Effect.sync(() => {
            const onMessage = (event: MessageEvent) => {
              if (isSessionEvent(event.data)) listener({ type: event.data.type })
            }
            localListeners.add(listener)
            channel.addEventListener("message", onMessage)
            return onMessage
          }),
          (onMessage) =>
            Effect.sync(() => {
              localListeners.delete(listener)
              channel.removeEventListener("message", onMessage)
            })
        ).pipe(Effect.asVoid)
      return {
        publish: (event: SessionEvent) =>
          Effect.sync(() => {
            channel.postMessage({ type: event.type })
            for (const listener of localListeners) listener({ type: event.type })
          }),
        subscribe
      }
    })
  )

/**
 * A broadcast that publishes nothing and hears nothing, for a single tab or tests.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<SessionBroadcast> = Layer.succeed(SessionBroadcast, noop)

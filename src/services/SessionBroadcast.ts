/**
 * Tells the app's tabs that the session changed, over a `BroadcastChannel`: a subscriber hears
 * what this tab and the other tabs publish, each event once. A message is checked field by field
 * and copied with only its event's fields; anything else on the channel is ignored.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import type * as Scope from "effect/Scope"
import { openPageChannel } from "./pageChannel.js"
import type { MonoCloudError } from "../MonoCloudError.js"

/**
 * A refresh of the stored session failed, so its tokens were not renewed: which error class it
 * failed with and, for `MonoCloudOPError`, the OAuth error code (never a description or a token).
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshFailedEvent {
  readonly type: "refreshFailed"
  readonly errorTag: Exclude<MonoCloudError["_tag"], "MonoCloudJsError" | "MonoCloudNotSignedInError">
  /** The OAuth `error` of a `MonoCloudOPError`, e.g. `invalid_grant`; absent for the other classes. */
  readonly oauthError?: string
}

/**
 * The provider refused the refresh token (`invalid_grant`: revoked, expired, or the user signed
 * out there), so the session cannot be renewed any more. It comes right after its
 * `refreshFailed`; the stored session is kept, as on any failed refresh.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionEndedEvent {
  readonly type: "sessionEnded"
  readonly reason: "invalid_grant"
}

/**
 * The events the broadcast carries, by name.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionEventMap {
  /** A sign-in stored a new session (redirect callback, popup or silent sign-in). */
  readonly signedIn: { readonly type: "signedIn" }
  /** A refresh stored renewed tokens. */
  readonly refreshed: { readonly type: "refreshed" }
  /** A sign-out removed the session. */
  readonly signedOut: { readonly type: "signedOut" }
  /** `refetchUserInfo` stored new user claims. */
  readonly userUpdated: { readonly type: "userUpdated" }
  readonly refreshFailed: RefreshFailedEvent
  readonly sessionEnded: SessionEndedEvent
}

/**
 * What happened to the session in some tab.
 *
 * @since 0.1.0
 * @category models
 */
export type SessionEvent = SessionEventMap[keyof SessionEventMap]

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

const fieldlessTypes: ReadonlyArray<unknown> = [
  "signedIn",
  "refreshed",
  "signedOut",
  "userUpdated"
] satisfies ReadonlyArray<SessionEvent["type"]>

const refreshErrorTags: ReadonlyArray<unknown> = [
  "MonoCloudOPError",
  "MonoCloudHttpError",
  "MonoCloudValidationError",
  "MonoCloudUsageError",
  "MonoCloudTokenError",
  "MonoCloudTimeoutError",
  "MonoCloudStorageError"
] satisfies ReadonlyArray<RefreshFailedEvent["errorTag"]>

/** `data` copied with only its event's fields, or `undefined` when it is no well-formed session event. */
const sessionEventOf = (data: unknown): SessionEvent | undefined => {
  if (!Predicate.hasProperty(data, "type")) return undefined
  const { type, reason, errorTag, oauthError } = data as Partial<Record<string, unknown>>
  if (fieldlessTypes.includes(type)) return { type } as SessionEvent
  if (type === "sessionEnded") return reason === "invalid_grant" ? { type, reason } : undefined
  if (type !== "refreshFailed" || !refreshErrorTags.includes(errorTag)) return undefined
  const event = { type, errorTag } as RefreshFailedEvent
  if (errorTag !== "MonoCloudOPError") return oauthError === undefined ? event : undefined
  return typeof oauthError === "string" && oauthError !== "" ? { ...event, oauthError } : undefined
}

const noop: SessionBroadcastService = { publish: () => Effect.void, subscribe: () => Effect.void }

/**
 * A `BroadcastChannel` named `channelName` (e.g. `mc.events.<clientId>`), closed when the layer is
 * released and while the page is hidden in the back/forward cache (a page shown again reads the
 * session itself); publishes nothing and hears nothing where `BroadcastChannel` is missing.
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
        Effect.sync(() => openPageChannel(channelName)),
        (channel) => Effect.sync(() => channel.close())
      )
      const localListeners = new Set<(event: SessionEvent) => void>()
      const subscribe = (listener: (event: SessionEvent) => void) =>
        Effect.acquireRelease(
          Effect.sync(() => {
            const onMessage = (message: MessageEvent) => {
              const event = sessionEventOf(message.data)
              if (event !== undefined) listener(event)
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
            const copy = sessionEventOf(event)
            if (copy === undefined) return
            channel.postMessage(copy)
            for (const listener of localListeners) listener({ ...copy })
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

/**
 * The message a callback page running in a popup or iframe posts to the window that opened it,
 * carrying the full callback URL, and also broadcasts on the `BroadcastChannel` named after the
 * transaction's `state` (for a popup whose opener the provider's Cross-Origin-Opener-Policy cut
 * off). The receiver still checks the event's origin, its source window or channel, and the `state`.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"

/**
 * The `source` marker of every callback message.
 *
 * @since 0.1.0
 * @category constants
 */
export const CALLBACK_MESSAGE_SOURCE = "monocloud-auth-web-js"

/**
 * What a callback page posts to its opener or parent: the marker and the callback URL it was loaded with.
 *
 * @since 0.1.0
 * @category models
 */
export type CallbackMessage = {
  readonly source: typeof CALLBACK_MESSAGE_SOURCE
  readonly url: string
}

/**
 * True when `data` is an object with our `source` marker and a non-empty string `url`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isCallbackMessage = (data: unknown): data is CallbackMessage =>
  Predicate.hasProperty(data, "source") &&
  data.source === CALLBACK_MESSAGE_SOURCE &&
  Predicate.hasProperty(data, "url") &&
  Predicate.isString(data.url) &&
  data.url !== ""

/**
 * The `BroadcastChannel` a callback for the transaction with this `state` is announced on.
 *
 * @since 0.1.0
 * @category constructors
 */
export const callbackChannelName = (state: string): string => `mc.callback.${state}`

/**
 * What the waiting window answers on the callback channel once it took the callback: the page
 * that announced it may close itself (its opener may no longer be able to close it).
 *
 * @since 0.1.0
 * @category models
 */
export type CallbackReceipt = {
  readonly source: typeof CALLBACK_MESSAGE_SOURCE
  readonly received: true
}

/**
 * True for a {@link CallbackReceipt}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isCallbackReceipt = (data: unknown): data is CallbackReceipt =>
  Predicate.hasProperty(data, "source") &&
  data.source === CALLBACK_MESSAGE_SOURCE &&
  Predicate.hasProperty(data, "received") &&
  data.received === true

/**
 * The message a callback page running in a popup or iframe posts to the window that opened it,
 * carrying the full callback URL. The receiver still checks the event's origin and source window.
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

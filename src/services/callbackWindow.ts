/**
 * Watches a window we opened (the silent iframe or the popup) for the authorization callback:
 * either its location is back on the app's origin at the redirect URI, or the page in it posts
 * the callback message to us, or announces it on the callback channel of the flow's `state` (a
 * popup the provider's Cross-Origin-Opener-Policy cut off from us can still do that). Messages are
 * checked for origin, source window or channel, `state` and shape.
 */
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import {
  CALLBACK_MESSAGE_SOURCE,
  callbackChannelName,
  type CallbackReceipt,
  isCallbackMessage
} from "../callbackMessage.js"
import { callbackState } from "../util/callbackParams.js"
import { urlBase } from "../util/strings.js"

/**
 * True when `url` has the redirect URI's origin and path (one trailing `/` ignored on both).
 */
export const isExpectedCallback = (url: string, redirectUri: string): boolean => {
  const base = urlBase(url)
  return base !== undefined && base === urlBase(redirectUri)
}

/**
 * The URL `target` shows once it is back on `appOrigin` at the redirect URI with a query or a
 * fragment; `undefined` while it is elsewhere, or cross-origin (reading its location throws).
 */
const readCallbackUrl = (target: Window, appOrigin: string, redirectUri: string): string | undefined => {
  try {
    const href = target.location.href
    const url = new URL(href)
    const hasResponse = url.search !== "" || url.hash !== ""
    return url.origin === appOrigin && hasResponse && isExpectedCallback(href, redirectUri) ? href : undefined
  } catch {
    return undefined
  }
}

/** Opens the callback channel of `state`, closed when the scope closes; `undefined` without `BroadcastChannel`. */
const callbackChannel = (state: string) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      typeof BroadcastChannel === "undefined" ? undefined : new BroadcastChannel(callbackChannelName(state))
    ),
    (channel) => Effect.sync(() => channel?.close())
  )

/**
 * Starts watching, for the scope's lifetime, for the callback of the flow with `state` from the
 * window `from()` returns (a frame's or popup's window). Returns the wait, which succeeds with the
 * callback URL from the first `message` event that has `appOrigin` as origin, that window as
 * source and a callback message for the redirect URI as data; or from the first such message with
 * that `state` on the flow's callback channel, which is then answered with a receipt; or from
 * polling that window's location every `pollMillis`. Anything else is ignored. The listeners and
 * the channel are removed when the scope closes.
 */
export const listenForCallback = (options: {
  readonly from: () => Window | null
  readonly state: string
  readonly appOrigin: string
  readonly redirectUri: string
  readonly pollMillis: number
}): Effect.Effect<Effect.Effect<string>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const received = yield* Deferred.make<string>()
    const callbackIn = (event: MessageEvent): string | undefined =>
      event.origin === options.appOrigin &&
      isCallbackMessage(event.data) &&
      isExpectedCallback(event.data.url, options.redirectUri)
        ? event.data.url
        : undefined
    const onMessage = (event: MessageEvent) => {
      const from = options.from()
      const url = from !== null && event.source === from ? callbackIn(event) : undefined
      if (url !== undefined) Deferred.doneUnsafe(received, Effect.succeed(url))
    }
    yield* Effect.acquireRelease(
      Effect.sync(() => window.addEventListener("message", onMessage)),
      () => Effect.sync(() => window.removeEventListener("message", onMessage))
    )
    const channel = yield* callbackChannel(options.state)
    if (channel !== undefined) {
      channel.onmessage = (event: MessageEvent) => {
        const url = callbackIn(event)
        if (url === undefined || callbackState(url) !== options.state) return
        const receipt: CallbackReceipt = { source: CALLBACK_MESSAGE_SOURCE, received: true }
        channel.postMessage(receipt)
        Deferred.doneUnsafe(received, Effect.succeed(url))
      }
    }
    const poll: Effect.Effect<string> = Effect.suspend(() => {
      const from = options.from()
      const url = from === null ? undefined : readCallbackUrl(from, options.appOrigin, options.redirectUri)
      return url === undefined
        ? Effect.andThen(Effect.sleep(Duration.millis(options.pollMillis)), poll)
        : Effect.succeed(url)
    })
    return Effect.raceFirst(Deferred.await(received), poll)
  })

/**
 * Popup sign-in and sign-out. {@link openPopupWindow} opens the window synchronously, inside the
 * user's click, before anything asynchronous runs (browsers block popups opened later); the
 * {@link PopupTransport} then sends it to the authorization server and waits for the callback.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { MonoCloudJsError, MonoCloudTimeoutError } from "../MonoCloudError.js"
import { listenForCallback } from "./callbackWindow.js"
import { withTimeout } from "../util/timeout.js"

/**
 * The largest popup size wanted; the popup never exceeds the current window's inner size.
 *
 * @since 0.1.0
 * @category models
 */
export interface PopupSize {
  readonly width: number
  readonly height: number
}

/**
 * Opens a blank popup named `mc.popup`, at most `options` in size, centred on the current window.
 * Returns `null` when the browser blocks it (or there is no window). Call it synchronously in the
 * click handler.
 *
 * @since 0.1.0
 * @category constructors
 */
export const openPopupWindow = (options: PopupSize): Window | null => {
  if (typeof window === "undefined") return null
  const width = Math.min(options.width, window.innerWidth)
  const height = Math.min(options.height, window.innerHeight)
  const left = Math.max(0, Math.round(window.screenLeft + (window.innerWidth - width) / 2))
  const top = Math.max(0, Math.round(window.screenTop + (window.innerHeight - height) / 2))
  return window.open("about:blank", "mc.popup", `width=${width},height=${height},top=${top},left=${left}`)
}

/**
 * What a popup flow needs: the popup from {@link openPopupWindow}, where to send it, where it comes
 * back, the app's origin and how long to wait.
 *
 * @since 0.1.0
 * @category models
 */
export interface PopupParams {
  readonly popup: Window | null
  readonly url: string
  /** The flow's `state`: its callback may also arrive on the callback channel of that name. */
  readonly state: string
  readonly redirectUri: string
  /** The origin the callback message and the popup's final location must have. */
  readonly appOrigin: string
  readonly timeoutMillis: number
}

/**
 * The popup transport service.
 *
 * @since 0.1.0
 * @category models
 */
export interface PopupTransportService {
  /** The popup the caller already opened, or a newly opened blank one of `size`; `null` when blocked. */
  readonly openUnlessGiven: (given: Window | null | undefined, size: PopupSize) => Effect.Effect<Window | null>
  /** Sends the popup to `url` and succeeds with the full callback URL it returns to. */
  readonly run: (params: PopupParams) => Effect.Effect<string, MonoCloudTimeoutError | MonoCloudJsError>
}

/**
 * The popup transport service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class PopupTransport extends Context.Service<PopupTransport, PopupTransportService>()(
  "@monocloud/auth-web-js/PopupTransport"
) {}

const POLL_MILLIS = 100

/** True while `popup` shows a page of another origin than ours (reading its location throws). */
const isElsewhere = (popup: Window): boolean => {
  try {
    void popup.location.href
    return false
  } catch {
    return true
  }
}

/**
 * How many polls in a row (one second) the popup must be seen open on another origin before a
 * `closed` reading counts as the user's: while the provider's opener policy cuts the popup off,
 * the browser may show it as another origin for a moment.
 */
const SEEN_ELSEWHERE_POLLS = 10

/**
 * Fails with reason `PopupClosed` once the user closed the popup, checking every
 * {@link POLL_MILLIS}. A popup that reads as closed before it was seen open on another origin for
 * {@link SEEN_ELSEWHERE_POLLS} polls in a row was most likely cut off by the provider's
 * `Cross-Origin-Opener-Policy` (from here the two look alike): it never fails then, and the flow
 * waits for the callback page to announce the result on the callback channel, or for its time-out.
 */
const failWhenClosed = (popup: Window, elsewherePolls = 0): Effect.Effect<never, MonoCloudJsError> =>
  Effect.suspend(() => {
    const seen = elsewherePolls >= SEEN_ELSEWHERE_POLLS
    if (popup.closed) {
      return seen
        ? Effect.fail(new MonoCloudJsError({ reason: "PopupClosed", detail: "Window closed by user" }))
        : Effect.never
    }
    const next = seen ? elsewherePolls : isElsewhere(popup) ? elsewherePolls + 1 : 0
    return Effect.andThen(Effect.sleep(Duration.millis(POLL_MILLIS)), failWhenClosed(popup, next))
  })

const runInPopup = (params: PopupParams): Effect.Effect<string, MonoCloudTimeoutError | MonoCloudJsError> => {
  const popup = params.popup
  if (popup === null)
    return Effect.fail(new MonoCloudJsError({ reason: "PopupBlocked", detail: "Could not open popup" }))
  return Effect.gen(function* () {
    yield* Effect.addFinalizer(() => Effect.sync(() => popup.close()))
    const callback = yield* listenForCallback({
      from: () => popup,
      state: params.state,
      appOrigin: params.appOrigin,
      redirectUri: params.redirectUri,
      pollMillis: POLL_MILLIS
    })
    yield* Effect.sync(() => {
      popup.location.href = params.url
    })
    return yield* Effect.raceFirst(callback, failWhenClosed(popup))
  }).pipe(Effect.scoped, withTimeout("popup", params.timeoutMillis))
}

/**
 * Closes `popup` when `effect` fails or is interrupted, so a flow that breaks before the popup
 * transport takes over never leaves a blank window behind.
 *
 * @since 0.1.0
 * @category combinators
 */
export const closeOnFailure =
  (popup: Window | null) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.onError(effect, () => Effect.sync(() => popup?.close()))

/**
 * The popup it was given, or a newly opened one of the configured size.
 *
 * @since 0.1.0
 * @category constructors
 */
export const popupOrOpen = (given: Window | null | undefined, size: PopupSize): Window | null =>
  given !== undefined ? given : openPopupWindow(size)

/**
 * The real popup. A `null` popup fails with reason `PopupBlocked`, a popup the user closes with
 * reason `PopupClosed`; the popup is closed and the `message` listener removed in every outcome.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBrowser: Layer.Layer<PopupTransport> = Layer.sync(PopupTransport, () => ({
  openUnlessGiven: (given, size) => Effect.sync(() => popupOrOpen(given, size)),
  run: runInPopup
}))

/**
 * A scripted popup for tests: `respond` gets the URL the popup would be sent to and answers with
 * the callback URL, or fails as the real popup would. It opens no window: a popup that was not
 * given is `null`, and the `popup` argument of `run` is not looked at.
 *
 * @since 0.1.0
 * @category testing
 */
export const layerTest = (
  respond: (url: string) => Effect.Effect<string, MonoCloudTimeoutError | MonoCloudJsError>
): Layer.Layer<PopupTransport> =>
  Layer.succeed(PopupTransport, {
    openUnlessGiven: (given) => Effect.succeed(given ?? null),
    run: (params) => respond(params.url)
  })

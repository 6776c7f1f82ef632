/**
 * The page's own window: its URL, full-page navigation, address-bar clean-up, whether it runs as
 * the main window, a popup or an iframe, and messages to the window that opened or embeds it.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { callbackChannelName, type CallbackMessage, isCallbackReceipt } from "../callbackMessage.js"
import { MonoCloudJsError } from "../MonoCloudError.js"

/**
 * How the page is running: the main window, a popup opened by another window, or inside an iframe.
 *
 * @since 0.1.0
 * @category models
 */
export type WindowRole = "top" | "popup" | "iframe"

/**
 * The navigation service.
 *
 * @since 0.1.0
 * @category models
 */
export interface NavigationService {
  /** The full current URL; fails with reason `NoBrowser` outside a browser. */
  readonly currentUrl: Effect.Effect<string, MonoCloudJsError>
  /** Full-page navigation to `url`; fails with reason `NoBrowser` outside a browser. */
  readonly assign: (url: string) => Effect.Effect<void, MonoCloudJsError>
  /** Replaces the address-bar URL without navigating, keeping the history state. */
  readonly replaceUrl: (url: string) => Effect.Effect<void>
  /** `iframe` when not the top window, `popup` when top-level with an opener, else `top`. */
  readonly windowRole: Effect.Effect<WindowRole>
  /** Posts `message` to the opener (else the parent) with exactly `targetOrigin`; false when there is neither. */
  readonly postToOwner: (message: unknown, targetOrigin: string) => Effect.Effect<boolean>
  /**
   * Announces a callback on the callback channel of its `state`, for a waiting window that can no
   * longer reach this one, and closes this window when that window answers with a receipt (within
   * {@link ANNOUNCE_MILLIS}).
   */
  readonly announceCallback: (message: CallbackMessage, state: string) => Effect.Effect<void>
}

/**
 * How long an announced callback waits for a receipt before its channel is closed.
 *
 * @since 0.1.0
 * @category constants
 */
export const ANNOUNCE_MILLIS: number = 10_000

/**
 * The navigation service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class Navigation extends Context.Service<Navigation, NavigationService>()("@monocloud/auth-web-js/Navigation") {}

const browserWindow = (): Window | undefined => (typeof window === "undefined" ? undefined : window)

const requireWindow = Effect.suspend(() => {
  const current = browserWindow()
  return current === undefined
    ? Effect.fail(new MonoCloudJsError({ reason: "NoBrowser", detail: "There is no browser window" }))
    : Effect.succeed(current)
})

/** Reads a window property that may throw (cross-origin access), with `fallback` when it does. */
const attempt = <A>(read: () => A, fallback: A): A => {
  try {
    return read()
  } catch {
    return fallback
  }
}

const roleOf = (current: Window): WindowRole => {
  if (!attempt(() => current.top === current.self, false)) return "iframe"
  return attempt(() => current.opener != null, false) ? "popup" : "top"
}

/** The opener, else the parent when it is another window; `undefined` for a main window. */
const ownerOf = (current: Window): Window | undefined => {
  const opener: Window | null | undefined = attempt(() => current.opener, undefined)
  if (opener != null) return opener
  return attempt(() => current.parent !== current.self, false) ? current.parent : undefined
}

/** Broadcasts `message` on the callback channel of `state`; a receipt closes the channel and this window. */
const announceInBrowser = (current: Window, message: CallbackMessage, state: string) => {
  if (typeof BroadcastChannel === "undefined") return
  const channel = new BroadcastChannel(callbackChannelName(state))
  const timer = setTimeout(() => channel.close(), ANNOUNCE_MILLIS)
  channel.onmessage = (event: MessageEvent) => {
    if (!isCallbackReceipt(event.data)) return
    clearTimeout(timer)
    channel.close()
    current.close()
  }
  channel.postMessage(message)
}

/**
 * The real browser window (`window.location`, `window.history`, `window.opener`, `window.parent`,
 * and a `BroadcastChannel` to announce callbacks).
 * Outside a browser it reports reason `NoBrowser` where it must and otherwise acts as a main window.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBrowser: Layer.Layer<Navigation> = Layer.sync(Navigation, () => ({
  currentUrl: Effect.map(requireWindow, (current) => current.location.href),
  assign: (url) => Effect.flatMap(requireWindow, (current) => Effect.sync(() => current.location.assign(url))),
  replaceUrl: (url) =>
    Effect.sync(() => {
      const current = browserWindow()
      current?.history.replaceState(current.history.state, "", url)
    }),
  windowRole: Effect.sync(() => {
    const current = browserWindow()
    return current === undefined ? "top" : roleOf(current)
  }),
  postToOwner: (message, targetOrigin) =>
    Effect.sync(() => {
      const current = browserWindow()
      const owner = current === undefined ? undefined : ownerOf(current)
      owner?.postMessage(message, targetOrigin)
      return owner !== undefined
    }),
  announceCallback: (message, state) =>
    Effect.sync(() => {
      const current = browserWindow()
      if (current !== undefined) announceInBrowser(current, message, state)
    })
}))

/**
 * A message recorded by the test navigation.
 *
 * @since 0.1.0
 * @category testing
 */
export interface PostedMessage {
  readonly message: unknown
  readonly targetOrigin: string
}

/**
 * What a test reads and steers behind {@link makeTestNavigation}'s layer.
 *
 * @since 0.1.0
 * @category testing
 */
export interface TestNavigationHandle {
  /** The URL `currentUrl` reports; `replaceUrl` updates it (resolved against it), `assign` does not (the page would unload). */
  currentUrl: string
  /** The role `windowRole` reports; `postToOwner` finds an owner unless it is `top`. Default `top`. */
  role: WindowRole
  /** Every URL passed to `assign`, oldest first. */
  readonly assigned: ReadonlyArray<string>
  /** Every message `postToOwner` delivered, oldest first. */
  readonly posted: ReadonlyArray<PostedMessage>
  /** Every callback `announceCallback` announced, with its `state`, oldest first. */
  readonly announced: ReadonlyArray<{ readonly message: CallbackMessage; readonly state: string }>
}

/**
 * An in-memory navigation for tests: the layer, and the handle that records what it was asked to do.
 *
 * @since 0.1.0
 * @category testing
 */
export const makeTestNavigation = (
  initialUrl: string
): {
  readonly layer: Layer.Layer<Navigation>
  readonly handle: TestNavigationHandle
} => {
  const assigned: Array<string> = []
  const posted: Array<PostedMessage> = []
  const announced: Array<{ readonly message: CallbackMessage; readonly state: string }> = []
  const handle: TestNavigationHandle = { currentUrl: initialUrl, role: "top", assigned, posted, announced }
  const layer = Layer.succeed(Navigation, {
    currentUrl: Effect.sync(() => handle.currentUrl),
    assign: (url) => Effect.sync(() => void assigned.push(url)),
    replaceUrl: (url) =>
      Effect.sync(() => {
        handle.currentUrl = new URL(url, handle.currentUrl).href
      }),
    windowRole: Effect.sync(() => handle.role),
    postToOwner: (message, targetOrigin) =>
      Effect.sync(() => {
        if (handle.role === "top") return false
        posted.push({ message, targetOrigin })
        return true
      }),
    announceCallback: (message, state) => Effect.sync(() => void announced.push({ message, state }))
  })
  return { layer, handle }
}

/**
 * An in-memory navigation starting at `initialUrl`, for tests that do not inspect it.
 *
 * @since 0.1.0
 * @category testing
 */
export const layerTest = (initialUrl: string): Layer.Layer<Navigation> => makeTestNavigation(initialUrl).layer

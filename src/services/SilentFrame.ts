/**
 * Silent sign-in in a hidden iframe. The frame loads the authorize URL; the parent waits until the
 * frame is back on the app's origin at the redirect URI and reads the callback URL from the
 * frame's location, or takes it from the callback message the page in the frame posts, whichever
 * comes first. The app does not need to boot inside the frame.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { isCallbackMessage } from "../callbackMessage.js"
import { urlBase } from "../internal/strings.js"
import { MonoCloudJsError, MonoCloudTimeoutError } from "../MonoCloudError.js"

/**
 * What a silent sign-in needs: where to send the frame, where it comes back, the app's origin and
 * how long to wait.
 *
 * @since 0.1.0
 * @category models
 */
export interface SilentFrameParams {
  readonly authorizeUrl: string
  readonly redirectUri: string
  /** The origin the callback message and the frame's final location must have. */
  readonly appOrigin: string
  readonly timeoutMillis: number
}

/**
 * The silent-sign-in frame service.
 *
 * @since 0.1.0
 * @category models
 */
export interface SilentFrameService {
  /** Loads the authorize URL in a hidden iframe and succeeds with the full callback URL it returns to. */
  readonly run: (params: SilentFrameParams) => Effect.Effect<string, MonoCloudTimeoutError | MonoCloudJsError>
}

/**
 * The silent-sign-in frame service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class SilentFrame extends Context.Tag("@monocloud/auth-web-js/SilentFrame")<SilentFrame, SilentFrameService>() {}

/**
 * True when `url` has the redirect URI's origin and path (one trailing `/` ignored on both).
 *
 * @since 0.1.0
 * @category guards
 */
export const isExpectedCallback = (url: string, redirectUri: string): boolean => {
  const base = urlBase(url)
  return base !== undefined && base === urlBase(redirectUri)
}

/**
 * The URL `target` shows once it is back on `appOrigin` at the redirect URI with a query or a
 * fragment; `undefined` while it is elsewhere, or cross-origin (reading its location throws).
 *
 * @since 0.1.0
 * @category utils
 */
export const readCallbackUrl = (target: Window, appOrigin: string, redirectUri: string): string | undefined => {
  try {
    const href = target.location.href
    const url = new URL(href)
    const hasResponse = url.search !== "" || url.hash !== ""
    return url.origin === appOrigin && hasResponse && isExpectedCallback(href, redirectUri) ? href : undefined
  } catch {
    return undefined
  }
}

/**
 * Starts watching, for the scope's lifetime, for the callback from the window `from()` returns (a
 * frame's or popup's window). Returns the wait, which succeeds with the callback URL from the first
 * `message` event that has `appOrigin` as origin, that window as source and a callback message for
 * the redirect URI as data, or from polling that window's location every `pollMillis`. Anything
 * else is ignored. The `message` listener is removed when the scope closes.
 *
 * @since 0.1.0
 * @category utils
 */
export const listenForCallback = (options: {
  readonly from: () => Window | null
  readonly appOrigin: string
  readonly redirectUri: string
  readonly pollMillis: number
}): Effect.Effect<Effect.Effect<string>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const received = yield* Deferred.make<string>()
    const onMessage = (event: MessageEvent) => {
      const from = options.from()
      if (
        from !== null &&
        event.source === from &&
        event.origin === options.appOrigin &&
        isCallbackMessage(event.data) &&
        isExpectedCallback(event.data.url, options.redirectUri)
      ) {
        Deferred.unsafeDone(received, Effect.succeed(event.data.url))
      }
    }
    yield* Effect.acquireRelease(
      Effect.sync(() => window.addEventListener("message", onMessage)),
      () => Effect.sync(() => window.removeEventListener("message", onMessage))
    )
    const poll: Effect.Effect<string> = Effect.suspend(() => {
      const from = options.from()
      const url = from === null ? undefined : readCallbackUrl(from, options.appOrigin, options.redirectUri)
      return url === undefined ? Effect.zipRight(Effect.sleep(Duration.millis(options.pollMillis)), poll) : Effect.succeed(url)
    })
    return Effect.raceFirst(Deferred.await(received), poll)
  })

const refuse = (reason: MonoCloudJsError["reason"], detail: string) =>
  Effect.fail(new MonoCloudJsError({ reason, detail }))

/** A hidden, zero-size iframe in `document.body`, removed when the scope closes. */
const hiddenFrame = Effect.acquireRelease(
  Effect.sync(() => {
    const frame = document.createElement("iframe")
    frame.setAttribute("width", "0")
    frame.setAttribute("height", "0")
    frame.setAttribute("aria-hidden", "true")
    frame.style.display = "none"
    document.body.appendChild(frame)
    return frame
  }),
  (frame) => Effect.sync(() => frame.remove())
)

const runInFrame = (params: SilentFrameParams) =>
  Effect.gen(function*() {
    if (typeof window === "undefined") return yield* refuse("NoBrowser", "There is no browser window")
    if (window.crossOriginIsolated) {
      return yield* refuse("CrossOriginIsolated", "Cannot create iframe in a cross-origin-isolated context")
    }
    const frame = yield* hiddenFrame
    if (frame.contentWindow === null) return yield* refuse("FrameUnavailable", "Iframe contentWindow is unavailable")
    const callback = yield* listenForCallback({
      from: () => frame.contentWindow,
      appOrigin: params.appOrigin,
      redirectUri: params.redirectUri,
      pollMillis: 50
    })
    yield* Effect.sync(() => {
      frame.src = params.authorizeUrl
    })
    return yield* callback
  }).pipe(
    Effect.scoped,
    Effect.timeoutFail({
      duration: Duration.millis(params.timeoutMillis),
      onTimeout: () => new MonoCloudTimeoutError({ operation: "iframe", timeoutMillis: params.timeoutMillis })
    })
  )

/**
 * The real hidden iframe. Refuses in a cross-origin-isolated page (reason `CrossOriginIsolated`);
 * the frame and the `message` listener are removed on success, failure, time-out and interruption.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBrowser: Layer.Layer<SilentFrame> = Layer.sync(SilentFrame, () => ({ run: runInFrame }))

/**
 * A scripted silent sign-in for tests: `respond` gets the authorize URL and answers with the
 * callback URL, or fails as the real frame would.
 *
 * @since 0.1.0
 * @category testing
 */
export const layerTest = (
  respond: (authorizeUrl: string) => Effect.Effect<string, MonoCloudTimeoutError | MonoCloudJsError>
): Layer.Layer<SilentFrame> => Layer.succeed(SilentFrame, { run: (params) => respond(params.authorizeUrl) })

/**
 * Silent sign-in in a hidden iframe. The frame loads the authorize URL; the parent waits until the
 * frame is back on the app's origin at the redirect URI and reads the callback URL from the
 * frame's location, or takes it from the callback message the page in the frame posts, whichever
 * comes first. The app does not need to boot inside the frame.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { listenForCallback } from "./callbackWindow.js"
import { withTimeout } from "../util/timeout.js"
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
  /** The flow's `state`: its callback may also arrive on the callback channel of that name. */
  readonly state: string
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
export class SilentFrame extends Context.Service<SilentFrame, SilentFrameService>()(
  "@monocloud/auth-web-js/SilentFrame"
) {}

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
  Effect.gen(function* () {
    if (typeof window === "undefined") return yield* refuse("NoBrowser", "There is no browser window")
    if (window.crossOriginIsolated) {
      return yield* refuse("CrossOriginIsolated", "Cannot create iframe in a cross-origin-isolated context")
    }
    const frame = yield* hiddenFrame
    if (frame.contentWindow === null) return yield* refuse("FrameUnavailable", "Iframe contentWindow is unavailable")
    const callback = yield* listenForCallback({
      from: () => frame.contentWindow,
      state: params.state,
      appOrigin: params.appOrigin,
      redirectUri: params.redirectUri,
      pollMillis: 50
    })
    yield* Effect.sync(() => {
      frame.src = params.authorizeUrl
    })
    return yield* callback
  }).pipe(Effect.scoped, withTimeout("iframe", params.timeoutMillis))

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

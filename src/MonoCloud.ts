/**
 * One layer that wires every service of the SDK from the client options, with the browser
 * implementations by default and any part replaceable (tests, other platforms).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Config from "./MonoCloudConfig.js"
import type { MonoCloudValidationError } from "./MonoCloudError.js"
import { LocalStorage } from "./storage.js"
import * as Crypto from "./services/Crypto.js"
import * as Discovery from "./services/Discovery.js"
import * as InFlight from "./services/InFlight.js"
import * as Navigation from "./services/Navigation.js"
import * as OidcHttp from "./services/OidcHttp.js"
import * as PopupWindow from "./services/PopupWindow.js"
import * as RefreshLock from "./services/RefreshLock.js"
import * as SessionBroadcast from "./services/SessionBroadcast.js"
import * as SessionStore from "./services/SessionStore.js"
import * as SilentFrame from "./services/SilentFrame.js"
import * as TransactionStore from "./services/TransactionStore.js"

/**
 * Every service an operation may need.
 *
 * @since 0.1.0
 * @category models
 */
export type MonoCloudServices =
  | Config.MonoCloudConfig
  | SessionStore.SessionStore
  | TransactionStore.TransactionStore
  | OidcHttp.OidcHttp
  | Discovery.Discovery
  | Crypto.Crypto
  | Navigation.Navigation
  | SilentFrame.SilentFrame
  | PopupWindow.PopupTransport
  | RefreshLock.RefreshLock
  | SessionBroadcast.SessionBroadcast
  | InFlight.InFlight

/** A layer for one platform service, which may read the configuration. */
type PartLayer<S> = Layer.Layer<S, never, Config.MonoCloudConfig>

/**
 * Replacements for the platform parts of the SDK; what is not given uses the browser default.
 *
 * @since 0.1.0
 * @category models
 */
export interface MonoCloudParts {
  readonly sessionStore?: PartLayer<SessionStore.SessionStore> | undefined
  readonly transactionStore?: PartLayer<TransactionStore.TransactionStore> | undefined
  readonly http?: PartLayer<OidcHttp.OidcHttp> | undefined
  readonly crypto?: PartLayer<Crypto.Crypto> | undefined
  readonly navigation?: PartLayer<Navigation.Navigation> | undefined
  readonly silentFrame?: PartLayer<SilentFrame.SilentFrame> | undefined
  readonly popup?: PartLayer<PopupWindow.PopupTransport> | undefined
  readonly lock?: PartLayer<RefreshLock.RefreshLock> | undefined
  readonly broadcast?: PartLayer<SessionBroadcast.SessionBroadcast> | undefined
}

/** Web Locks; waiting may last as long as another tab's refresh (token request and UserInfo). */
const lockBrowser: PartLayer<RefreshLock.RefreshLock> = Layer.unwrapEffect(
  Effect.map(Config.MonoCloudConfig, (config) => RefreshLock.layerBrowser({ timeoutMillis: 2 * config.httpTimeoutMillis + 5_000 }))
)

const broadcastBrowser: PartLayer<SessionBroadcast.SessionBroadcast> = Layer.unwrapEffect(
  Effect.map(Config.MonoCloudConfig, (config) => SessionBroadcast.layerBrowser(config.broadcastChannelName))
)

/**
 * All services from the options, with some parts replaced.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (
  options: Config.MonoCloudWebJSClientOptions,
  parts: MonoCloudParts
): Layer.Layer<MonoCloudServices, MonoCloudValidationError> => {
  const http = parts.http ?? OidcHttp.layerFetch
  const services = Layer.mergeAll(
    parts.sessionStore ?? SessionStore.layer(options.storage ?? new LocalStorage()),
    parts.transactionStore ?? TransactionStore.layerSessionStorage,
    Discovery.layer.pipe(Layer.provideMerge(http)),
    parts.crypto ?? Crypto.layerWebCrypto,
    parts.navigation ?? Navigation.layerBrowser,
    parts.silentFrame ?? SilentFrame.layerBrowser,
    parts.popup ?? PopupWindow.layerBrowser,
    parts.lock ?? lockBrowser,
    parts.broadcast ?? broadcastBrowser,
    InFlight.layer
  )
  return services.pipe(Layer.provideMerge(Config.layer(options)))
}

/**
 * All services from the options with the browser implementations: `fetch`, the configured
 * storage (default `localStorage`), `sessionStorage` for pending transactions, Web Crypto, the
 * hidden iframe, popups, Web Locks and `BroadcastChannel`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Config.MonoCloudWebJSClientOptions
): Layer.Layer<MonoCloudServices, MonoCloudValidationError> => layerWith(options, {})

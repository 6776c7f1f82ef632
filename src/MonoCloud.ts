/**
 * How the SDK's services are wired. {@link layerCore} holds what is the same everywhere (provider
 * metadata and keys, in-flight sharing) and leaves the platform services open in its
 * requirements; {@link layerBrowser} provides them with the browser's own parts; `/testing`
 * provides fakes. {@link layer} is the whole SDK for a browser app.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Config from "./MonoCloudConfig.js"
import { LocalStorage } from "./storage.js"
import * as Crypto from "./services/Crypto.js"
import * as Discovery from "./services/Discovery.js"
import * as DocumentCache from "./services/DocumentCache.js"
import * as InFlight from "./services/InFlight.js"
import * as Navigation from "./services/Navigation.js"
import * as OidcHttp from "./services/OidcHttp.js"
import * as PopupWindow from "./services/PopupWindow.js"
import * as RefreshLock from "./services/RefreshLock.js"
import * as SessionBroadcast from "./services/SessionBroadcast.js"
import * as SessionStore from "./services/SessionStore.js"
import * as SilentFrame from "./services/SilentFrame.js"
import * as TransactionStore from "./services/TransactionStore.js"
import { layerSpans } from "./util/tracing.js"

export { layerSpans } from "./util/tracing.js"

/**
 * The services that touch the platform (network, storage, windows, crypto, locks, other tabs):
 * what {@link layerBrowser} and the test platform of `/testing` provide.
 *
 * @since 0.1.0
 * @category models
 */
export type PlatformServices =
  | SessionStore.SessionStore
  | TransactionStore.TransactionStore
  | OidcHttp.OidcHttp
  | Crypto.Crypto
  | Navigation.Navigation
  | SilentFrame.SilentFrame
  | PopupWindow.PopupTransport
  | RefreshLock.RefreshLock
  | SessionBroadcast.SessionBroadcast
  | DocumentCache.DocumentCache

/**
 * Every service an operation may need.
 *
 * @since 0.1.0
 * @category models
 */
export type MonoCloudServices = Config.MonoCloudConfig | Discovery.Discovery | InFlight.InFlight | PlatformServices

/**
 * A platform for the SDK: every platform service, built from the configuration.
 *
 * @since 0.1.0
 * @category models
 */
export type PlatformLayer = Layer.Layer<PlatformServices, never, Config.MonoCloudConfig>

/**
 * The platform-independent services: provider metadata and keys (over the HTTP seam) and
 * in-flight sharing.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCore: Layer.Layer<
  Discovery.Discovery | InFlight.InFlight,
  never,
  Config.MonoCloudConfig | OidcHttp.OidcHttp | DocumentCache.DocumentCache
> = Layer.merge(Discovery.layer, InFlight.layer)

/** Web Locks; waiting may last as long as another tab's refresh (bounded by one HTTP time-out) and 5 s of slack. */
const lockBrowser: Layer.Layer<RefreshLock.RefreshLock, never, Config.MonoCloudConfig> = Layer.unwrap(
  Effect.map(Config.MonoCloudConfig, (config) =>
    RefreshLock.layerBrowser({ timeoutMillis: config.httpTimeoutMillis + 5_000 })
  )
)

const broadcastBrowser: Layer.Layer<SessionBroadcast.SessionBroadcast, never, Config.MonoCloudConfig> = Layer.unwrap(
  Effect.map(Config.MonoCloudConfig, (config) => SessionBroadcast.layerBrowser(config.broadcastChannelName))
)

/**
 * What {@link layerBrowser} can be given instead of the browser's defaults.
 *
 * @since 0.1.0
 * @category models
 */
export interface BrowserPlatformOptions {
  /** Where the session is kept (default `new LocalStorage()`). */
  readonly storage?: Config.MonoCloudWebJSClientOptions["storage"]
  /** The `fetch` used for every request to the provider (default `globalThis.fetch`). */
  readonly fetch?: Config.MonoCloudWebJSClientOptions["fetch"]
}

/**
 * The browser platform: `fetch`, the session storage (default `localStorage`), `sessionStorage`
 * for pending transactions, Web Crypto, the page's own window, the hidden iframe, popups, Web
 * Locks, `BroadcastChannel`, and `localStorage` for the provider's public metadata and keys.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBrowser = (options: BrowserPlatformOptions = {}): PlatformLayer =>
  Layer.mergeAll(
    SessionStore.layer(options.storage ?? new LocalStorage()),
    TransactionStore.layerSessionStorage,
    OidcHttp.layerFetch(options.fetch),
    Crypto.layerWebCrypto,
    Navigation.layerBrowser,
    SilentFrame.layerBrowser,
    PopupWindow.layerBrowser,
    lockBrowser,
    broadcastBrowser,
    DocumentCache.layer(new LocalStorage())
  )

/**
 * Every service from the options, on the given platform. To replace one part of a platform,
 * merge its layer after the platform's: `layerWith(options, Layer.merge(layerBrowser(), myHttp))`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (
  options: Config.MonoCloudWebJSClientOptions,
  platform: PlatformLayer
): Layer.Layer<MonoCloudServices, Config.OptionsError> =>
  layerCore.pipe(Layer.provideMerge(platform), Layer.provideMerge(Config.layer(options)))

/**
 * Every service from the options, on the browser platform with the options' `storage` and `fetch`,
 * with Effect spans on (`layerSpans`: one per operation and one per request to the provider).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Config.MonoCloudWebJSClientOptions
): Layer.Layer<MonoCloudServices, Config.OptionsError> =>
  Layer.merge(layerWith(options, layerBrowser(options)), layerSpans)

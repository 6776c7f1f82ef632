/**
 * `@monocloud/auth-web-js/testing`: a scripted authorization server that mints real signed
 * tokens behind the SDK's real HTTP seam, in-memory storage, and fake navigation, iframe and
 * popup. `makeTestPlatform(server)` gives a platform layer for `MonoCloud.layerWith(options, …)`
 * (Effect) or `makeTestClient(options, …)` (promises).
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { PlatformLayer } from "./MonoCloud.js"
import type { MonoCloudConfig, MonoCloudWebJSClientOptions } from "./MonoCloudConfig.js"
import type { MonoCloudJsError, MonoCloudTimeoutError } from "./MonoCloudError.js"
import { MonoCloudWebJSClient, testPlatformKey } from "./MonoCloudWebJSClient.js"
import { MemoryStorage } from "./storage.js"
import * as Crypto from "./services/Crypto.js"
import * as DocumentCache from "./services/DocumentCache.js"
import * as Navigation from "./services/Navigation.js"
import * as OidcHttp from "./services/OidcHttp.js"
import * as PopupWindow from "./services/PopupWindow.js"
import * as RefreshLock from "./services/RefreshLock.js"
import * as SessionBroadcast from "./services/SessionBroadcast.js"
import * as SessionStore from "./services/SessionStore.js"
import * as SilentFrame from "./services/SilentFrame.js"
import * as TransactionStore from "./services/TransactionStore.js"
import { authorizeResponder } from "./testing/providerResponses.js"
import type { ScriptedAuthorizationServer } from "./testing/ScriptedAuthorizationServer.js"

export * from "./testing/providerResponses.js"
export * from "./testing/ScriptedAuthorizationServer.js"
export * from "./testing/TokenMinter.js"
export type { PublicJwk, PublicJwks } from "./util/jws.js"
export { makeTestNavigation, type PostedMessage, type TestNavigationHandle } from "./services/Navigation.js"

/**
 * The SDK's real HTTP seam (`fetch` with its time-out) with the scripted server as its `fetch`.
 *
 * @since 0.1.0
 * @category testing
 */
export const layerScriptedHttp = (
  server: ScriptedAuthorizationServer
): Layer.Layer<OidcHttp.OidcHttp, never, MonoCloudConfig> => OidcHttp.layerFetch(server.fetch)

/**
 * How a fake iframe or popup answers an authorize URL: with the callback URL the provider would
 * redirect to, or with the failure a real window would end in.
 *
 * @since 0.1.0
 * @category testing
 */
export type Respond = (url: string) => Effect.Effect<string, MonoCloudTimeoutError | MonoCloudJsError>

/**
 * Options of {@link makeTestPlatform}.
 *
 * @since 0.1.0
 * @category testing
 */
export interface TestPlatformOptions {
  /** The page URL the fake navigation starts at. Default `http://localhost:3000/`. */
  readonly url?: string | undefined
  /** How the fake silent iframe answers; default: the provider signs the user in. */
  readonly silentFrame?: Respond | undefined
  /** How the fake popup answers; default: the provider signs the user in. */
  readonly popup?: Respond | undefined
}

/**
 * A test platform and the handles to steer and inspect it.
 *
 * @since 0.1.0
 * @category testing
 */
export interface TestPlatform {
  /** Every platform service, faked: scripted HTTP, memory storage, fake navigation, iframe and popup, tab-local lock, no broadcast, no document cache beyond memory. */
  readonly layer: PlatformLayer
  /** The session's storage. */
  readonly storage: MemoryStorage
  /** The fake navigation's handle (current URL, role, assigned URLs, posted messages). */
  readonly navigation: Navigation.TestNavigationHandle
}

/**
 * Every platform service replaced for tests. Replace one of them in turn by merging its layer
 * after this one: `Layer.merge(platform.layer, myLayer)`.
 *
 * @since 0.1.0
 * @category testing
 */
export const makeTestPlatform = (
  server: ScriptedAuthorizationServer,
  options: TestPlatformOptions = {}
): TestPlatform => {
  const storage = new MemoryStorage()
  const navigation = Navigation.makeTestNavigation(options.url ?? "http://localhost:3000/")
  const layer: PlatformLayer = Layer.mergeAll(
    layerScriptedHttp(server),
    SessionStore.layer(storage),
    TransactionStore.layerMemory,
    Crypto.layerWebCrypto,
    navigation.layer,
    SilentFrame.layerTest(options.silentFrame ?? authorizeResponder(server)),
    PopupWindow.layerTest(options.popup ?? authorizeResponder(server)),
    RefreshLock.layerLocal(),
    SessionBroadcast.layerNoop,
    DocumentCache.layerNone
  )
  return { layer, storage, navigation: navigation.handle }
}

/**
 * A promise client running on `platform` (for instance `makeTestPlatform(server).layer`) instead
 * of the browser's parts.
 *
 * @since 0.1.0
 * @category testing
 */
export const makeTestClient = <User = unknown>(
  options: MonoCloudWebJSClientOptions<User>,
  platform: PlatformLayer
): MonoCloudWebJSClient<User> =>
  new MonoCloudWebJSClient({ ...options, [testPlatformKey]: platform } as MonoCloudWebJSClientOptions<User>)

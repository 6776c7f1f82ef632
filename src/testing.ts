/**
 * Test layers for apps and for this SDK: a scripted authorization server that mints real signed
 * tokens behind the real HTTP pipeline, in-memory storage, and fake navigation, iframe and popup.
 * Build a client with `new MonoCloudWebJSClient(options, makeTestParts(server).parts)` or provide
 * `MonoCloud.layerWith(options, parts)` to Effects.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { MonoCloudParts } from "./MonoCloud.js"
import type { MonoCloudConfig } from "./MonoCloudConfig.js"
import type { MonoCloudJsError, MonoCloudTimeoutError } from "./MonoCloudError.js"
import { MemoryStorage } from "./storage.js"
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
export { makeTestNavigation, type TestNavigationHandle } from "./services/Navigation.js"

/**
 * The SDK's real HTTP pipeline (`@effect/platform` `FetchHttpClient`) with the scripted server as its `fetch`.
 *
 * @since 0.1.0
 * @category testing
 */
export const layerScriptedHttp = (
  server: ScriptedAuthorizationServer
): Layer.Layer<OidcHttp.OidcHttp, never, MonoCloudConfig> =>
  OidcHttp.layer.pipe(
    Layer.provide(FetchHttpClient.layer),
    Layer.provide(Layer.succeed(FetchHttpClient.Fetch, server.fetch as typeof globalThis.fetch))
  )

type Respond = (url: string) => Effect.Effect<string, MonoCloudTimeoutError | MonoCloudJsError>

/**
 * Options of {@link makeTestParts}.
 *
 * @since 0.1.0
 * @category testing
 */
export interface TestPartsOptions {
  /** The page URL the fake navigation starts at. Default `http://localhost:3000/`. */
  readonly url?: string | undefined
  /** How the fake silent iframe answers; default: the provider signs the user in. */
  readonly silentFrame?: Respond | undefined
  /** How the fake popup answers; default: the provider signs the user in. */
  readonly popup?: Respond | undefined
}

/**
 * Every platform part replaced for tests: scripted HTTP, memory storage for session and
 * transactions, fake navigation (returned as `navigation` to steer and inspect), fake iframe and
 * popup, tab-local lock, no broadcast. `storage` is the session's storage.
 *
 * @since 0.1.0
 * @category testing
 */
export const makeTestParts = (server: ScriptedAuthorizationServer, options: TestPartsOptions = {}) => {
  const storage = new MemoryStorage()
  const navigation = Navigation.makeTestNavigation(options.url ?? "http://localhost:3000/")
  const parts: MonoCloudParts = {
    http: layerScriptedHttp(server),
    sessionStore: SessionStore.layer(storage),
    transactionStore: TransactionStore.layerMemory,
    navigation: navigation.layer,
    silentFrame: SilentFrame.layerTest(options.silentFrame ?? authorizeResponder(server)),
    popup: PopupWindow.layerTest(options.popup ?? authorizeResponder(server)),
    lock: RefreshLock.layerLocal(),
    broadcast: SessionBroadcast.layerNoop
  }
  return { parts, storage, navigation: navigation.handle }
}

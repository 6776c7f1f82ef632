/**
 * `@monocloud/auth-web-js/effect`: every operation as an Effect with an exact error type, the
 * services and their layers, and the schemas.
 *
 * @example
 * import * as MonoCloud from "@monocloud/auth-web-js/effect"
 * const program = MonoCloud.signInSilent().pipe(
 *   Effect.catchTag("MonoCloudOPError", () => Effect.succeed(undefined))
 * )
 * Effect.runPromise(Effect.provide(program, MonoCloud.layer({ tenantDomain, clientId })))
 *
 * @since 0.1.0
 */
export {
  type BrowserPlatformOptions,
  layer,
  layerBrowser,
  layerCore,
  layerSpans,
  layerWith,
  type MonoCloudServices,
  type PlatformLayer,
  type PlatformServices
} from "./MonoCloud.js"
export * from "./MonoCloudError.js"
export {
  type DefaultAuthParams,
  type FetchFunction,
  type Indicator,
  MonoCloudConfig,
  type MonoCloudLogEntry,
  type MonoCloudWebJSClientOptions,
  type OnSessionCreating,
  type OptionsError,
  type PostCallback,
  type ResolvedConfig,
  SecurityAlgorithms
} from "./MonoCloudConfig.js"
export type { PublicJwk, PublicJwks } from "./util/jws.js"
export { Tracing, type TracingService } from "./util/tracing.js"
export { LocalStorage, MemoryStorage, SessionStorage, type IStorage } from "./storage.js"
export { authorize } from "./operations/authorize.js"
export {
  CALLBACK_MESSAGE_SOURCE,
  callbackChannelName,
  type CallbackMessage,
  type CallbackReceipt,
  isCallbackMessage,
  isCallbackReceipt
} from "./callbackMessage.js"
export { decodeUser, type MonoCloudSessionOf, userDecoder } from "./operations/decodeUser.js"
export { getSession, type GetSessionError, watchSession } from "./operations/getSession.js"
export { sessionChanges, sessionEvents } from "./operations/sessionChanges.js"
export {
  type MonoCloudEvent,
  type MonoCloudEventMap,
  type TokenExpiringEvent,
  watchSessionEvents,
  type WatchSessionEventsOptions
} from "./operations/sessionEvents.js"
export {
  getTokens,
  type AuthorizedRequestOptions,
  type GetTokensError,
  type GetTokensOptions,
  type GetTokensRequirements,
  type MonoCloudTokens
} from "./operations/getTokens.js"
export {
  processCallback,
  type ProcessCallbackError,
  type ProcessCallbackRequirements
} from "./operations/processCallback.js"
export {
  refetchUserInfo,
  type RefetchUserInfoError,
  type RefetchUserInfoRequirements
} from "./operations/refetchUserInfo.js"
export {
  refreshSession,
  type RefreshGrantOptions,
  type RefreshOptions,
  type RefreshSessionError,
  type RefreshSessionRequirements
} from "./operations/refreshSession.js"
export { revokeToken, type RevokeTokenError, type RevokeTokenRequirements } from "./operations/revokeToken.js"
export { signIn, type SignInError, type SignInOptions, type SignInRequirements } from "./operations/signIn.js"
export {
  signInSilent,
  type SignInSilentError,
  type SignInSilentOptions,
  type SignInSilentRequirements
} from "./operations/signInSilent.js"
export { signOut, type SignOutError, type SignOutOptions, type SignOutRequirements } from "./operations/signOut.js"
export * as Crypto from "./services/Crypto.js"
export * as Discovery from "./services/Discovery.js"
export * as DocumentCache from "./services/DocumentCache.js"
export * as InFlight from "./services/InFlight.js"
export * as Navigation from "./services/Navigation.js"
export * as OidcHttp from "./services/OidcHttp.js"
export * as OidcHttpClient from "./services/OidcHttpClient.js"
export * as PopupWindow from "./services/PopupWindow.js"
export * as RefreshLock from "./services/RefreshLock.js"
export * as SessionBroadcast from "./services/SessionBroadcast.js"
export * as SessionStore from "./services/SessionStore.js"
export * as SilentFrame from "./services/SilentFrame.js"
export * as TransactionStore from "./services/TransactionStore.js"
export * from "./schemas/DiscoveryMetadata.js"
export * from "./schemas/IdTokenClaims.js"
export {
  AccessToken,
  type ApplicationState,
  type CallbackState,
  FlowMode,
  type InteractionMode,
  MonoCloudSession,
  MonoCloudUser
} from "./schemas/Session.js"
export * from "./schemas/TokenResponse.js"
export * from "./schemas/UserInfo.js"

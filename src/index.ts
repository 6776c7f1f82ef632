/**
 * `@monocloud/auth-web-js`: the promise API for single-page apps — `MonoCloudWebJSClient`, the
 * storage adapters, the error classes and guards, and the data types.
 *
 * @since 0.1.0
 */
export { type CallOptions, MonoCloudWebJSClient } from "./MonoCloudWebJSClient.js"
export { LocalStorage, MemoryStorage, SessionStorage, type IStorage } from "./storage.js"
export * from "./MonoCloudError.js"
export type {
  DefaultAuthParams,
  Indicator,
  MonoCloudLogEntry,
  MonoCloudWebJSClientOptions,
  OnSessionCreating,
  PostCallback,
  SecurityAlgorithms
} from "./MonoCloudConfig.js"
export type {
  AccessToken,
  ApplicationState,
  CallbackState,
  FlowMode,
  InteractionMode,
  MonoCloudSession,
  MonoCloudUser
} from "./schemas/Session.js"
export type { Group, UserInfo as UserinfoResponse } from "./schemas/UserInfo.js"
export type { IdTokenClaims } from "./schemas/IdTokenClaims.js"
export type { AuthorizedRequestOptions, GetTokensOptions, MonoCloudTokens } from "./operations/getTokens.js"
export type { RefreshGrantOptions, RefreshOptions } from "./operations/refreshSession.js"
export type { SignInOptions } from "./operations/signIn.js"
export type { MonoCloudSessionOf } from "./operations/decodeUser.js"
export type { SignInSilentOptions } from "./operations/signInSilent.js"
export type { SignOutOptions } from "./operations/signOut.js"
export type { MonoCloudEvent, MonoCloudEventMap, TokenExpiringEvent } from "./operations/sessionEvents.js"
export type { RefreshFailedEvent, SessionEndedEvent, SessionEventMap } from "./services/SessionBroadcast.js"

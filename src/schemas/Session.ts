/**
 * The session the SDK stores, its access tokens, and the stored envelope that versions it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { UserInfo } from "./UserInfo.js"

/**
 * One access token, stored under the key (resource set, requested-scope set).
 *
 * @since 0.1.0
 * @category schemas
 */
export const AccessToken = Schema.Struct({
  accessToken: Schema.NonEmptyString,
  /** Expiry in epoch seconds (finite: JSON cannot keep NaN or an infinity). */
  accessTokenExpiration: Schema.Finite,
  /** The scopes the server granted (space-separated). */
  scopes: Schema.String,
  /** Space-separated resource indicators the token was requested for. */
  resource: Schema.optional(Schema.String),
  /** Space-separated scopes that were requested; part of the token's key. */
  requestedScopes: Schema.optional(Schema.String)
})

/**
 * One access token of a session.
 *
 * @since 0.1.0
 * @category models
 */
export type AccessToken = typeof AccessToken.Type

/**
 * The signed-in user: ID token claims merged with UserInfo claims.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MonoCloudUser = UserInfo

/**
 * The signed-in user.
 *
 * @since 0.1.0
 * @category models
 */
export type MonoCloudUser = typeof MonoCloudUser.Type

/**
 * A session: the user, the ID token, the access tokens and the refresh token. Extra fields added
 * by `onSessionCreating` are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MonoCloudSession = Schema.StructWithRest(
  Schema.Struct({
    user: MonoCloudUser,
    idToken: Schema.optional(Schema.String),
    /** Space-separated scopes requested at sign-in. */
    authorizedScopes: Schema.optional(Schema.String),
    accessTokens: Schema.optional(Schema.Array(AccessToken)),
    refreshToken: Schema.optional(Schema.String)
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

/**
 * A session.
 *
 * @since 0.1.0
 * @category models
 */
export type MonoCloudSession = typeof MonoCloudSession.Type

/**
 * What is written to storage: a version number and the session, as JSON.
 *
 * @since 0.1.0
 * @category schemas
 */
export const StoredSession = Schema.fromJsonString(
  Schema.Struct({ version: Schema.Literal(1), session: MonoCloudSession })
)

/**
 * Arbitrary, JSON-serialisable state an app passes through a sign-in.
 *
 * @since 0.1.0
 * @category models
 */
export type ApplicationState = Record<string, unknown>

/**
 * How a flow runs: a full-page redirect, a popup, or (silent sign-in) a hidden iframe.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FlowMode = Schema.Literals(["redirect", "popup", "silent"])

/**
 * How a flow runs.
 *
 * @since 0.1.0
 * @category models
 */
export type FlowMode = typeof FlowMode.Type

/**
 * How an interactive flow (sign-in, sign-out) runs: the {@link FlowMode}s but `silent`.
 *
 * @since 0.1.0
 * @category models
 */
export type InteractionMode = Exclude<FlowMode, "silent">

/**
 * A pending sign-in or sign-out, kept until its callback arrives (keyed by `state`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthTransaction = Schema.Struct({
  version: Schema.Literal(1),
  kind: Schema.Literals(["signIn", "signOut"]),
  mode: FlowMode,
  state: Schema.NonEmptyString,
  redirectUri: Schema.String,
  nonce: Schema.optional(Schema.String),
  codeVerifier: Schema.optional(Schema.String),
  /** Space-separated requested scopes. */
  scopes: Schema.optional(Schema.String),
  /** Space-separated resources for the code exchange. */
  resource: Schema.optional(Schema.String),
  maxAge: Schema.optional(Schema.Number),
  returnUrl: Schema.optional(Schema.String),
  appState: Schema.optional(Schema.Record(Schema.String, Schema.Unknown)),
  /** Epoch milliseconds. */
  createdAt: Schema.Number
})

/**
 * A pending sign-in or sign-out.
 *
 * @since 0.1.0
 * @category models
 */
export type AuthTransaction = typeof AuthTransaction.Type

/**
 * What `postCallback` receives about the flow that just finished.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallbackState {
  readonly signOut: boolean
  readonly mode: FlowMode
  readonly state: string
  readonly returnUrl?: string | undefined
  readonly appState?: ApplicationState | undefined
  readonly scopes?: string | undefined
  readonly resource?: string | undefined
  readonly maxAge?: number | undefined
}

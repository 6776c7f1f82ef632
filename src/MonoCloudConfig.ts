/**
 * The client options (`MonoCloudWebJSClientOptions`) and the decoded configuration every operation
 * reads. Options are decoded once, when the layer is built, by the `ClientOptions` schema (types,
 * ranges, defaults, seconds to milliseconds), then resolved (issuer, app URL, client authentication,
 * endpoint origins); a typo fails early with a `MonoCloudUsageError` whose `reason` is `"options"`
 * and whose detail names the option.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { type Because, MonoCloudUsageError } from "./MonoCloudError.js"
import type { MonoCloudLogEntry } from "./util/logEntry.js"
import type { ApplicationState, CallbackState, MonoCloudSession } from "./schemas/Session.js"
import type { IdTokenClaims } from "./schemas/IdTokenClaims.js"
import type { UserInfo } from "./schemas/UserInfo.js"
import type { IStorage } from "./storage.js"
import { type ClientOptions, decodeClientOptions, type SecurityAlgorithms } from "./schemas/ClientOptions.js"

export type { MonoCloudLogEntry } from "./util/logEntry.js"
import { ensureLeadingSlash, mergeSpaceSeparated, removeTrailingSlash, splitSpaceSeparated } from "./util/strings.js"

/**
 * An extra resource (API) the app wants tokens for, with the scopes it needs there.
 *
 * @since 0.1.0
 * @category models
 */
export interface Indicator {
  /** Space-separated resource indicators (RFC 8707). */
  readonly resource: string
  /** Space-separated scopes for that resource. */
  readonly scopes?: string | undefined
}

/**
 * Authorization parameters applied to every request unless a call overrides them.
 *
 * @since 0.1.0
 * @category models
 */
export interface DefaultAuthParams {
  /** Space-separated scopes; `openid profile email` when nothing else asks for scopes. */
  readonly scopes?: string | undefined
  /** Space-separated default resource indicators. */
  readonly resource?: string | undefined
}

/**
 * Hook run right before a session is stored (every sign-in, refresh and userinfo refetch);
 * changes it makes to `session` are stored.
 *
 * @since 0.1.0
 * @category models
 */
export type OnSessionCreating = (
  session: MonoCloudSession,
  idToken?: Partial<IdTokenClaims>,
  userInfo?: UserInfo,
  state?: ApplicationState
) => Promise<void> | void

/**
 * Hook run after a sign-in or sign-out callback was processed; replaces the default behaviour
 * (clean the address bar, or navigate to a same-origin `returnUrl`).
 *
 * @since 0.1.0
 * @category models
 */
export type PostCallback = (state: CallbackState) => Promise<void> | void

/**
 * A `fetch` as the SDK calls it: a URL string and a `RequestInit`.
 *
 * @since 0.1.0
 * @category models
 */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>

export { SecurityAlgorithms } from "./schemas/ClientOptions.js"

/**
 * Options of `MonoCloudWebJSClient` and of the Effect layer `MonoCloud.layer(options)`.
 * Times are in seconds, as in the reference SDK.
 *
 * @since 0.1.0
 * @category models
 */
export interface MonoCloudWebJSClientOptions<User = unknown> {
  /** Your MonoCloud tenant, e.g. `acme.us.monocloud.com`; `https://` is added when no scheme is given. */
  readonly tenantDomain: string
  readonly clientId: string
  /** Client secret, for confidential clients only (sent with `client_secret_basic` or `client_secret_post`). */
  readonly clientSecret?: string | undefined
  /** How the client authenticates at the token endpoint; `none` (public client) without a secret. */
  readonly clientAuthMethod?: "none" | "client_secret_basic" | "client_secret_post" | undefined
  /** The app's base URL; defaults to `window.location.origin`. */
  readonly appUrl?: string | undefined
  /** Path of the sign-in callback, relative to `appUrl`; default `/`. */
  readonly callbackPath?: string | undefined
  /** Path of the silent sign-in callback (may be a tiny static page); default: `callbackPath`. */
  readonly silentCallbackPath?: string | undefined
  /** Path the provider returns to after sign-out; default `/`. */
  readonly signOutPath?: string | undefined
  readonly defaultAuthParams?: DefaultAuthParams | undefined
  readonly resources?: ReadonlyArray<Indicator> | undefined
  /** Verify the ID token's signature and claims (default `true`). */
  readonly validateIdToken?: boolean | undefined
  /** Fetch userinfo after sign-in and on refresh (default `true`). */
  readonly fetchUserinfo?: boolean | undefined
  /** End the provider session too on sign-out (default `true`). */
  readonly federatedSignOut?: boolean | undefined
  /**
   * Push every sign-in's parameters to the provider's pushed authorization request endpoint first
   * (PAR, RFC 9126) and send only `client_id` and the `request_uri` through the browser. Default
   * `false`; PAR is used anyway when the provider's metadata requires it. Turn it on for a MonoCloud
   * application that requires PAR.
   */
  readonly pushedAuthorizationRequests?: boolean | undefined
  /** ID token claims left out of `session.user`. */
  readonly filteredIdTokenClaims?: ReadonlyArray<string> | undefined
  /** Popup sign-in/sign-out time-out in seconds (default 600). */
  readonly authWindowTimeout?: number | undefined
  /** Silent (iframe) sign-in time-out in seconds (default 10). */
  readonly silentTimeout?: number | undefined
  /** Time-out of each HTTP request in seconds (default 10, as in MonoCloud's own SDKs). */
  readonly httpTimeout?: number | undefined
  readonly popupWindowWidth?: number | undefined
  readonly popupWindowHeight?: number | undefined
  /** Seconds added to the local clock in ID token time checks (default 0). */
  readonly clockSkew?: number | undefined
  /** Leeway in seconds for `exp`, `nbf`, `iat` and `auth_time` (default 60). */
  readonly clockTolerance?: number | undefined
  /** Seconds before expiry at which `getTokens` refreshes an access token (default 30). */
  readonly refreshBeforeExpiry?: number | undefined
  readonly idTokenSigningAlgorithm?: SecurityAlgorithms | undefined
  /** Suffix for storage keys, to run two clients with the same `clientId`. */
  readonly sessionKey?: string | undefined
  readonly jwksCacheDuration?: number | undefined
  readonly metadataCacheDuration?: number | undefined
  /** Where the session is kept (default `new LocalStorage()`). */
  readonly storage?: IStorage | undefined
  /**
   * Origins other than the tenant's own that the provider's metadata may name as endpoints (for
   * providers that serve, say, their JWKS elsewhere). Empty by default: MonoCloud serves every
   * endpoint from the tenant's origin, and an endpoint elsewhere is refused.
   */
  readonly allowedEndpointOrigins?: ReadonlyArray<string> | undefined
  /** The `fetch` used for every request to the provider (default `globalThis.fetch`), e.g. to add logging. */
  readonly fetch?: FetchFunction | undefined
  /** Called with a {@link MonoCloudLogEntry} at each step worth knowing when debugging; wins over `debug`. */
  readonly logger?: ((entry: MonoCloudLogEntry) => void) | undefined
  /** `true` logs the same entries with `console.debug` (default `false`). */
  readonly debug?: boolean | undefined
  readonly postCallback?: PostCallback | undefined
  readonly onSessionCreating?: OnSessionCreating | undefined
  /**
   * The app's own Schema for `session.user` (custom claims). The promise client decodes the user
   * with it wherever it hands out a session and types it as `MonoCloudUser & User`; Effect users
   * pipe `MonoCloud.decodeUser(schema)`. A user that does not fit fails with `userClaims`.
   */
  readonly userSchema?: Schema.Decoder<User> | undefined
}

/**
 * The popup size used when the options name none.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_POPUP_SIZE = { width: 375, height: 600 } as const

/**
 * The popup size the options ask for, defaults filled in: the one rule for the configuration and
 * for the promise client, which opens the popup before the configuration is built.
 *
 * @since 0.1.0
 * @category constructors
 */
export const popupSizeOf = (
  options: MonoCloudWebJSClientOptions
): { readonly width: number; readonly height: number } => ({
  width: options.popupWindowWidth ?? DEFAULT_POPUP_SIZE.width,
  height: options.popupWindowHeight ?? DEFAULT_POPUP_SIZE.height
})

/**
 * Whether `signOut` also ends the MonoCloud session when the call does not say (default `true`):
 * the one rule for the configuration and for the promise client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const federatedSignOutDefault = (options: MonoCloudWebJSClientOptions): boolean =>
  options.federatedSignOut ?? true

const DEFAULT_FILTERED_CLAIMS = ["iss", "exp", "nbf", "aud", "nonce", "iat", "auth_time", "c_hash", "at_hash", "s_hash"]

/**
 * The decoded configuration: normalised URLs, merged scopes and resources, times in milliseconds
 * where they drive time-outs and in seconds where they compare with token claims.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedConfig {
  readonly issuer: string
  readonly clientId: string
  readonly clientAuth:
    | { readonly method: "none" }
    | {
        readonly method: "client_secret_basic" | "client_secret_post"
        /** Redacted, so that logging or inspecting the configuration never shows it. */
        readonly secret: Redacted.Redacted<string>
      }
  readonly appUrl: string
  readonly appOrigin: string
  readonly redirectUri: string
  readonly silentRedirectUri: string
  readonly postLogoutRedirectUri: string
  /** Scopes configured for every authorize request (`defaultAuthParams.scopes` and `resources[].scopes`); may be empty. */
  readonly configuredScopes: ReadonlyArray<string>
  /** Default resource indicators (`defaultAuthParams.resource`). */
  readonly defaultResources: ReadonlyArray<string>
  /** Resources of every authorize request before per-call additions. */
  readonly baseResources: ReadonlyArray<string>
  readonly resources: ReadonlyArray<Indicator>
  readonly validateIdToken: boolean
  readonly fetchUserinfo: boolean
  readonly federatedSignOut: boolean
  readonly pushedAuthorizationRequests: boolean
  readonly filteredIdTokenClaims: ReadonlyArray<string>
  readonly authWindowTimeoutMillis: number
  readonly silentTimeoutMillis: number
  readonly httpTimeoutMillis: number
  readonly popupWindowWidth: number
  readonly popupWindowHeight: number
  readonly clockSkew: number
  readonly clockTolerance: number
  readonly refreshBeforeExpiry: number
  readonly idTokenSigningAlgorithm: SecurityAlgorithms
  readonly jwksCacheMillis: number
  readonly metadataCacheMillis: number
  /** Storage key of the session. */
  readonly sessionStorageKey: string
  /** Prefix of the storage keys of pending sign-in/sign-out transactions. */
  readonly transactionKeyPrefix: string
  /** Name of the cross-tab lock serialising refreshes. */
  readonly lockName: string
  /** Name of the `BroadcastChannel` telling other tabs about session changes. */
  readonly broadcastChannelName: string
  /** Origins besides the issuer's that metadata endpoints may have. */
  readonly allowedEndpointOrigins: ReadonlyArray<string>
  /** Where log entries go: the `logger` option, `console.debug` with `debug`, or nowhere. */
  readonly log: (entry: MonoCloudLogEntry) => void
  readonly postCallback?: PostCallback | undefined
  readonly onSessionCreating?: OnSessionCreating | undefined
}

/**
 * The decoded configuration as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class MonoCloudConfig extends Context.Service<MonoCloudConfig, ResolvedConfig>()(
  "@monocloud/auth-web-js/MonoCloudConfig"
) {}

const debugLog = (entry: MonoCloudLogEntry) => console.debug("[monocloud]", entry)

const ignoreLog = () => undefined

/**
 * What invalid client options fail with: the error of building the layers, and of every promise
 * client call when the options are wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export type OptionsError = Because<MonoCloudUsageError, "options">

const invalid = (detail: string): OptionsError => MonoCloudUsageError.of("options", detail)

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"])

/**
 * Normalises the tenant domain to the issuer URL: `https://` is added when no scheme is given,
 * one trailing `/` is dropped, and `http://` is accepted only for `localhost`, `127.0.0.1` and `[::1]`.
 */
const normalizeIssuer = (tenantDomain: string): Effect.Effect<string, OptionsError> =>
  Effect.suspend(() => {
    const trimmed = tenantDomain.trim()
    if (trimmed === "") return Effect.fail(invalid("tenantDomain is required"))
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`
    let url: URL
    try {
      url = new URL(withScheme)
    } catch {
      return Effect.fail(invalid("tenantDomain is not a valid host name or URL"))
    }
    if (url.protocol === "http:" && !LOCAL_HOSTS.has(url.hostname)) {
      return Effect.fail(invalid("tenantDomain must use https (http is allowed for localhost only)"))
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return Effect.fail(invalid("tenantDomain must be an https URL"))
    }
    if (url.search !== "" || url.hash !== "")
      return Effect.fail(invalid("tenantDomain must not have a query or fragment"))
    return Effect.succeed(removeTrailingSlash(`${url.origin}${url.pathname}`))
  })

const currentOrigin = (): string | undefined => {
  const location = (globalThis as { location?: { origin?: string } }).location
  return typeof location?.origin === "string" && location.origin !== "null" ? location.origin : undefined
}

const resolveAppUrl = (appUrl: string | undefined) =>
  Effect.suspend(() => {
    const raw = appUrl ?? currentOrigin()
    if (raw === undefined) return Effect.fail(invalid("appUrl is required outside a browser"))
    try {
      const url = new URL(raw)
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        return Effect.fail(invalid("appUrl must be an http or https URL"))
      }
      return Effect.succeed({ appUrl: removeTrailingSlash(`${url.origin}${url.pathname}`), appOrigin: url.origin })
    } catch {
      return Effect.fail(invalid("appUrl must be an absolute URL"))
    }
  })

/** Each listed origin as `URL.origin` (an `https:` URL, or `http:` for a local host). */
const resolveOrigins = (origins: ReadonlyArray<string> | undefined) =>
  Effect.suspend(() => {
    const urls = (origins ?? []).map((origin) => (URL.canParse(origin) ? new URL(origin) : undefined))
    const allowed = (url: URL | undefined): url is URL =>
      url !== undefined && (url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname)))
    return urls.every(allowed)
      ? Effect.succeed(urls.map((url) => url.origin))
      : Effect.fail(invalid("allowedEndpointOrigins must list https origins"))
  })

const resolveClientAuth = (options: Pick<ClientOptions, "clientAuthMethod" | "clientSecret">) => {
  const method = options.clientAuthMethod ?? (options.clientSecret === undefined ? "none" : "client_secret_basic")
  if (method === "none") return Effect.succeed({ method } as const)
  if (options.clientSecret === undefined || options.clientSecret === "") {
    return Effect.fail(invalid(`clientAuthMethod ${method} needs a clientSecret`))
  }
  return Effect.succeed({ method, secret: Redacted.make(options.clientSecret) })
}

/**
 * Checks and normalises the client options once.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolveConfig = (options: MonoCloudWebJSClientOptions): Effect.Effect<ResolvedConfig, OptionsError> =>
  Effect.gen(function* () {
    if (typeof options !== "object" || options === null)
      return yield* Effect.fail(invalid("the options must be an object"))
    const decoded = decodeClientOptions(options)
    if (Result.isFailure(decoded)) return yield* Effect.fail(invalid(decoded.failure))
    const given = decoded.success
    const issuer = yield* normalizeIssuer(given.tenantDomain)
    const { appOrigin, appUrl } = yield* resolveAppUrl(given.appUrl)
    const clientAuth = yield* resolveClientAuth(given)
    const uri = (path: string | undefined) => removeTrailingSlash(appUrl + ensureLeadingSlash(path ?? "/"))
    const resources = (given.resources ?? []).filter((indicator) => indicator.resource.trim() !== "")
    const defaultResources = splitSpaceSeparated(given.defaultAuthParams?.resource)
    const suffix = given.sessionKey === undefined || given.sessionKey === "" ? "" : `.${given.sessionKey}`
    return {
      issuer,
      clientId: given.clientId,
      clientAuth,
      appUrl,
      appOrigin,
      redirectUri: uri(given.callbackPath),
      silentRedirectUri: uri(given.silentCallbackPath ?? given.callbackPath),
      postLogoutRedirectUri: uri(given.signOutPath),
      configuredScopes: mergeSpaceSeparated([
        given.defaultAuthParams?.scopes,
        ...resources.map((indicator) => indicator.scopes)
      ]),
      defaultResources,
      baseResources: mergeSpaceSeparated([given.defaultAuthParams?.resource, ...resources.map((r) => r.resource)]),
      resources,
      validateIdToken: given.validateIdToken,
      fetchUserinfo: given.fetchUserinfo,
      federatedSignOut: federatedSignOutDefault(options),
      pushedAuthorizationRequests: given.pushedAuthorizationRequests,
      filteredIdTokenClaims: given.filteredIdTokenClaims ?? DEFAULT_FILTERED_CLAIMS,
      authWindowTimeoutMillis: given.authWindowTimeout,
      silentTimeoutMillis: given.silentTimeout,
      httpTimeoutMillis: given.httpTimeout,
      popupWindowWidth: popupSizeOf(options).width,
      popupWindowHeight: popupSizeOf(options).height,
      clockSkew: given.clockSkew,
      clockTolerance: given.clockTolerance,
      refreshBeforeExpiry: given.refreshBeforeExpiry,
      // The schema admits only the algorithms of `SecurityAlgorithms`.
      idTokenSigningAlgorithm: given.idTokenSigningAlgorithm as SecurityAlgorithms,
      jwksCacheMillis: given.jwksCacheDuration,
      metadataCacheMillis: given.metadataCacheDuration,
      sessionStorageKey: `mc.session.${given.clientId}${suffix}`,
      transactionKeyPrefix: `mc.txn.${given.clientId}${suffix}.`,
      lockName: `mc.lock.${given.clientId}${suffix}`,
      broadcastChannelName: `mc.events.${given.clientId}${suffix}`,
      allowedEndpointOrigins: yield* resolveOrigins(given.allowedEndpointOrigins),
      log: options.logger ?? (options.debug === true ? debugLog : ignoreLog),
      postCallback: options.postCallback,
      onSessionCreating: options.onSessionCreating
    }
  })

/**
 * Builds the configuration service from client options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: MonoCloudWebJSClientOptions): Layer.Layer<MonoCloudConfig, OptionsError> =>
  Layer.effect(MonoCloudConfig, resolveConfig(options))

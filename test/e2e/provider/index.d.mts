/** End-user claims kept by the test provider. */
export interface AccountClaims {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
  given_name?: string
  family_name?: string
  updated_at?: number
  [claim: string]: unknown
}

/** The account demos and tests sign in with (`sub: "demo"`, demo@example.com, "Demo User"). */
export declare const DEMO_ACCOUNT: Readonly<AccountClaims>
/** Default API resource indicator (`https://api.example.com`, scopes `read:data write:data`). */
export declare const DEFAULT_API: string
/** Redirect paths `spaClient` registers by default. */
export declare const DEFAULT_REDIRECT_PATHS: ReadonlyArray<string>

/** Removes remote web-font references from HTML. */
export declare function stripRemoteFonts(html: string): string

/** oidc-provider client metadata (snake_case, as in the spec). */
export type ClientMetadata = { client_id: string } & Record<string, unknown>

/** Public SPA client metadata: no secret, PKCE, code + refresh_token, redirect URIs on `origin`. */
export declare function spaClient(options: {
  clientId?: string
  origin: string
  redirectPaths?: ReadonlyArray<string>
  postLogoutPaths?: ReadonlyArray<string>
  extra?: Record<string, unknown>
}): ClientMetadata

export interface ProviderOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Default `127.0.0.1`; the issuer is `http://<host>:<port>`. */
  host?: string
  /** Static clients (see `spaClient`). More can be added later with `addClient`. */
  clients?: ReadonlyArray<ClientMetadata>
  /** Seed accounts; default `[DEMO_ACCOUNT]`. Unknown login names are created on first sign-in. */
  accounts?: ReadonlyArray<AccountClaims>
  /** Access token lifetime in seconds (default 60); change later with `setAccessTokenTtl`. */
  accessTokenTtl?: number
  idTokenTtl?: number
  refreshTokenTtl?: number
  sessionTtl?: number
  /** Resource servers by indicator; default `{ "https://api.example.com": { scope: "read:data write:data" } }`. JWT access tokens. */
  resources?: Record<string, { scope: string; accessTokenTtl?: number }>
  /** The logout confirmation page presses "Yes, sign me out" by itself (default true). */
  autoConfirmLogout?: boolean
  /** oidc-provider `conformIdTokenClaims`; default false so profile/email claims are in the ID token too. */
  conformIdTokenClaims?: boolean
  /** Extra origins allowed to call token/revocation endpoints via CORS besides the clients' redirect URI origins. */
  extraOrigins?: ReadonlyArray<string>
  /** Mute oidc-provider's development-mode warnings (default true). */
  quiet?: boolean
  /** Enables request objects (`features.requestObjects.request`), so a client may require them (default false). */
  requestObjects?: boolean
  /** A `Cross-Origin-Opener-Policy` sent with every page the provider serves (default none); change with `setOpenerPolicy`. */
  openerPolicy?: string
}

/** One HTTP request seen by the provider. */
export interface ProviderRequest {
  method: string
  path: string
  route:
    | "authorization"
    | "token"
    | "userinfo"
    | "end_session"
    | "end_session_confirm"
    | "revocation"
    | "jwks"
    | "discovery"
    | "pushed_authorization_request"
    | "interaction"
    | "other"
  status: number
  origin: string | undefined
  at: number
}

/** Live log of provider activity. */
export interface ProviderEvents {
  readonly requests: ProviderRequest[]
  readonly tokenRequests: Array<{
    grantType: string | undefined
    ok: boolean
    error?: string
    errorDescription?: string
    errorDetail?: string
    at: number
  }>
  /** Each entry is a rotated (already consumed) refresh token presented again; the grant is then revoked. */
  readonly refreshTokenReuse: Array<{ clientId: string | undefined; at: number }>
  readonly refreshTokensConsumed: number
  readonly authorizations: Array<{ ok: boolean; prompt?: string; error?: string; at: number }>
  readonly endSessions: number
  readonly grantsRevoked: string[]
  readonly serverErrors: unknown[]
  /** Requests to one route, CORS preflights excluded. */
  requestsTo(route: ProviderRequest["route"]): ProviderRequest[]
  reset(): void
}

/** A fault served instead of the real response for the next matching request(s). */
export interface Fault {
  /** Exact provider path, e.g. `/token`, `/me`. */
  path: string
  method?: string
  /** HTTP status to answer with; omit to only delay. */
  status?: number
  body?: unknown
  delayMs?: number
  /** Called when a matching request arrives (after `delayMs`); the request is held until the promise it returns settles. */
  until?: () => Promise<unknown>
  /** Closes the connection without an answer (after `delayMs`/`until`). */
  drop?: boolean
  /** Extra response headers with `status` (e.g. `Location` for a redirect). */
  headers?: Record<string, string>
  /** `Content-Type` of a `status` answer whose `body` is text (e.g. `text/html`, or truncated JSON). */
  contentType?: string
  /** Without `status`: the real JSON answer, changed by this function (e.g. a field removed). */
  transformJson?: (body: Record<string, unknown>) => unknown
  /** How many requests it applies to (default 1). */
  times?: number
}

/** A running test provider. */
export interface TestProvider {
  readonly issuer: string
  readonly port: number
  /** The underlying oidc-provider instance (untyped: oidc-provider ships no type declarations). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly provider: any
  readonly events: ProviderEvents
  /** Live accounts by sub. */
  readonly accounts: Map<string, AccountClaims>
  url(path: string): string
  /** Creates or changes an account's claims (bumps `updated_at`); later userinfo/ID tokens see the change. */
  setProfile(sub: string, patch: Partial<AccountClaims>): AccountClaims
  /** Deletes an account: refresh and userinfo for it fail afterwards. */
  deleteAccount(sub: string): void
  setAccessTokenTtl(seconds: number): void
  setAutoConfirmLogout(value: boolean): void
  /** Sets (or with `undefined` stops) the `Cross-Origin-Opener-Policy` sent with the provider's pages. */
  setOpenerPolicy(value: string | undefined): void
  /** Registers (or replaces) a client at runtime; rejects on invalid metadata. */
  addClient(metadata: ClientMetadata): Promise<void>
  /** Injects a fault for the next matching request(s). */
  failNext(fault: Fault): void
  /** Drops every fault not used up yet. */
  clearFaults(): void
  /** Deletes every grant of `sub` with its access/refresh tokens and codes; resolves with the grant count. */
  revokeGrantsFor(sub: string): Promise<number>
  /** Ends every provider (browser) session of `sub`; session-bound tokens die with it. Resolves with the count. */
  endSessionsFor(sub: string): Promise<number>
  close(): Promise<void>
}

/** Starts the local OpenID Provider. */
export declare function startProvider(options?: ProviderOptions): Promise<TestProvider>

/**
 * A scripted fake OpenID Provider behind a `fetch`-compatible function: it serves discovery and
 * the key set by itself, accepts pushed authorization requests (`par`) by itself, answers token,
 * userinfo and revocation requests from per-endpoint scripts (which override the built-in answers
 * too), records every request, and reports unexpected requests and unused scripts on `verify()`.
 *
 * @since 0.1.0
 */
import type { OidcEndpoint } from "../MonoCloudError.js"
import { base64UrlEncode } from "../util/base64url.js"
import { makeTokenMinter } from "./TokenMinter.js"
import type { MinterAlgorithm, MintOptions, TokenMinter } from "./TokenMinter.js"

/**
 * The `at_hash` a provider puts in an ID token (OpenID Connect Core §3.1.3.6): the left half of the
 * access token's SHA-2 digest, sized by the signing algorithm, base64url-encoded. Computed here on
 * its own, not with the SDK's code that checks it.
 */
const accessTokenHashOf = async (alg: string, accessToken: string): Promise<string> => {
  const digest = new Uint8Array(
    await globalThis.crypto.subtle.digest(`SHA-${alg.slice(2)}`, new TextEncoder().encode(accessToken))
  )
  return base64UrlEncode(digest.subarray(0, digest.length / 2))
}

/**
 * The endpoints a script can answer.
 *
 * @since 0.1.0
 * @category testing
 */
export type ScriptedEndpoint = OidcEndpoint

/**
 * One request the server received. `endpoint` is `"unknown"` for a URL that is none of the endpoints.
 *
 * @since 0.1.0
 * @category testing
 */
export interface RecordedRequest {
  readonly endpoint: ScriptedEndpoint | "unknown"
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  /** The request body as text (empty when there is none). */
  readonly body: string
  /** The parsed body of an `application/x-www-form-urlencoded` request. */
  readonly form?: URLSearchParams
  /** The token of an `Authorization: Bearer` header. */
  readonly bearer?: string
}

/**
 * An HTTP answer: `json` is serialised with `content-type: application/json`, `body` is sent as
 * text. `status` defaults to 200; `delayMillis` waits before answering.
 *
 * @since 0.1.0
 * @category testing
 */
export interface HttpReply {
  readonly status?: number | undefined
  readonly json?: unknown
  readonly body?: string | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly delayMillis?: number | undefined
}

/**
 * The request fails like an unreachable server: `fetch` rejects with a `TypeError`.
 *
 * @since 0.1.0
 * @category testing
 */
export interface NetworkErrorReply {
  readonly networkError: true
  readonly delayMillis?: number | undefined
}

/**
 * The request never gets an answer; `fetch` rejects with the abort reason once its signal aborts.
 *
 * @since 0.1.0
 * @category testing
 */
export interface HangingReply {
  readonly hang: true
}

/**
 * How the server answers one scripted request.
 *
 * @since 0.1.0
 * @category testing
 */
export type ScriptedReply = HttpReply | NetworkErrorReply | HangingReply

/**
 * A queued answer: a reply, a promised reply (e.g. `server.tokenReply()`), or a function of the request.
 *
 * @since 0.1.0
 * @category testing
 */
export type Script =
  ScriptedReply | Promise<ScriptedReply> | ((request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>)

/**
 * The body of a successful token response built by `tokenReply`.
 *
 * @since 0.1.0
 * @category testing
 */
export interface TokenResponseJson {
  readonly access_token: string
  readonly token_type: "Bearer"
  readonly expires_in: number
  readonly scope: string
  readonly id_token?: string
  readonly refresh_token?: string
}

/**
 * A successful token response built by `tokenReply`.
 *
 * @since 0.1.0
 * @category testing
 */
export interface TokenReply extends HttpReply {
  readonly status: 200
  readonly json: TokenResponseJson
}

/**
 * Options of `server.tokenReply`.
 *
 * @since 0.1.0
 * @category testing
 */
export interface TokenReplyOptions {
  /** The nonce to put in the ID token (the one from the authorize URL). */
  readonly nonce?: string | undefined
  /** `"user-1"` by default. */
  readonly sub?: string | undefined
  /** `"openid profile email offline_access"` by default. */
  readonly scope?: string | undefined
  /** Access token lifetime in seconds, 3600 by default. */
  readonly expiresIn?: number | undefined
  /** A generated `access-token-<n>` by default. */
  readonly accessToken?: string | undefined
  /** A generated `refresh-token-<n>` by default; `false` leaves it out. */
  readonly refreshToken?: string | false | undefined
  /** `false` leaves the ID token out; an object overrides its claims (`undefined` removes one). */
  readonly idToken?: false | Readonly<Record<string, unknown>> | undefined
  /** How the ID token is signed (e.g. `{ key: "unknown" }`). */
  readonly mint?: MintOptions | undefined
}

/**
 * Options of {@link makeScriptedAuthorizationServer}.
 *
 * @since 0.1.0
 * @category testing
 */
export interface ScriptedAuthorizationServerOptions {
  /** `https://op.example.test` by default. */
  readonly issuer?: string | undefined
  /** `test-client` by default. */
  readonly clientId?: string | undefined
  /** The ID token signing algorithm, `RS256` by default. */
  readonly alg?: MinterAlgorithm | undefined
  /** Entries merged over the default discovery document; an `undefined` value removes an entry. */
  readonly metadata?: Readonly<Record<string, unknown>> | undefined
  /** The clock for minted tokens, in milliseconds; `Date.now` by default. */
  readonly now?: (() => number) | undefined
}

/**
 * A scripted fake OpenID Provider.
 *
 * @since 0.1.0
 * @category testing
 */
export interface ScriptedAuthorizationServer {
  readonly issuer: string
  readonly clientId: string
  /** The discovery document served at `${issuer}/.well-known/openid-configuration`. */
  readonly metadata: Readonly<Record<string, unknown>>
  /** The keys signing this server's ID tokens; its `jwks` is served at `jwks_uri`. */
  readonly minter: TokenMinter
  /** Pass this wherever a `fetch` is expected, e.g. `OidcHttp.layerFetch(server.fetch)` or the `fetch` client option. */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  /** Every request received, in order. */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** The requests nothing was scripted for (answered with status 500). */
  readonly unexpected: ReadonlyArray<RecordedRequest>
  /** The requests received by one endpoint. */
  readonly requestsTo: (endpoint: ScriptedEndpoint) => ReadonlyArray<RecordedRequest>
  /** The parameters pushed for a `request_uri` this server issued at its `par` endpoint. */
  readonly pushedRequest: (requestUri: string) => URLSearchParams | undefined
  /** Queues the answer to the next request to `endpoint` (first in, first out per endpoint). */
  readonly expect: (endpoint: ScriptedEndpoint, script: Script) => void
  /** Throws an `Error` listing unexpected requests and unused scripts, if any. */
  readonly verify: () => void
  /** A successful token response with a freshly minted, correctly signed ID token. */
  readonly tokenReply: (options?: TokenReplyOptions) => Promise<TokenReply>
  /** A successful userinfo response; `sub` is `"user-1"` unless `claims` sets it. */
  readonly userInfoReply: (claims?: Readonly<Record<string, unknown>>) => HttpReply
  /** An OAuth error response (`error`, `error_description`), status 400 by default. */
  readonly oauthError: (error: string, description?: string, status?: number) => HttpReply
}

const defaultSubject = "user-1"

const withoutUndefined = (record: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined))

const defaultMetadata = (issuer: string, alg: MinterAlgorithm): Record<string, unknown> => {
  const base = issuer.replace(/\/+$/, "")
  return {
    issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/userinfo`,
    jwks_uri: `${base}/jwks`,
    end_session_endpoint: `${base}/logout`,
    revocation_endpoint: `${base}/revoke`,
    pushed_authorization_request_endpoint: `${base}/par`,
    authorization_response_iss_parameter_supported: true,
    code_challenge_methods_supported: ["S256"],
    id_token_signing_alg_values_supported: [alg],
    response_types_supported: ["code"],
    response_modes_supported: ["query", "fragment"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    subject_types_supported: ["public"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"]
  }
}

const routeKey = (url: URL): string => `${url.origin}${url.pathname}`

const routesOf = (issuer: string, metadata: Readonly<Record<string, unknown>>): Map<string, ScriptedEndpoint> => {
  const entries: Array<readonly [ScriptedEndpoint, unknown]> = [
    ["discovery", `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`],
    ["jwks", metadata.jwks_uri],
    ["token", metadata.token_endpoint],
    ["userinfo", metadata.userinfo_endpoint],
    ["revocation", metadata.revocation_endpoint],
    ["par", metadata.pushed_authorization_request_endpoint]
  ]
  const routes = new Map<string, ScriptedEndpoint>()
  for (const [endpoint, location] of entries) {
    if (typeof location === "string" && URL.canParse(location)) routes.set(routeKey(new URL(location)), endpoint)
  }
  return routes
}

const readRequest = async (
  endpointOf: (url: URL) => RecordedRequest["endpoint"],
  input: RequestInfo | URL,
  init: RequestInit | undefined
): Promise<RecordedRequest> => {
  const source = typeof input === "string" || "href" in input ? undefined : input
  const url = new URL(typeof input === "string" ? input : "href" in input ? input.href : input.url)
  const headers = new Headers(init?.headers ?? source?.headers)
  const body =
    init?.body != null ? await new Response(init.body).text() : source === undefined ? "" : await source.text()
  const isForm = headers.get("content-type")?.includes("application/x-www-form-urlencoded") === true
  const bearer = /^Bearer +(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1]
  return {
    endpoint: endpointOf(url),
    method: (init?.method ?? source?.method ?? "GET").toUpperCase(),
    url,
    headers,
    body,
    ...(isForm ? { form: new URLSearchParams(body) } : {}),
    ...(bearer === undefined ? {} : { bearer })
  }
}

const withAbort = <A>(signal: AbortSignal | null | undefined, run: () => Promise<A>): Promise<A> => {
  if (signal == null) return run()
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<A>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener("abort", onAbort, { once: true })
    run()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort))
  })
}

const sleep = (millis: number | undefined): Promise<void> =>
  millis === undefined || millis <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, millis))

const toResponse = (reply: HttpReply): Response => {
  const headers = new Headers(reply.headers)
  const [body, contentType] =
    reply.json !== undefined
      ? [JSON.stringify(reply.json), "application/json"]
      : reply.body !== undefined
        ? [reply.body, "text/plain;charset=UTF-8"]
        : [null, undefined]
  if (contentType !== undefined && !headers.has("content-type")) headers.set("content-type", contentType)
  return new Response(body, { status: reply.status ?? 200, headers })
}

const answer = async (reply: ScriptedReply): Promise<Response> => {
  if ("hang" in reply) return new Promise<Response>(() => {})
  await sleep(reply.delayMillis)
  if ("networkError" in reply) throw new TypeError("fetch failed: the scripted server is unreachable")
  return toResponse(reply)
}

/**
 * Creates a {@link ScriptedAuthorizationServer} with a fresh signing key. Returns a `Promise`
 * because key generation is asynchronous; from Effect code use
 * `Effect.promise(() => makeScriptedAuthorizationServer(…))`.
 *
 * @since 0.1.0
 * @category testing
 */
export const makeScriptedAuthorizationServer = async (
  options: ScriptedAuthorizationServerOptions = {}
): Promise<ScriptedAuthorizationServer> => {
  const issuer = options.issuer ?? "https://op.example.test"
  const clientId = options.clientId ?? "test-client"
  const now = options.now ?? Date.now
  const minter = await makeTokenMinter({ issuer, alg: options.alg })
  const metadata = withoutUndefined({ ...defaultMetadata(issuer, minter.alg), ...options.metadata })
  const routes = routesOf(issuer, metadata)
  const queues = new Map<ScriptedEndpoint, Array<Script>>()
  const requests: Array<RecordedRequest> = []
  const unexpected: Array<RecordedRequest> = []
  const pushed = new Map<string, URLSearchParams>()
  let issued = 0

  const replyTo = (request: RecordedRequest): ScriptedReply | Promise<ScriptedReply> => {
    const script = request.endpoint === "unknown" ? undefined : queues.get(request.endpoint)?.shift()
    if (script !== undefined) return typeof script === "function" ? script(request) : script
    if (request.endpoint === "discovery") return { json: metadata }
    if (request.endpoint === "jwks") return { json: minter.jwks }
    if (request.endpoint === "par" && request.form !== undefined) {
      const requestUri = `urn:ietf:params:oauth:request_uri:${pushed.size + 1}`
      pushed.set(requestUri, request.form)
      return { status: 201, json: { request_uri: requestUri, expires_in: 60 } }
    }
    unexpected.push(request)
    return {
      status: 500,
      json: { error: "server_error", error_description: `No script for ${request.method} ${request.endpoint}` }
    }
  }

  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? (typeof input === "string" || "href" in input ? undefined : input.signal)
    return withAbort(signal, async () => {
      const request = await readRequest((url) => routes.get(routeKey(url)) ?? "unknown", input, init)
      requests.push(request)
      return answer(await replyTo(request))
    })
  }

  const idTokenFor = async (reply: TokenReplyOptions, accessToken: string): Promise<string> => {
    const nowSeconds = Math.floor(now() / 1000)
    const claims = {
      iss: issuer,
      sub: reply.sub ?? defaultSubject,
      aud: clientId,
      iat: nowSeconds,
      exp: nowSeconds + 3600,
      auth_time: nowSeconds,
      nonce: reply.nonce,
      at_hash: await accessTokenHashOf(minter.alg, accessToken),
      ...(reply.idToken === undefined || reply.idToken === false ? {} : reply.idToken)
    }
    return minter.mintIdToken(claims, reply.mint)
  }

  const tokenReply = async (reply: TokenReplyOptions = {}): Promise<TokenReply> => {
    issued += 1
    const accessToken = reply.accessToken ?? `access-token-${issued}`
    const refreshToken = reply.refreshToken ?? `refresh-token-${issued}`
    const idToken = reply.idToken === false ? undefined : await idTokenFor(reply, accessToken)
    return {
      status: 200,
      headers: { "cache-control": "no-store" },
      json: {
        access_token: accessToken,
        token_type: "Bearer",
        expires_in: reply.expiresIn ?? 3600,
        scope: reply.scope ?? "openid profile email offline_access",
        ...(idToken === undefined ? {} : { id_token: idToken }),
        ...(refreshToken === false ? {} : { refresh_token: refreshToken })
      }
    }
  }

  return {
    issuer,
    clientId,
    metadata,
    minter,
    fetch,
    requests,
    unexpected,
    requestsTo: (endpoint) => requests.filter((request) => request.endpoint === endpoint),
    pushedRequest: (requestUri) => pushed.get(requestUri),
    expect: (endpoint, script) => {
      if (script instanceof Promise) script.catch(() => undefined)
      queues.set(endpoint, [...(queues.get(endpoint) ?? []), script])
    },
    verify: () => {
      const problems = [
        ...unexpected.map((request) => `unexpected ${request.method} ${routeKey(request.url)} (${request.endpoint})`),
        ...Array.from(queues, ([endpoint, queue]) =>
          queue.length > 0 ? `${queue.length} unused ${endpoint} script(s)` : ""
        ).filter((problem) => problem !== "")
      ]
      if (problems.length > 0) throw new Error(`Scripted authorization server: ${problems.join("; ")}`)
    },
    tokenReply,
    userInfoReply: (claims = {}) => ({ status: 200, json: { sub: defaultSubject, ...claims } }),
    oauthError: (error, description, status = 400) => ({
      status,
      json: description === undefined ? { error } : { error, error_description: description }
    })
  }
}

/**
 * A local OpenID Provider (oidc-provider 8) for end-to-end tests and the demo.
 *
 * Plain ESM JavaScript so `node demo/start.mjs` can run it without a TS loader.
 * Types live in `index.d.mts`.
 */
import { createServer } from "node:http"
import { generateKeyPairSync, randomBytes } from "node:crypto"
import Provider, { errors } from "oidc-provider"

import { createStore } from "./store.mjs"
import { createAccounts, DEMO_ACCOUNT } from "./accounts.mjs"
import { logoutSource, offlineHtml, postLogoutSuccessSource } from "./pages.mjs"
import { createEvents } from "./events.mjs"

export { DEMO_ACCOUNT } from "./accounts.mjs"
export { stripRemoteFonts } from "./pages.mjs"

/** Default API audience available through resource indicators. */
export const DEFAULT_API = "https://api.example.com"

/** Paths on the app origin registered as redirect URIs by `spaClient` unless overridden. */
export const DEFAULT_REDIRECT_PATHS = [
  "/",
  "/callback",
  "/popup-callback",
  "/silent-callback.html",
  "/silent-callback-post.html"
]

/**
 * Client metadata for a public single-page app (PKCE, no secret, refresh tokens).
 * @param {{ clientId?: string, origin: string, redirectPaths?: string[], postLogoutPaths?: string[], extra?: object }} options
 */
export function spaClient({
  clientId = "spa",
  origin,
  redirectPaths = DEFAULT_REDIRECT_PATHS,
  postLogoutPaths = ["/", "/callback", "/signed-out"],
  extra = {}
}) {
  return {
    client_id: clientId,
    client_name: "E2E single-page app",
    application_type: "web",
    token_endpoint_auth_method: "none",
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    id_token_signed_response_alg: "RS256",
    redirect_uris: redirectPaths.map((p) => new URL(p, origin).href),
    post_logout_redirect_uris: postLogoutPaths.map((p) => new URL(p, origin).href),
    ...extra
  }
}

const originsOf = (client) =>
  new Set([...(client.redirectUris ?? []), ...(client.postLogoutRedirectUris ?? [])].map((u) => new URL(u).origin))

const signingKey = () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
  return {
    ...privateKey.export({ format: "jwk" }),
    kid: `rs-${randomBytes(4).toString("hex")}`,
    alg: "RS256",
    use: "sig"
  }
}

/** Runs `fn` with oidc-provider's development-mode console warnings muted. */
const quietly = (quiet, fn) => {
  if (!quiet) return fn()
  const warn = console.warn
  console.warn = (...args) => {
    if (!String(args[0]).includes("oidc-provider WARNING")) warn(...args)
  }
  try {
    return fn()
  } finally {
    console.warn = warn
  }
}

/**
 * Starts the provider on `http://<host>:<port>` and resolves once it listens.
 * See `index.d.mts` for the option and handle types.
 */
export async function startProvider(options = {}) {
  const {
    port = 0,
    host = "127.0.0.1",
    clients = [],
    accounts: seed = [DEMO_ACCOUNT],
    accessTokenTtl = 60,
    idTokenTtl = 3600,
    refreshTokenTtl = 24 * 3600,
    sessionTtl = 24 * 3600,
    resources = { [DEFAULT_API]: { scope: "read:data write:data" } },
    autoConfirmLogout = true,
    conformIdTokenClaims = false,
    extraOrigins = [],
    quiet = true,
    requestObjects = false,
    openerPolicy
  } = options

  const server = createServer()
  await new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => resolve(undefined))
  })
  const actualPort = /** @type {import("node:net").AddressInfo} */ (server.address()).port
  const issuer = `http://${host}:${actualPort}`

  const store = createStore()
  const accounts = createAccounts(seed)
  const state = { accessTokenTtl, autoConfirmLogout, openerPolicy }
  const faults = []

  const provider = quietly(
    quiet,
    () =>
      new Provider(issuer, {
        adapter: store.adapter,
        clients,
        findAccount: accounts.findAccount,
        jwks: { keys: [signingKey()] },
        cookies: {
          keys: [randomBytes(32).toString("hex")],
          long: { signed: true, httpOnly: true, sameSite: "lax" },
          short: { signed: true, httpOnly: true, sameSite: "lax" }
        },
        scopes: ["openid", "offline_access", "profile", "email"],
        claims: {
          openid: ["sub"],
          profile: ["name", "given_name", "family_name", "updated_at"],
          email: ["email", "email_verified"],
          sid: null,
          auth_time: null
        },
        conformIdTokenClaims,
        clockTolerance: 5,
        pkce: { methods: ["S256"], required: () => true },
        clientBasedCORS: (_ctx, origin, client) => originsOf(client).has(origin) || extraOrigins.includes(origin),
        issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
        rotateRefreshToken: true,
        ttl: {
          AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? state.accessTokenTtl,
          AuthorizationCode: 60,
          IdToken: idTokenTtl,
          RefreshToken: refreshTokenTtl,
          Interaction: 3600,
          Session: sessionTtl,
          Grant: refreshTokenTtl
        },
        features: {
          devInteractions: { enabled: true },
          userinfo: { enabled: true },
          revocation: { enabled: true },
          ...(requestObjects ? { requestObjects: { request: true } } : {}),
          rpInitiatedLogout: {
            enabled: true,
            logoutSource: logoutSource(() => state.autoConfirmLogout),
            postLogoutSuccessSource
          },
          resourceIndicators: {
            enabled: true,
            defaultResource: async (_ctx, _client, oneOf) => oneOf,
            useGrantedResource: async () => false,
            getResourceServerInfo: async (_ctx, indicator) => {
              const api = resources[indicator]
              if (!api) throw new errors.InvalidTarget()
              return {
                scope: api.scope,
                audience: indicator,
                accessTokenTTL: api.accessTokenTtl ?? state.accessTokenTtl,
                accessTokenFormat: "jwt",
                jwt: { sign: { alg: "RS256" } }
              }
            }
          }
        }
      })
  )

  const events = createEvents(provider)

  provider.use(async (ctx, next) => {
    if (ctx.path === "/favicon.ico") {
      ctx.status = 204
      return
    }
    const fault = faults.find((f) => f.path === ctx.path && (!f.method || f.method === ctx.method))
    if (fault && ctx.method !== "OPTIONS") {
      if (--fault.times <= 0) faults.splice(faults.indexOf(fault), 1)
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs))
      if (fault.until) await fault.until()
      if (fault.drop) {
        ctx.req.socket.destroy()
        ctx.respond = false
        return
      }
      if (fault.status) {
        const origin = ctx.get("Origin")
        if (origin) ctx.set("Access-Control-Allow-Origin", origin)
        ctx.status = fault.status
        ctx.body = fault.body ?? { error: "server_error", error_description: "injected fault" }
        for (const [name, value] of Object.entries(fault.headers ?? {})) ctx.set(name, value)
        if (fault.contentType) ctx.type = fault.contentType
        events.record(ctx)
        return
      }
    }
    await next()
    if (state.openerPolicy !== undefined && ctx.response.is("html")) {
      ctx.set("Cross-Origin-Opener-Policy", state.openerPolicy)
    }
    if (fault?.transformJson && ctx.method !== "OPTIONS" && ctx.body && typeof ctx.body === "object") {
      ctx.body = fault.transformJson(ctx.body)
    }
    events.record(ctx)
  })
  provider.use(offlineHtml)

  server.on("request", provider.callback())

  const grantsOf = (sub) => store.entries("Grant").filter(([, g]) => g.accountId === sub)

  return {
    issuer,
    port: actualPort,
    provider,
    events,
    accounts: accounts.map,
    url: (path) => new URL(path, issuer).href,
    setProfile: (sub, patch) => accounts.upsert(sub, patch),
    deleteAccount: (sub) => accounts.remove(sub),
    setAccessTokenTtl: (seconds) => {
      state.accessTokenTtl = seconds
    },
    setAutoConfirmLogout: (value) => {
      state.autoConfirmLogout = value
    },
    setOpenerPolicy: (value) => {
      state.openerPolicy = value
    },
    async addClient(metadata) {
      await provider.Client.validate(metadata)
      store.put("Client", metadata.client_id, metadata)
    },
    failNext(fault) {
      faults.push({ times: 1, ...fault })
    },
    clearFaults() {
      faults.splice(0)
    },
    async revokeGrantsFor(sub) {
      const grants = grantsOf(sub)
      for (const [grantId] of grants) {
        for (const model of ["AccessToken", "RefreshToken", "AuthorizationCode"]) {
          for (const [id, token] of store.entries(model)) if (token.grantId === grantId) store.remove(model, id)
        }
        store.remove("Grant", grantId)
        events.grantsRevoked.push(grantId)
      }
      return grants.length
    },
    async endSessionsFor(sub) {
      const sessions = store.entries("Session").filter(([, s]) => s.accountId === sub)
      for (const [id] of sessions) store.remove("Session", id)
      return sessions.length
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve(undefined))
      })
  }
}

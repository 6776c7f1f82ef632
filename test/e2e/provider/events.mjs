/**
 * Records what happened on the test OpenID Provider so e2e tests can assert
 * on it (requests made, token grants, refresh-token replays, sign-outs).
 */

const routeNames = {
  "/auth": "authorization",
  "/token": "token",
  "/me": "userinfo",
  "/session/end": "end_session",
  "/session/end/confirm": "end_session_confirm",
  "/token/revocation": "revocation",
  "/jwks": "jwks",
  "/request": "pushed_authorization_request",
  "/.well-known/openid-configuration": "discovery"
}

/**
 * Subscribes to `provider` events and returns the live event log.
 * @param {import("oidc-provider").default} provider
 */
export function createEvents(provider) {
  const log = {
    /** Every HTTP request (after the response was produced), oldest first. */
    requests: [],
    /** Token endpoint outcomes: `{ grantType, ok, error?, errorDescription?, errorDetail?, at }` (`errorDetail` is server-side only). */
    tokenRequests: [],
    /** Refresh-token replays detected by rotation (a consumed refresh token presented again). */
    refreshTokenReuse: [],
    /** Count of refresh tokens consumed by rotation. */
    refreshTokensConsumed: 0,
    /** Authorization endpoint outcomes: `{ ok, prompt?, error?, at }`. */
    authorizations: [],
    /** Completed RP-initiated logouts. */
    endSessions: 0,
    /** Grant ids revoked (by logout, replay detection or `revokeGrantsFor`). */
    grantsRevoked: [],
    /** Unexpected provider errors; a healthy run keeps this empty. */
    serverErrors: [],

    /** Appends one request entry (called by the provider's logging middleware). */
    record(ctx) {
      log.requests.push({
        method: ctx.method,
        path: ctx.path,
        route: routeNames[ctx.path] ?? (ctx.path.startsWith("/interaction/") ? "interaction" : "other"),
        status: ctx.status,
        origin: ctx.get("Origin") || undefined,
        at: Date.now()
      })
    },

    /** Requests that hit one route name (e.g. `"token"`), ignoring CORS preflights. */
    requestsTo(route) {
      return log.requests.filter((r) => r.route === route && r.method !== "OPTIONS")
    },

    /** Clears every list and counter. */
    reset() {
      for (const key of [
        "requests",
        "tokenRequests",
        "refreshTokenReuse",
        "authorizations",
        "grantsRevoked",
        "serverErrors"
      ]) {
        log[key].length = 0
      }
      log.refreshTokensConsumed = 0
      log.endSessions = 0
    }
  }

  const now = () => Date.now()
  const grantType = (ctx) => ctx.oidc?.params?.grant_type

  provider.on("grant.success", (ctx) => {
    log.tokenRequests.push({ grantType: grantType(ctx), ok: true, at: now() })
  })
  provider.on("grant.error", (ctx, err) => {
    log.tokenRequests.push({
      grantType: grantType(ctx),
      ok: false,
      error: err.error,
      errorDescription: err.error_description,
      errorDetail: err.error_detail,
      at: now()
    })
    if (err.error_detail === "refresh token already used") {
      log.refreshTokenReuse.push({ clientId: ctx.oidc?.client?.clientId, at: now() })
    }
  })
  provider.on("refresh_token.consumed", () => {
    log.refreshTokensConsumed += 1
  })
  provider.on("authorization.success", (ctx) => {
    log.authorizations.push({ ok: true, prompt: ctx.oidc?.params?.prompt, at: now() })
  })
  provider.on("authorization.error", (ctx, err) => {
    log.authorizations.push({ ok: false, prompt: ctx.oidc?.params?.prompt, error: err.error, at: now() })
  })
  provider.on("end_session.success", () => {
    log.endSessions += 1
  })
  provider.on("grant.revoked", (_ctx, grantId) => {
    log.grantsRevoked.push(grantId)
  })
  provider.on("server_error", (_ctx, err) => {
    log.serverErrors.push(err)
    console.error("[test-provider] server_error", err)
  })

  return log
}

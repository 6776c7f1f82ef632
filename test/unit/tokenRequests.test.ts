import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { exchangeCode, fetchUserInfo, refreshGrant, revokeToken } from "../../src/internal/tokenRequests.js"
import type { MonoCloudWebJSClientOptions } from "../../src/MonoCloudConfig.js"
import type { ScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { engineLayer, scriptedServer } from "./support/engine.js"
import { expectTagged } from "./support/failures.js"

const REDIRECT = "http://localhost:3000/callback"

const exchange = (resource?: string) =>
  exchangeCode({ code: "the-code", codeVerifier: "the-verifier", redirectUri: REDIRECT, resource })

const tokenJson = (overrides: Record<string, unknown> = {}) => ({
  access_token: "at-1",
  token_type: "Bearer",
  expires_in: 3600,
  ...overrides
})

/** Runs `effect` against a fresh scripted server, after `script` queued its replies. */
const withServer = <A, E, R>(
  script: (server: ScriptedAuthorizationServer) => void,
  effect: Effect.Effect<A, E, R>,
  options: Partial<MonoCloudWebJSClientOptions> = {},
  metadata?: Record<string, unknown>
) =>
  Effect.gen(function* () {
    const server = yield* scriptedServer(metadata === undefined ? {} : { metadata })
    script(server)
    const result = yield* Effect.result(effect.pipe(Effect.provide(engineLayer(server, options))))
    return { server, result }
  })

const success = <A, E>(result: Result.Result<A, E>) => {
  if (Result.isFailure(result)) throw new Error(`expected success, got ${String(result.failure)}`)
  return result.success
}

const failure = <A, E>(result: Result.Result<A, E>) => {
  if (Result.isSuccess(result)) throw new Error("expected a failure")
  return result.failure
}

const decodeBasic = (header: string | null) => {
  const match = /^Basic (.+)$/.exec(header ?? "")
  if (match === null) throw new Error(`not a Basic header: ${header}`)
  const [id = "", secret = ""] = atob(match[1]!).split(":")
  const decode = (value: string) => decodeURIComponent(value.replace(/\+/g, " "))
  return { raw: atob(match[1]!), id: decode(id), secret: decode(secret) }
}

describe("exchangeCode", () => {
  it.effect(
    "posts the code grant with client_id and repeated resources, and no Authorization for a public client",
    () =>
      Effect.gen(function* () {
        const { result, server } = yield* withServer(
          (s) => s.expect("token", { json: tokenJson({ id_token: "id", refresh_token: "rt", scope: "openid" }) }),
          exchange("https://a.example.com https://b.example.com")
        )
        expect(success(result)).toEqual({
          access_token: "at-1",
          token_type: "Bearer",
          expires_in: 3600,
          id_token: "id",
          refresh_token: "rt",
          scope: "openid"
        })
        const [request] = server.requestsTo("token")
        expect(request?.method).toBe("POST")
        expect(request?.url.href).toBe(`${server.issuer}/token`)
        expect([...request!.form!]).toEqual([
          ["grant_type", "authorization_code"],
          ["code", "the-code"],
          ["redirect_uri", REDIRECT],
          ["code_verifier", "the-verifier"],
          ["resource", "https://a.example.com"],
          ["resource", "https://b.example.com"],
          ["client_id", server.clientId]
        ])
        expect(request?.headers.has("authorization")).toBe(false)
        server.verify()
      })
  )

  it.effect("sends no resource parameter without a resource", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer((s) => s.expect("token", { json: tokenJson() }), exchange())
      success(result)
      expect(server.requestsTo("token")[0]?.form?.has("resource")).toBe(false)
    })
  )

  it.effect("authenticates with client_secret_basic: url-encoded id and secret, no client_id in the body", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer((s) => s.expect("token", { json: tokenJson() }), exchange(), {
        clientId: "my client:1",
        clientSecret: "p@ss w:rd/+%"
      })
      success(result)
      const [request] = server.requestsTo("token")
      const basic = decodeBasic(request!.headers.get("authorization"))
      expect(basic.raw).toBe("my+client%3A1:p%40ss+w%3Ard%2F%2B%25")
      expect(basic.id).toBe("my client:1")
      expect(basic.secret).toBe("p@ss w:rd/+%")
      expect(request?.form?.has("client_id")).toBe(false)
      expect(request?.form?.has("client_secret")).toBe(false)
    })
  )

  it.effect("authenticates with client_secret_post: client_id and client_secret in the body, no Authorization", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer((s) => s.expect("token", { json: tokenJson() }), exchange(), {
        clientSecret: "s3cret",
        clientAuthMethod: "client_secret_post"
      })
      success(result)
      const [request] = server.requestsTo("token")
      expect(request?.form?.get("client_id")).toBe(server.clientId)
      expect(request?.form?.get("client_secret")).toBe("s3cret")
      expect(request?.headers.has("authorization")).toBe(false)
    })
  )

  it.effect("fails with MonoCloudOPError on a 400 invalid_grant", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("token", s.oauthError("invalid_grant", "The code expired")),
        exchange()
      )
      const error = expectTagged(failure(result), "MonoCloudOPError")
      expect(error.error).toBe("invalid_grant")
      expect(error.errorDescription).toBe("The code expired")
      expect(error.status).toBe(400)
    })
  )

  it.effect("fails with HttpError StatusCode on a 500", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer((s) => s.expect("token", s.oauthError("server_error", "x", 500)), exchange())
      const error = expectTagged(failure(result), "MonoCloudHttpError")
      expect(error.reason).toBe("StatusCode")
      expect(error.status).toBe(500)
      expect(error.endpoint).toBe("token")
    })
  )
})

describe("token response decoding", () => {
  const decodeFails = (json: Record<string, unknown>) =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("token", { json: { refresh_token: "rt-secret", ...json } }),
        exchange()
      )
      const error = expectTagged(failure(result), "MonoCloudHttpError")
      expect(error.reason).toBe("Decode")
      expect(error.endpoint).toBe("token")
      // neither the message nor the parse error kept as cause repeats the tokens
      expect(error.message).not.toContain("at-1")
      expect(String(error.cause)).not.toContain("at-1")
      expect(String(error.cause)).not.toContain("rt-secret")
    })

  it.effect("rejects a response without access_token", () => decodeFails(tokenJson({ access_token: undefined })))

  it.effect("rejects an empty access_token", () => decodeFails(tokenJson({ access_token: "" })))

  it.effect("rejects a token_type other than Bearer", () => decodeFails(tokenJson({ token_type: "DPoP" })))

  it.effect("rejects a negative expires_in", () => decodeFails(tokenJson({ expires_in: -1 })))

  it.effect("rejects a non-numeric expires_in string", () => decodeFails(tokenJson({ expires_in: "soon" })))

  it.effect("accepts token_type in any case and expires_in as a numeric string", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("token", { json: tokenJson({ token_type: "bearer", expires_in: "120" }) }),
        exchange()
      )
      const tokens = success(result)
      expect(tokens.expires_in).toBe(120)
      expect(tokens.token_type).toBe("bearer")
    })
  )
})

describe("refreshGrant", () => {
  it.effect("posts the refresh grant with scope and resources", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer(
        (s) => s.expect("token", { json: tokenJson() }),
        refreshGrant({
          refreshToken: "rt-1",
          scopes: "read:a write:a",
          resource: "https://a.example.com https://b.example.com"
        })
      )
      success(result)
      expect([...server.requestsTo("token")[0]!.form!]).toEqual([
        ["grant_type", "refresh_token"],
        ["refresh_token", "rt-1"],
        ["scope", "read:a write:a"],
        ["resource", "https://a.example.com"],
        ["resource", "https://b.example.com"],
        ["client_id", server.clientId]
      ])
    })
  )

  it.effect("leaves scope out when none (or only blanks) is given", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer(
        (s) => {
          s.expect("token", { json: tokenJson() })
          s.expect("token", { json: tokenJson() })
        },
        Effect.zip(refreshGrant({ refreshToken: "rt-1" }), refreshGrant({ refreshToken: "rt-2", scopes: "  " }))
      )
      success(result)
      for (const request of server.requestsTo("token")) {
        expect(request.form?.has("scope")).toBe(false)
        expect(request.form?.has("resource")).toBe(false)
        expect(request.form?.get("grant_type")).toBe("refresh_token")
      }
      expect(server.requestsTo("token").map((request) => request.form?.get("refresh_token"))).toEqual(["rt-1", "rt-2"])
    })
  )

  it.effect("fails with MonoCloudOPError on invalid_grant", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("token", s.oauthError("invalid_grant")),
        refreshGrant({ refreshToken: "rt-1" })
      )
      const error = expectTagged(failure(result), "MonoCloudOPError")
      expect(error.error).toBe("invalid_grant")
    })
  )
})

describe("fetchUserInfo", () => {
  it.effect("sends the access token as Bearer and returns the claims", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer(
        (s) => s.expect("userinfo", s.userInfoReply({ name: "Ada", groups: ["admins"] })),
        fetchUserInfo("at-42", "user-1")
      )
      expect(success(result)).toEqual({ sub: "user-1", name: "Ada", groups: ["admins"] })
      const [request] = server.requestsTo("userinfo")
      expect(request?.method).toBe("GET")
      expect(request?.bearer).toBe("at-42")
      expect(request?.headers.get("authorization")).toBe("Bearer at-42")
    })
  )

  it.effect("fails with ValidationError userInfoSubject when sub differs", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("userinfo", s.userInfoReply({ sub: "someone-else" })),
        fetchUserInfo("at-42", "user-1")
      )
      const error = expectTagged(failure(result), "MonoCloudValidationError")
      expect(error.reason).toBe("userInfoSubject")
    })
  )

  it.effect("fails with HttpError Decode when the response has no sub", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("userinfo", { json: { name: "Ada" } }),
        fetchUserInfo("at-42", "user-1")
      )
      const error = expectTagged(failure(result), "MonoCloudHttpError")
      expect(error.reason).toBe("Decode")
      expect(error.endpoint).toBe("userinfo")
    })
  )

  it.effect("maps a 401 Bearer challenge to MonoCloudOPError", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("userinfo", { status: 401, headers: { "www-authenticate": 'Bearer error="invalid_token"' } }),
        fetchUserInfo("at-42", "user-1")
      )
      const error = expectTagged(failure(result), "MonoCloudOPError")
      expect(error.error).toBe("invalid_token")
      expect(error.status).toBe(401)
    })
  )

  it.effect("fails with ValidationError endpoint when the metadata has no userinfo_endpoint", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer(
        () => undefined,
        fetchUserInfo("at-42", "user-1"),
        {},
        { userinfo_endpoint: undefined }
      )
      const error = expectTagged(failure(result), "MonoCloudValidationError")
      expect(error.reason).toBe("endpoint")
      expect(server.requestsTo("userinfo")).toHaveLength(0)
      server.verify()
    })
  )
})

describe("revokeToken", () => {
  it.effect("posts token and token_type_hint with client_id, and accepts a 200 with an empty body", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer(
        (s) => s.expect("revocation", { status: 200 }),
        revokeToken("rt-9", "refresh_token")
      )
      expect(success(result)).toBeUndefined()
      const [request] = server.requestsTo("revocation")
      expect(request?.method).toBe("POST")
      expect(request?.url.href).toBe(`${server.issuer}/revoke`)
      expect([...request!.form!]).toEqual([
        ["token", "rt-9"],
        ["token_type_hint", "refresh_token"],
        ["client_id", server.clientId]
      ])
      expect(request!.headers.has("authorization")).toBe(false)
      server.verify()
    })
  )

  it.effect("accepts any 2xx, such as 204 No Content", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("revocation", { status: 204 }),
        revokeToken("rt-9", "refresh_token")
      )
      expect(success(result)).toBeUndefined()
    })
  )

  it.effect("authenticates a confidential client at the revocation endpoint too", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer(
        (s) => s.expect("revocation", { status: 200, body: "" }),
        revokeToken("at-9", "access_token"),
        { clientSecret: "s3cret" }
      )
      success(result)
      const [request] = server.requestsTo("revocation")
      expect(decodeBasic(request!.headers.get("authorization")).secret).toBe("s3cret")
      expect(request?.form?.get("token_type_hint")).toBe("access_token")
      expect(request?.form?.has("client_id")).toBe(false)
    })
  )

  it.effect("fails with MonoCloudOPError on a 400 OAuth error", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("revocation", s.oauthError("unsupported_token_type")),
        revokeToken("rt-9", "refresh_token")
      )
      const error = expectTagged(failure(result), "MonoCloudOPError")
      expect(error.error).toBe("unsupported_token_type")
      expect(error.status).toBe(400)
    })
  )

  it.effect("fails with HttpError StatusCode on a 503", () =>
    Effect.gen(function* () {
      const { result } = yield* withServer(
        (s) => s.expect("revocation", { status: 503, body: "down" }),
        revokeToken("rt-9", "refresh_token")
      )
      const error = expectTagged(failure(result), "MonoCloudHttpError")
      expect(error.reason).toBe("StatusCode")
      expect(error.endpoint).toBe("revocation")
    })
  )

  it.effect("fails with ValidationError endpoint when the metadata has no revocation_endpoint", () =>
    Effect.gen(function* () {
      const { result, server } = yield* withServer(
        () => undefined,
        revokeToken("rt-9", "refresh_token"),
        {},
        { revocation_endpoint: undefined }
      )
      const error = expectTagged(failure(result), "MonoCloudValidationError")
      expect(error.reason).toBe("endpoint")
      expect(server.requestsTo("revocation")).toHaveLength(0)
    })
  )
})

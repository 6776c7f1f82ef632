import { createHash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import { validateIdToken } from "../../src/internal/idTokenValidation.js"
import * as Crypto from "../../src/services/Crypto.js"
import { makeScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import type { ScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { scriptedServer } from "./support/engine.js"

const clientLayer = (server: ScriptedAuthorizationServer) =>
  FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, server.fetch)))

const TokenBody = Schema.Struct({
  access_token: Schema.String,
  token_type: Schema.Literal("Bearer"),
  expires_in: Schema.Number,
  scope: Schema.String,
  id_token: Schema.String,
  refresh_token: Schema.String
})

const discoveryUrl = (server: ScriptedAuthorizationServer) => `${server.issuer}/.well-known/openid-configuration`

describe("ScriptedAuthorizationServer", () => {
  it.effect("serves discovery and the key set by itself and counts the requests", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => makeScriptedAuthorizationServer()) // RS256 by default
      const client = yield* Effect.provide(HttpClient.HttpClient, clientLayer(server))
      const metadata = yield* Effect.flatMap(client.get(discoveryUrl(server)), (response) => response.json)
      expect(metadata).toMatchObject({
        issuer: "https://op.example.test",
        authorization_endpoint: "https://op.example.test/authorize",
        token_endpoint: "https://op.example.test/token",
        jwks_uri: "https://op.example.test/jwks",
        end_session_endpoint: "https://op.example.test/logout",
        revocation_endpoint: "https://op.example.test/revoke",
        authorization_response_iss_parameter_supported: true,
        code_challenge_methods_supported: ["S256"],
        id_token_signing_alg_values_supported: ["RS256"]
      })
      const jwksResponse = yield* client.get(server.metadata.jwks_uri as string)
      expect(jwksResponse.headers["content-type"]).toBe("application/json")
      expect(yield* jwksResponse.json).toEqual(server.minter.jwks)
      yield* client.get(discoveryUrl(server))
      expect(server.requestsTo("discovery")).toHaveLength(2)
      expect(server.requestsTo("jwks")).toHaveLength(1)
      server.verify()
    })
  )

  it.effect("answers a token request with a correctly signed ID token and records the form", () =>
    Effect.gen(function* () {
      const nowMillis = 1_700_000_000_000
      const server = yield* scriptedServer({ now: () => nowMillis, alg: "RS256" })
      server.expect("token", server.tokenReply({ nonce: "n-1", accessToken: "at-1", refreshToken: "rt-1" }))
      const response = yield* HttpClientRequest.post(server.metadata.token_endpoint as string).pipe(
        HttpClientRequest.bodyUrlParams({
          grant_type: "authorization_code",
          code: "code-1",
          client_id: server.clientId
        }),
        HttpClient.execute,
        Effect.provide(clientLayer(server))
      )
      expect(response.status).toBe(200)
      const body = yield* Effect.flatMap(response.json, Schema.decodeUnknownEffect(TokenBody))
      expect(body).toMatchObject({
        access_token: "at-1",
        refresh_token: "rt-1",
        token_type: "Bearer",
        expires_in: 3600
      })
      const claims = yield* validateIdToken(
        body.id_token,
        {
          issuer: server.issuer,
          clientId: server.clientId,
          algorithms: ["RS256"],
          nowSeconds: nowMillis / 1000,
          clockSkew: 0,
          clockTolerance: 0,
          nonce: "n-1",
          maxAge: 60,
          accessToken: "at-1"
        },
        { getKeys: () => Effect.succeed(server.minter.jwks) }
      ).pipe(Effect.provide(Crypto.layerWebCrypto))
      expect(claims).toMatchObject({ sub: "user-1", iat: nowMillis / 1000, nonce: "n-1" })
      const [recorded] = server.requestsTo("token")
      expect(recorded?.method).toBe("POST")
      expect(recorded?.form?.get("grant_type")).toBe("authorization_code")
      expect(recorded?.form?.get("code")).toBe("code-1")
      server.verify()
    })
  )

  it.effect("puts in at_hash what an independent SHA-2 gives: the left half of the digest the algorithm names", () =>
    Effect.gen(function* () {
      for (const [alg, hash] of [
        ["ES256", "sha256"],
        ["ES384", "sha384"],
        ["ES512", "sha512"]
      ] as const) {
        const server = yield* scriptedServer({ alg })
        const reply = yield* Effect.promise(() => server.tokenReply({ accessToken: "at-\u00e9-\u{1F511}" }))
        const payload = reply.json.id_token?.split(".")[1] ?? ""
        const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"))
        const digest = createHash(hash).update("at-\u00e9-\u{1F511}", "utf8").digest()
        expect(claims.at_hash).toBe(digest.subarray(0, digest.length / 2).toString("base64url"))
      }
    })
  )

  it.effect("passes the request to function scripts and answers each endpoint in order", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("userinfo", (request) => server.userInfoReply({ token: request.bearer }))
      server.expect("userinfo", server.oauthError("invalid_token", "The access token expired", 401))
      const userinfo = server.metadata.userinfo_endpoint as string
      const first = yield* Effect.promise(() =>
        server.fetch(userinfo, { headers: { authorization: "Bearer at-1" } }).then((r) => r.json())
      )
      expect(first).toEqual({ sub: "user-1", token: "at-1" })
      const second = yield* Effect.promise(() => server.fetch(new Request(userinfo)))
      expect(second.status).toBe(401)
      expect(yield* Effect.promise(() => second.json())).toEqual({
        error: "invalid_token",
        error_description: "The access token expired"
      })
      server.verify()
    })
  )

  it.effect("builds token replies without refresh or ID token on request", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const reply = yield* Effect.promise(() => server.tokenReply({ refreshToken: false, idToken: false }))
      expect(Object.keys(reply.json).sort()).toEqual(["access_token", "expires_in", "scope", "token_type"])
    })
  )

  it.effect("serves overridden metadata and scripted discovery documents", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({
        metadata: { issuer: "https://evil.example.test", end_session_endpoint: undefined }
      })
      server.expect("discovery", { status: 200, body: "not json" })
      const scripted = yield* Effect.promise(() => server.fetch(discoveryUrl(server)).then((r) => r.text()))
      expect(scripted).toBe("not json")
      const served = yield* Effect.promise(() => server.fetch(discoveryUrl(server)).then((r) => r.json()))
      expect(served.issuer).toBe("https://evil.example.test")
      expect(served).not.toHaveProperty("end_session_endpoint")
      server.verify()
    })
  )

  it.effect("answers unexpected requests with 500 and reports them on verify", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const token = yield* Effect.promise(() => server.fetch(`${server.issuer}/token`, { method: "POST" }))
      const unknown = yield* Effect.promise(() => server.fetch("https://elsewhere.example.test/api"))
      expect([token.status, unknown.status]).toEqual([500, 500])
      expect(server.unexpected.map((request) => request.endpoint)).toEqual(["token", "unknown"])
      expect(() => server.verify()).toThrow(/unexpected POST https:\/\/op\.example\.test\/token/)
      expect(() => server.verify()).toThrow(/elsewhere\.example\.test\/api \(unknown\)/)
    })
  )

  it.effect("reports unused scripts on verify", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("revocation", { status: 200 })
      expect(() => server.verify()).toThrow(/1 unused revocation script/)
    })
  )

  it.effect("rejects fetch with a TypeError for a network error, a Transport error through the HTTP client", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("token", { networkError: true })
      server.expect("token", { networkError: true })
      const rejected = yield* Effect.flip(Effect.tryPromise(() => server.fetch(`${server.issuer}/token`)))
      expect(rejected.cause).toBeInstanceOf(TypeError)
      const failure = yield* Effect.flip(
        HttpClient.get(`${server.issuer}/token`).pipe(Effect.provide(clientLayer(server)))
      )
      expect(failure._tag).toBe("HttpClientError")
      expect(failure.reason._tag).toBe("TransportError")
      server.verify()
    })
  )

  it.effect("honours the abort signal for hanging and delayed replies", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const aborted = AbortSignal.abort(new Error("already aborted"))
      const early = yield* Effect.flip(Effect.tryPromise(() => server.fetch(discoveryUrl(server), { signal: aborted })))
      expect(early.cause).toBe(aborted.reason)
      for (const reply of [{ hang: true }, { status: 200, delayMillis: 60_000 }] as const) {
        server.expect("userinfo", reply)
        const controller = new AbortController()
        const pending = server.fetch(server.metadata.userinfo_endpoint as string, { signal: controller.signal })
        const reason = new Error("stop waiting")
        controller.abort(reason)
        const error = yield* Effect.flip(Effect.tryPromise(() => pending))
        expect(error.cause).toBe(reason)
      }
      server.verify()
    })
  )

  it.live("a hanging reply is interrupted by an HTTP client time-out", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("token", { hang: true })
      const result = yield* HttpClient.get(`${server.issuer}/token`).pipe(
        Effect.timeout("20 millis"),
        Effect.provide(clientLayer(server)),
        Effect.flip
      )
      expect(result._tag).toBe("TimeoutError")
      expect(server.requestsTo("token")).toHaveLength(1)
      server.verify()
    })
  )

  it.live("delays a reply by delayMillis", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("revocation", { status: 200, delayMillis: 30 })
      const started = Date.now()
      const response = yield* Effect.promise(() => server.fetch(`${server.issuer}/revoke`, { method: "POST" }))
      expect(response.status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    })
  )
})

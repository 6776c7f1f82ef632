import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as TestClock from "effect/testing/TestClock"
import * as MonoCloud from "../../src/effect.js"
import { makeTestPlatform } from "../../src/testing.js"
import type { ScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { APP_URL, scriptedServer, untilRequested } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

/** The SDK over the scripted server, with its HTTP seam running through an `effect/http` client. */
const overHttpClient = (server: ScriptedAuthorizationServer, tracing: boolean) =>
  MonoCloud.layerWith(
    { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL, httpTimeout: 2 },
    Layer.merge(
      makeTestPlatform(server).layer,
      MonoCloud.OidcHttpClient.layer.pipe(
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(Layer.succeed(FetchHttpClient.Fetch, server.fetch as typeof globalThis.fetch)),
        Layer.provide(Layer.succeed(HttpClient.TracerPropagationEnabled, tracing))
      )
    )
  ).pipe(Layer.orDie)

describe("OidcHttpClient.layer", () => {
  it.effect("sends GETs and form POSTs through the provided HttpClient and returns any status as a response", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("userinfo", { status: 401, body: "no", headers: { "WWW-Authenticate": 'Bearer error="x"' } })
      server.expect("token", { json: { ok: true } })
      const http = yield* MonoCloud.OidcHttp.OidcHttp.pipe(Effect.provide(overHttpClient(server, false)))
      const denied = yield* http.execute({ endpoint: "userinfo", url: `${server.issuer}/userinfo?x=1` })
      expect(denied).toMatchObject({ status: 401, body: "no" })
      expect(denied.headers["www-authenticate"]).toBe('Bearer error="x"')
      const posted = yield* http.execute({
        endpoint: "token",
        url: `${server.issuer}/token`,
        form: [
          ["grant_type", "refresh_token"],
          ["resource", "https://a.example.com"],
          ["resource", "https://b.example.com"]
        ]
      })
      expect(JSON.parse(posted.body)).toEqual({ ok: true })
      const [sent] = server.requestsTo("token")
      expect(sent?.headers.get("accept")).toBe("application/json")
      expect(sent?.form?.getAll("resource")).toEqual(["https://a.example.com", "https://b.example.com"])
      expect(sent?.headers.has("traceparent")).toBe(false)
      server.verify()
    })
  )

  it.effect("reports a network failure as MonoCloudHttpError Transport without the query or the request", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("token", { networkError: true })
      const http = yield* MonoCloud.OidcHttp.OidcHttp.pipe(Effect.provide(overHttpClient(server, false)))
      const error = yield* Effect.flip(
        http.execute({ endpoint: "token", url: `${server.issuer}/token?secret=1`, form: [["refresh_token", "rt-1"]] })
      )
      expect(error).toMatchObject({ _tag: "MonoCloudHttpError", reason: "Transport", url: `${server.issuer}/token` })
      expect(JSON.stringify(error)).not.toContain("rt-1")
    })
  )

  it.effect("times out with MonoCloudTimeoutError after httpTimeout, on the Effect clock", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("userinfo", { hang: true })
      const http = yield* MonoCloud.OidcHttp.OidcHttp.pipe(Effect.provide(overHttpClient(server, false)))
      const fiber = yield* Effect.forkChild(http.execute({ endpoint: "userinfo", url: `${server.issuer}/userinfo` }))
      yield* untilRequested(server, "userinfo")
      yield* TestClock.adjust("1999 millis")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      const error = yield* failsWith(Fiber.join(fiber), "MonoCloudTimeoutError")
      expect(error).toMatchObject({ operation: "http", timeoutMillis: 2000 })
    })
  )
})

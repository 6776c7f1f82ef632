import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import type { FetchFunction } from "../../src/MonoCloudConfig.js"
import { make, OidcHttp, urlForErrors } from "../../src/services/OidcHttp.js"
import { MAX_RESPONSE_LENGTH } from "../../src/util/oidcRequest.js"
import { engineLayer, scriptedServer, untilRequested } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

describe("OidcHttp over FetchHttpClient", () => {
  it.effect("sends a GET with accept: application/json and returns status, lower-cased headers and body", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("userinfo", { status: 200, body: "hello", headers: { "X-Custom": "Yes" } })
      const http = yield* OidcHttp.pipe(Effect.provide(engineLayer(server)))
      const response = yield* http.execute({
        endpoint: "userinfo",
        url: `${server.issuer}/userinfo`,
        headers: { authorization: "Bearer at-1" }
      })
      expect(response.status).toBe(200)
      expect(response.body).toBe("hello")
      expect(response.headers["x-custom"]).toBe("Yes")
      const [sent] = server.requestsTo("userinfo")
      expect(sent?.method).toBe("GET")
      expect(sent?.headers.get("accept")).toBe("application/json")
      expect(sent?.bearer).toBe("at-1")
      expect(sent?.body).toBe("")
      server.verify()
    })
  )

  it.effect("sends a form POST url-encoded, repeating a parameter given twice", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("token", { json: { ok: true } })
      const http = yield* OidcHttp.pipe(Effect.provide(engineLayer(server)))
      const response = yield* http.execute({
        endpoint: "token",
        url: `${server.issuer}/token`,
        form: [
          ["grant_type", "authorization_code"],
          ["redirect_uri", "http://localhost:3000/cb?x=1&y=2"],
          ["resource", "https://a.example.com"],
          ["resource", "https://b.example.com"]
        ]
      })
      expect(JSON.parse(response.body)).toEqual({ ok: true })
      const [sent] = server.requestsTo("token")
      expect(sent?.method).toBe("POST")
      expect(sent?.headers.get("content-type")).toContain("application/x-www-form-urlencoded")
      expect(sent?.headers.get("accept")).toBe("application/json")
      expect(sent?.form?.getAll("resource")).toEqual(["https://a.example.com", "https://b.example.com"])
      expect(sent?.form?.get("redirect_uri")).toBe("http://localhost:3000/cb?x=1&y=2")
      expect(sent?.body).toBe(
        "grant_type=authorization_code&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb%3Fx%3D1%26y%3D2" +
          "&resource=https%3A%2F%2Fa.example.com&resource=https%3A%2F%2Fb.example.com"
      )
      server.verify()
    })
  )

  it.effect("returns a non-2xx response as a response (status handling is the decoder's job)", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("token", server.oauthError("invalid_grant"))
      const http = yield* OidcHttp.pipe(Effect.provide(engineLayer(server)))
      const response = yield* http.execute({ endpoint: "token", url: `${server.issuer}/token`, form: [] })
      expect(response.status).toBe(400)
      expect(JSON.parse(response.body)).toEqual({ error: "invalid_grant" })
    })
  )

  it.effect("fails with HttpError Transport on a network error, without the URL's query", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("userinfo", { networkError: true })
      const http = yield* OidcHttp.pipe(Effect.provide(engineLayer(server)))
      const failure = yield* failsWith(
        http.execute({ endpoint: "userinfo", url: `${server.issuer}/userinfo?access_token=secret` }),
        "MonoCloudHttpError"
      )
      expect(failure.reason).toBe("Transport")
      expect(failure.endpoint).toBe("userinfo")
      expect(failure.url).toBe(`${server.issuer}/userinfo`)
      expect(failure.message).not.toContain("secret")
    })
  )

  it.live("fails with MonoCloudTimeoutError operation http when the reply hangs past httpTimeout", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("token", { hang: true })
      const http = yield* OidcHttp.pipe(Effect.provide(engineLayer(server, { httpTimeout: 0.05 })))
      const started = Date.now()
      const timeout = yield* failsWith(
        http.execute({ endpoint: "token", url: `${server.issuer}/token`, form: [] }),
        "MonoCloudTimeoutError"
      )
      expect(timeout.operation).toBe("http")
      expect(timeout.timeoutMillis).toBe(50)
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(server.requestsTo("token")).toHaveLength(1)
    })
  )

  it.effect("times out on the Effect clock: nothing before httpTimeout, the error right after", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("token", { hang: true })
      const http = yield* OidcHttp.pipe(Effect.provide(engineLayer(server, { httpTimeout: 2 })))
      const fiber = yield* Effect.forkChild(
        http.execute({ endpoint: "token", url: `${server.issuer}/token`, form: [] })
      )
      yield* untilRequested(server, "token") // the request is on the (hanging) wire before the clock moves
      yield* TestClock.adjust("1999 millis")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      const error = yield* failsWith(Fiber.join(fiber), "MonoCloudTimeoutError")
      expect(error.operation).toBe("http")
      expect(error.timeoutMillis).toBe(2000)
    })
  )

  it.effect("aborts the request's signal when its time-out fires, so the browser cancels it", () =>
    Effect.gen(function* () {
      const signals: Array<AbortSignal> = []
      const hanging: FetchFunction = (_input, init) => {
        if (init.signal) signals.push(init.signal)
        return new Promise<Response>(() => {})
      }
      const fiber = yield* Effect.forkChild(
        make(hanging, 1_000).execute({ endpoint: "discovery", url: "https://op.example.test/x" }),
        { startImmediately: true }
      )
      yield* TestClock.adjust("1 seconds")
      expect((yield* Effect.flip(Fiber.join(fiber)))._tag).toBe("MonoCloudTimeoutError")
      expect(signals).toHaveLength(1)
      expect(signals[0]!.aborted).toBe(true)
    })
  )
})

describe("urlForErrors", () => {
  it("drops the query and the fragment", () => {
    expect(urlForErrors("https://op.example.test/token?code=1#x")).toBe("https://op.example.test/token")
    expect(urlForErrors("https://op.example.test/a#x?y")).toBe("https://op.example.test/a")
    expect(urlForErrors("https://op.example.test/plain")).toBe("https://op.example.test/plain")
  })
})

describe("OidcHttp.make over a fetch function", () => {
  const request = { endpoint: "token", url: "https://op.example.test/token?x=1", form: [["grant_type", "x"]] } as const

  it.effect("never follows a redirect: every request is sent with redirect: manual and an abort signal", () =>
    Effect.gen(function* () {
      const seen: Array<RequestInit> = []
      const http = make(async (_url, init) => {
        seen.push(init)
        return new Response(null, { status: 307, headers: { location: "https://elsewhere.example/" } })
      }, 1_000)
      const response = yield* http.execute(request)
      expect(response.status).toBe(307)
      expect(seen[0]?.redirect).toBe("manual")
      expect(seen[0]?.signal).toBeInstanceOf(AbortSignal)
    })
  )

  it.effect("refuses a body over the size limit with MonoCloudHttpError TooLarge", () =>
    Effect.gen(function* () {
      const big = make(async () => new Response("x".repeat(MAX_RESPONSE_LENGTH + 1)), 1_000)
      const error = yield* Effect.flip(big.execute(request))
      expect(error).toMatchObject({
        _tag: "MonoCloudHttpError",
        reason: "TooLarge",
        url: "https://op.example.test/token"
      })
      const atLimit = make(async () => new Response("x".repeat(MAX_RESPONSE_LENGTH)), 1_000)
      expect((yield* atLimit.execute(request)).body).toHaveLength(MAX_RESPONSE_LENGTH)
    })
  )

  it.effect("does not read a body announced as too large", () =>
    Effect.gen(function* () {
      let pulled = 0
      const stream = new ReadableStream({
        pull: (controller) => {
          pulled++
          controller.enqueue(new TextEncoder().encode("x"))
        }
      })
      const announced = make(
        async () => new Response(stream, { headers: { "content-length": String(MAX_RESPONSE_LENGTH * 5) } }),
        1_000
      )
      const error = yield* Effect.flip(announced.execute(request))
      expect(error).toMatchObject({ reason: "TooLarge" })
      expect(pulled).toBeLessThanOrEqual(1)
    })
  )
})

/**
 * Requests to the app's own API with the session's access token: `client.fetch` (promises) and
 * `MonoCloud.authorize` (an `effect/http` client), with one new token after `401 invalid_token`.
 */
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as MonoCloud from "../../src/effect.js"
import { engineLayer, makeTestClient, scriptedServer, signedInClient } from "./support/engine.js"
import { rejectsWith } from "./support/failures.js"

const API = "https://api.example.com/orders"

const refused = () =>
  new Response("expired", { status: 401, headers: { "www-authenticate": 'Bearer error="invalid_token"' } })

/** An API that answers each request with the next of `answers`, recording the requests it got. */
const fakeApi = (answers: Array<() => Response>) => {
  const seen: Array<{ authorization: string | null; body: string }> = []
  const answer = async (request: Request) => {
    seen.push({ authorization: request.headers.get("authorization"), body: await request.text() })
    return (answers.shift() ?? (() => new Response("ok")))()
  }
  return { seen, answer }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe("client.fetch", () => {
  it("sends the access token, and after 401 invalid_token a refreshed one, once, with the same body", async () => {
    const { client, server } = await signedInClient({ fetchUserinfo: false })
    const stored = (await client.getTokens()).accessToken
    const api = fakeApi([refused, () => new Response("orders")])
    vi.spyOn(globalThis, "fetch").mockImplementation((input) => api.answer(input as Request))
    server.expect("token", await server.tokenReply({ accessToken: "renewed", idToken: false }))
    const response = await client.fetch(API, { method: "POST", body: "order=1" })
    expect(await response.text()).toBe("orders")
    expect(api.seen).toEqual([
      { authorization: `Bearer ${stored}`, body: "order=1" },
      { authorization: "Bearer renewed", body: "order=1" }
    ])
    expect(server.requestsTo("token").at(-1)?.form?.get("grant_type")).toBe("refresh_token")
  })

  it("does not retry other refusals, and retries a refused token only once", async () => {
    const { client, server } = await signedInClient({ fetchUserinfo: false })
    const forbidden = () =>
      new Response("no", { status: 403, headers: { "www-authenticate": 'Bearer error="insufficient_scope"' } })
    const api = fakeApi([forbidden, refused, refused])
    vi.spyOn(globalThis, "fetch").mockImplementation((input) => api.answer(input as Request))
    expect((await client.fetch(API)).status).toBe(403)
    server.expect("token", await server.tokenReply({ accessToken: "renewed", idToken: false }))
    expect((await client.fetch(API)).status).toBe(401)
    expect(api.seen).toHaveLength(3)
  })

  it("rejects like getTokens when there is no session, without calling the API", async () => {
    const { client } = await makeTestClient()
    const fetch = vi.spyOn(globalThis, "fetch")
    await rejectsWith(client.fetch(API), "MonoCloudNotSignedInError")
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe("MonoCloud.authorize", () => {
  it.effect("makes an HttpClient send the token for the resource, refreshing once after 401 invalid_token", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const engine = engineLayer(server, { fetchUserinfo: false }).pipe(Layer.orDie)
      const context = yield* Layer.build(engine)
      yield* MonoCloud.signIn({ mode: "popup", popup: null, scopes: "openid offline_access" }).pipe(
        Effect.provideContext(context)
      )
      const api = fakeApi([refused, () => new Response("orders")])
      const client = HttpClient.make((request) =>
        Effect.promise(async () =>
          HttpClientResponse.fromWeb(
            request,
            await api.answer(new Request(request.url, { headers: request.headers as Record<string, string> }))
          )
        )
      )
      server.expect("token", yield* Effect.promise(() => server.tokenReply({ accessToken: "renewed", idToken: false })))
      const authorized = client.pipe(MonoCloud.authorize())
      const response = yield* authorized.execute(HttpClientRequest.get(API)).pipe(Effect.provideContext(context))
      expect(yield* response.text).toBe("orders")
      expect(api.seen.map((request) => request.authorization)).toEqual([
        expect.stringMatching(/^Bearer .+/),
        "Bearer renewed"
      ])
      expect(api.seen[0]?.authorization).not.toBe("Bearer renewed")
    })
  )
})

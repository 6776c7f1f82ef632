/**
 * `client.fetch` against an API that checks the local provider's resource-indicator tokens (JWTs
 * for `https://api.example.com`, verified with the provider's keys): the request carries the token
 * for the resource, and a token the API refuses with `401 invalid_token` is renewed once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { createRemoteJWKSet, jwtVerify } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DEFAULT_API } from "./provider/index.mjs"
import { call, signedInAsNewUser, tokenRequestsSince, useStack, WITH_REFRESH_TOKEN } from "./support/sdkApp.js"

const stack = useStack()

/** A resource server: CORS for the app, tokens verified against the provider, and a revocation list of its own. */
const startApi = async () => {
  const revoked = new Set<string>()
  const seen: Array<{ status: number; token: string }> = []
  const keys = createRemoteJWKSet(new URL(stack.op.url("/jwks")))
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    response.setHeader("access-control-allow-origin", request.headers.origin ?? "*")
    response.setHeader("access-control-allow-headers", "authorization")
    response.setHeader("access-control-expose-headers", "www-authenticate")
    if (request.method === "OPTIONS") return response.writeHead(204).end()
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? ""
    const refuse = () => {
      seen.push({ status: 401, token })
      response.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' }).end()
    }
    if (revoked.has(token)) return refuse()
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: stack.op.issuer, audience: DEFAULT_API })
      seen.push({ status: 200, token })
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sub: payload.sub }))
    } catch {
      refuse()
    }
  }
  const server: Server = createServer((request, response) => void answer(request, response))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`
  return { url, revoked, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

let api: Awaited<ReturnType<typeof startApi>>

beforeAll(async () => {
  api = await startApi()
})

afterAll(() => api?.close())

describe("client.fetch", () => {
  it("calls the API with the resource's token, and renews a token the API refuses once", async () => {
    // the sign-in asks for the API (RFC 8707): a refresh can narrow to it later
    const { page, login } = await signedInAsNewUser(stack, "api", {
      client: { resources: [{ resource: DEFAULT_API, scopes: "read:data" }] },
      signIn: WITH_REFRESH_TOKEN
    })
    const since = Date.now()
    const order = (url: string, resource: string) =>
      call(
        page,
        async ({ url, resource }) => {
          const response = await window.client!.fetch(url, undefined, { resource })
          return { status: response.status, body: (await response.json()) as { sub?: string } }
        },
        { url, resource }
      )

    expect(await order(api.url, DEFAULT_API)).toEqual({ status: 200, body: { sub: login } })
    // the resource's token came from a refresh narrowed to it, then is reused from the session
    expect(await order(api.url, DEFAULT_API)).toEqual({ status: 200, body: { sub: login } })
    expect(tokenRequestsSince(stack.op, since, "refresh_token")).toHaveLength(1)
    expect(api.seen.map((request) => request.status)).toEqual([200, 200])

    // the API stops accepting that token: one 401 invalid_token, a new token, the request again
    api.revoked.add(api.seen.at(-1)!.token)
    expect(await order(api.url, DEFAULT_API)).toEqual({ status: 200, body: { sub: login } })
    expect(api.seen.map((request) => request.status)).toEqual([200, 200, 401, 200])
    expect(api.seen.at(-1)!.token).not.toBe(api.seen.at(-2)!.token)
    expect(tokenRequestsSince(stack.op, since, "refresh_token")).toHaveLength(2)
  })
})

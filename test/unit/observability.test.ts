/**
 * Traces and logs: the `logger` option (and `debug`) reports each provider round trip and the
 * decisions worth knowing; `layerSpans` gives Effect users a span per operation and per round
 * trip. No token, code, verifier, `state`, `nonce` or secret ever appears in either.
 */
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Tracer from "effect/Tracer"
import * as MonoCloud from "../../src/effect.js"
import type { MonoCloudLogEntry } from "../../src/MonoCloudConfig.js"
import { answerAuthorize } from "../../src/testing/providerResponses.js"
import type { ScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { makeTestClient, makeTestPlatform } from "../../src/testing.js"
import { APP_URL, clientOptions, scriptedServer } from "./support/engine.js"

const SECRET = "client-secret-value"

const optionsFor = (server: ScriptedAuthorizationServer) =>
  clientOptions(server, { clientSecret: SECRET, clientAuthMethod: "client_secret_post" })

/**
 * Every secret value the flows so far sent or received: tokens and codes from the recorded
 * requests and answers, the authorize URLs' `state`, `nonce` and challenge, the client secret.
 */
const secretsSeen = async (server: ScriptedAuthorizationServer, authorizeUrls: ReadonlyArray<string>) => {
  const secrets = new Set<string>([SECRET, "test-authorization-code"])
  for (const url of authorizeUrls) {
    const params = new URL(url).searchParams
    for (const name of ["state", "nonce", "code_challenge"]) secrets.add(params.get(name)!)
  }
  for (const request of server.requests) {
    for (const name of ["code", "code_verifier", "refresh_token", "client_secret", "token"]) {
      const value = request.form?.get(name)
      if (value) secrets.add(value)
    }
    if (request.bearer !== undefined) secrets.add(request.bearer)
  }
  return [...secrets].filter((secret) => secret.length >= 8)
}

/** A platform whose popup and frame record the authorize URL and sign the user in. */
const platformFor = (server: ScriptedAuthorizationServer, authorizeUrls: Array<string>) => {
  const respond = (url: string) => Effect.promise(() => (authorizeUrls.push(url), answerAuthorize(server, url)))
  return makeTestPlatform(server, { url: `${APP_URL}/`, popup: respond, silentFrame: respond })
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe("the logger option", () => {
  it.effect("reports round trips and decisions, and no entry holds a secret", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({ now: Date.now })
      const entries: Array<MonoCloudLogEntry> = []
      const authorizeUrls: Array<string> = []
      const platform = platformFor(server, authorizeUrls)
      const client = makeTestClient({ ...optionsFor(server), logger: (entry) => entries.push(entry) }, platform.layer)
      yield* Effect.promise(async () => {
        await client.signIn({ mode: "popup", popup: null, scopes: "openid profile email offline_access" })
        await client.getTokens()
        server.expect("token", await server.tokenReply())
        server.expect("userinfo", server.userInfoReply())
        await client.refreshSession()
        await client.signInSilent()
        server.expect("revocation", { status: 200 })
        await client.revokeToken((await client.getSession())!.refreshToken!)
        // a callback no flow here waits for is handed on
        platform.navigation.currentUrl = `${APP_URL}/?code=stray-code-value&state=stray-state-value`
        await client.processCallback()
        await client.dispose()
      })
      const requests = entries.filter((entry) => entry.event === "request")
      expect(requests).toContainEqual(
        expect.objectContaining({ endpoint: "token", method: "POST", url: `${server.issuer}/token`, status: 200 })
      )
      expect(requests.map((entry) => entry.endpoint)).toEqual(
        expect.arrayContaining(["discovery", "jwks", "token", "userinfo", "revocation"])
      )
      expect(requests.every((entry) => typeof entry.millis === "number" && entry.millis >= 0)).toBe(true)
      expect(entries).toContainEqual({ event: "refreshSkipped", reason: "fresh" })
      expect(entries).toContainEqual({ event: "callbackHandedOn" })
      const text = JSON.stringify(entries)
      const secrets = [...(yield* Effect.promise(() => secretsSeen(server, authorizeUrls))), "stray-code-value"]
      expect(secrets.length).toBeGreaterThan(10)
      for (const secret of secrets) expect(text).not.toContain(secret)
    })
  )

  it.effect("reports why a silent sign-in failed", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({ now: Date.now })
      const entries: Array<MonoCloudLogEntry> = []
      const platform = makeTestPlatform(server, {
        url: `${APP_URL}/`,
        silentFrame: (url) => Effect.promise(() => answerAuthorize(server, url, { error: "login_required" }))
      })
      const client = makeTestClient({ ...optionsFor(server), logger: (entry) => entries.push(entry) }, platform.layer)
      yield* Effect.promise(() => client.signInSilent().catch(() => undefined))
      expect(entries).toContainEqual({ event: "silentFailed", error: "MonoCloudOPError", reason: "login_required" })
    })
  )

  it.effect("debug: true logs the entries with console.debug; without either nothing is logged", () =>
    Effect.gen(function* () {
      const debug = vi.spyOn(console, "debug").mockImplementation(() => undefined)
      const server = yield* scriptedServer({ now: Date.now })
      const quiet = makeTestClient(optionsFor(server), platformFor(server, []).layer)
      yield* Effect.promise(() => quiet.signIn({ mode: "popup", popup: null }))
      expect(debug).not.toHaveBeenCalled()
      const loud = makeTestClient({ ...optionsFor(server), debug: true }, platformFor(server, []).layer)
      yield* Effect.promise(() => loud.signIn({ mode: "popup", popup: null }))
      expect(debug).toHaveBeenCalledWith(
        "[monocloud]",
        expect.objectContaining({ event: "request", endpoint: "token" })
      )
    })
  )
})

describe("layerSpans", () => {
  /** A tracer that keeps every span it starts. */
  const recordingTracer = () => {
    const spans: Array<Tracer.NativeSpan> = []
    const tracer = Tracer.make({
      span: (options) => {
        const span = new Tracer.NativeSpan(options)
        spans.push(span)
        return span
      }
    })
    return { spans, tracer }
  }

  it.effect("spans each operation and each round trip, with no secret in any attribute", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const authorizeUrls: Array<string> = []
      const layer = Layer.merge(
        MonoCloud.layerWith(optionsFor(server), platformFor(server, authorizeUrls).layer),
        MonoCloud.layerSpans
      ).pipe(Layer.orDie)
      const { spans, tracer } = recordingTracer()
      yield* Effect.gen(function* () {
        yield* MonoCloud.signIn({ mode: "popup", popup: null, scopes: "openid profile email offline_access" })
        server.expect("token", yield* Effect.promise(() => server.tokenReply({ nonce: undefined })))
        server.expect("userinfo", server.userInfoReply())
        yield* MonoCloud.refreshSession()
      }).pipe(Effect.provide(layer), Effect.withTracer(tracer))
      const names = spans.map((span) => span.name)
      expect(names).toEqual(expect.arrayContaining(["MonoCloud.signIn", "MonoCloud.refreshSession", "MonoCloud.http"]))
      const signIn = spans.find((span) => span.name === "MonoCloud.signIn")!
      expect(signIn.attributes.get("monocloud.mode")).toBe("popup")
      const token = spans.find(
        (span) => span.name === "MonoCloud.http" && span.attributes.get("monocloud.endpoint") === "token"
      )!
      expect(Object.fromEntries(token.attributes)).toMatchObject({
        "http.request.method": "POST",
        "url.full": `${server.issuer}/token`,
        "http.response.status_code": 200
      })
      // the round trip's span is a child of the operation's
      expect(token.parent._tag).toBe("Some")
      const attributes = JSON.stringify(spans.map((span) => [span.name, Object.fromEntries(span.attributes)]))
      for (const secret of yield* Effect.promise(() => secretsSeen(server, authorizeUrls))) {
        expect(attributes).not.toContain(secret)
      }
    })
  )

  it.effect("without layerSpans the SDK starts no span", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const layer = MonoCloud.layerWith(optionsFor(server), platformFor(server, []).layer).pipe(Layer.orDie)
      const { spans, tracer } = recordingTracer()
      yield* MonoCloud.signIn({ mode: "popup", popup: null }).pipe(Effect.provide(layer), Effect.withTracer(tracer))
      expect(spans.filter((span) => span.name.startsWith("MonoCloud."))).toEqual([])
    })
  )
})

/**
 * Pushed authorization requests (RFC 9126): when the client option or the provider's metadata asks
 * for PAR, every interactive and silent sign-in pushes its parameters over the back channel and
 * sends only `client_id` and `request_uri` through the browser; a provider that wants signed
 * request objects is refused with one typed error.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as MonoCloud from "../../src/effect.js"
import type { MonoCloudWebJSClientOptions } from "../../src/MonoCloudConfig.js"
import { MonoCloudHttpError, MonoCloudOPError, MonoCloudValidationError } from "../../src/MonoCloudError.js"
import { answerAuthorize } from "../../src/testing/providerResponses.js"
import type {
  ScriptedAuthorizationServer,
  ScriptedAuthorizationServerOptions
} from "../../src/testing/ScriptedAuthorizationServer.js"
import { makeTestPlatform, type TestPlatformOptions } from "../../src/testing.js"
import { APP_URL, scriptedServer } from "./support/engine.js"

/** The engine over `server`, with the authorize URLs the fake popup and frame were sent to. */
const engine = (
  server: ScriptedAuthorizationServer,
  options: Partial<MonoCloudWebJSClientOptions> = {},
  platformOptions: TestPlatformOptions = {}
) =>
  Effect.gen(function* () {
    const sentTo: Array<string> = []
    const respond = (url: string) => Effect.promise(() => (sentTo.push(url), answerAuthorize(server, url)))
    const platform = makeTestPlatform(server, {
      url: `${APP_URL}/`,
      popup: respond,
      silentFrame: respond,
      ...platformOptions
    })
    const context = yield* Layer.build(
      MonoCloud.layerWith(
        {
          tenantDomain: server.issuer,
          clientId: server.clientId,
          appUrl: APP_URL,
          idTokenSigningAlgorithm: server.minter.alg,
          ...options
        },
        platform.layer
      ).pipe(Layer.orDie)
    )
    const run = <A, E>(effect: Effect.Effect<A, E, MonoCloud.MonoCloudServices>) =>
      Effect.provideContext(effect, context)
    return { run, sentTo, navigation: platform.navigation }
  })

const requiringPar: ScriptedAuthorizationServerOptions = { metadata: { require_pushed_authorization_requests: true } }

/** The parameters of a URL as a sorted list of names. */
const parameterNames = (url: string) => [...new URL(url).searchParams.keys()].sort()

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")
  if (error === undefined) throw new Error("expected a typed failure")
  return error.error
}

describe("pushed authorization requests", () => {
  it.effect("the client option pushes a popup sign-in's parameters and sends only client_id and request_uri", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const { run, sentTo } = yield* engine(server, { pushedAuthorizationRequests: true })
      const session = yield* run(MonoCloud.signIn({ mode: "popup", popup: null, loginHint: "ada" }))
      expect(session?.user.sub).toBe("user-1")
      const [push] = server.requestsTo("par")
      expect(push?.method).toBe("POST")
      const pushed = push!.form!
      expect(pushed.getAll("client_id")).toEqual([server.clientId])
      expect(pushed.get("response_type")).toBe("code")
      expect(pushed.get("redirect_uri")).toBe(APP_URL)
      expect(pushed.get("code_challenge_method")).toBe("S256")
      expect(pushed.get("login_hint")).toBe("ada")
      expect(pushed.get("state")).toMatch(/.{20,}/)
      expect(sentTo).toHaveLength(1)
      expect(parameterNames(sentTo[0]!)).toEqual(["client_id", "request_uri"])
      expect(new URL(sentTo[0]!).searchParams.get("request_uri")).toBe("urn:ietf:params:oauth:request_uri:1")
      // The code exchange still proves the PKCE verifier behind the pushed challenge.
      expect(server.requestsTo("token")[0]?.form?.get("code_verifier")).toMatch(/.{40,}/)
      server.verify()
    })
  )

  it.effect("metadata requiring PAR makes a redirect sign-in push without the option", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer(requiringPar)
      const { run, navigation } = yield* engine(server)
      yield* run(MonoCloud.signIn({ returnUrl: "/after" }))
      expect(server.requestsTo("par")).toHaveLength(1)
      expect(navigation.assigned).toHaveLength(1)
      const target = navigation.assigned[0]!
      expect(target.startsWith(`${server.issuer}/authorize?`)).toBe(true)
      expect(parameterNames(target)).toEqual(["client_id", "request_uri"])
      // The callback completes against the pushed parameters.
      navigation.currentUrl = yield* Effect.promise(() => answerAuthorize(server, target))
      yield* run(MonoCloud.processCallback)
      expect((yield* run(MonoCloud.getSession))?.user.sub).toBe("user-1")
    })
  )

  it.effect("a silent sign-in pushes its prompt=none request too", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer(requiringPar)
      const { run, sentTo } = yield* engine(server, { silentCallbackPath: "/silent.html" })
      yield* run(MonoCloud.signInSilent())
      const pushed = server.requestsTo("par")[0]!.form!
      expect(pushed.get("prompt")).toBe("none")
      expect(pushed.get("redirect_uri")).toBe(`${APP_URL}/silent.html`)
      expect(parameterNames(sentTo[0]!)).toEqual(["client_id", "request_uri"])
    })
  )

  it.effect("without PAR asked for, nothing is pushed and the parameters travel in the URL", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const { run, sentTo } = yield* engine(server)
      yield* run(MonoCloud.signIn({ mode: "popup", popup: null }))
      expect(server.requestsTo("par")).toHaveLength(0)
      expect(parameterNames(sentTo[0]!)).toContain("code_challenge")
    })
  )

  it.effect("a confidential client authenticates its push as it does at the token endpoint", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer(requiringPar)
      const { run } = yield* engine(server, { clientSecret: "s3cret", clientAuthMethod: "client_secret_basic" })
      yield* run(MonoCloud.signIn({ mode: "popup", popup: null }))
      const push = server.requestsTo("par")[0]!
      expect(push.headers.get("authorization")).toBe(`Basic ${btoa(`${server.clientId}:s3cret`)}`)
      expect(push.form!.getAll("client_id")).toEqual([server.clientId])
      expect(push.form!.has("client_secret")).toBe(false)
    })
  )

  it.effect(
    "a refused push fails with MonoCloudOPError from the par endpoint, and nothing is navigated or stored",
    () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer(requiringPar)
        server.expect("par", server.oauthError("invalid_scope", "unknown scope"))
        const { run, navigation } = yield* engine(server)
        const error = failureOf(yield* Effect.exit(run(MonoCloud.signIn({ scopes: "nope" }))))
        expect(error).toBeInstanceOf(MonoCloudOPError)
        expect(error).toMatchObject({ error: "invalid_scope", endpoint: "par", status: 400 })
        expect(navigation.assigned).toEqual([])
      })
  )

  it.effect("a push answered with anything but 201 and a request_uri is an HTTP error", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer(requiringPar)
      server.expect("par", { status: 201, json: { expires_in: 60 } })
      server.expect("par", { status: 200, json: { request_uri: "urn:x", expires_in: 60 } })
      const { run } = yield* engine(server)
      const missing = failureOf(yield* Effect.exit(run(MonoCloud.signIn({ mode: "popup", popup: null }))))
      expect(missing).toBeInstanceOf(MonoCloudHttpError)
      expect(missing).toMatchObject({ reason: "Decode", endpoint: "par" })
      const wrongStatus = failureOf(yield* Effect.exit(run(MonoCloud.signIn({ mode: "popup", popup: null }))))
      expect(wrongStatus).toMatchObject({ _tag: "MonoCloudHttpError", reason: "StatusCode", status: 200 })
    })
  )

  it.effect("the option without a PAR endpoint in the metadata fails before anything is sent", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({ metadata: { pushed_authorization_request_endpoint: undefined } })
      const { run, sentTo } = yield* engine(server, { pushedAuthorizationRequests: true })
      const error = failureOf(yield* Effect.exit(run(MonoCloud.signIn({ mode: "popup", popup: null }))))
      expect(error).toBeInstanceOf(MonoCloudValidationError)
      expect(error).toMatchObject({ check: "endpoint" })
      expect(sentTo).toEqual([])
    })
  )

  describe("signed request objects (JAR)", () => {
    it.effect("metadata requiring them fails with check requestObject before any push or navigation", () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer({
          metadata: { require_pushed_authorization_requests: true, require_signed_request_object: true }
        })
        const { run, navigation } = yield* engine(server)
        const error = failureOf(yield* Effect.exit(run(MonoCloud.signIn())))
        expect(error).toBeInstanceOf(MonoCloudValidationError)
        expect(error).toMatchObject({ check: "requestObject" })
        expect(server.requestsTo("par")).toHaveLength(0)
        expect(navigation.assigned).toEqual([])
      })
    )

    it.effect("a push refused for want of a request object names it, keeping the provider's answer as cause", () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer(requiringPar)
        server.expect("par", server.oauthError("invalid_request", "Request Object must be used by this client"))
        server.expect("par", server.oauthError("invalid_request", "redirect_uri mismatch"))
        const { run } = yield* engine(server)
        const refusal = failureOf(yield* Effect.exit(run(MonoCloud.signIn())))
        expect(refusal).toMatchObject({ _tag: "MonoCloudValidationError", check: "requestObject" })
        expect((refusal as MonoCloudValidationError).cause).toBeInstanceOf(MonoCloudOPError)
        // Any other invalid_request stays the provider's error.
        const other = failureOf(yield* Effect.exit(run(MonoCloud.signIn())))
        expect(other).toMatchObject({ _tag: "MonoCloudOPError", error: "invalid_request" })
      })
    )

    it.effect("a callback refusing the request for want of a request object names it as well", () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer()
        const refuse = (url: string) =>
          Effect.sync(() => {
            const callback = new URL(`${APP_URL}/`)
            callback.searchParams.set("state", new URL(url).searchParams.get("state")!)
            callback.searchParams.set("iss", server.issuer)
            callback.searchParams.set("error", "invalid_request_object")
            return callback.href
          })
        const { run } = yield* engine(server, {}, { popup: refuse })
        const error = failureOf(yield* Effect.exit(run(MonoCloud.signIn({ mode: "popup", popup: null }))))
        expect(error).toMatchObject({ _tag: "MonoCloudValidationError", check: "requestObject" })
      })
    )
  })
})

/**
 * Pushed authorization requests (RFC 9126): when the client option or the provider's metadata asks
 * for PAR, every interactive and silent sign-in pushes its parameters over the back channel and
 * sends only `client_id` and `request_uri` through the browser; a provider that wants signed
 * request objects is refused with one typed error.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as MonoCloud from "../../src/effect.js"
import { MonoCloudOPError } from "../../src/MonoCloudError.js"
import { answerAuthorize } from "../../src/testing/providerResponses.js"
import type { ScriptedAuthorizationServerOptions } from "../../src/testing/ScriptedAuthorizationServer.js"
import { APP_URL, type EngineContext, type EngineOptions, withEngine } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

/**
 * Runs `body` on one engine over a fresh scripted server (see `withEngine`), with the authorize
 * URLs the fake popup and frame were sent to; they answer as the provider, from what was pushed.
 */
const onEngine = <A, E>(
  body: (
    context: EngineContext & { readonly sentTo: ReadonlyArray<string> }
  ) => Effect.Effect<A, E, MonoCloud.MonoCloudServices>,
  options: EngineOptions = {}
) => {
  const sentTo: Array<string> = []
  return withEngine((context) => body({ ...context, sentTo }), {
    platform: (server) => {
      const respond = (url: string) => Effect.promise(() => (sentTo.push(url), answerAuthorize(server, url)))
      return { popup: respond, silentFrame: respond }
    },
    ...options
  })
}

const requiringPar: ScriptedAuthorizationServerOptions = { metadata: { require_pushed_authorization_requests: true } }

/** The parameters of a URL as a sorted list of names. */
const parameterNames = (url: string) => [...new URL(url).searchParams.keys()].sort()

describe("pushed authorization requests", () => {
  it.effect("the client option pushes a popup sign-in's parameters and sends only client_id and request_uri", () =>
    onEngine(
      ({ server, sentTo }) =>
        Effect.gen(function* () {
          const session = yield* MonoCloud.signIn({ mode: "popup", popup: null, loginHint: "ada" })
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
        }),
      { client: { pushedAuthorizationRequests: true } }
    )
  )

  it.effect("metadata requiring PAR makes a redirect sign-in push without the option", () =>
    onEngine(
      ({ server, navigation }) =>
        Effect.gen(function* () {
          yield* MonoCloud.signIn({ returnUrl: "/after" })
          expect(server.requestsTo("par")).toHaveLength(1)
          expect(navigation.assigned).toHaveLength(1)
          const target = navigation.assigned[0]!
          expect(target.startsWith(`${server.issuer}/authorize?`)).toBe(true)
          expect(parameterNames(target)).toEqual(["client_id", "request_uri"])
          // The callback completes against the pushed parameters.
          navigation.currentUrl = yield* Effect.promise(() => answerAuthorize(server, target))
          yield* MonoCloud.processCallback
          expect((yield* MonoCloud.getSession)?.user.sub).toBe("user-1")
        }),
      { server: requiringPar }
    )
  )

  it.effect("a silent sign-in pushes its prompt=none request too", () =>
    onEngine(
      ({ server, sentTo }) =>
        Effect.gen(function* () {
          yield* MonoCloud.signInSilent()
          const pushed = server.requestsTo("par")[0]!.form!
          expect(pushed.get("prompt")).toBe("none")
          expect(pushed.get("redirect_uri")).toBe(`${APP_URL}/silent.html`)
          expect(parameterNames(sentTo[0]!)).toEqual(["client_id", "request_uri"])
        }),
      { server: requiringPar, client: { silentCallbackPath: "/silent.html" } }
    )
  )

  it.effect("without PAR asked for, nothing is pushed and the parameters travel in the URL", () =>
    onEngine(({ server, sentTo }) =>
      Effect.gen(function* () {
        yield* MonoCloud.signIn({ mode: "popup", popup: null })
        expect(server.requestsTo("par")).toHaveLength(0)
        expect(parameterNames(sentTo[0]!)).toContain("code_challenge")
      })
    )
  )

  it.effect("a confidential client authenticates its push as it does at the token endpoint", () =>
    onEngine(
      ({ server }) =>
        Effect.gen(function* () {
          yield* MonoCloud.signIn({ mode: "popup", popup: null })
          const push = server.requestsTo("par")[0]!
          expect(push.headers.get("authorization")).toBe(`Basic ${btoa(`${server.clientId}:s3cret`)}`)
          expect(push.form!.getAll("client_id")).toEqual([server.clientId])
          expect(push.form!.has("client_secret")).toBe(false)
        }),
      { server: requiringPar, client: { clientSecret: "s3cret", clientAuthMethod: "client_secret_basic" } }
    )
  )

  it.effect(
    "a refused push fails with MonoCloudOPError from the par endpoint, and nothing is navigated or stored",
    () =>
      onEngine(
        ({ server, navigation }) =>
          Effect.gen(function* () {
            server.expect("par", server.oauthError("invalid_scope", "unknown scope"))
            const error = yield* failsWith(MonoCloud.signIn({ scopes: "nope" }), "MonoCloudOPError")
            expect(error).toMatchObject({ error: "invalid_scope", endpoint: "par", status: 400 })
            expect(navigation.assigned).toEqual([])
          }),
        { server: requiringPar }
      )
  )

  it.effect("a push answered with anything but 201 and a request_uri is an HTTP error", () =>
    onEngine(
      ({ server }) =>
        Effect.gen(function* () {
          server.expect("par", { status: 201, json: { expires_in: 60 } })
          server.expect("par", { status: 200, json: { request_uri: "urn:x", expires_in: 60 } })
          const missing = yield* failsWith(MonoCloud.signIn({ mode: "popup", popup: null }), "MonoCloudHttpError")
          expect(missing).toMatchObject({ reason: "Decode", endpoint: "par" })
          const wrongStatus = yield* failsWith(MonoCloud.signIn({ mode: "popup", popup: null }), "MonoCloudHttpError")
          expect(wrongStatus).toMatchObject({ reason: "StatusCode", status: 200 })
        }),
      { server: requiringPar }
    )
  )

  it.effect("the option without a PAR endpoint in the metadata fails before anything is sent", () =>
    onEngine(
      ({ sentTo }) =>
        Effect.gen(function* () {
          const error = yield* failsWith(MonoCloud.signIn({ mode: "popup", popup: null }), "MonoCloudValidationError")
          expect(error.reason).toBe("endpoint")
          expect(sentTo).toEqual([])
        }),
      {
        server: { metadata: { pushed_authorization_request_endpoint: undefined } },
        client: { pushedAuthorizationRequests: true }
      }
    )
  )

  describe("signed request objects (JAR)", () => {
    it.effect("metadata requiring them fails with check requestObject before any push or navigation", () =>
      onEngine(
        ({ server, navigation }) =>
          Effect.gen(function* () {
            const error = yield* failsWith(MonoCloud.signIn(), "MonoCloudValidationError")
            expect(error.reason).toBe("requestObject")
            expect(server.requestsTo("par")).toHaveLength(0)
            expect(navigation.assigned).toEqual([])
          }),
        { server: { metadata: { require_pushed_authorization_requests: true, require_signed_request_object: true } } }
      )
    )

    it.effect("a push refused for want of a request object names it, keeping the provider's answer as cause", () =>
      onEngine(
        ({ server }) =>
          Effect.gen(function* () {
            server.expect("par", server.oauthError("invalid_request", "Request Object must be used by this client"))
            server.expect("par", server.oauthError("invalid_request", "redirect_uri mismatch"))
            const refusal = yield* failsWith(MonoCloud.signIn(), "MonoCloudValidationError")
            expect(refusal.reason).toBe("requestObject")
            expect(refusal.cause).toBeInstanceOf(MonoCloudOPError)
            // Any other invalid_request stays the provider's error.
            const other = yield* failsWith(MonoCloud.signIn(), "MonoCloudOPError")
            expect(other.error).toBe("invalid_request")
          }),
        { server: requiringPar }
      )
    )

    it.effect("a callback refusing the request for want of a request object names it as well", () =>
      withEngine(
        () =>
          Effect.gen(function* () {
            const error = yield* failsWith(MonoCloud.signIn({ mode: "popup", popup: null }), "MonoCloudValidationError")
            expect(error.reason).toBe("requestObject")
          }),
        {
          platform: (server) => ({
            popup: (url) =>
              Effect.sync(() => {
                const callback = new URL(`${APP_URL}/`)
                callback.searchParams.set("state", new URL(url).searchParams.get("state")!)
                callback.searchParams.set("iss", server.issuer)
                callback.searchParams.set("error", "invalid_request_object")
                return callback.href
              })
          })
        }
      )
    )
  })
})

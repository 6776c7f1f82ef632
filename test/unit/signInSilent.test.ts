import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/testing/TestClock"
import * as MonoCloud from "../../src/effect.js"
import * as SessionStore from "../../src/services/SessionStore.js"
import type { MonoCloudWebJSClientOptions } from "../../src/MonoCloudConfig.js"
import { MonoCloudTimeoutError } from "../../src/MonoCloudError.js"
import type { Respond, TestPlatformOptions } from "../../src/testing.js"
import { answerAuthorize, type AuthorizeAnswer } from "../../src/testing/providerResponses.js"
import type { ScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import {
  type EngineContext,
  engineLayer,
  scriptedServer,
  signInByPopup,
  untilRequested,
  withEngine
} from "./support/engine.js"
import { failsWith } from "./support/failures.js"

/** A silent frame that answers like the provider (`answer`), recording each URL it loads in `seen`. */
const frameAnswering =
  (answer: AuthorizeAnswer = {}, seen: Array<string> = []) =>
  (server: ScriptedAuthorizationServer): TestPlatformOptions => ({
    silentFrame: (url) => Effect.promise(() => (seen.push(url), answerAuthorize(server, url, answer)))
  })

/** Runs `body` after a sign-in (by the fake popup), with the silent frame `platform` gives. */
const signedIn = <A, E, R>(
  body: (context: EngineContext) => Effect.Effect<A, E, R>,
  platform: (server: ScriptedAuthorizationServer) => TestPlatformOptions,
  client: Partial<MonoCloudWebJSClientOptions> = {}
) => withEngine((context) => Effect.andThen(signInByPopup, body(context)), { platform, client })

const stored = (context: EngineContext) => Effect.promise(() => context.storage.getItem("mc.session.test-client"))

describe("signInSilent", () => {
  it.effect("asks with prompt=none at the silent callback and resolves with the stored session", () => {
    const seen: Array<string> = []
    return withEngine(
      () =>
        Effect.gen(function* () {
          const session = yield* MonoCloud.signInSilent({ loginHint: "ada", maxAge: 300 })
          const params = new URL(seen[0]!).searchParams
          expect(params.get("prompt")).toBe("none")
          expect(params.get("login_hint")).toBe("ada")
          expect(params.get("redirect_uri")).toBe("http://localhost:3000/silent-callback.html")
          expect(session.user.sub).toBe("user-1")
          expect(yield* MonoCloud.getSession).toEqual(session)
        }),
      { client: { silentCallbackPath: "/silent-callback.html" }, platform: frameAnswering({}, seen) }
    )
  })

  it.effect("rejects with MonoCloudOPError for each 'user needed' answer and leaves the stored session untouched", () =>
    Effect.forEach(
      ["login_required", "interaction_required", "consent_required", "account_selection_required"],
      (code) =>
        signedIn(
          (context) =>
            Effect.gen(function* () {
              const before = yield* stored(context)
              expect((yield* failsWith(MonoCloud.signInSilent(), "MonoCloudOPError")).error).toBe(code)
              expect(yield* stored(context)).toBe(before)
            }),
          frameAnswering({ error: code })
        ),
      { discard: true }
    )
  )

  it.effect(
    "sends the stored ID token as id_token_hint and refuses an answer for another user, keeping the session",
    () => {
      const seen: Array<string> = []
      return signedIn(
        (context) =>
          Effect.gen(function* () {
            const before = yield* stored(context)
            const session = yield* MonoCloud.getSession
            const error = yield* failsWith(MonoCloud.signInSilent(), "MonoCloudValidationError")
            expect(error.reason).toBe("subject")
            expect(new URL(seen[0]!).searchParams.get("id_token_hint")).toBe(session?.idToken)
            expect(yield* stored(context)).toBe(before)
            // the app may opt in to switching users
            const switched = yield* MonoCloud.signInSilent({ allowUserSwitch: true })
            expect(switched.user.sub).toBe("user-2")
            expect((yield* MonoCloud.getSession)?.user.sub).toBe("user-2")
          }),
        frameAnswering({ token: { sub: "user-2" } }, seen)
      )
    }
  )

  it.effect("with fallBackToRefreshToken, restores through the refresh grant when the provider needs the user", () =>
    signedIn(
      ({ server }) =>
        Effect.gen(function* () {
          // the plain call reports the provider's answer
          expect((yield* failsWith(MonoCloud.signInSilent(), "MonoCloudOPError")).error).toBe("login_required")
          server.expect("token", server.tokenReply({ refreshToken: "rotated", accessToken: "restored" }))
          const session = yield* MonoCloud.signInSilent({ fallBackToRefreshToken: true })
          expect(session.refreshToken).toBe("rotated")
          expect(session.accessTokens?.[0]?.accessToken).toBe("restored")
          expect(server.requestsTo("token").at(-1)?.form?.get("grant_type")).toBe("refresh_token")
          // a refresh token the provider refuses means signed out
          server.expect("token", server.oauthError("invalid_grant", "grant request is invalid"))
          const refused = yield* failsWith(MonoCloud.signInSilent({ fallBackToRefreshToken: true }), "MonoCloudOPError")
          expect(refused.error).toBe("invalid_grant")
        }),
      frameAnswering({ error: "login_required" }),
      { fetchUserinfo: false }
    )
  )

  it.effect("with fallBackToRefreshToken but no stored session, reports the provider's answer", () =>
    withEngine(
      ({ server }) =>
        Effect.gen(function* () {
          const error = yield* failsWith(MonoCloud.signInSilent({ fallBackToRefreshToken: true }), "MonoCloudOPError")
          expect(error.error).toBe("login_required")
          expect(server.requestsTo("token")).toHaveLength(0)
        }),
      { platform: frameAnswering({ error: "login_required" }) }
    )
  )

  it.effect("with fallBackToRefreshToken and an empty refresh token, reports the provider's answer", () =>
    signedIn(
      ({ server }) =>
        Effect.gen(function* () {
          const store = yield* SessionStore.SessionStore
          yield* store.set({ ...Option.getOrThrow(yield* store.get), refreshToken: "" })
          const before = server.requestsTo("token").length
          const error = yield* failsWith(MonoCloud.signInSilent({ fallBackToRefreshToken: true }), "MonoCloudOPError")
          expect(error.error).toBe("login_required")
          expect(server.requestsTo("token")).toHaveLength(before)
        }),
      frameAnswering({ error: "login_required" }),
      { fetchUserinfo: false }
    )
  )

  it.effect("rejects with MonoCloudTimeoutError when the frame never answers, keeping the session", () => {
    const timedOut: Respond = () =>
      Effect.fail(new MonoCloudTimeoutError({ operation: "iframe", timeoutMillis: 10_000 }))
    return signedIn(
      () =>
        Effect.gen(function* () {
          const before = yield* MonoCloud.getSession
          yield* failsWith(MonoCloud.signInSilent(), "MonoCloudTimeoutError")
          expect(yield* MonoCloud.getSession).toEqual(before)
        }),
      () => ({ silentFrame: timedOut })
    )
  })

  it.effect("runs one silent sign-in at a time: concurrent calls share it", () => {
    const seen: Array<string> = []
    return withEngine(
      ({ server }) =>
        Effect.gen(function* () {
          const [a, b] = yield* Effect.all([MonoCloud.signInSilent(), MonoCloud.signInSilent()], {
            concurrency: "unbounded"
          })
          expect(seen).toHaveLength(1)
          expect(a).toEqual(b)
          server.verify()
        }),
      { platform: frameAnswering({}, seen) }
    )
  })
})

describe("signInSilent deadlines and round trips", () => {
  const layerFor = (
    server: ScriptedAuthorizationServer,
    silentFrame?: TestPlatformOptions["silentFrame"],
    httpTimeout?: number
  ) => engineLayer(server, { httpTimeout }, silentFrame === undefined ? {} : { silentFrame }).pipe(Layer.orDie)

  it.effect("settles within silentTimeout in total when every provider request hangs, whatever httpTimeout says", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      server.expect("discovery", { hang: true })
      const signIn = MonoCloud.signInSilent().pipe(Effect.provide(layerFor(server, undefined, 30)))
      const fiber = yield* Effect.forkChild(signIn, {
        startImmediately: true
      })
      yield* untilRequested(server, "discovery")
      yield* TestClock.adjust("9999 millis")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toBeInstanceOf(MonoCloudTimeoutError)
      expect(error).toMatchObject({ operation: "signInSilent", timeoutMillis: 10_000 })
    })
  )

  it.effect("fetches the provider's keys while the frame runs, not after it", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      let keysRequestedBeforeAnswer = -1
      const frame = (url: string) =>
        Effect.promise(async () => {
          await new Promise((resolve) => setTimeout(resolve, 20))
          keysRequestedBeforeAnswer = server.requestsTo("jwks").length
          return answerAuthorize(server, url)
        })
      const session = yield* MonoCloud.signInSilent().pipe(Effect.provide(layerFor(server, frame)))
      expect(session.user.sub).toBe("user-1")
      expect(keysRequestedBeforeAnswer).toBe(1)
      expect(server.requestsTo("jwks")).toHaveLength(1)
      expect(server.requestsTo("discovery")).toHaveLength(1)
    })
  )
})

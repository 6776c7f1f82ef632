import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/testing/TestClock"
import * as MonoCloud from "../../src/effect.js"
import { MonoCloudOPError, MonoCloudTimeoutError, MonoCloudValidationError } from "../../src/MonoCloudError.js"
import type { TestPlatformOptions } from "../../src/testing.js"
import { answerAuthorize } from "../../src/testing/providerResponses.js"
import {
  makeScriptedAuthorizationServer,
  type ScriptedAuthorizationServer
} from "../../src/testing/ScriptedAuthorizationServer.js"
import { engineLayer, scriptedServer } from "./support/engine.js"
import { makeTestClient, rejectionOf, signedInClient } from "./support/testClient.js"

describe("signInSilent", () => {
  it("asks with prompt=none at the silent callback and resolves with the stored session", async () => {
    const seen: Array<string> = []
    const server = await makeScriptedAuthorizationServer()
    const { client } = await makeTestClient(
      { silentCallbackPath: "/silent-callback.html" },
      {
        server,
        silentFrame: (url) => Effect.promise(() => (seen.push(url), answerAuthorize(server, url)))
      }
    )
    const session = await client.signInSilent({ loginHint: "ada", maxAge: 300 })
    const params = new URL(seen[0]!).searchParams
    expect(params.get("prompt")).toBe("none")
    expect(params.get("login_hint")).toBe("ada")
    expect(params.get("redirect_uri")).toBe("http://localhost:3000/silent-callback.html")
    expect(session.user.sub).toBe("user-1")
    expect(await client.getSession()).toEqual(session)
  })

  it("rejects with MonoCloudOPError for each 'user needed' answer and leaves the stored session untouched", async () => {
    for (const code of ["login_required", "interaction_required", "consent_required", "account_selection_required"]) {
      const server = await makeScriptedAuthorizationServer()
      const context = await signedInClient(
        {},
        {
          server,
          silentFrame: (url) => Effect.promise(() => answerAuthorize(server, url, { error: code }))
        }
      )
      const before = await context.storage.getItem("mc.session.test-client")
      const error = await rejectionOf(context.client.signInSilent())
      expect(error).toBeInstanceOf(MonoCloudOPError)
      expect((error as MonoCloudOPError).error).toBe(code)
      expect(await context.storage.getItem("mc.session.test-client")).toBe(before)
    }
  })

  it("sends the stored ID token as id_token_hint and refuses an answer for another user, keeping the session", async () => {
    const server = await makeScriptedAuthorizationServer()
    const seen: Array<string> = []
    const context = await signedInClient(
      {},
      {
        server,
        silentFrame: (url) =>
          Effect.promise(() => (seen.push(url), answerAuthorize(server, url, { token: { sub: "user-2" } })))
      }
    )
    const before = await context.storage.getItem("mc.session.test-client")
    const stored = await context.client.getSession()
    const error = await rejectionOf(context.client.signInSilent())
    expect(error).toBeInstanceOf(MonoCloudValidationError)
    expect((error as MonoCloudValidationError).check).toBe("subject")
    expect(new URL(seen[0]!).searchParams.get("id_token_hint")).toBe(stored?.idToken)
    expect(await context.storage.getItem("mc.session.test-client")).toBe(before)
    // the app may opt in to switching users
    const switched = await context.client.signInSilent({ allowUserSwitch: true })
    expect(switched.user.sub).toBe("user-2")
    expect((await context.client.getSession())?.user.sub).toBe("user-2")
  })

  it("with fallBackToRefreshToken, restores through the refresh grant when the provider needs the user", async () => {
    const server = await makeScriptedAuthorizationServer()
    const context = await signedInClient(
      { fetchUserinfo: false },
      { server, silentFrame: (url) => Effect.promise(() => answerAuthorize(server, url, { error: "login_required" })) }
    )
    // the plain call reports the provider's answer
    expect(await rejectionOf(context.client.signInSilent())).toMatchObject({ error: "login_required" })
    server.expect("token", await server.tokenReply({ refreshToken: "rotated", accessToken: "restored" }))
    const session = await context.client.signInSilent({ fallBackToRefreshToken: true })
    expect(session.refreshToken).toBe("rotated")
    expect(session.accessTokens?.[0]?.accessToken).toBe("restored")
    expect(server.requestsTo("token").at(-1)?.form?.get("grant_type")).toBe("refresh_token")
    // a refresh token the provider refuses means signed out
    server.expect("token", server.oauthError("invalid_grant", "grant request is invalid"))
    const refused = await rejectionOf(context.client.signInSilent({ fallBackToRefreshToken: true }))
    expect(refused).toBeInstanceOf(MonoCloudOPError)
    expect((refused as MonoCloudOPError).error).toBe("invalid_grant")
  })

  it("with fallBackToRefreshToken but no stored session, reports the provider's answer", async () => {
    const server = await makeScriptedAuthorizationServer()
    const { client } = await makeTestClient(
      {},
      { server, silentFrame: (url) => Effect.promise(() => answerAuthorize(server, url, { error: "login_required" })) }
    )
    expect(await rejectionOf(client.signInSilent({ fallBackToRefreshToken: true }))).toMatchObject({
      error: "login_required"
    })
    expect(server.requestsTo("token")).toHaveLength(0)
  })

  it("rejects with MonoCloudTimeoutError when the frame never answers, keeping the session", async () => {
    const context = await signedInClient(
      {},
      {
        silentFrame: () => Effect.fail(new MonoCloudTimeoutError({ operation: "iframe", timeoutMillis: 10_000 }))
      }
    )
    const before = await context.client.getSession()
    const error = await rejectionOf(context.client.signInSilent())
    expect(error).toBeInstanceOf(MonoCloudTimeoutError)
    expect(await context.client.getSession()).toEqual(before)
  })

  it("runs one silent sign-in at a time: concurrent calls share it", async () => {
    let frames = 0
    const server = await makeScriptedAuthorizationServer()
    const { client } = await makeTestClient(
      {},
      {
        server,
        silentFrame: (url) => Effect.promise(() => (frames++, answerAuthorize(server, url)))
      }
    )
    const [a, b] = await Promise.all([client.signInSilent(), client.signInSilent()])
    expect(frames).toBe(1)
    expect(a).toEqual(b)
    server.verify()
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
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
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

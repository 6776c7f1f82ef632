/**
 * A late answer never overwrites a newer session: refresh, UserInfo refetch and silent sign-in
 * store their result only over the session they started from, and a refresh has one deadline.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/testing/TestClock"
import * as MonoCloud from "../../src/effect.js"
import type { MonoCloudWebJSClientOptions } from "../../src/MonoCloudConfig.js"
import { MonoCloudStorageError, MonoCloudTimeoutError } from "../../src/MonoCloudError.js"
import type { MemoryStorage } from "../../src/storage.js"
import { answerAuthorize } from "../../src/testing/providerResponses.js"
import type { ScriptedAuthorizationServer, ScriptedReply } from "../../src/testing/ScriptedAuthorizationServer.js"
import { makeTestPlatform, type TestPlatformOptions } from "../../src/testing.js"
import { APP_URL, scriptedServer } from "./support/engine.js"

const SESSION_KEY = "mc.session.test-client"

/** A reply the test releases when it wants: the request is recorded at once, the answer waits. */
const gated = () => {
  let release: (reply: ScriptedReply) => void = () => undefined
  const reply = new Promise<ScriptedReply>((resolve) => (release = resolve))
  return { reply, release }
}

/** Waits (in real time) until `condition` holds: the scripted server answers on real promises. */
const until = (condition: () => boolean) =>
  Effect.promise(async () => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1))
  })

/** The engine over `server` and its shared memory storage, signed in as user-1 with a refresh token. */
const signedIn = (
  server: ScriptedAuthorizationServer,
  options: Partial<MonoCloudWebJSClientOptions> = {},
  platformOptions: TestPlatformOptions = {}
) =>
  Effect.gen(function* () {
    const platform = makeTestPlatform(server, { url: `${APP_URL}/`, ...platformOptions })
    const layer = MonoCloud.layerWith(
      {
        tenantDomain: server.issuer,
        clientId: server.clientId,
        appUrl: APP_URL,
        idTokenSigningAlgorithm: server.minter.alg,
        ...options
      },
      platform.layer
    ).pipe(Layer.orDie)
    const context = yield* Layer.build(layer)
    const run = <A, E>(effect: Effect.Effect<A, E, MonoCloud.MonoCloudServices>) =>
      Effect.provideContext(effect, context)
    yield* run(MonoCloud.signIn({ mode: "popup", popup: null, scopes: "openid profile email offline_access" }))
    return { run, storage: platform.storage }
  })

/** What another tab writes when user-2 signs in there: a valid stored session for another subject. */
const anotherUsersEntry = (storage: MemoryStorage) =>
  Effect.promise(async () => {
    const stored = JSON.parse((await storage.getItem(SESSION_KEY))!)
    stored.session.user.sub = "user-2"
    stored.session.refreshToken = "user-2-refresh-token"
    return JSON.stringify(stored)
  })

const expectSessionChanged = (error: unknown) => {
  expect(error).toBeInstanceOf(MonoCloudStorageError)
  expect(error).toMatchObject({ _tag: "MonoCloudStorageError", reason: "Changed" })
}

describe("session integrity", () => {
  it.effect("a refresh that answers after a sign-out stores nothing: the sign-out wins", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const { run, storage } = yield* signedIn(server, { fetchUserinfo: false })
      const token = gated()
      server.expect("token", token.reply)
      const refresh = yield* Effect.forkChild(run(MonoCloud.refreshSession()), { startImmediately: true })
      yield* until(() => server.requestsTo("token").length === 2)
      yield* run(MonoCloud.signOut({ federatedSignOut: false }))
      token.release(yield* Effect.promise(() => server.tokenReply({ accessToken: "late", idToken: false })))
      expectSessionChanged(yield* Effect.flip(Fiber.join(refresh)))
      expect(yield* run(MonoCloud.getSession)).toBeUndefined()
      expect(yield* Effect.promise(() => storage.getItem(SESSION_KEY))).toBeNull()
    })
  )

  it.effect("a refresh that answers after another user signed in (another tab) leaves that user's session", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const { run, storage } = yield* signedIn(server, { fetchUserinfo: false })
      const token = gated()
      server.expect("token", token.reply)
      const refresh = yield* Effect.forkChild(run(MonoCloud.getTokens({ forceRefresh: true })), {
        startImmediately: true
      })
      yield* until(() => server.requestsTo("token").length === 2)
      const other = yield* anotherUsersEntry(storage)
      yield* Effect.promise(() => storage.setItem(SESSION_KEY, other))
      token.release(yield* Effect.promise(() => server.tokenReply({ accessToken: "late", idToken: false })))
      expectSessionChanged(yield* Effect.flip(Fiber.join(refresh)))
      expect(yield* Effect.promise(() => storage.getItem(SESSION_KEY))).toBe(other)
      expect((yield* run(MonoCloud.getSession))?.user.sub).toBe("user-2")
    })
  )

  it.effect("back-to-back refreshes in one tab each store over the previous one", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const { run } = yield* signedIn(server, { fetchUserinfo: false })
      const first = (yield* run(MonoCloud.getSession))?.refreshToken
      for (const n of [1, 2, 3]) {
        server.expect(
          "token",
          yield* Effect.promise(() => server.tokenReply({ refreshToken: `rotated-${n}`, idToken: false }))
        )
        yield* run(MonoCloud.refreshSession())
      }
      expect((yield* run(MonoCloud.getSession))?.refreshToken).toBe("rotated-3")
      expect(server.requestsTo("token").map((request) => request.form?.get("refresh_token"))).toEqual([
        null,
        first,
        "rotated-1",
        "rotated-2"
      ])
    })
  )

  it.effect("a UserInfo refetch that answers after a sign-out stores nothing", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const { run } = yield* signedIn(server)
      const userInfo = gated()
      server.expect("userinfo", userInfo.reply)
      const refetch = yield* Effect.forkChild(run(MonoCloud.refetchUserInfo), { startImmediately: true })
      yield* until(() => server.requestsTo("userinfo").length === 2)
      yield* run(MonoCloud.signOut({ federatedSignOut: false }))
      userInfo.release(server.userInfoReply({ name: "Late" }))
      expectSessionChanged(yield* Effect.flip(Fiber.join(refetch)))
      expect(yield* run(MonoCloud.getSession)).toBeUndefined()
    })
  )

  it.effect("a silent sign-in that answers after a sign-out stores nothing", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      let frameOpened = false
      let answerFrame: () => void = () => undefined
      const frameGate = new Promise<void>((resolve) => (answerFrame = resolve))
      const silentFrame = (url: string) =>
        Effect.promise(async () => {
          frameOpened = true
          await frameGate
          return answerAuthorize(server, url)
        })
      const { run, storage } = yield* signedIn(server, {}, { silentFrame })
      const silent = yield* Effect.forkChild(run(MonoCloud.signInSilent()), { startImmediately: true })
      yield* until(() => frameOpened)
      yield* run(MonoCloud.signOut({ federatedSignOut: false }))
      answerFrame()
      expectSessionChanged(yield* Effect.flip(Fiber.join(silent)))
      expect(yield* Effect.promise(() => storage.getItem(SESSION_KEY))).toBeNull()
    })
  )

  it.effect("a refresh has httpTimeout in total for its requests, not one per request", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const { run, storage } = yield* signedIn(server)
      const before = yield* Effect.promise(() => storage.getItem(SESSION_KEY))
      const token = gated()
      server.expect("token", token.reply)
      server.expect("userinfo", { hang: true })
      const refresh = yield* Effect.forkChild(run(MonoCloud.refreshSession()), { startImmediately: true })
      yield* until(() => server.requestsTo("token").length === 2)
      yield* TestClock.adjust("6 seconds")
      token.release(yield* Effect.promise(() => server.tokenReply({ accessToken: "new" })))
      yield* until(() => server.requestsTo("userinfo").length === 2)
      // the UserInfo request alone has 10 s from now; the refresh only the 4 s left of its 10
      yield* TestClock.adjust("3999 millis")
      expect(refresh.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      const error = yield* Effect.flip(Fiber.join(refresh))
      expect(error).toBeInstanceOf(MonoCloudTimeoutError)
      expect(error).toMatchObject({ operation: "refresh", timeoutMillis: 10_000 })
      expect(yield* Effect.promise(() => storage.getItem(SESSION_KEY))).toBe(before)
    })
  )
})

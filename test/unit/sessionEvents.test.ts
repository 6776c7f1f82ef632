import { describe, expect, it, vi } from "@effect/vitest"
import * as Clock from "effect/Clock"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import * as MonoCloud from "../../src/effect.js"
import type { MonoCloudEvent } from "../../src/index.js"
import { MemoryStorage } from "../../src/storage.js"
import { makeTestClient, makeTestPlatform } from "../../src/testing.js"
import {
  makeScriptedAuthorizationServer,
  type ScriptedAuthorizationServer
} from "../../src/testing/ScriptedAuthorizationServer.js"
import { APP_URL, scriptedServer } from "./support/engine.js"

const SESSION_KEY = "mc.session.test-client"

let channels = 0

/** One tab's services: the test platform, with `storage` shared by the tabs and a real broadcast on `channel`. */
const tabLayer = (server: ScriptedAuthorizationServer, storage: MemoryStorage, channel: string) =>
  MonoCloud.layerWith(
    {
      tenantDomain: server.issuer,
      clientId: server.clientId,
      appUrl: APP_URL,
      idTokenSigningAlgorithm: server.minter.alg
    },
    Layer.mergeAll(
      makeTestPlatform(server, { url: `${APP_URL}/` }).layer,
      MonoCloud.SessionStore.layer(storage),
      MonoCloud.SessionBroadcast.layerBrowser(channel)
    )
  ).pipe(Layer.orDie)

/** Two tabs of one app for the test's scope: one storage (what `localStorage` is to tabs) and one channel. */
const twoTabs = Effect.gen(function* () {
  const server = yield* scriptedServer()
  const storage = new MemoryStorage()
  const channel = `mc.events.session-events-${++channels}`
  const first = yield* Layer.build(tabLayer(server, storage, channel))
  const second = yield* Layer.build(tabLayer(server, storage, channel))
  return { server, storage, channel, first, second }
})

type Tab = Context.Context<MonoCloud.MonoCloudServices>

/** Runs `effect` in `tab`. */
const inTab =
  (tab: Tab) =>
  <A, E>(effect: Effect.Effect<A, E, MonoCloud.MonoCloudServices>) =>
    Effect.provideContext(effect, tab)

/** Lets real time pass (broadcast messages and storage promises settle on the event loop). */
const settle = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))

/** Waits on the real clock until `check` passes (at most about 2 s). */
const eventually = (check: () => void) =>
  Effect.gen(function* () {
    for (let attempt = 0; ; attempt++) {
      try {
        return check()
      } catch (error) {
        if (attempt > 100) throw error
      }
      yield* settle
    }
  })

/** The events `tab` hears from now on, for the test's scope, in the order heard. */
const hear = (tab: Tab, options?: MonoCloud.WatchSessionEventsOptions) =>
  Effect.gen(function* () {
    const heard: Array<MonoCloudEvent> = []
    yield* MonoCloud.watchSessionEvents((event) => void heard.push(event), options).pipe(
      Effect.provideContext(tab),
      Effect.forkScoped({ startImmediately: true })
    )
    yield* settle
    return heard
  })

/** A clock whose time the test sets (`time.now`, ms) and whose timers never fire: a tab the browser put to sleep. */
const sleepingClock = () => {
  const time = { now: 0 }
  const nanos = () => BigInt(time.now) * 1_000_000n
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => time.now,
    currentTimeMillis: Effect.sync(() => time.now),
    currentTimeNanosUnsafe: nanos,
    currentTimeNanos: Effect.sync(nanos),
    monotonicTimeNanosUnsafe: nanos,
    monotonicTimeNanos: Effect.sync(nanos),
    sleep: () => Effect.never
  }
  return { clock, time }
}

/** A sign-in by (fake) popup, its broadcast delivered before the test goes on. */
const signIn = Effect.tap(MonoCloud.signIn({ mode: "popup", popup: null }), () => settle)
const types = (events: ReadonlyArray<MonoCloudEvent>) => events.map((event) => event.type)
const expiring = (events: ReadonlyArray<MonoCloudEvent>) => events.filter((event) => event.type === "tokenExpiring")

describe("watchSessionEvents", () => {
  it.effect(
    "tells this tab and another tab signedIn, refreshed, userUpdated and signedOut, each tab's in its order",
    () =>
      Effect.gen(function* () {
        const { server, first, second } = yield* twoTabs
        const inFirst = yield* hear(first, { tokenExpiring: false })
        const inSecond = yield* hear(second, { tokenExpiring: false })
        yield* inTab(first)(signIn)
        server.expect("token", server.tokenReply({ idToken: false }))
        server.expect("userinfo", server.userInfoReply())
        yield* inTab(first)(MonoCloud.refreshSession())
        server.expect("userinfo", server.userInfoReply({ name: "Ada" }))
        yield* inTab(first)(MonoCloud.refetchUserInfo)
        yield* settle // another tab's messages may still be on their way when this tab publishes its own
        yield* inTab(second)(MonoCloud.signOut({ federatedSignOut: false }))
        const all = ["signedIn", "refreshed", "userUpdated", "signedOut"]
        yield* eventually(() => expect([types(inFirst), types(inSecond)]).toEqual([all, all]))
        yield* settle
        expect([types(inFirst), types(inSecond)]).toEqual([all, all]) // each once
        server.verify()
      })
  )

  it.effect(
    "tells refreshFailed with the OAuth code, then sessionEnded, after invalid_grant, in both tabs; the session is kept",
    () =>
      Effect.gen(function* () {
        const { server, storage, first, second } = yield* twoTabs
        yield* inTab(first)(signIn)
        const before = yield* Effect.promise(() => storage.getItem(SESSION_KEY))
        const inFirst = yield* hear(first, { tokenExpiring: false })
        const inSecond = yield* hear(second, { tokenExpiring: false })
        server.expect("token", server.oauthError("invalid_grant", "grant revoked"))
        const error = yield* Effect.flip(inTab(first)(MonoCloud.refreshSession()))
        expect(error).toMatchObject({ _tag: "MonoCloudOPError", error: "invalid_grant" })
        const told = [
          { type: "refreshFailed", errorTag: "MonoCloudOPError", oauthError: "invalid_grant" },
          { type: "sessionEnded", reason: "invalid_grant" }
        ]
        yield* eventually(() => expect([inFirst, inSecond]).toEqual([told, told]))
        expect(yield* Effect.promise(() => storage.getItem(SESSION_KEY))).toBe(before)
        expect(JSON.stringify([inFirst, inSecond])).not.toContain("grant revoked")
      })
  )

  it.effect("tells refreshFailed with the error class only, and no sessionEnded, for other failures", () =>
    Effect.gen(function* () {
      const { server, first, second } = yield* twoTabs
      yield* inTab(first)(signIn)
      const inSecond = yield* hear(second, { tokenExpiring: false })
      server.expect("token", { status: 503, body: "busy" })
      yield* Effect.flip(inTab(first)(MonoCloud.refreshSession()))
      server.expect("token", server.oauthError("invalid_scope"))
      yield* Effect.flip(inTab(first)(MonoCloud.refreshSession()))
      yield* eventually(() =>
        expect(inSecond).toEqual([
          { type: "refreshFailed", errorTag: "MonoCloudHttpError" },
          { type: "refreshFailed", errorTag: "MonoCloudOPError", oauthError: "invalid_scope" }
        ])
      )
    })
  )

  it.effect("tells one refreshFailed for concurrent refreshes that share one request", () =>
    Effect.gen(function* () {
      const { server, first } = yield* twoTabs
      yield* inTab(first)(signIn)
      const heard = yield* hear(first, { tokenExpiring: false })
      server.expect("token", { networkError: true })
      const refresh = Effect.exit(MonoCloud.refreshSession())
      const exits = yield* Effect.all([refresh, refresh], { concurrency: 2 }).pipe(inTab(first))
      expect(exits.map((exit) => exit._tag)).toEqual(["Failure", "Failure"])
      expect(server.requestsTo("token")).toHaveLength(2) // the sign-in and one refresh
      yield* eventually(() => expect(types(heard)).toEqual(["refreshFailed"]))
      yield* settle
      expect(types(heard)).toEqual(["refreshFailed"])
    })
  )

  it.effect("tells refreshed, not refreshFailed, when only the UserInfo call after the stored refresh fails", () =>
    Effect.gen(function* () {
      const { server, first } = yield* twoTabs
      yield* inTab(first)(signIn)
      const heard = yield* hear(first, { tokenExpiring: false })
      server.expect("token", server.tokenReply({ idToken: false }))
      server.expect("userinfo", { status: 503, body: "busy" })
      const error = yield* Effect.flip(inTab(first)(MonoCloud.refreshSession()))
      expect(error).toMatchObject({ _tag: "MonoCloudHttpError", endpoint: "userinfo" })
      yield* eventually(() => expect(types(heard)).toEqual(["refreshed"]))
      yield* settle
      expect(types(heard)).toEqual(["refreshed"])
    })
  )

  it.effect(
    "tells no refreshFailed when there is no session to refresh, or it was signed out while the refresh ran",
    () =>
      Effect.gen(function* () {
        const { server, storage, first } = yield* twoTabs
        const heard = yield* hear(first, { tokenExpiring: false })
        const none = yield* Effect.flip(inTab(first)(MonoCloud.refreshSession()))
        expect(none).toMatchObject({ _tag: "MonoCloudNotSignedInError" })
        yield* settle
        expect(heard).toEqual([])
        yield* inTab(first)(signIn)
        heard.splice(0)
        const reply = server.tokenReply({ idToken: false })
        // Another tab signs out while the token request is on its way.
        server.expect("token", async () => {
          await storage.removeItem(SESSION_KEY)
          return reply
        })
        const error = yield* Effect.flip(inTab(first)(MonoCloud.refreshSession({ refreshGrantOptions: {} })))
        expect(error).toMatchObject({ _tag: "MonoCloudStorageError", reason: "Changed" })
        yield* settle
        expect(heard).toEqual([])
      })
  )

  it.effect(
    "ignores messages on the channel that are no well-formed events, and keeps only an event's own fields",
    () =>
      Effect.gen(function* () {
        const { channel, first } = yield* twoTabs
        const heard = yield* hear(first, { tokenExpiring: false })
        const foreign = new BroadcastChannel(channel)
        yield* Effect.addFinalizer(() => Effect.sync(() => foreign.close()))
        for (const message of [
          { type: "tokenExpiring", expiresAt: 1 }, // never broadcast: each tab derives it
          { type: "sessionEnded" },
          { type: "sessionEnded", reason: "logout" },
          { type: "refreshFailed" },
          { type: "refreshFailed", errorTag: "TypeError" },
          { type: "refreshFailed", errorTag: "MonoCloudJsError" },
          { type: "refreshFailed", errorTag: "MonoCloudOPError" },
          { type: "refreshFailed", errorTag: "MonoCloudOPError", oauthError: 42 },
          { type: "refreshFailed", errorTag: "MonoCloudOPError", oauthError: "" },
          { type: "refreshFailed", errorTag: "MonoCloudHttpError", oauthError: "invalid_grant" },
          { type: "refreshFailed", errorTag: "MonoCloudOPError", oauthError: "invalid_grant", accessToken: "at" },
          { type: "sessionEnded", reason: "invalid_grant", refreshToken: "rt" }
        ]) {
          foreign.postMessage(message)
        }
        yield* eventually(() =>
          expect(heard).toEqual([
            { type: "refreshFailed", errorTag: "MonoCloudOPError", oauthError: "invalid_grant" },
            { type: "sessionEnded", reason: "invalid_grant" }
          ])
        )
        yield* settle
        expect(heard).toHaveLength(2)
      })
  )

  it.effect(
    "tells tokenExpiring once when the default token comes within refreshBeforeExpiry, and again for the next token",
    () =>
      Effect.gen(function* () {
        const { server, first } = yield* twoTabs
        yield* inTab(first)(signIn) // at 0: the token expires at 3600 s, refreshBeforeExpiry is 30 s
        const heard = yield* hear(first)
        yield* TestClock.adjust("3569 seconds")
        yield* settle
        expect(heard).toEqual([])
        yield* TestClock.adjust("1 second")
        yield* eventually(() => expect(heard).toEqual([{ type: "tokenExpiring", expiresAt: 3600 }]))
        yield* TestClock.adjust("1 hour")
        yield* settle
        expect(heard).toHaveLength(1)
        // at 7170 s a refresh brings a token until 10770 s: the timer is set again
        server.expect("token", server.tokenReply({ idToken: false }))
        server.expect("userinfo", server.userInfoReply())
        yield* inTab(first)(MonoCloud.refreshSession())
        yield* eventually(() => expect(types(heard)).toEqual(["tokenExpiring", "refreshed"]))
        yield* TestClock.adjust(`${10_739 - 7170} seconds`)
        yield* settle
        expect(expiring(heard)).toHaveLength(1)
        yield* TestClock.adjust("1 second")
        yield* eventually(() => expect(expiring(heard).at(-1)).toEqual({ type: "tokenExpiring", expiresAt: 10_770 }))
      })
  )

  it.effect(
    "tells tokenExpiring at once for a stale session, and in another tab once it reads that tab's refresh",
    () =>
      Effect.gen(function* () {
        const { server, first, second } = yield* twoTabs
        yield* inTab(first)(signIn)
        yield* TestClock.adjust("3590 seconds")
        const inSecond = yield* hear(second)
        yield* eventually(() => expect(inSecond).toEqual([{ type: "tokenExpiring", expiresAt: 3600 }]))
        server.expect("token", server.tokenReply({ idToken: false, expiresIn: 60 }))
        server.expect("userinfo", server.userInfoReply())
        yield* inTab(first)(MonoCloud.refreshSession()) // a token until 3650 s: within 30 s of expiry at 3620 s
        yield* eventually(() => expect(types(inSecond)).toEqual(["tokenExpiring", "refreshed"]))
        yield* TestClock.adjust("30 seconds")
        yield* eventually(() => expect(inSecond.at(-1)).toEqual({ type: "tokenExpiring", expiresAt: 3650 }))
      })
  )

  it.effect(
    "reads the expiry again when the page is shown, back from the cache or back online, since timers sleep with the tab",
    () =>
      Effect.gen(function* () {
        const { first } = yield* twoTabs
        yield* inTab(first)(signIn)
        const wake: ReadonlyArray<[string, () => void]> = [
          ["pageshow", () => window.dispatchEvent(new Event("pageshow"))],
          ["online", () => window.dispatchEvent(new Event("online"))],
          ["visibilitychange", () => document.dispatchEvent(new Event("visibilitychange", { bubbles: true }))]
        ]
        for (const [name, event] of wake) {
          // A tab put to sleep: its clock goes on, its timers do not fire.
          const asleep = sleepingClock()
          const heard = yield* hear(first).pipe(Effect.provideService(Clock.Clock, asleep.clock))
          asleep.time.now = 3570_000
          yield* settle
          expect(heard, name).toEqual([])
          event()
          yield* eventually(() => expect(heard, name).toEqual([{ type: "tokenExpiring", expiresAt: 3600 }]))
          event() // the same token again: told once
          yield* settle
          expect(heard, name).toHaveLength(1)
        }
      })
  )
})

describe("sessionEvents", () => {
  it.effect("streams the events of this tab and the other tabs", () =>
    Effect.gen(function* () {
      const { first, second } = yield* twoTabs
      const streamed = yield* MonoCloud.sessionEvents.pipe(
        Stream.take(2),
        Stream.runCollect,
        Effect.provideContext(second),
        Effect.forkScoped({ startImmediately: true })
      )
      yield* settle
      yield* inTab(first)(signIn)
      yield* inTab(first)(MonoCloud.signOut({ federatedSignOut: false }))
      expect(types(yield* Fiber.join(streamed))).toEqual(["signedIn", "signedOut"])
    })
  )
})

describe("MonoCloudWebJSClient.on and isAuthenticated", () => {
  /** Two promise clients, as two tabs: one storage, one channel. */
  const twoClients = async () => {
    const server = await makeScriptedAuthorizationServer()
    const storage = new MemoryStorage()
    const channel = `mc.events.session-events-${++channels}`
    const tab = () =>
      makeTestClient(
        { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL },
        Layer.mergeAll(
          makeTestPlatform(server).layer,
          MonoCloud.SessionStore.layer(storage),
          MonoCloud.SessionBroadcast.layerBrowser(channel)
        )
      )
    return { server, storage, first: tab(), second: tab() }
  }
  const wait = (millis = 20) => new Promise((resolve) => setTimeout(resolve, millis))
  const waitFor = async (check: () => void) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return check()
      } catch (error) {
        if (attempt > 100) throw error
        await wait()
      }
    }
  }

  it("calls a listener with its event only, from this tab and another, until it stops", async () => {
    const { first, second } = await twoClients()
    const heard: Array<string> = []
    const stopFirst = first.on("signedIn", (event) => heard.push(`first ${event.type}`))
    const stopSecond = second.on("signedIn", (event) => heard.push(`second ${event.type}`))
    second.on("signedOut", (event) => heard.push(`second ${event.type}`))
    await wait()
    await first.signIn({ mode: "popup", popup: null })
    await waitFor(() => expect(heard.sort()).toEqual(["first signedIn", "second signedIn"]))
    stopFirst()
    stopSecond()
    await wait()
    await first.signIn({ mode: "popup", popup: null })
    await first.signOut({ federatedSignOut: false })
    await waitFor(() => expect(heard).toEqual(["first signedIn", "second signedIn", "second signedOut"]))
    await Promise.all([first.dispose(), second.dispose()])
  })

  it("keeps a listener that throws subscribed, and reports its error like an uncaught one", async () => {
    const { first, second } = await twoClients()
    const reported: Array<unknown> = []
    const originalReport = globalThis.reportError
    globalThis.reportError = (error: unknown) => void reported.push(error)
    const boom = new Error("listener bug")
    let calls = 0
    try {
      first.on("signedIn", () => {
        calls++
        throw boom
      })
      await wait()
      await first.signIn({ mode: "popup", popup: null })
      await second.signIn({ mode: "popup", popup: null })
      await waitFor(() => expect([calls, reported]).toEqual([2, [boom, boom]]))
      expect(await first.getSession()).toBeDefined() // the sign-in itself succeeded
    } finally {
      globalThis.reportError = originalReport
      await Promise.all([first.dispose(), second.dispose()])
    }
  })

  it("reads the session for tokenExpiring only while someone listens for it", async () => {
    const server = await makeScriptedAuthorizationServer()
    const platform = makeTestPlatform(server)
    const client = makeTestClient(
      { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL, refreshBeforeExpiry: 3600 },
      platform.layer
    )
    await client.signIn({ mode: "popup", popup: null }) // its token is within refreshBeforeExpiry at once
    const reads = vi.spyOn(platform.storage, "getItem")
    client.on("refreshed", () => undefined)
    window.dispatchEvent(new Event("pageshow"))
    await wait(50)
    expect(reads).not.toHaveBeenCalled()
    const expiring: Array<unknown> = []
    const stop = client.on("tokenExpiring", (event) => expiring.push(event))
    const session = await client.getSession()
    await waitFor(() =>
      expect(expiring).toEqual([
        { type: "tokenExpiring", expiresAt: session?.accessTokens?.[0]?.accessTokenExpiration }
      ])
    )
    stop()
    await wait()
    reads.mockClear()
    window.dispatchEvent(new Event("pageshow"))
    await wait(50)
    expect(reads).not.toHaveBeenCalled()
    await client.dispose()
  })

  it("isAuthenticated: false without a session or with a corrupt entry, true with a session", async () => {
    const server = await makeScriptedAuthorizationServer()
    const platform = makeTestPlatform(server)
    const client = makeTestClient(
      { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL },
      platform.layer
    )
    expect(await client.isAuthenticated()).toBe(false)
    await client.signIn({ mode: "popup", popup: null })
    expect(await client.isAuthenticated()).toBe(true)
    await platform.storage.setItem(SESSION_KEY, "{not json")
    expect(await client.isAuthenticated()).toBe(false)
    await client.dispose()
  })
})

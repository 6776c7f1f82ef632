/**
 * A page that slept (back/forward cache, a frozen or hidden tab, a sleeping laptop, offline) wakes
 * up with state that may be stale: what it holds in memory gives way to what other tabs stored
 * meanwhile, its broadcast channel is closed while it is in the back/forward cache, and the
 * token's expiry is compared with the clock when `getTokens` is called, not by a timer.
 */
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/testing/TestClock"
import * as MonoCloud from "../../src/effect.js"
import { MonoCloudStorageError } from "../../src/MonoCloudError.js"
import type { MonoCloudSession } from "../../src/schemas/Session.js"
import * as SessionBroadcast from "../../src/services/SessionBroadcast.js"
import * as SessionStore from "../../src/services/SessionStore.js"
import { MemoryStorage, type IStorage } from "../../src/storage.js"
import { makeTestPlatform } from "../../src/testing.js"
import { authorizeResponder } from "../../src/testing/providerResponses.js"
import { makeScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { APP_URL } from "./support/engine.js"
import { trackMessageListeners } from "./support/windowEvents.js"

afterEach(() => {
  vi.restoreAllMocks()
})

const KEY = "mc.session.test"

const session = (sub: string, refreshToken = `${sub}-refresh`): MonoCloudSession => ({
  user: { sub },
  refreshToken,
  accessTokens: [{ accessToken: `${sub}-access`, accessTokenExpiration: 1_000, scopes: "openid" }]
})

/** One tab's view of the storage the tabs share (what `localStorage` is to them); its writes fail while `full`. */
const tabOver = (shared: MemoryStorage) => {
  const view = { full: false }
  const storage: IStorage = {
    getItem: (key) => shared.getItem(key),
    setItem: (key, value) =>
      view.full ? Promise.reject(new DOMException("full", "QuotaExceededError")) : shared.setItem(key, value),
    removeItem: (key) => shared.removeItem(key)
  }
  return Object.assign(view, { store: SessionStore.make(storage, KEY) })
}

/** A tab that signed in, then failed to write its refreshed session: it holds that session in memory. */
const holdingInMemory = (shared: MemoryStorage) =>
  Effect.gen(function* () {
    const tab = tabOver(shared)
    yield* tab.store.set(session("user-1"))
    const read = Option.getOrThrow(yield* tab.store.get)
    tab.full = true
    const error = yield* Effect.flip(tab.store.replace(read, session("user-1", "rotated")))
    expect(error).toMatchObject({ _tag: "MonoCloudStorageError", heldInMemory: true })
    return tab
  })

const stored = (storage: MemoryStorage) => Effect.promise(() => storage.getItem(KEY))

/** Waits in real time until `condition` holds (listeners run on their own fibers, over promises). */
const until = (condition: () => boolean) =>
  Effect.promise(async () => {
    for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2))
  }).pipe(Effect.map(() => expect(condition()).toBe(true)))

describe("a session held in memory after a failed write", () => {
  it.effect("gives way to another tab's sign-out, and to another user's sign-in, stored meanwhile", () =>
    Effect.gen(function* () {
      const shared = new MemoryStorage()
      const page = yield* holdingInMemory(shared)
      expect(Option.getOrThrow(yield* page.store.get).refreshToken).toBe("rotated")
      const other = tabOver(shared)
      // while the page slept, another tab signed out: the held session must not come back
      yield* other.store.remove
      page.full = false
      expect(yield* page.store.get).toEqual(Option.none())
      expect(yield* stored(shared)).toBeNull()

      const again = yield* holdingInMemory(shared)
      yield* other.store.set(session("user-2"))
      const written = yield* stored(shared)
      again.full = false
      expect(Option.getOrThrow(yield* again.store.get).user.sub).toBe("user-2")
      expect(yield* stored(shared)).toBe(written)
    })
  )

  it.effect("a compare-and-set over it is refused once another tab stored another session", () =>
    Effect.gen(function* () {
      const shared = new MemoryStorage()
      const page = yield* holdingInMemory(shared)
      const held = Option.getOrThrow(yield* page.store.get)
      yield* tabOver(shared).store.set(session("user-2"))
      const written = yield* stored(shared)
      page.full = false
      const refused = yield* Effect.flip(page.store.replace(held, session("user-1", "rotated-again")))
      expect(refused).toBeInstanceOf(MonoCloudStorageError)
      expect(refused).toMatchObject({ _tag: "MonoCloudStorageError", reason: "Changed" })
      expect(yield* stored(shared)).toBe(written)
    })
  )

  it.effect("is written again while nothing else was stored, and gives way to this tab's next sign-in", () =>
    Effect.gen(function* () {
      const shared = new MemoryStorage()
      const page = yield* holdingInMemory(shared)
      page.full = false
      expect(Option.getOrThrow(yield* page.store.get).refreshToken).toBe("rotated")
      expect(JSON.parse((yield* stored(shared))!).session.refreshToken).toBe("rotated")

      const again = yield* holdingInMemory(shared)
      again.full = false
      yield* again.store.set(session("user-2"))
      expect(Option.getOrThrow(yield* again.store.get).user.sub).toBe("user-2")
      expect(JSON.parse((yield* stored(shared))!).session.user.sub).toBe("user-2")
    })
  )

  it.live("watchSession reports another tab's sign-out when the page is shown again, not the held session", () =>
    Effect.gen(function* () {
      const shared = new MemoryStorage()
      const page = yield* holdingInMemory(shared)
      const seen: Array<string | undefined> = []
      yield* Effect.forkChild(
        MonoCloud.watchSession((current) => seen.push(current?.refreshToken)).pipe(
          Effect.provideService(SessionStore.SessionStore, page.store),
          Effect.provide(SessionBroadcast.layerNoop)
        )
      )
      yield* until(() => seen.length === 1)
      expect(seen).toEqual(["rotated"])
      // another tab signs out while this page is in the back/forward cache: no storage event reaches it
      yield* tabOver(shared).store.remove
      page.full = false
      window.dispatchEvent(new Event("pageshow"))
      yield* until(() => seen.length === 2)
      expect(seen).toEqual(["rotated", undefined])
      expect(yield* stored(shared)).toBeNull()
    })
  )
})

/** One tab's broadcast service for the test's scope. */
const broadcastTab = (channelName: string) =>
  Layer.build(SessionBroadcast.layerBrowser(channelName)).pipe(
    Effect.map((context) => Context.get(context, SessionBroadcast.SessionBroadcast))
  )

/** Another tab's raw channel, closed with the test's scope; `heard` lists the types it received. */
const otherTab = (channelName: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const channel = new BroadcastChannel(channelName)
      const heard: Array<string> = []
      channel.onmessage = (message: MessageEvent<{ readonly type: string }>) => heard.push(message.data.type)
      return { channel, heard }
    }),
    ({ channel }) => Effect.sync(() => channel.close())
  )

describe("the session broadcast and the back/forward cache", () => {
  it.live("closes the channel while the page is hidden and opens it again, with its subscribers, when shown", () =>
    Effect.gen(function* () {
      const name = "mc.events.page-lifecycle"
      const page = yield* broadcastTab(name)
      const other = yield* otherTab(name)
      const heard: Array<string> = []
      yield* page.subscribe((event) => heard.push(event.type))
      other.channel.postMessage({ type: "signedIn" })
      yield* until(() => heard.length === 1)

      // Chromium evicts a cached page a message reaches; a page shown again reads the session itself
      window.dispatchEvent(new Event("pagehide"))
      other.channel.postMessage({ type: "signedOut" })
      yield* page.publish({ type: "refreshed" }) // this tab's own subscribers still hear it
      yield* Effect.sleep("50 millis")
      expect(heard).toEqual(["signedIn", "refreshed"])
      expect(other.heard).toEqual([])

      window.dispatchEvent(new Event("pageshow"))
      window.dispatchEvent(new Event("pageshow")) // shown twice: still one channel
      other.channel.postMessage({ type: "userUpdated" })
      yield* page.publish({ type: "signedOut" })
      yield* until(() => heard.length === 4 && other.heard.length === 1)
      yield* Effect.sleep("50 millis")
      expect(heard).toEqual(["signedIn", "refreshed", "signedOut", "userUpdated"])
      expect(other.heard).toEqual(["signedOut"])
    })
  )

  it.effect("stops following the page's pagehide and pageshow once the layer is released", () =>
    Effect.gen(function* () {
      const hides = trackMessageListeners("pagehide")
      const shows = trackMessageListeners("pageshow")
      yield* Effect.scoped(broadcastTab("mc.events.page-lifecycle-release"))
      expect([hides.added(), shows.added()]).toEqual([1, 1])
      expect([hides.active(), shows.active()]).toEqual([0, 0])
    })
  )
})

describe("getTokens after the page slept", () => {
  it.effect("takes the token another tab refreshed meanwhile, and refreshes at once one that expired meanwhile", () =>
    Effect.gen(function* () {
      // the provider's clock follows the TestClock, as the real one follows the wall clock
      let providerNow = 0
      const server = yield* Effect.promise(() =>
        makeScriptedAuthorizationServer({ now: () => providerNow, alg: "ES256" })
      )
      const shared = new MemoryStorage()
      const tab = (name: string) =>
        Layer.build(
          MonoCloud.layerWith(
            {
              tenantDomain: server.issuer,
              clientId: server.clientId,
              appUrl: APP_URL,
              idTokenSigningAlgorithm: server.minter.alg,
              fetchUserinfo: false
            },
            Layer.merge(
              makeTestPlatform(server, {
                url: `${APP_URL}/${name}`,
                silentFrame: authorizeResponder(server, { userInfo: false })
              }).layer,
              SessionStore.layer(shared)
            )
          ).pipe(Layer.orDie)
        ).pipe(
          Effect.map(
            (context) =>
              <A, E>(effect: Effect.Effect<A, E, MonoCloud.MonoCloudServices>) =>
                Effect.provideContext(effect, context)
          )
        )
      /** The page sleeps: the clocks move on, no timer of the SDK is needed to notice. */
      const sleep = (millis: number) =>
        Effect.andThen(
          Effect.sync(() => (providerNow += millis)),
          TestClock.adjust(millis)
        )
      const page = yield* tab("page")
      const awake = yield* tab("awake")
      yield* page(MonoCloud.signInSilent())
      const tokenRequests = () => server.requestsTo("token").length
      const signedInWith = tokenRequests()
      expect((yield* page(MonoCloud.getTokens())).isExpired).toBe(false)

      yield* sleep(2 * 3_600_000)
      server.expect("token", yield* Effect.promise(() => server.tokenReply({ accessToken: "from-the-awake-tab" })))
      expect((yield* awake(MonoCloud.getTokens())).accessToken).toBe("from-the-awake-tab")
      const woken = yield* page(MonoCloud.getTokens())
      expect(woken).toMatchObject({ accessToken: "from-the-awake-tab", isExpired: false })
      expect(tokenRequests()).toBe(signedInWith + 1)

      yield* sleep(2 * 3_600_000)
      server.expect("token", yield* Effect.promise(() => server.tokenReply({ accessToken: "after-the-sleep" })))
      // on the TestClock a call that waited for a timer would never end: this one needs none
      const renewed = yield* page(MonoCloud.getTokens())
      expect(renewed).toMatchObject({ accessToken: "after-the-sleep", isExpired: false })
      expect(server.requestsTo("token").at(-1)?.form?.get("grant_type")).toBe("refresh_token")
      expect(tokenRequests()).toBe(signedInWith + 2)
      server.verify()
    })
  )
})

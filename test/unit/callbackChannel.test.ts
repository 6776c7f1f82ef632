/**
 * Popups the provider's `Cross-Origin-Opener-Policy` cuts off: the callback page announces its
 * result on the `BroadcastChannel` named after the flow's `state`, the waiting window takes it
 * (origin-, state- and redirect-URI-checked, once) and answers with a receipt, and the callback
 * page closes itself on that receipt. A popup that reads as closed before it ever showed another
 * origin is not taken as closed by the user.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/testing/TestClock"
import { CALLBACK_MESSAGE_SOURCE, type CallbackMessage, callbackChannelName } from "../../src/callbackMessage.js"
import * as MonoCloud from "../../src/effect.js"
import { MonoCloudTimeoutError } from "../../src/MonoCloudError.js"
import * as Navigation from "../../src/services/Navigation.js"
import * as PopupWindow from "../../src/services/PopupWindow.js"
import { makeTestPlatform } from "../../src/testing.js"
import { APP_URL, scriptedServer } from "./support/engine.js"
import { stillWaiting } from "./support/windowEvents.js"

const appOrigin = window.location.origin
const redirectUri = `${appOrigin}/callback`
const authorizeUrl = "https://op.example/authorize?client_id=app"

/**
 * A same-process `BroadcastChannel` whose messages carry an origin (Node's carry none): every
 * open channel of the name but the sender hears a message, in a later task.
 */
class FakeChannel {
  static readonly open = new Set<FakeChannel>()
  static readonly sent: Array<{ readonly name: string; readonly data: unknown }> = []
  onmessage: ((event: MessageEvent) => void) | null = null
  constructor(readonly name: string) {
    FakeChannel.open.add(this)
  }
  postMessage(data: unknown, origin = appOrigin) {
    FakeChannel.sent.push({ name: this.name, data })
    for (const other of FakeChannel.open) {
      if (other !== this && other.name === this.name) {
        setTimeout(() => other.onmessage?.(new MessageEvent("message", { data, origin })), 0)
      }
    }
  }
  close() {
    FakeChannel.open.delete(this)
  }
}

/** Waits in real time until `condition` holds: channel messages arrive in later tasks. */
const waitUntil = (condition: () => boolean) =>
  Effect.promise(async () => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1))
    expect(condition()).toBe(true)
  })

/** Lets every message posted so far arrive. */
const settle = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))

/** Another page's end of a channel: what it posts reaches the SDK's channel of that name. */
const otherPage = (name: string) => new FakeChannel(name)

/** A popup the provider's COOP cut off: `closed` reads true from the start and `close()` does nothing. */
const cutOffPopup = () => ({ closed: true, location: { href: "about:blank" }, close: vi.fn() })

const callbackFor = (state: string) => `${redirectUri}?code=good&state=${state}`
const message = (url: string): CallbackMessage => ({ source: CALLBACK_MESSAGE_SOURCE, url })

beforeEach(() => {
  FakeChannel.open.clear()
  FakeChannel.sent.length = 0
  vi.stubGlobal("BroadcastChannel", FakeChannel)
})

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

/** Starts a popup flow for state `s1` on the browser transport and returns its fiber. */
const startPopupFlow = (popup: ReturnType<typeof cutOffPopup>, timeoutMillis = 600_000) =>
  Effect.gen(function* () {
    const transport = yield* PopupWindow.PopupTransport
    const fiber = yield* Effect.forkChild(
      transport.run({
        popup: popup as unknown as Window,
        url: authorizeUrl,
        state: "s1",
        redirectUri,
        appOrigin,
        timeoutMillis
      }),
      { startImmediately: true }
    )
    yield* waitUntil(() => [...FakeChannel.open].some((channel) => channel.name === callbackChannelName("s1")))
    return fiber
  }).pipe(Effect.provide(PopupWindow.layerBrowser))

describe("the callback channel, waiting side", () => {
  it.effect("a cut-off popup still completes: the announced callback is taken and answered with a receipt", () =>
    Effect.gen(function* () {
      const popup = cutOffPopup()
      const fiber = yield* startPopupFlow(popup)
      // closed reads true, yet no PopupClosed: it was never seen on another origin
      yield* TestClock.adjust("1 second")
      yield* stillWaiting(fiber)
      const page = otherPage(callbackChannelName("s1"))
      const receipts: Array<unknown> = []
      page.onmessage = (event) => receipts.push(event.data)
      page.postMessage(message(callbackFor("s1")))
      expect(yield* Fiber.join(fiber)).toBe(callbackFor("s1"))
      yield* waitUntil(() => receipts.length > 0)
      expect(receipts).toEqual([{ source: CALLBACK_MESSAGE_SOURCE, received: true }])
      expect([...FakeChannel.open].map((channel) => channel.name)).toEqual([callbackChannelName("s1")])
    })
  )

  it.effect("ignores announcements with another state, origin, redirect URI or shape, and answers none of them", () =>
    Effect.gen(function* () {
      const fiber = yield* startPopupFlow(cutOffPopup())
      const page = otherPage(callbackChannelName("s1"))
      page.postMessage(message(callbackFor("s2")))
      page.postMessage(message(callbackFor("s1")), "https://evil.example")
      page.postMessage(message(`${appOrigin}/elsewhere?code=good&state=s1`))
      page.postMessage({ source: "someone-else", url: callbackFor("s1") })
      page.postMessage(callbackFor("s1"))
      yield* settle
      yield* stillWaiting(fiber)
      expect(FakeChannel.sent.filter((sent) => (sent.data as { received?: unknown }).received)).toEqual([])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("a cut-off popup nobody answers for times out at authWindowTimeout and closes the channel", () =>
    Effect.gen(function* () {
      const fiber = yield* startPopupFlow(cutOffPopup(), 5_000)
      yield* TestClock.adjust("4999 millis")
      yield* stillWaiting(fiber)
      yield* TestClock.adjust("1 millis")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toBeInstanceOf(MonoCloudTimeoutError)
      expect(error).toMatchObject({ operation: "popup", timeoutMillis: 5_000 })
      expect(FakeChannel.open.size).toBe(0)
    })
  )
})

describe("the callback channel, callback page side", () => {
  it.effect(
    "processCallback announces an unknown callback on its state's channel in a main window and in a popup",
    () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer()
        for (const role of ["top", "popup"] as const) {
          const platform = makeTestPlatform(server, { url: `${APP_URL}/?code=c&state=s9&iss=x` })
          platform.navigation.role = role
          const layer = MonoCloud.layerWith(
            { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL },
            platform.layer
          ).pipe(Layer.orDie)
          yield* Effect.provide(MonoCloud.processCallback, layer)
          expect(platform.navigation.announced).toEqual([
            { state: "s9", message: message(`${APP_URL}/?code=c&state=s9&iss=x`) }
          ])
          // a main window also cleans its address bar; a popup hands the callback to its opener too
          if (role === "top") expect(platform.navigation.currentUrl).toBe(`${APP_URL}/`)
          else expect(platform.navigation.posted).toHaveLength(1)
        }
      })
  )

  it.effect("a page that is no callback announces nothing", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const platform = makeTestPlatform(server, { url: `${APP_URL}/orders?state=s9` })
      const layer = MonoCloud.layerWith(
        { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL },
        platform.layer
      ).pipe(Layer.orDie)
      yield* Effect.provide(MonoCloud.processCallback, layer)
      expect(platform.navigation.announced).toEqual([])
    })
  )

  it.effect("the browser navigation announces on the channel and closes the window on a receipt only", () =>
    Effect.gen(function* () {
      const close = vi.spyOn(window, "close").mockImplementation(() => undefined)
      const navigation = yield* Effect.provide(
        Effect.gen(function* () {
          return yield* Navigation.Navigation
        }),
        Navigation.layerBrowser
      )
      const waiting = otherPage(callbackChannelName("s1"))
      const heard: Array<unknown> = []
      waiting.onmessage = (event) => heard.push(event.data)
      yield* navigation.announceCallback(message(callbackFor("s1")), "s1")
      yield* waitUntil(() => heard.length > 0)
      expect(heard).toEqual([message(callbackFor("s1"))])
      // something that is no receipt does not close the window
      waiting.postMessage({ source: CALLBACK_MESSAGE_SOURCE, received: "yes" })
      yield* settle
      expect(close).not.toHaveBeenCalled()
      waiting.postMessage({ source: CALLBACK_MESSAGE_SOURCE, received: true })
      yield* waitUntil(() => close.mock.calls.length > 0)
      expect([...FakeChannel.open]).toEqual([waiting])
    })
  )
})

import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import { CALLBACK_MESSAGE_SOURCE } from "../../src/callbackMessage.js"
import { MonoCloudJsError, MonoCloudTimeoutError } from "../../src/MonoCloudError.js"
import * as PopupWindow from "../../src/services/PopupWindow.js"
import { stillWaiting, trackMessageListeners, waitUntil } from "./support/windowEvents.js"

const appOrigin = window.location.origin
const redirectUri = `${appOrigin}/callback`
const callbackUrl = `${redirectUri}?code=good&state=s1`
const authorizeUrl = "https://op.example/authorize?client_id=app"

/** A stand-in for the window `window.open` returns: same-origin `about:blank` until navigated. */
const fakePopup = () => {
  const popup = {
    closed: false,
    location: { href: "about:blank" },
    close: vi.fn(() => {
      popup.closed = true
    })
  }
  return popup
}

/** The popup now shows the provider's page: reading its location throws, as across origins. */
const showProviderPage = (popup: ReturnType<typeof fakePopup>) =>
  Object.defineProperty(popup, "location", {
    get: () => {
      throw new DOMException("Blocked a frame from accessing a cross-origin frame", "SecurityError")
    }
  })

/** Starts a popup flow and returns it once the popup has been sent to the authorize URL. */
const start = (popup: ReturnType<typeof fakePopup>, timeoutMillis = 600_000) =>
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
      })
    )
    yield* waitUntil(() => popup.location.href === authorizeUrl)
    return fiber
  })

const post = (source: unknown, origin: string, data: unknown) =>
  window.dispatchEvent(new MessageEvent("message", { origin, source: source as MessageEventSource, data }))

const provideBrowser = Effect.provide(PopupWindow.layerBrowser)

afterEach(() => {
  vi.restoreAllMocks()
})

describe("PopupTransport.layerBrowser", () => {
  it.effect("a blocked popup (null) fails with PopupBlocked", () =>
    Effect.gen(function* () {
      const transport = yield* PopupWindow.PopupTransport
      const error = yield* Effect.flip(
        transport.run({ popup: null, url: authorizeUrl, state: "s1", redirectUri, appOrigin, timeoutMillis: 1_000 })
      )
      expect(error).toBeInstanceOf(MonoCloudJsError)
      expect(error).toMatchObject({ reason: "PopupBlocked", message: "Could not open popup" })
    }).pipe(provideBrowser)
  )

  it.effect("resolves with the URL the popup posts from the app origin, then closes it and removes the listener", () =>
    Effect.gen(function* () {
      const listeners = trackMessageListeners()
      const popup = fakePopup()
      const fiber = yield* start(popup)
      expect(popup.closed).toBe(false)
      post(popup, appOrigin, { source: CALLBACK_MESSAGE_SOURCE, url: callbackUrl })
      expect(yield* Fiber.join(fiber)).toBe(callbackUrl)
      expect(popup.close).toHaveBeenCalled()
      expect(listeners.added()).toBe(1)
      expect(listeners.active()).toBe(0)
    }).pipe(provideBrowser)
  )

  it.effect("ignores a forged message from another origin or another window", () =>
    Effect.gen(function* () {
      const popup = fakePopup()
      const fiber = yield* start(popup)
      post(popup, "https://evil.example", { source: CALLBACK_MESSAGE_SOURCE, url: `${redirectUri}?code=forged` })
      post(window, appOrigin, { source: CALLBACK_MESSAGE_SOURCE, url: `${redirectUri}?code=self` })
      post(popup, appOrigin, { source: CALLBACK_MESSAGE_SOURCE, url: `${appOrigin}/elsewhere?code=x` })
      yield* stillWaiting(fiber)
      post(popup, appOrigin, { source: CALLBACK_MESSAGE_SOURCE, url: callbackUrl })
      expect(yield* Fiber.join(fiber)).toBe(callbackUrl)
    }).pipe(provideBrowser)
  )

  it.effect("resolves by polling once the popup is back on the redirect URI with a response", () =>
    Effect.gen(function* () {
      const popup = fakePopup()
      const fiber = yield* start(popup)
      yield* TestClock.adjust("100 millis")
      yield* stillWaiting(fiber)
      popup.location.href = callbackUrl
      yield* TestClock.adjust("100 millis")
      expect(yield* Fiber.join(fiber)).toBe(callbackUrl)
      expect(popup.closed).toBe(true)
    }).pipe(provideBrowser)
  )

  it.effect(
    "fails with PopupClosed when the user closes the popup on the provider's page, and removes the listener",
    () =>
      Effect.gen(function* () {
        const listeners = trackMessageListeners()
        const popup = fakePopup()
        const fiber = yield* start(popup)
        showProviderPage(popup)
        // seen on the provider's origin for a second: the provider does not cut popups off
        yield* TestClock.adjust("1100 millis")
        yield* stillWaiting(fiber)
        popup.closed = true
        yield* TestClock.adjust("100 millis")
        const error = yield* Effect.flip(Fiber.join(fiber))
        expect(error).toBeInstanceOf(MonoCloudJsError)
        expect(error).toMatchObject({ reason: "PopupClosed", message: "Window closed by user" })
        expect(listeners.active()).toBe(0)
      }).pipe(provideBrowser)
  )

  it.effect("a popup seen on another origin only for a moment before it reads closed is not taken as closed", () =>
    Effect.gen(function* () {
      const popup = fakePopup()
      const fiber = yield* start(popup)
      // how a popup the provider's opener policy cuts off may look for a poll or two
      showProviderPage(popup)
      yield* TestClock.adjust("300 millis")
      popup.closed = true
      yield* TestClock.adjust("10 seconds")
      yield* stillWaiting(fiber)
      yield* Fiber.interrupt(fiber)
    }).pipe(provideBrowser)
  )

  it.effect("times out with MonoCloudTimeoutError and closes the popup", () =>
    Effect.gen(function* () {
      const listeners = trackMessageListeners()
      const popup = fakePopup()
      const fiber = yield* start(popup, 5_000)
      yield* TestClock.adjust("4999 millis")
      yield* stillWaiting(fiber)
      yield* TestClock.adjust("1 millis")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toBeInstanceOf(MonoCloudTimeoutError)
      expect(error).toMatchObject({ operation: "popup", timeoutMillis: 5_000 })
      expect(popup.close).toHaveBeenCalled()
      expect(listeners.active()).toBe(0)
    }).pipe(provideBrowser)
  )

  it.effect("closes the popup and removes the listener when interrupted", () =>
    Effect.gen(function* () {
      const listeners = trackMessageListeners()
      const popup = fakePopup()
      const fiber = yield* start(popup)
      yield* Fiber.interrupt(fiber)
      expect(popup.close).toHaveBeenCalled()
      expect(listeners.active()).toBe(0)
    }).pipe(provideBrowser)
  )
})

describe("PopupTransport.layerTest", () => {
  it.effect("answers through the scripted responder with the popup URL", () =>
    Effect.gen(function* () {
      const transport = yield* PopupWindow.PopupTransport
      const result = yield* transport.run({
        popup: null,
        url: authorizeUrl,
        state: "s1",
        redirectUri,
        appOrigin,
        timeoutMillis: 1
      })
      expect(result).toBe(`answer for ${authorizeUrl}`)
    }).pipe(Effect.provide(PopupWindow.layerTest((url) => Effect.succeed(`answer for ${url}`))))
  )
})

describe("openPopupWindow", () => {
  it("opens a blank popup named mc.popup, centred on the current window", () => {
    const popup = fakePopup()
    const open = vi.spyOn(window, "open").mockReturnValue(popup as unknown as Window)
    vi.spyOn(window, "innerWidth", "get").mockReturnValue(1000)
    vi.spyOn(window, "innerHeight", "get").mockReturnValue(800)
    vi.spyOn(window, "screenLeft", "get").mockReturnValue(100)
    vi.spyOn(window, "screenTop", "get").mockReturnValue(50)
    expect(PopupWindow.openPopupWindow({ width: 400, height: 600 })).toBe(popup)
    expect(open).toHaveBeenCalledWith("about:blank", "mc.popup", "width=400,height=600,top=150,left=400")
  })

  it("never exceeds the current window and never goes off the left or top edge", () => {
    const open = vi.spyOn(window, "open").mockReturnValue(null)
    vi.spyOn(window, "innerWidth", "get").mockReturnValue(300)
    vi.spyOn(window, "innerHeight", "get").mockReturnValue(200)
    vi.spyOn(window, "screenLeft", "get").mockReturnValue(-500)
    vi.spyOn(window, "screenTop", "get").mockReturnValue(0)
    expect(PopupWindow.openPopupWindow({ width: 400, height: 600 })).toBeNull()
    expect(open).toHaveBeenCalledWith("about:blank", "mc.popup", "width=300,height=200,top=0,left=0")
  })
})

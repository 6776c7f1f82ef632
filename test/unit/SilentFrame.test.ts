import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import { CALLBACK_MESSAGE_SOURCE } from "../../src/callbackMessage.js"
import { MonoCloudJsError, MonoCloudTimeoutError } from "../../src/MonoCloudError.js"
import { isExpectedCallback } from "../../src/services/callbackWindow.js"
import * as SilentFrame from "../../src/services/SilentFrame.js"
import { stillWaiting, trackMessageListeners, waitUntil } from "./support/windowEvents.js"

const appOrigin = window.location.origin
const redirectUri = `${appOrigin}/callback`
const callbackUrl = `${redirectUri}?code=good&state=s1`
// happy-dom loads about: URLs without any network access.
const authorizeUrl = "about:blank#authorize"
const params = { authorizeUrl, state: "s1", redirectUri, appOrigin, timeoutMillis: 10_000 }

const frames = () => document.body.querySelectorAll("iframe")

/** Starts a silent sign-in and returns it with its frame once the frame has been sent to the authorize URL. */
const start = (overrides: Partial<typeof params> = {}) =>
  Effect.gen(function* () {
    const silentFrame = yield* SilentFrame.SilentFrame
    const fiber = yield* Effect.forkChild(silentFrame.run({ ...params, ...overrides }))
    yield* waitUntil(() => frames()[0]?.getAttribute("src") === (overrides.authorizeUrl ?? authorizeUrl))
    const frame = frames()[0]!
    return { fiber, frame, frameWindow: frame.contentWindow! }
  })

const post = (init: MessageEventInit) => window.dispatchEvent(new MessageEvent("message", init))
const callbackMessage = (url: string) => ({ source: CALLBACK_MESSAGE_SOURCE, url })

const provideBrowser = Effect.provide(SilentFrame.layerBrowser)

afterEach(() => {
  vi.restoreAllMocks()
  frames().forEach((frame) => frame.remove())
})

describe("SilentFrame.layerBrowser", () => {
  it.effect("builds a hidden zero-size frame in document.body pointed at the authorize URL", () =>
    Effect.gen(function* () {
      const { fiber, frame } = yield* start()
      expect(frames()).toHaveLength(1)
      expect(frame.parentElement).toBe(document.body)
      expect(frame.getAttribute("width")).toBe("0")
      expect(frame.getAttribute("height")).toBe("0")
      expect(frame.style.display).toBe("none")
      expect(frame.getAttribute("aria-hidden")).toBe("true")
      yield* Fiber.interrupt(fiber)
    }).pipe(provideBrowser)
  )

  it.effect(
    "resolves with the URL posted by the frame's window from the app origin, then removes frame and listener",
    () =>
      Effect.gen(function* () {
        const listeners = trackMessageListeners()
        const { fiber, frameWindow } = yield* start()
        expect(listeners.active()).toBe(1)
        post({ origin: appOrigin, source: frameWindow, data: callbackMessage(callbackUrl) })
        expect(yield* Fiber.join(fiber)).toBe(callbackUrl)
        expect(frames()).toHaveLength(0)
        expect(listeners.active()).toBe(0)
      }).pipe(provideBrowser)
  )

  it.effect("ignores a message from another origin", () =>
    Effect.gen(function* () {
      const { fiber, frameWindow } = yield* start()
      post({ origin: "https://evil.example", source: frameWindow, data: callbackMessage(`${redirectUri}?code=forged`) })
      yield* stillWaiting(fiber)
      post({ origin: appOrigin, source: frameWindow, data: callbackMessage(callbackUrl) })
      expect(yield* Fiber.join(fiber)).toBe(callbackUrl)
    }).pipe(provideBrowser)
  )

  it.effect("ignores a message from another window", () =>
    Effect.gen(function* () {
      const { fiber, frameWindow } = yield* start()
      const other = document.createElement("iframe")
      document.body.appendChild(other)
      post({ origin: appOrigin, source: window, data: callbackMessage(`${redirectUri}?code=parent`) })
      post({ origin: appOrigin, source: other.contentWindow, data: callbackMessage(`${redirectUri}?code=sibling`) })
      post({ origin: appOrigin, source: null, data: callbackMessage(`${redirectUri}?code=nosource`) })
      yield* stillWaiting(fiber)
      post({ origin: appOrigin, source: frameWindow, data: callbackMessage(callbackUrl) })
      expect(yield* Fiber.join(fiber)).toBe(callbackUrl)
    }).pipe(provideBrowser)
  )

  it.effect("a frame detached by someone else matches no message (not even one without a source)", () =>
    Effect.gen(function* () {
      const { fiber, frame } = yield* start()
      frame.remove()
      expect(frame.contentWindow).toBeNull()
      post({ origin: appOrigin, source: null, data: callbackMessage(callbackUrl) })
      yield* stillWaiting(fiber)
      yield* Fiber.interrupt(fiber)
    }).pipe(provideBrowser)
  )

  it.effect("ignores malformed data and URLs that are not the redirect URI", () =>
    Effect.gen(function* () {
      const { fiber, frameWindow } = yield* start()
      const malformed: ReadonlyArray<unknown> = [
        callbackUrl,
        null,
        { url: callbackUrl },
        { source: "another-sdk", url: callbackUrl },
        { source: CALLBACK_MESSAGE_SOURCE },
        { source: CALLBACK_MESSAGE_SOURCE, url: "" },
        { source: CALLBACK_MESSAGE_SOURCE, url: 42 },
        callbackMessage(`${appOrigin}/elsewhere?code=x`),
        callbackMessage(`https://evil.example/callback?code=x`),
        callbackMessage("not a url")
      ]
      for (const data of malformed) post({ origin: appOrigin, source: frameWindow, data })
      yield* stillWaiting(fiber)
      post({ origin: appOrigin, source: frameWindow, data: callbackMessage(callbackUrl) })
      expect(yield* Fiber.join(fiber)).toBe(callbackUrl)
    }).pipe(provideBrowser)
  )

  it.effect("resolves by polling once the frame is back on the redirect URI with a response", () =>
    Effect.gen(function* () {
      const listeners = trackMessageListeners()
      const { fiber, frameWindow } = yield* start()
      let href: string | undefined
      // While the frame is on the authorization server, reading its location throws.
      Object.defineProperty(frameWindow, "location", {
        configurable: true,
        get: () => {
          if (href === undefined)
            throw new DOMException("Blocked a frame from accessing a cross-origin frame", "SecurityError")
          return { href }
        }
      })
      yield* TestClock.adjust("50 millis")
      yield* stillWaiting(fiber)
      href = `${appOrigin}/elsewhere?code=x`
      yield* TestClock.adjust("50 millis")
      yield* stillWaiting(fiber)
      href = `${redirectUri}/`
      yield* TestClock.adjust("50 millis")
      yield* stillWaiting(fiber)
      href = `${redirectUri}/#code=fragment&state=s1`
      yield* TestClock.adjust("50 millis")
      expect(yield* Fiber.join(fiber)).toBe(href)
      expect(frames()).toHaveLength(0)
      expect(listeners.active()).toBe(0)
    }).pipe(provideBrowser)
  )

  it.effect("times out with MonoCloudTimeoutError and leaves no frame and no listener", () =>
    Effect.gen(function* () {
      const listeners = trackMessageListeners()
      const { fiber } = yield* start({ timeoutMillis: 3_000 })
      yield* TestClock.adjust("2999 millis")
      yield* stillWaiting(fiber)
      yield* TestClock.adjust("1 millis")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toBeInstanceOf(MonoCloudTimeoutError)
      expect(error).toMatchObject({ operation: "iframe", timeoutMillis: 3_000 })
      expect(frames()).toHaveLength(0)
      expect(listeners.added()).toBe(1)
      expect(listeners.active()).toBe(0)
    }).pipe(provideBrowser)
  )

  it.effect("removes the frame and the listener when interrupted", () =>
    Effect.gen(function* () {
      const listeners = trackMessageListeners()
      const { fiber } = yield* start()
      expect(frames()).toHaveLength(1)
      yield* Fiber.interrupt(fiber)
      expect(frames()).toHaveLength(0)
      expect(listeners.added()).toBe(1)
      expect(listeners.active()).toBe(0)
    }).pipe(provideBrowser)
  )

  it.effect("refuses in a cross-origin-isolated page without creating a frame", () =>
    Effect.gen(function* () {
      vi.spyOn(document.body, "appendChild")
      Object.defineProperty(window, "crossOriginIsolated", { configurable: true, value: true })
      const silentFrame = yield* SilentFrame.SilentFrame
      const error = yield* Effect.flip(silentFrame.run(params)).pipe(
        Effect.ensuring(Effect.sync(() => Reflect.deleteProperty(window, "crossOriginIsolated")))
      )
      expect(error).toBeInstanceOf(MonoCloudJsError)
      expect(error).toMatchObject({
        reason: "CrossOriginIsolated",
        message: "Cannot create iframe in a cross-origin-isolated context"
      })
      expect(document.body.appendChild).not.toHaveBeenCalled()
    }).pipe(provideBrowser)
  )
})

describe("SilentFrame.layerTest", () => {
  it.effect("answers through the scripted responder with the authorize URL", () =>
    Effect.gen(function* () {
      const silentFrame = yield* SilentFrame.SilentFrame
      expect(yield* silentFrame.run(params)).toBe(`answer for ${authorizeUrl}`)
    }).pipe(Effect.provide(SilentFrame.layerTest((url) => Effect.succeed(`answer for ${url}`))))
  )
})

describe("isExpectedCallback", () => {
  it("compares origin and path, ignoring one trailing slash, the query and the fragment", () => {
    expect(isExpectedCallback(`${redirectUri}?code=1`, redirectUri)).toBe(true)
    expect(isExpectedCallback(`${redirectUri}/#code=1`, redirectUri)).toBe(true)
    expect(isExpectedCallback(`${redirectUri}?code=1`, `${redirectUri}/`)).toBe(true)
    expect(isExpectedCallback(`${redirectUri}/more?code=1`, redirectUri)).toBe(false)
    expect(isExpectedCallback("https://evil.example/callback?code=1", redirectUri)).toBe(false)
    expect(isExpectedCallback("not a url", redirectUri)).toBe(false)
    expect(isExpectedCallback(redirectUri, "not a url")).toBe(false)
  })
})

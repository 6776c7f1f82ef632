import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { MonoCloudJsError } from "../../src/MonoCloudError.js"
import * as Navigation from "../../src/services/Navigation.js"

const startUrl = window.location.href

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
  window.history.replaceState(null, "", startUrl)
})

describe("Navigation.makeTestNavigation", () => {
  it.effect("records assigned URLs without moving, and replaceUrl updates the current URL", () => {
    const { handle, layer } = Navigation.makeTestNavigation("https://app.example/callback?code=1&state=2")
    return Effect.gen(function* () {
      const navigation = yield* Navigation.Navigation
      expect(yield* navigation.currentUrl).toBe("https://app.example/callback?code=1&state=2")
      yield* navigation.assign("https://op.example/authorize?a=1")
      yield* navigation.assign("https://op.example/authorize?a=2")
      expect(handle.assigned).toEqual(["https://op.example/authorize?a=1", "https://op.example/authorize?a=2"])
      expect(yield* navigation.currentUrl).toBe("https://app.example/callback?code=1&state=2")
      yield* navigation.replaceUrl("/callback")
      expect(handle.currentUrl).toBe("https://app.example/callback")
      expect(yield* navigation.currentUrl).toBe("https://app.example/callback")
    }).pipe(Effect.provide(layer))
  })

  it.effect("reports the configured role, and posts to an owner only outside the main window", () => {
    const { handle, layer } = Navigation.makeTestNavigation("https://app.example/")
    return Effect.gen(function* () {
      const navigation = yield* Navigation.Navigation
      expect(yield* navigation.windowRole).toBe("top")
      expect(yield* navigation.postToOwner({ n: 1 }, "https://app.example")).toBe(false)
      expect(handle.posted).toEqual([])
      handle.role = "popup"
      expect(yield* navigation.windowRole).toBe("popup")
      expect(yield* navigation.postToOwner({ n: 2 }, "https://app.example")).toBe(true)
      handle.role = "iframe"
      expect(yield* navigation.postToOwner({ n: 3 }, "https://app.example")).toBe(true)
      expect(handle.posted).toEqual([
        { message: { n: 2 }, targetOrigin: "https://app.example" },
        { message: { n: 3 }, targetOrigin: "https://app.example" }
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("layerTest starts at the given URL", () =>
    Effect.gen(function* () {
      const navigation = yield* Navigation.Navigation
      expect(yield* navigation.currentUrl).toBe("https://app.example/start")
    }).pipe(Effect.provide(Navigation.layerTest("https://app.example/start")))
  )
})

describe("Navigation.layerBrowser", () => {
  const provide = Effect.provide(Navigation.layerBrowser)

  it.effect("reads the URL and replaces it in the address bar, keeping the history state", () =>
    Effect.gen(function* () {
      const navigation = yield* Navigation.Navigation
      window.history.replaceState({ kept: true }, "", "/callback?code=1&state=2#x")
      expect(yield* navigation.currentUrl).toBe(`${window.location.origin}/callback?code=1&state=2#x`)
      yield* navigation.replaceUrl("/callback")
      expect(window.location.href).toBe(`${window.location.origin}/callback`)
      expect(window.history.state).toEqual({ kept: true })
    }).pipe(provide)
  )

  it.effect("assign navigates the whole page", () =>
    Effect.gen(function* () {
      const assign = vi.spyOn(window.location, "assign").mockImplementation(() => undefined)
      const navigation = yield* Navigation.Navigation
      yield* navigation.assign("https://op.example/authorize")
      expect(assign).toHaveBeenCalledWith("https://op.example/authorize")
    }).pipe(provide)
  )

  it.effect("detects the main window, a popup and an iframe", () =>
    Effect.gen(function* () {
      const navigation = yield* Navigation.Navigation
      expect(yield* navigation.windowRole).toBe("top")
      vi.spyOn(window, "opener", "get").mockReturnValue({})
      expect(yield* navigation.windowRole).toBe("popup")
      vi.stubGlobal("top", {})
      expect(yield* navigation.windowRole).toBe("iframe")
    }).pipe(provide)
  )

  it.effect("a window property that throws counts as false", () =>
    Effect.gen(function* () {
      const navigation = yield* Navigation.Navigation
      vi.spyOn(window, "opener", "get").mockImplementation(() => {
        throw new DOMException("Blocked", "SecurityError")
      })
      expect(yield* navigation.windowRole).toBe("top")
    }).pipe(provide)
  )

  it.effect("posts to the opener with exactly the given target origin, or reports that there is no owner", () =>
    Effect.gen(function* () {
      const navigation = yield* Navigation.Navigation
      expect(yield* navigation.postToOwner({ n: 1 }, window.location.origin)).toBe(false)
      const opener = { postMessage: vi.fn() }
      vi.spyOn(window, "opener", "get").mockReturnValue(opener)
      expect(yield* navigation.postToOwner({ n: 2 }, window.location.origin)).toBe(true)
      expect(opener.postMessage).toHaveBeenCalledWith({ n: 2 }, window.location.origin)
    }).pipe(provide)
  )

  it.effect("posts to the parent when framed", () =>
    Effect.gen(function* () {
      const navigation = yield* Navigation.Navigation
      const parent = { postMessage: vi.fn() }
      vi.stubGlobal("parent", parent)
      expect(yield* navigation.postToOwner({ n: 1 }, "https://app.example")).toBe(true)
      expect(parent.postMessage).toHaveBeenCalledWith({ n: 1 }, "https://app.example")
    }).pipe(provide)
  )

  it.effect("without a window, URL reads and navigation fail with NoBrowser and the rest acts as a main window", () =>
    Effect.gen(function* () {
      const navigation = yield* Navigation.Navigation
      vi.stubGlobal("window", undefined)
      const urlError = yield* Effect.flip(navigation.currentUrl)
      const assignError = yield* Effect.flip(navigation.assign("https://op.example/"))
      expect(urlError).toBeInstanceOf(MonoCloudJsError)
      expect(urlError.reason).toBe("NoBrowser")
      expect(assignError.reason).toBe("NoBrowser")
      yield* navigation.replaceUrl("/ignored")
      expect(yield* navigation.windowRole).toBe("top")
      expect(yield* navigation.postToOwner({}, "https://app.example")).toBe(false)
    }).pipe(provide)
  )
})

import { describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/testing/TestClock"
import * as MonoCloud from "../../src/effect.js"
import { makeTestClient, makeTestPlatform } from "../../src/testing.js"
import { APP_URL, clientOptions, makeServer } from "./support/engine.js"

const setUp = (metadata?: Record<string, unknown>) =>
  Effect.promise(async () => {
    const server = await makeServer(metadata === undefined ? {} : { metadata })
    const test = makeTestPlatform(server)
    const layer = Layer.orDie(MonoCloud.layerWith(clientOptions(server), test.layer))
    return { server, navigation: test.navigation, layer }
  })

describe("flow edges", () => {
  it.effect("a redirect callback that comes back after more than an hour is refused and cleaned from the URL", () =>
    Effect.gen(function* () {
      const { layer, navigation } = yield* setUp()
      yield* Effect.gen(function* () {
        yield* MonoCloud.signIn()
        const state = new URL(navigation.assigned[0]!).searchParams.get("state")
        yield* TestClock.adjust("61 minutes")
        navigation.currentUrl = `${APP_URL}/?code=late&state=${state}`
        const error = yield* Effect.flip(MonoCloud.processCallback)
        expect(error._tag).toBe("MonoCloudValidationError")
        expect(error._tag === "MonoCloudValidationError" && error.reason).toBe("state")
        expect(navigation.currentUrl).toBe(`${APP_URL}/`)
      }).pipe(Effect.provide(layer))
    })
  )

  it.effect("a popup flow that fails before the popup transport takes over closes the popup", () =>
    Effect.gen(function* () {
      const { layer } = yield* setUp({ issuer: "https://someone-else.example" })
      const popup = { close: vi.fn() } as unknown as Window
      const signInError = yield* Effect.flip(MonoCloud.signIn({ mode: "popup", popup }).pipe(Effect.provide(layer)))
      expect(signInError._tag).toBe("MonoCloudValidationError")
      const signOutError = yield* Effect.flip(MonoCloud.signOut({ mode: "popup", popup }).pipe(Effect.provide(layer)))
      expect(signOutError._tag).toBe("MonoCloudValidationError")
      expect(popup.close).toHaveBeenCalledTimes(2)
    })
  )
})

describe("popups opened by the promise client", () => {
  it("are closed when the flow rejects, also when invalid options stop it before it starts", async () => {
    const server = await makeServer()
    const first = { close: vi.fn() } as unknown as Window
    const second = { close: vi.fn() } as unknown as Window
    const open = vi.spyOn(window, "open").mockReturnValueOnce(first).mockReturnValueOnce(second)
    const broken = makeTestClient(
      { tenantDomain: "http://plain-http.example", clientId: "c" },
      makeTestPlatform(server).layer
    )
    expect(await broken.signIn({ mode: "popup" }).catch((error: { reason?: string }) => error.reason)).toBe("options")
    const client = makeTestClient(clientOptions(server), makeTestPlatform(server).layer)
    const refused = await client
      .signOut({ mode: "popup", returnUrl: "https://elsewhere.example/" })
      .catch((error: { reason?: string }) => error.reason)
    expect(refused).toBe("returnUrl")
    expect(open).toHaveBeenCalledTimes(2)
    expect(first.close).toHaveBeenCalled()
    expect(second.close).toHaveBeenCalled()
    open.mockRestore()
  })
})

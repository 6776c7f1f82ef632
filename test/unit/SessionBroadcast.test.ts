import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as SessionBroadcast from "../../src/services/SessionBroadcast.js"

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

/** Builds one tab's broadcast service for the test's scope. */
const tab = (channelName: string) =>
  Layer.build(SessionBroadcast.layerBrowser(channelName)).pipe(
    Effect.map((context) => Context.get(context, SessionBroadcast.SessionBroadcast))
  )

/** Collects the first `n` events of a stream in a background fiber, subscribed once this returns. */
const firstEvents = (service: SessionBroadcast.SessionBroadcastService, n: number, within: Duration.DurationInput = "2 seconds") =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Stream.runCollect(Stream.take(service.events, n)))
    yield* Effect.sleep("20 millis")
    return Fiber.join(fiber).pipe(Effect.map(Chunk.toReadonlyArray), Effect.timeout(within))
  })

describe("SessionBroadcast.layerBrowser", () => {
  it.scopedLive("delivers a tab's events to the other tabs on the channel and to its own subscribers, once each", () =>
    Effect.gen(function*() {
      const first = yield* tab("mc.events.app")
      const second = yield* tab("mc.events.app")
      const elsewhere = yield* tab("mc.events.other-app")
      const inFirst = yield* firstEvents(first, 3)
      const inSecond = yield* firstEvents(second, 3)
      const inElsewhere = yield* firstEvents(elsewhere, 1, "200 millis")
      const extra = yield* firstEvents(first, 4, "200 millis")
      yield* first.publish({ type: "signedIn" })
      yield* first.publish({ type: "refreshed" })
      yield* second.publish({ type: "signedOut" })
      const types = (events: ReadonlyArray<{ readonly type: string }>) => events.map((event) => event.type).sort()
      expect(types(yield* inFirst)).toEqual(["refreshed", "signedIn", "signedOut"])
      expect(types(yield* inSecond)).toEqual(["refreshed", "signedIn", "signedOut"])
      expect(yield* Effect.flip(extra)).toMatchObject({ _tag: "TimeoutException" })
      expect(yield* Effect.flip(inElsewhere)).toMatchObject({ _tag: "TimeoutException" })
    }))

  it.scopedLive("ignores messages that are not session events and sends only the type", () =>
    Effect.gen(function*() {
      const listener = yield* tab("mc.events.app")
      const received = yield* firstEvents(listener, 1)
      const foreign = new BroadcastChannel("mc.events.app")
      yield* Effect.addFinalizer(() => Effect.sync(() => foreign.close()))
      foreign.postMessage("signedIn")
      foreign.postMessage({ type: "hijacked" })
      foreign.postMessage({ type: "userUpdated", extra: "dropped" })
      expect(yield* received).toEqual([{ type: "userUpdated" }])
    }))

  it.effect("closes its channel when the layer is released", () =>
    Effect.gen(function*() {
      const close = vi.spyOn(BroadcastChannel.prototype, "close")
      yield* Effect.scoped(tab("mc.events.app"))
      expect(close).toHaveBeenCalledTimes(1)
    }))

  it.scoped("without BroadcastChannel, publishes nothing and hears nothing", () =>
    Effect.gen(function*() {
      vi.stubGlobal("BroadcastChannel", undefined)
      const service = yield* tab("mc.events.app")
      yield* service.publish({ type: "signedOut" })
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(service.events))).toEqual([])
    }))
})

describe("SessionBroadcast.layerNoop", () => {
  it.effect("publishes nothing and hears nothing", () =>
    Effect.gen(function*() {
      const service = yield* SessionBroadcast.SessionBroadcast
      yield* service.publish({ type: "signedIn" })
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(service.events))).toEqual([])
    }).pipe(Effect.provide(SessionBroadcast.layerNoop)))
})

import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Deferred from "effect/Deferred"
import * as Layer from "effect/Layer"
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

/** Subscribes for the test's scope and returns the wait for the first `n` events. */
const firstEvents = (
  service: SessionBroadcast.SessionBroadcastService,
  n: number,
  within: Duration.Input = "2 seconds"
) =>
  Effect.gen(function* () {
    const events: Array<SessionBroadcast.SessionEvent> = []
    const done = yield* Deferred.make<ReadonlyArray<SessionBroadcast.SessionEvent>>()
    yield* service.subscribe((event) => {
      events.push(event)
      if (events.length === n) Deferred.doneUnsafe(done, Effect.succeed([...events]))
    })
    return Deferred.await(done).pipe(Effect.timeout(within))
  })

/** Every event a subscriber hears while `publish` runs. */
const heardWhile = (service: SessionBroadcast.SessionBroadcastService, publish: Effect.Effect<void>) =>
  Effect.gen(function* () {
    const events: Array<SessionBroadcast.SessionEvent> = []
    yield* service.subscribe((event) => events.push(event))
    yield* publish
    yield* Effect.sleep("50 millis")
    return events
  }).pipe(Effect.scoped)

describe("SessionBroadcast.layerBrowser", () => {
  it.live("delivers a tab's events to the other tabs on the channel and to its own subscribers, once each", () =>
    Effect.gen(function* () {
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
      expect(yield* Effect.flip(extra)).toMatchObject({ _tag: "TimeoutError" })
      expect(yield* Effect.flip(inElsewhere)).toMatchObject({ _tag: "TimeoutError" })
    })
  )

  it.live("ignores messages that are not session events and sends only the type", () =>
    Effect.gen(function* () {
      const listener = yield* tab("mc.events.app")
      const received = yield* firstEvents(listener, 1)
      const foreign = new BroadcastChannel("mc.events.app")
      yield* Effect.addFinalizer(() => Effect.sync(() => foreign.close()))
      foreign.postMessage("signedIn")
      foreign.postMessage({ type: "hijacked" })
      foreign.postMessage({ type: "userUpdated", extra: "dropped" })
      expect(yield* received).toEqual([{ type: "userUpdated" }])
    })
  )

  it.effect("closes its channel when the layer is released", () =>
    Effect.gen(function* () {
      const close = vi.spyOn(BroadcastChannel.prototype, "close")
      yield* Effect.scoped(tab("mc.events.app"))
      expect(close).toHaveBeenCalledTimes(1)
    })
  )

  it.live("without BroadcastChannel, publishes nothing and hears nothing", () =>
    Effect.gen(function* () {
      vi.stubGlobal("BroadcastChannel", undefined)
      const service = yield* tab("mc.events.app")
      expect(yield* heardWhile(service, service.publish({ type: "signedOut" }))).toEqual([])
    })
  )
})

describe("SessionBroadcast.layerNoop", () => {
  it.live("publishes nothing and hears nothing", () =>
    Effect.gen(function* () {
      const service = yield* SessionBroadcast.SessionBroadcast
      expect(yield* heardWhile(service, service.publish({ type: "signedIn" }))).toEqual([])
    }).pipe(Effect.provide(SessionBroadcast.layerNoop))
  )
})

import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as MonoCloud from "../../src/effect.js"
import { MemoryStorage } from "../../src/storage.js"

describe("sessionChanges", () => {
  it.effect("emits the current session, then re-reads it on every event from another tab", () =>
    Effect.gen(function*() {
      const storage = new MemoryStorage()
      const broadcast = Layer.succeed(MonoCloud.SessionBroadcast.SessionBroadcast, {
        publish: () => Effect.void,
        events: Stream.fromIterable([{ type: "signedIn" as const }, { type: "signedOut" as const }]).pipe(
          Stream.tap((event) =>
            Effect.promise(() =>
              event.type === "signedIn"
                ? storage.setItem("mc.session.c", JSON.stringify({ version: 1, session: { user: { sub: "u" } } }))
                : storage.removeItem("mc.session.c")
            )
          )
        )
      })
      const layer = MonoCloud.layerWith(
        { tenantDomain: "https://op.example.test", clientId: "c", appUrl: "http://localhost:3000" },
        { sessionStore: MonoCloud.SessionStore.layer(storage), broadcast }
      )
      const seen = yield* Stream.runCollect(MonoCloud.sessionChanges).pipe(Effect.provide(Layer.orDie(layer)))
      expect(Chunk.toReadonlyArray(seen).map((session) => session?.user.sub)).toEqual([undefined, "u", undefined])
    }))
})

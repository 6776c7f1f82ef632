import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as MonoCloud from "../../src/effect.js"
import { MemoryStorage } from "../../src/storage.js"

describe("sessionChanges", () => {
  it.live("emits the current session, then re-reads it on every event from another tab", () =>
    Effect.gen(function* () {
      const storage = new MemoryStorage()
      const broadcast = Layer.succeed(MonoCloud.SessionBroadcast.SessionBroadcast, {
        publish: () => Effect.void,
        // Another tab signs in, then out, once this tab listens.
        subscribe: (listener) =>
          Effect.sync(
            () =>
              void setTimeout(async () => {
                await storage.setItem("mc.session.c", JSON.stringify({ version: 1, session: { user: { sub: "u" } } }))
                listener({ type: "signedIn" })
                await new Promise((resolve) => setTimeout(resolve, 10))
                await storage.removeItem("mc.session.c")
                listener({ type: "signedOut" })
              }, 10)
          )
      })
      const layer = MonoCloud.layerWith(
        { tenantDomain: "https://op.example.test", clientId: "c", appUrl: "http://localhost:3000" },
        Layer.mergeAll(MonoCloud.layerBrowser(), MonoCloud.SessionStore.layer(storage), broadcast)
      )
      const seen = yield* Stream.runCollect(Stream.take(MonoCloud.sessionChanges, 3)).pipe(
        Effect.provide(Layer.orDie(layer))
      )
      expect(seen.map((session) => session?.user.sub)).toEqual([undefined, "u", undefined])
    })
  )
})

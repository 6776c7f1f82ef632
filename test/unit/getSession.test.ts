import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as MonoCloud from "../../src/effect.js"
import { MemoryStorage } from "../../src/storage.js"
import { makeTestClient, signInByPopup, withEngine } from "./support/engine.js"

const KEY = "mc.session.test-client"

/** The promise client's `getSession` (undefined for nothing or a corrupt entry) and the operation's own reports. */
describe("getSession", () => {
  it("returns undefined when nothing is stored", async () => {
    const { client } = await makeTestClient()
    expect(await client.getSession()).toBeUndefined()
  })

  it("reads a corrupt entry as undefined through the promise client and keeps it in storage", async () => {
    for (const corrupt of ["{not json", JSON.stringify({ version: 1, session: { user: {} } }), "[]"]) {
      const { client, storage } = await makeTestClient()
      await storage.setItem(KEY, corrupt)
      expect(await client.getSession()).toBeUndefined()
      expect(await storage.getItem(KEY)).toBe(corrupt)
    }
  })

  it.effect("reports a corrupt entry to Effect users as MonoCloudStorageError Corrupt", () =>
    Effect.gen(function* () {
      const storage = new MemoryStorage()
      yield* Effect.promise(() => storage.setItem(KEY, "{not json"))
      const config = MonoCloud.layerWith(
        { tenantDomain: "https://op.example.test", clientId: "test-client", appUrl: "http://localhost:3000" },
        Layer.merge(MonoCloud.layerBrowser(), MonoCloud.SessionStore.layer(storage))
      )
      const error = yield* Effect.flip(Effect.provide(MonoCloud.getSession, Layer.orDie(config)))
      expect(error._tag).toBe("MonoCloudStorageError")
      expect(error._tag === "MonoCloudStorageError" && error.reason).toBe("Corrupt")
    })
  )

  it("reads a session stored by the reference SDK (plain JSON without envelope)", async () => {
    const { client, storage } = await makeTestClient()
    await storage.setItem(KEY, JSON.stringify({ user: { sub: "legacy" }, accessTokens: [] }))
    expect((await client.getSession())?.user.sub).toBe("legacy")
  })

  it.effect("stores under mc.session.<clientId>.<sessionKey> when a sessionKey is set", () =>
    withEngine(
      ({ storage }) =>
        Effect.gen(function* () {
          yield* signInByPopup
          expect(yield* Effect.promise(() => storage.getItem(`${KEY}.admin`))).toContain('"version":1')
          expect(yield* Effect.promise(() => storage.getItem(KEY))).toBeNull()
          expect((yield* MonoCloud.getSession)?.user.sub).toBe("user-1")
        }),
      { client: { sessionKey: "admin" } }
    )
  )
})

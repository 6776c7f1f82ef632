import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/testing/TestClock"
import * as DocumentCache from "../../src/services/DocumentCache.js"
import { MemoryStorage, type IStorage } from "../../src/storage.js"

describe("DocumentCache", () => {
  it.effect("keeps a value until its time is up, as JSON with its expiry", () =>
    Effect.gen(function* () {
      const storage = new MemoryStorage()
      const cache = DocumentCache.make(storage)
      yield* cache.set("mc.jwks.test", { keys: [] }, 1_000)
      expect(JSON.parse((yield* Effect.promise(() => storage.getItem("mc.jwks.test")))!)).toEqual({
        expiresAt: 1_000,
        value: { keys: [] }
      })
      yield* TestClock.adjust("999 millis")
      expect(yield* cache.get("mc.jwks.test")).toEqual({ keys: [] })
      yield* TestClock.adjust("1 millis")
      expect(yield* cache.get("mc.jwks.test")).toBeUndefined()
    })
  )

  it.effect("reads garbage, a missing expiry and a storage that throws as empty, and drops a failing write", () =>
    Effect.gen(function* () {
      const storage = new MemoryStorage()
      const cache = DocumentCache.make(storage)
      for (const text of ["{", "null", '{"value":1}', '{"expiresAt":"later","value":1}']) {
        yield* Effect.promise(() => storage.setItem("k", text))
        expect(yield* cache.get("k")).toBeUndefined()
      }
      const throwing: IStorage = {
        getItem: () => {
          throw new DOMException("denied", "SecurityError")
        },
        setItem: () => Promise.reject(new DOMException("full", "QuotaExceededError")),
        removeItem: () => Promise.resolve()
      }
      const broken = DocumentCache.make(throwing)
      expect(yield* broken.get("k")).toBeUndefined()
      yield* broken.set("k", 1, 1_000)
    })
  )
})

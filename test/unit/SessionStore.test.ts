import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { MonoCloudStorageError, MonoCloudUsageError } from "../../src/MonoCloudError.js"
import type { MonoCloudSession } from "../../src/schemas/Session.js"
import * as SessionStore from "../../src/services/SessionStore.js"
import type { IStorage } from "../../src/storage.js"
import { failingStorage, storageBackends } from "./support/storages.js"
import { failsWith } from "./support/failures.js"

const KEY = "mc.session.test"

const session = (sub: string, refreshToken = `${sub}-refresh`): MonoCloudSession => ({
  user: { sub },
  refreshToken,
  accessTokens: [{ accessToken: `${sub}-access`, accessTokenExpiration: 1_000, scopes: "openid" }]
})

const stored = (storage: IStorage) => Effect.promise(() => storage.getItem(KEY))

for (const backend of storageBackends) {
  describe(`SessionStore over ${backend.name}`, () => {
    const storeOver = (storage = backend.make()) => ({ storage, store: SessionStore.make(storage, KEY) })

    it.effect("writes a versioned envelope and reads it back; reads the reference SDK's plain JSON too", () =>
      Effect.gen(function* () {
        const { storage, store } = storeOver()
        yield* store.set(session("user-1"))
        expect(JSON.parse((yield* stored(storage))!)).toEqual({ version: 1, session: session("user-1") })
        expect(yield* store.get).toEqual(Option.some(session("user-1")))
        yield* Effect.promise(() => storage.setItem(KEY, JSON.stringify(session("legacy"))))
        expect(Option.getOrThrow(yield* store.get).user.sub).toBe("legacy")
      })
    )

    it.effect("reports a corrupt entry as Corrupt and leaves it in place", () =>
      Effect.gen(function* () {
        const { storage, store } = storeOver()
        for (const corrupt of ["{", "[]", JSON.stringify({ version: 2, session: session("x") }), '{"user":{}}']) {
          yield* Effect.promise(() => storage.setItem(KEY, corrupt))
          const error = yield* Effect.flip(store.get)
          expect(error).toBeInstanceOf(MonoCloudStorageError)
          expect(error).toMatchObject({ _tag: "MonoCloudStorageError", reason: "Corrupt" })
          expect(yield* stored(storage)).toBe(corrupt)
        }
      })
    )

    it.effect("replace stores over the session it was read as, and refuses once it changed", () =>
      Effect.gen(function* () {
        const { storage, store } = storeOver()
        yield* store.set(session("user-1"))
        const read = Option.getOrThrow(yield* store.get)
        yield* store.replace(read, session("user-1", "rotated"))
        expect(Option.getOrThrow(yield* store.get).refreshToken).toBe("rotated")
        // `read` is no longer what is stored: a second answer based on it is refused
        const refused = yield* Effect.flip(store.replace(read, session("user-1", "stale")))
        expect(refused).toMatchObject({ _tag: "MonoCloudStorageError", reason: "Changed" })
        // another tab writes another user's session: refused, that session kept byte for byte
        const current = Option.getOrThrow(yield* store.get)
        const otherTab = JSON.stringify({ version: 1, session: session("user-2") })
        yield* Effect.promise(() => storage.setItem(KEY, otherTab))
        expect(yield* Effect.flip(store.replace(current, session("user-1", "late")))).toMatchObject({
          _tag: "MonoCloudStorageError",
          reason: "Changed"
        })
        expect(yield* stored(storage)).toBe(otherTab)
        // a sign-out: refused, nothing resurrected
        const afterOtherTab = Option.getOrThrow(yield* store.get)
        yield* store.remove
        expect(yield* Effect.flip(store.replace(afterOtherTab, session("user-2", "late")))).toMatchObject({
          _tag: "MonoCloudStorageError",
          reason: "Changed"
        })
        expect(yield* stored(storage)).toBeNull()
      })
    )

    it.effect("replace from no session: allowed over nothing or a corrupt entry, refused over a valid session", () =>
      Effect.gen(function* () {
        const { storage, store } = storeOver()
        yield* store.replace(undefined, session("user-1"))
        expect(Option.getOrThrow(yield* store.get).user.sub).toBe("user-1")
        expect(yield* Effect.flip(store.replace(undefined, session("user-2")))).toMatchObject({
          _tag: "MonoCloudStorageError",
          reason: "Changed"
        })
        yield* Effect.promise(() => storage.setItem(KEY, "not json"))
        yield* store.replace(undefined, session("user-3"))
        expect(Option.getOrThrow(yield* store.get).user.sub).toBe("user-3")
      })
    )

    it.effect("a remove started while a replace is writing runs after it: the sign-out is the last word", () =>
      Effect.gen(function* () {
        const { storage, store } = storeOver()
        yield* store.set(session("user-1"))
        const read = Option.getOrThrow(yield* store.get)
        let finishWrite: () => void = () => undefined
        const realSet = storage.setItem.bind(storage)
        storage.setItem = (key, value) =>
          new Promise<void>((resolve) => (finishWrite = resolve)).then(() => realSet(key, value))
        const replacing = yield* Effect.forkChild(store.replace(read, session("user-1", "rotated")), {
          startImmediately: true
        })
        const removing = yield* Effect.forkChild(store.remove, { startImmediately: true })
        yield* Effect.yieldNow
        finishWrite()
        yield* Fiber.join(replacing)
        yield* Fiber.join(removing)
        expect(yield* stored(storage)).toBeNull()
      })
    )

    it.effect("refuses to store a session the schema refuses (a NaN expiry, no user), keeping what is stored", () =>
      Effect.gen(function* () {
        const { storage, store } = storeOver()
        yield* store.set(session("user-1"))
        const before = yield* stored(storage)
        const broken = [
          { ...session("user-1"), accessTokens: [{ accessToken: "a", accessTokenExpiration: NaN, scopes: "openid" }] },
          { accessTokens: [] } as unknown as MonoCloudSession
        ]
        for (const next of broken) {
          const error = yield* Effect.flip(store.set(next))
          expect(error).toBeInstanceOf(MonoCloudUsageError)
          expect(error).toMatchObject({ reason: "onSessionCreating" })
          expect(yield* stored(storage)).toBe(before)
        }
      })
    )

    it.effect(
      "a failed write keeps the new session in memory, marked heldInMemory, and writes it on the next read",
      () =>
        Effect.gen(function* () {
          const { storage, store } = storeOver()
          yield* store.set(session("user-1"))
          const read = Option.getOrThrow(yield* store.get)
          const realSet = storage.setItem.bind(storage)
          storage.setItem = () => Promise.reject(new DOMException("full", "QuotaExceededError"))
          const error = yield* Effect.flip(store.replace(read, session("user-1", "rotated")))
          expect(error).toBeInstanceOf(MonoCloudStorageError)
          expect(error).toMatchObject({ operation: "set", heldInMemory: true })
          const held = Option.getOrThrow(yield* store.get)
          expect(held.refreshToken).toBe("rotated")
          // the held session is the one a compare-and-set now compares with
          storage.setItem = realSet
          yield* store.replace(held, session("user-1", "rotated-again"))
          expect(JSON.parse((yield* stored(storage))!).session.refreshToken).toBe("rotated-again")
        })
    )
  })
}

for (const how of ["throws", "rejects"] as const) {
  describe(`SessionStore over a storage that ${how}`, () => {
    const cause = new DOMException("The operation is insecure.", "SecurityError")
    const store = () => SessionStore.make(failingStorage(how, cause), KEY)

    it.effect("fails each operation with MonoCloudStorageError naming it and keeping the cause, never a defect", () =>
      Effect.gen(function* () {
        const sessions = store()
        expect(yield* failsWith(sessions.get, "MonoCloudStorageError")).toMatchObject({
          operation: "get",
          key: KEY,
          cause
        })
        expect(yield* failsWith(sessions.remove, "MonoCloudStorageError")).toMatchObject({ operation: "remove", cause })
        expect(yield* failsWith(sessions.replace(undefined, session("user-1")), "MonoCloudStorageError")).toMatchObject(
          {
            operation: "get",
            cause
          }
        )
      })
    )

    it.effect("holds a session it could not write in memory for this tab, until a sign-out forgets it", () =>
      Effect.gen(function* () {
        const sessions = store()
        const error = yield* failsWith(sessions.set(session("user-1")), "MonoCloudStorageError")
        expect(error).toMatchObject({ operation: "set", heldInMemory: true, cause })
        expect(Option.getOrThrow(yield* sessions.get).refreshToken).toBe("user-1-refresh")
        const held = Option.getOrThrow(yield* sessions.get)
        const rotated = yield* failsWith(sessions.replace(held, session("user-1", "rotated")), "MonoCloudStorageError")
        expect(rotated).toMatchObject({ operation: "set", heldInMemory: true })
        expect(Option.getOrThrow(yield* sessions.get).refreshToken).toBe("rotated")
        expect((yield* failsWith(sessions.remove, "MonoCloudStorageError")).operation).toBe("remove")
        expect((yield* failsWith(sessions.get, "MonoCloudStorageError")).operation).toBe("get")
      })
    )
  })
}

import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as MonoCloudConfig from "../../src/MonoCloudConfig.js"
import type { AuthTransaction } from "../../src/schemas/Session.js"
import { layerSessionStorage, make, TransactionStore } from "../../src/services/TransactionStore.js"
import { failsWith } from "./support/failures.js"
import { failingStorage, storageBackends } from "./support/storages.js"

const transaction: AuthTransaction = {
  version: 1,
  kind: "signIn",
  mode: "redirect",
  state: "state-1",
  redirectUri: "http://localhost:3000",
  nonce: "nonce-1",
  codeVerifier: "verifier-1",
  createdAt: 0
}

const store = TransactionStore.pipe(
  Effect.provide(
    Layer.provide(
      layerSessionStorage,
      MonoCloudConfig.layer({ tenantDomain: "acme.example.com", clientId: "c", appUrl: "http://localhost:3000" })
    )
  )
)

const PREFIX = "mc.txn.c."

for (const backend of storageBackends) {
  describe(`TransactionStore over ${backend.name}`, () => {
    it.effect("keeps each transaction under its own state, and hands it out once", () =>
      Effect.gen(function* () {
        const storage = backend.make()
        const transactions = make(storage, PREFIX)
        const second = { ...transaction, state: "state-2", kind: "signOut" as const, mode: "popup" as const }
        yield* transactions.save(transaction)
        yield* transactions.save(second)
        expect(yield* Effect.promise(() => storage.getItem(`${PREFIX}state-1`))).toContain("verifier-1")
        expect(yield* transactions.take("state-2")).toEqual(Option.some(second))
        expect(yield* transactions.take("state-2")).toEqual(Option.none())
        expect(yield* transactions.take("state-1")).toEqual(Option.some(transaction))
        expect(yield* Effect.promise(() => storage.getItem(`${PREFIX}state-1`))).toBeNull()
        expect(yield* transactions.take("never-saved")).toEqual(Option.none())
      })
    )

    it.effect("reports a corrupt or foreign entry as Corrupt and removes it, so it cannot be tried again", () =>
      Effect.gen(function* () {
        const storage = backend.make()
        const transactions = make(storage, PREFIX)
        for (const corrupt of ["{not json", JSON.stringify({ ...transaction, version: 2 }), "[]"]) {
          yield* Effect.promise(() => storage.setItem(`${PREFIX}bad`, corrupt))
          expect((yield* failsWith(transactions.take("bad"), "MonoCloudStorageError")).reason).toBe("Corrupt")
          expect(yield* Effect.promise(() => storage.getItem(`${PREFIX}bad`))).toBeNull()
        }
      })
    )
  })
}

for (const how of ["throws", "rejects"] as const) {
  describe(`TransactionStore over a storage that ${how}`, () => {
    it.effect("fails saving and taking with MonoCloudStorageError naming the call and keeping the cause", () =>
      Effect.gen(function* () {
        const cause = new DOMException("The operation is insecure.", "SecurityError")
        const transactions = make(failingStorage(how, cause), PREFIX)
        const saving = yield* failsWith(transactions.save(transaction), "MonoCloudStorageError")
        expect(saving).toMatchObject({ operation: "set", key: `${PREFIX}state-1`, cause })
        expect(yield* failsWith(transactions.take("state-1"), "MonoCloudStorageError")).toMatchObject({
          operation: "get",
          cause
        })
      })
    )
  })
}

describe("TransactionStore.layerSessionStorage", () => {
  it.effect("keeps each pending transaction in this tab's sessionStorage under its state, and takes it once", () =>
    Effect.gen(function* () {
      sessionStorage.clear()
      localStorage.clear()
      const transactions = yield* store
      yield* transactions.save(transaction)
      expect(sessionStorage.getItem("mc.txn.c.state-1")).toContain("verifier-1")
      expect(localStorage.length).toBe(0)
      expect(yield* transactions.take("state-1")).toEqual(Option.some(transaction))
      expect(sessionStorage.getItem("mc.txn.c.state-1")).toBeNull()
      expect(yield* transactions.take("state-1")).toEqual(Option.none())
    })
  )
})

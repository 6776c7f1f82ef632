import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as MonoCloudConfig from "../../src/MonoCloudConfig.js"
import { MonoCloudValidationError } from "../../src/MonoCloudError.js"
import type { AuthTransaction } from "../../src/schemas/Session.js"
import { layerSessionStorage, TransactionStore } from "../../src/services/TransactionStore.js"

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

describe("TransactionStore in sessionStorage", () => {
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

  it.effect("reports a corrupt entry as storedData and removes it, so it cannot be tried again", () =>
    Effect.gen(function* () {
      sessionStorage.setItem("mc.txn.c.bad", "{not json")
      const error = yield* Effect.flip((yield* store).take("bad"))
      expect(error).toBeInstanceOf(MonoCloudValidationError)
      expect(error).toMatchObject({ check: "storedData" })
      expect(sessionStorage.getItem("mc.txn.c.bad")).toBeNull()
    })
  )
})

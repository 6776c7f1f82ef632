import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { runPromise } from "../../src/internal/runPromise.js"
import { MonoCloudOPError, MonoCloudValidationError } from "../../src/MonoCloudError.js"
import { expectTagged } from "./support/failures.js"

const runtime = ManagedRuntime.make(Layer.empty)
afterAll(() => runtime.dispose())

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected the promise to reject")
}

describe("runPromise", () => {
  it("resolves with the value", async () => {
    expect(await runPromise(runtime, Effect.succeed({ answer: 42 }))).toEqual({ answer: 42 })
    expect(await runPromise(runtime, Effect.void)).toBeUndefined()
  })

  it("rejects with the SDK error object itself, not a FiberFailure", async () => {
    const failure = new MonoCloudOPError({ error: "login_required", errorDescription: "Sign in again" })
    const error = await rejectionOf(runPromise(runtime, Effect.fail(failure)))
    expect(error).toBe(failure)
    expect(error).toBeInstanceOf(Error)
    const op = expectTagged(error, "MonoCloudOPError")
    expect(op.error).toBe("login_required")
    expect(op.name).toBe("MonoCloudOPError")
    expect(op.message).toBe("login_required: Sign in again")
  })

  it("rejects with the first failure after the effect's own recovery ran", async () => {
    const failure = new MonoCloudValidationError({ reason: "state", detail: "No transaction" })
    const effect = Effect.fail(new MonoCloudOPError({ error: "ignored" })).pipe(
      Effect.catchTag("MonoCloudOPError", () => Effect.fail(failure))
    )
    const error = await rejectionOf(runPromise(runtime, effect))
    expect(error).toBe(failure)
    expect(expectTagged(error, "MonoCloudValidationError").reason).toBe("state")
  })

  it("rejects with a defect's thrown value as is", async () => {
    const thrown = new RangeError("hook failed")
    expect(await rejectionOf(runPromise(runtime, Effect.die(thrown)))).toBe(thrown)
    expect(
      await rejectionOf(
        runPromise(
          runtime,
          Effect.sync(() => {
            throw thrown
          })
        )
      )
    ).toBe(thrown)
    expect(await rejectionOf(runPromise(runtime, Effect.die("plain string")))).toBe("plain string")
  })

  it("rejects with an AbortError DOMException when interrupted", async () => {
    const error = await rejectionOf(runPromise(runtime, Effect.interrupt))
    expect(error).toBeInstanceOf(DOMException)
    expect((error as DOMException).name).toBe("AbortError")
  })

  it("rejects with an AbortError when a running effect is interrupted after some work", async () => {
    const effect = Effect.sleep("1 millis").pipe(Effect.andThen(Effect.interrupt), Effect.as("unreachable"))
    const error = await rejectionOf(runPromise(runtime, effect))
    expect(error).toBeInstanceOf(DOMException)
    expect((error as DOMException).name).toBe("AbortError")
  })
})

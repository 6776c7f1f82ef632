import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Errors from "../../src/MonoCloudError.js"

const samples = [
  new Errors.MonoCloudOPError({ error: "login_required", errorDescription: "End-User authentication is required" }),
  new Errors.MonoCloudHttpError({
    reason: "StatusCode",
    endpoint: "token",
    url: "https://op.example/token",
    status: 502
  }),
  new Errors.MonoCloudValidationError({ check: "state", detail: "The callback state does not match" }),
  new Errors.MonoCloudTokenError({ check: "signature", detail: "The ID token signature is invalid" }),
  new Errors.MonoCloudJsError({ reason: "PopupBlocked", detail: "Could not open popup" }),
  new Errors.MonoCloudTimeoutError({ operation: "iframe", timeoutMillis: 10_000 }),
  new Errors.MonoCloudStorageError({ operation: "set", key: "mc.session.app" })
] as const

describe("MonoCloudError", () => {
  it("every class is a real Error whose tag and name equal its class name, and tags are unique", () => {
    for (const error of samples) {
      expect(error).toBeInstanceOf(Error)
      expect(error).toBeInstanceOf(Errors.MonoCloudAuthBaseError)
      expect(error._tag).toBe(error.constructor.name)
      expect(error.name).toBe(error._tag)
      expect(error.message.length).toBeGreaterThan(0)
      expect(Errors.isMonoCloudError(error)).toBe(true)
    }
    expect(new Set(samples.map((e) => e._tag)).size).toBe(samples.length)
  })

  it("each guard accepts its own class only", () => {
    const guards = [
      Errors.isMonoCloudOPError,
      Errors.isMonoCloudHttpError,
      Errors.isMonoCloudValidationError,
      Errors.isMonoCloudTokenError,
      Errors.isMonoCloudJsError,
      Errors.isMonoCloudTimeoutError,
      Errors.isMonoCloudStorageError
    ]
    guards.forEach((guard, i) => {
      samples.forEach((error, j) => expect(guard(error)).toBe(i === j))
    })
    expect(Errors.isMonoCloudError(new Error("plain"))).toBe(false)
  })

  it("guards recognise an error made by another copy of the package", () => {
    const foreign = Object.assign(new Error("x"), {
      _tag: "MonoCloudOPError",
      error: "invalid_grant",
      [Symbol.for("@monocloud/auth-web-js/MonoCloudError")]: Symbol.for("@monocloud/auth-web-js/MonoCloudError")
    })
    expect(Errors.isMonoCloudOPError(foreign)).toBe(true)
  })

  it("messages name the failure without leaking query strings", () => {
    expect(samples[0].message).toBe("login_required: End-User authentication is required")
    expect(samples[1].message).toBe("The token request to https://op.example/token returned unexpected status 502")
    expect(samples[5].message).toContain("10000 ms")
  })

  it.effect("catchTag selects by class name", () =>
    Effect.gen(function* () {
      const code = yield* Effect.fail(samples[0]).pipe(
        Effect.catchTag("MonoCloudOPError", (e) => Effect.succeed(e.error))
      )
      expect(code).toBe("login_required")
    })
  )
})

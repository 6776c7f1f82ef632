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
  new Errors.MonoCloudValidationError({ reason: "state", detail: "The callback state does not match" }),
  new Errors.MonoCloudTokenError({ reason: "signature", detail: "The ID token signature is invalid" }),
  new Errors.MonoCloudJsError({ reason: "PopupBlocked", detail: "Could not open popup" }),
  new Errors.MonoCloudTimeoutError({ operation: "iframe", timeoutMillis: 10_000 }),
  new Errors.MonoCloudStorageError({ reason: "Unavailable", operation: "set", key: "mc.session.app" }),
  new Errors.MonoCloudUsageError({ reason: "returnUrl", detail: "The return URL must be on the app's own origin" }),
  new Errors.MonoCloudNotSignedInError({})
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
      Errors.isMonoCloudStorageError,
      Errors.isMonoCloudUsageError,
      Errors.isMonoCloudNotSignedInError
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
    expect(samples[8].message).toBe("There is no session: sign in first")
  })

  it("the static constructors translate lower-level failures, keeping secrets out", () => {
    const request = { endpoint: "token", url: "https://op.example/token?code=secret-code#frag" } as const
    const transport = Errors.MonoCloudHttpError.of("Transport", request, { cause: new TypeError("Failed to fetch") })
    expect(transport).toMatchObject({ reason: "Transport", endpoint: "token", url: "https://op.example/token" })
    expect(transport.message).not.toContain("secret-code")
    expect(Errors.MonoCloudHttpError.of("StatusCode", request, { status: 502 }).status).toBe(502)
    const refused = Errors.MonoCloudOPError.fromParameters(
      { error: "invalid_grant", error_description: "revoked", error_uri: "https://op.example/e" },
      { endpoint: "token", status: 400 }
    )
    expect(refused).toMatchObject({
      error: "invalid_grant",
      errorDescription: "revoked",
      errorUri: "https://op.example/e",
      endpoint: "token",
      status: 400
    })
    expect(Errors.MonoCloudOPError.fromParameters({ error: "access_denied" })).toMatchObject({
      endpoint: undefined,
      status: undefined
    })
    const thrown = new DOMException("full", "QuotaExceededError")
    expect(Errors.MonoCloudStorageError.unavailable("set", "mc.session.app", thrown)).toMatchObject({
      reason: "Unavailable",
      operation: "set",
      cause: thrown
    })
    expect(Errors.MonoCloudStorageError.corrupt("mc.session.app").message).toBe(
      "The value stored at mc.session.app is not one the SDK wrote"
    )
    expect(Errors.MonoCloudStorageError.changed("mc.session.app")).toMatchObject({
      reason: "Changed",
      operation: "set"
    })
    expect(Errors.MonoCloudUsageError.of("scope", "Fetching userinfo requires the openid scope").reason).toBe("scope")
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

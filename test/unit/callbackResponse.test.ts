import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { authorizationCode, callbackParams, callbackState } from "../../src/internal/callbackResponse.js"
import type { ValidationReason } from "../../src/MonoCloudError.js"
import type { DiscoveryMetadata } from "../../src/schemas/DiscoveryMetadata.js"
import { failsWith } from "./support/failures.js"

const ISSUER = "https://op.example.test"
const REDIRECT = "http://localhost:3000/callback"
const STATE = "state-123"

/** Whether the metadata advertises `authorization_response_iss_parameter_supported` (RFC 9207). */
type IssSupport = "advertised" | "false" | "absent"

const metadata = (iss: IssSupport): DiscoveryMetadata => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  ...(iss === "absent" ? {} : { authorization_response_iss_parameter_supported: iss === "advertised" })
})

const callback = (params: Record<string, string>, base = REDIRECT) => `${base}?${new URLSearchParams(params)}`

const check = (url: string, iss: IssSupport = "advertised") =>
  authorizationCode(url, { state: STATE, redirectUri: REDIRECT, issuer: ISSUER }, metadata(iss))

const refusedWith = (url: string, expected: ValidationReason, iss: IssSupport = "advertised") =>
  Effect.gen(function* () {
    const error = yield* failsWith(check(url, iss), "MonoCloudValidationError")
    expect(error.reason).toBe(expected)
    // no secret or request-bound value in the message: code, state (expected or received), nonce
    for (const value of ["the-code", STATE, "other-state"]) expect(error.message).not.toContain(value)
  })

describe("authorizationCode", () => {
  it.effect("returns the code of a valid response", () =>
    Effect.gen(function* () {
      expect(yield* check(callback({ code: "the-code", state: STATE, iss: ISSUER }))).toBe("the-code")
    })
  )

  it.effect("accepts the redirect URI with a trailing slash and a fragment", () =>
    Effect.gen(function* () {
      const url = `${callback({ code: "the-code", state: STATE, iss: ISSUER }, `${REDIRECT}/`)}#ignored`
      expect(yield* check(url)).toBe("the-code")
    })
  )

  it.effect("fails with callbackUrl when the response arrives at another path", () =>
    refusedWith(callback({ code: "the-code", state: STATE, iss: ISSUER }, "http://localhost:3000/other"), "callbackUrl")
  )

  it.effect("fails with callbackUrl when the response arrives at another origin", () =>
    refusedWith(
      callback({ code: "the-code", state: STATE, iss: ISSUER }, "http://localhost:4000/callback"),
      "callbackUrl"
    )
  )

  it.effect("fails with state when the state differs", () =>
    refusedWith(callback({ code: "the-code", state: "other-state", iss: ISSUER }), "state")
  )

  it.effect("fails with state when the state is missing", () =>
    refusedWith(callback({ code: "the-code", iss: ISSUER }), "state")
  )

  it.effect("fails with issuer when iss is missing and the provider advertises it", () =>
    refusedWith(callback({ code: "the-code", state: STATE }), "issuer", "advertised")
  )

  it.effect("fails with issuer when iss names another issuer", () =>
    refusedWith(callback({ code: "the-code", state: STATE, iss: "https://evil.example.test" }), "issuer", "absent")
  )

  it.effect("checks iss before error: a foreign issuer's error answer is refused, not reported as the provider's", () =>
    refusedWith(callback({ error: "access_denied", state: STATE, iss: "https://evil.example.test" }), "issuer")
  )

  it.effect("passes without iss when the provider does not advertise it", () =>
    Effect.gen(function* () {
      expect(yield* check(callback({ code: "the-code", state: STATE }), "false")).toBe("the-code")
      expect(yield* check(callback({ code: "the-code", state: STATE }), "absent")).toBe("the-code")
    })
  )

  it.effect("turns an error response into MonoCloudOPError with its description and URI", () =>
    Effect.gen(function* () {
      const op = yield* failsWith(
        check(
          callback({
            error: "login_required",
            error_description: "The user must sign in",
            error_uri: "https://op.example.test/help",
            state: STATE,
            iss: ISSUER
          })
        ),
        "MonoCloudOPError"
      )
      expect(op.error).toBe("login_required")
      expect(op.errorDescription).toBe("The user must sign in")
      expect(op.errorUri).toBe("https://op.example.test/help")
      expect(op.status).toBeUndefined()
    })
  )

  it.effect("checks state and iss before reporting an error response", () =>
    Effect.gen(function* () {
      const forged = yield* failsWith(
        check(callback({ error: "access_denied", state: "forged", iss: ISSUER })),
        "MonoCloudValidationError"
      )
      expect(forged.reason).toBe("state")
    })
  )

  it.effect("refuses an access_token in the URL", () =>
    refusedWith(callback({ code: "the-code", state: STATE, iss: ISSUER, access_token: "at" }), "callbackResponse")
  )

  it.effect("refuses an id_token in the URL", () =>
    refusedWith(callback({ code: "the-code", state: STATE, iss: ISSUER, id_token: "it" }), "callbackResponse")
  )

  it.effect("fails with callbackResponse when the code is missing", () =>
    refusedWith(callback({ state: STATE, iss: ISSUER }), "callbackResponse")
  )

  it.effect("fails with callbackResponse when the code is empty", () =>
    refusedWith(callback({ code: "", state: STATE, iss: ISSUER }), "callbackResponse")
  )

  it.effect("reads a fragment response", () =>
    Effect.gen(function* () {
      const url = `${REDIRECT}#${new URLSearchParams({ code: "the-code", state: STATE, iss: ISSUER })}`
      expect(yield* check(url)).toBe("the-code")
    })
  )
})

describe("authorizationCode with repeated parameters", () => {
  it.effect("refuses a response that repeats state, code or iss (RFC 6749 §3.1)", () =>
    Effect.gen(function* () {
      const good = { code: "the-code", state: STATE, iss: ISSUER }
      for (const name of ["state", "code", "iss"] as const) {
        const url = `${callback(good)}&${name}=${encodeURIComponent(good[name])}`
        yield* refusedWith(url, "callbackResponse")
      }
    })
  )

  it.effect("refuses a repeated error before reading it, so neither copy is reported as the provider's answer", () =>
    Effect.gen(function* () {
      yield* refusedWith(
        `${REDIRECT}?error=access_denied&error=login_required&state=${STATE}&iss=${ISSUER}`,
        "callbackResponse"
      )
    })
  )
})

describe("callbackParams", () => {
  it("reads the query when it carries a response", () => {
    const params = callbackParams(`${REDIRECT}?code=q&state=s#code=f&state=t`)
    expect(params.get("code")).toBe("q")
    expect(params.get("state")).toBe("s")
  })

  it("reads the fragment when the query has no response parameters", () => {
    const params = callbackParams(`${REDIRECT}?utm=1#code=f&state=t`)
    expect(params.get("code")).toBe("f")
    expect(params.get("state")).toBe("t")
    expect(callbackParams(`${REDIRECT}#error=access_denied`).get("error")).toBe("access_denied")
  })

  it("callbackState returns the state, or undefined for a URL that does not parse", () => {
    expect(callbackState(`${REDIRECT}?state=s1&code=c`)).toBe("s1")
    expect(callbackState(`${REDIRECT}#state=s2`)).toBe("s2")
    expect(callbackState(REDIRECT)).toBeUndefined()
    expect(callbackState("not a url")).toBeUndefined()
  })
})

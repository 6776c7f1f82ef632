import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { decodeEndpointResponse } from "../../src/util/endpointResponse.js"
import type { MonoCloudHttpError, MonoCloudOPError } from "../../src/MonoCloudError.js"
import type { OidcRequest, OidcResponse } from "../../src/services/OidcHttp.js"
import { expectTagged } from "./support/failures.js"

const Document = Schema.Struct({ name: Schema.String, count: Schema.Number })

const request: OidcRequest = {
  endpoint: "token",
  url: "https://op.example.test/token?code=secret-code&state=secret-state#frag"
}

const response = (status: number, body: string, headers: Record<string, string> = {}): OidcResponse => ({
  status,
  headers,
  body
})

const decode = (reply: OidcResponse) => decodeEndpointResponse(request, reply, Document)

const expectHttpError = (error: MonoCloudHttpError | MonoCloudOPError, reason: MonoCloudHttpError["reason"]) => {
  const http = expectTagged(error, "MonoCloudHttpError")
  expect(http.reason).toBe(reason)
  expect(http.endpoint).toBe("token")
  expect(http.url).toBe("https://op.example.test/token")
  return http
}

describe("decodeEndpointResponse", () => {
  it.effect("decodes a 200 response with a valid body", () =>
    Effect.gen(function* () {
      const document = yield* decode(response(200, JSON.stringify({ name: "a", count: 2 })))
      expect(document).toEqual({ name: "a", count: 2 })
    })
  )

  it.effect("decodes against another expected status", () =>
    Effect.gen(function* () {
      const document = yield* decodeEndpointResponse(
        request,
        response(201, JSON.stringify({ name: "b", count: 1 })),
        Document,
        201
      )
      expect(document.name).toBe("b")
    })
  )

  it.effect("fails with Decode for a 200 response that is not JSON", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode(response(200, "<html>not json</html>")))
      const http = expectHttpError(error, "Decode")
      expect(http.status).toBe(200)
      // the schema's report would quote the body, so none is kept
      expect(http.cause).toBeUndefined()
    })
  )

  it.effect("keeps a body that fails to decode, tokens and all, out of the error", () =>
    Effect.gen(function* () {
      const body = JSON.stringify([{ access_token: "at-secret", refresh_token: "rt-secret" }])
      const error = yield* Effect.flip(decode(response(200, body)))
      const http = expectHttpError(error, "Decode")
      for (const text of [JSON.stringify(http), String(http), http.message, String(http.cause), http.stack ?? ""]) {
        expect(text).not.toContain("secret")
      }
    })
  )

  it.effect("fails with Decode for a 200 JSON body of the wrong shape", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode(response(200, JSON.stringify({ name: "a", count: "two" }))))
      expectHttpError(error, "Decode")
    })
  )

  it.effect("maps a 400 OAuth error body to MonoCloudOPError with all its fields", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        decode(
          response(
            400,
            JSON.stringify({
              error: "invalid_grant",
              error_description: "The code was already used",
              error_uri: "https://op.example.test/errors/invalid_grant"
            })
          )
        )
      )
      const op = expectTagged(error, "MonoCloudOPError")
      expect(op.error).toBe("invalid_grant")
      expect(op.errorDescription).toBe("The code was already used")
      expect(op.errorUri).toBe("https://op.example.test/errors/invalid_grant")
      expect(op.status).toBe(400)
      expect(op.message).toBe("invalid_grant: The code was already used")
    })
  )

  it.effect("maps a 401 with only a WWW-Authenticate Bearer challenge to MonoCloudOPError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        decode(
          response(401, "", {
            "www-authenticate": 'Bearer realm="op", error="invalid_token", error_description="The token expired"'
          })
        )
      )
      const op = expectTagged(error, "MonoCloudOPError")
      expect(op.error).toBe("invalid_token")
      expect(op.errorDescription).toBe("The token expired")
      expect(op.status).toBe(401)
    })
  )

  it.effect("fails with StatusCode for a 401 whose challenge names no error", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode(response(401, "", { "www-authenticate": 'Bearer realm="op"' })))
      expect(expectHttpError(error, "StatusCode").status).toBe(401)
    })
  )

  it.effect("fails with StatusCode for a 400 whose body is no OAuth error", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode(response(400, JSON.stringify({ message: "bad request" }))))
      expect(expectHttpError(error, "StatusCode").status).toBe(400)
    })
  )

  it.effect("fails with StatusCode for a 400 with an empty error code", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode(response(400, JSON.stringify({ error: "" }))))
      expect(expectHttpError(error, "StatusCode").status).toBe(400)
    })
  )

  it.effect("never makes a 5xx an OP error, even with an OAuth-looking body", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode(response(500, JSON.stringify({ error: "server_error" }))))
      expect(expectHttpError(error, "StatusCode").status).toBe(500)
    })
  )

  it.effect("fails with StatusCode for an unexpected 2xx or 3xx", () =>
    Effect.gen(function* () {
      const created = yield* Effect.flip(decode(response(201, JSON.stringify({ name: "a", count: 1 }))))
      expect(expectHttpError(created, "StatusCode").status).toBe(201)
      const redirect = yield* Effect.flip(decode(response(302, "", { location: "https://elsewhere.test" })))
      expect(expectHttpError(redirect, "StatusCode").status).toBe(302)
    })
  )

  it.effect("keeps the query and fragment of the URL out of every error message", () =>
    Effect.gen(function* () {
      const errors = [
        yield* Effect.flip(decode(response(200, "not json"))),
        yield* Effect.flip(decode(response(200, "{}"))),
        yield* Effect.flip(decode(response(503, "down"))),
        yield* Effect.flip(decode(response(400, JSON.stringify({ error: "invalid_request" }))))
      ]
      expect(errors.map((error) => error._tag)).toEqual([
        "MonoCloudHttpError",
        "MonoCloudHttpError",
        "MonoCloudHttpError",
        "MonoCloudOPError"
      ])
      for (const error of errors) {
        expect(error.message).not.toContain("secret-code")
        expect(error.message).not.toContain("secret-state")
        expect(error.message).not.toContain("?")
        expect(error.message).not.toContain("#frag")
        expect(JSON.stringify({ ...error })).not.toContain("secret-code")
      }
      expect(errors[2]!.message).toContain("https://op.example.test/token")
    })
  )
})

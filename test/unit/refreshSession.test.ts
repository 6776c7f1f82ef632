import { describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import * as MonoCloud from "../../src/effect.js"
import type { MemoryStorage } from "../../src/storage.js"
import { authorizeResponder } from "../../src/testing/providerResponses.js"
import { signInByPopup, untilRequested, withEngine } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

/** True when `text` can be found anywhere in the object graph of `value` (byte arrays decoded). */
const holdsText = (value: unknown, text: string, seen = new Set<unknown>()): boolean => {
  if (typeof value === "string") return value.includes(text)
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).includes(text)
  if (typeof value !== "object" || value === null || seen.has(value)) return false
  seen.add(value)
  return Object.getOwnPropertyNames(value).some((key) => holdsText((value as Record<string, unknown>)[key], text, seen))
}

/** The stored session's text, byte for byte. */
const stored = (storage: MemoryStorage) => Effect.promise(() => storage.getItem("mc.session.test-client"))

const session = Effect.map(MonoCloud.getSession, (current) => current!)

describe("refreshSession", () => {
  it.effect("replaces the default token, stores the rotated refresh token and merges the user", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        const before = yield* signInByPopup
        server.expect(
          "token",
          server.tokenReply({ refreshToken: "rotated", accessToken: "new-access", idToken: { name: "Ada L." } })
        )
        server.expect("userinfo", server.userInfoReply({ email: "new@example.com" }))
        expect(yield* MonoCloud.refreshSession()).toBeUndefined()
        const after = yield* session
        expect(after.refreshToken).toBe("rotated")
        expect(after.accessTokens).toHaveLength(1)
        expect(after.accessTokens?.[0]?.accessToken).toBe("new-access")
        expect(after.user["name"]).toBe("Ada L.")
        expect(after.user.email).toBe("new@example.com")
        expect(after.idToken).not.toBe(before.idToken)
        const form = server.requestsTo("token").at(-1)!.form!
        expect(form.get("grant_type")).toBe("refresh_token")
        expect(form.get("refresh_token")).toBe(before.refreshToken)
        expect(form.get("client_id")).toBe("test-client")
        expect(form.has("scope")).toBe(false)
        server.verify()
      })
    )
  )

  it.effect("narrowed by refreshGrantOptions: sends scope and resource, adds that token and keeps the others", () =>
    withEngine(
      ({ server }) =>
        Effect.gen(function* () {
          yield* signInByPopup
          server.expect("token", server.tokenReply({ scope: "openid", accessToken: "narrow", idToken: false }))
          yield* MonoCloud.refreshSession({
            refreshGrantOptions: { scopes: "openid", resource: "https://api.example.com" }
          })
          const form = server.requestsTo("token").at(-1)!.form!
          expect(form.get("scope")).toBe("openid")
          expect(form.getAll("resource")).toEqual(["https://api.example.com"])
          const tokens = (yield* session).accessTokens!
          expect(tokens).toHaveLength(2)
          expect(tokens[1]).toMatchObject({
            accessToken: "narrow",
            resource: "https://api.example.com",
            requestedScopes: "openid"
          })
          expect(yield* MonoCloud.getTokens({ resource: "https://api.example.com", scopes: "openid" })).toMatchObject({
            accessToken: "narrow"
          })
        }),
      { client: { fetchUserinfo: false } }
    )
  )

  it.effect("shares one token request between concurrent calls", () =>
    withEngine(
      ({ server }) =>
        Effect.gen(function* () {
          yield* signInByPopup
          server.expect("token", server.tokenReply({ accessToken: "shared" }))
          yield* Effect.all([MonoCloud.refreshSession(), MonoCloud.refreshSession(), MonoCloud.refreshSession()], {
            concurrency: "unbounded"
          })
          expect(server.requestsTo("token")).toHaveLength(2) // the sign-in exchange and one refresh
          expect(server.unexpected).toHaveLength(0)
          expect((yield* session).accessTokens?.[0]?.accessToken).toBe("shared")
        }),
      { client: { fetchUserinfo: false } }
    )
  )

  it.effect("leaves the stored session exactly as it was on a network failure, a time-out or a 5xx", () =>
    Effect.gen(function* () {
      for (const reply of [{ networkError: true as const }, { status: 503, body: "busy" }]) {
        yield* withEngine(({ server, storage }) =>
          Effect.gen(function* () {
            yield* signInByPopup
            const before = yield* stored(storage)
            server.expect("token", reply)
            const error = yield* failsWith(MonoCloud.refreshSession(), "MonoCloudHttpError")
            // The cause is the network error or nothing, never the request with the refresh token in its body.
            expect(holdsText(error.cause, JSON.parse(before!).session.refreshToken)).toBe(false)
            expect(yield* stored(storage)).toBe(before)
          })
        )
      }
      yield* withEngine(
        ({ server, storage }) =>
          Effect.gen(function* () {
            yield* signInByPopup
            const before = yield* stored(storage)
            server.expect("token", { hang: true })
            const refresh = yield* Effect.forkChild(MonoCloud.refreshSession())
            yield* untilRequested(server, "token", 2) // the sign-in's exchange, then the refresh's
            yield* TestClock.adjust("49 millis")
            expect(refresh.pollUnsafe()).toBeUndefined()
            yield* TestClock.adjust("1 millis")
            const error = yield* failsWith(Fiber.join(refresh), "MonoCloudTimeoutError")
            expect(error.timeoutMillis).toBe(50) // the request's or the whole refresh's: both are httpTimeout
            expect(yield* stored(storage)).toBe(before)
          }),
        { client: { httpTimeout: 0.05 } }
      )
    })
  )

  it.effect("rejects with MonoCloudOPError invalid_grant for a revoked refresh token, session kept", () =>
    withEngine(({ server, storage }) =>
      Effect.gen(function* () {
        yield* signInByPopup
        const before = yield* stored(storage)
        server.expect("token", server.oauthError("invalid_grant", "grant request is invalid"))
        expect((yield* failsWith(MonoCloud.refreshSession(), "MonoCloudOPError")).error).toBe("invalid_grant")
        expect(yield* stored(storage)).toBe(before)
      })
    )
  )

  it.effect("validates a refreshed ID token like a sign-in's: an expired one is refused and the session kept", () =>
    withEngine(({ server, storage }) =>
      Effect.gen(function* () {
        yield* signInByPopup
        const before = yield* stored(storage)
        yield* TestClock.adjust("1000 seconds")
        server.expect("token", server.tokenReply({ idToken: { exp: 1 } }))
        expect((yield* failsWith(MonoCloud.refreshSession(), "MonoCloudTokenError")).reason).toBe("expired")
        expect(yield* stored(storage)).toBe(before)
      })
    )
  )

  it.effect("refuses a refreshed ID token for another subject", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        yield* signInByPopup
        server.expect("token", server.tokenReply({ sub: "intruder" }))
        expect((yield* failsWith(MonoCloud.refreshSession(), "MonoCloudValidationError")).reason).toBe("tokenResponse")
      })
    )
  )

  it.effect("refuses a refreshed ID token with other audiences or an earlier auth_time, keeping the session", () =>
    withEngine(
      ({ server, storage }) =>
        Effect.gen(function* () {
          yield* TestClock.adjust("100 seconds") // where the server's token clock stands
          yield* signInByPopup
          const before = yield* stored(storage)
          const idToken = (yield* session).idToken!
          const previous = JSON.parse(Buffer.from(idToken.split(".")[1]!, "base64url").toString("utf8"))
          for (const claims of [
            { aud: [server.clientId, "another-api"], azp: server.clientId },
            { auth_time: previous.auth_time - 60 }
          ]) {
            server.expect("token", server.tokenReply({ idToken: claims }))
            const error = yield* failsWith(MonoCloud.refreshSession(), "MonoCloudValidationError")
            expect(error.reason).toBe("tokenResponse")
            expect(yield* stored(storage)).toBe(before)
          }
          server.expect("token", server.tokenReply({ idToken: { auth_time: previous.auth_time + 60 } }))
          server.expect("userinfo", server.userInfoReply({ sub: "user-1" }))
          yield* MonoCloud.refreshSession()
          expect(yield* stored(storage)).not.toBe(before)
        }),
      { server: { now: () => 100_000 } }
    )
  )

  it.effect(
    "keeps a rotated refresh token in memory when the write fails, so the next refresh never sends the old one",
    () =>
      withEngine(
        ({ server, storage }) =>
          Effect.gen(function* () {
            const before = yield* signInByPopup
            const quota = new DOMException("The quota has been exceeded", "QuotaExceededError")
            const write = vi.spyOn(storage, "setItem").mockRejectedValueOnce(quota)
            server.expect("token", server.tokenReply({ refreshToken: "rotated-1", idToken: false }))
            const error = yield* failsWith(MonoCloud.refreshSession(), "MonoCloudStorageError")
            expect(error).toMatchObject({ operation: "set", heldInMemory: true, cause: quota })
            expect(error.message).toContain("memory")
            // this tab goes on with the rotated token, and writes it again once storage works
            expect((yield* session).refreshToken).toBe("rotated-1")
            expect(yield* stored(storage)).toContain("rotated-1")
            server.expect("token", server.tokenReply({ refreshToken: "rotated-2", idToken: false }))
            yield* MonoCloud.refreshSession()
            expect(server.requestsTo("token").at(-1)!.form!.get("refresh_token")).toBe("rotated-1")
            expect(server.requestsTo("token").at(-2)!.form!.get("refresh_token")).toBe(before.refreshToken)
            expect((yield* session).refreshToken).toBe("rotated-2")
            // a session held in memory never outlives a sign-out
            write.mockRejectedValueOnce(quota)
            server.expect("token", server.tokenReply({ refreshToken: "rotated-3", idToken: false }))
            expect(yield* failsWith(MonoCloud.refreshSession(), "MonoCloudStorageError")).toMatchObject({
              heldInMemory: true
            })
            yield* MonoCloud.signOut({ federatedSignOut: false })
            expect(yield* MonoCloud.getSession).toBeUndefined()
            write.mockRestore()
          }),
        { client: { fetchUserinfo: false } }
      )
  )

  it.effect("gets the provider's keys before it spends the grant: a key-set failure sends no refresh token", () =>
    withEngine(
      ({ server, storage }) =>
        Effect.gen(function* () {
          yield* signInByPopup
          const before = yield* stored(storage)
          const tokenRequests = server.requestsTo("token").length
          server.expect("jwks", { status: 503, body: "down" })
          yield* failsWith(MonoCloud.refreshSession(), "MonoCloudHttpError")
          expect(server.requestsTo("token")).toHaveLength(tokenRequests)
          expect(yield* stored(storage)).toBe(before)
        }),
      { client: { jwksCacheDuration: 0 } }
    )
  )

  it.effect("keeps the renewed tokens when UserInfo fails after the grant, and says so with the UserInfo error", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        const before = yield* signInByPopup
        server.expect("token", server.tokenReply({ refreshToken: "rotated", accessToken: "renewed" }))
        server.expect("userinfo", { status: 503, body: "busy" })
        const error = yield* failsWith(MonoCloud.refreshSession(), "MonoCloudHttpError")
        expect(error).toMatchObject({ endpoint: "userinfo" })
        const after = yield* session
        expect(after.refreshToken).toBe("rotated")
        expect(after.accessTokens?.[0]?.accessToken).toBe("renewed")
        expect(after.user.email).toBe(before.user.email)
        // the next refresh presents the rotated token, not the spent one
        server.expect("token", server.tokenReply({ refreshToken: "rotated-again" }))
        server.expect("userinfo", server.userInfoReply())
        yield* MonoCloud.refreshSession()
        expect(server.requestsTo("token").at(-1)!.form!.get("refresh_token")).toBe("rotated")
      })
    )
  )

  it.effect(
    "refuses UserInfo about another user on refresh: its claims are not merged, the renewed tokens are kept",
    () =>
      withEngine(({ server }) =>
        Effect.gen(function* () {
          const before = yield* signInByPopup
          server.expect("token", server.tokenReply({ refreshToken: "rotated" }))
          server.expect("userinfo", server.userInfoReply({ sub: "someone-else", email: "intruder@example.com" }))
          const error = yield* failsWith(MonoCloud.refreshSession(), "MonoCloudValidationError")
          expect(error.reason).toBe("userInfoSubject")
          const after = yield* session
          expect(after.user.sub).toBe(before.user.sub)
          expect(after.user.email).toBe(before.user.email)
          expect(after.refreshToken).toBe("rotated")
        })
      )
  )

  it.effect("needs a session", () =>
    withEngine(() =>
      Effect.gen(function* () {
        yield* failsWith(MonoCloud.refreshSession(), "MonoCloudNotSignedInError")
      })
    )
  )

  it.effect("needs a refresh token", () =>
    withEngine(
      () =>
        Effect.gen(function* () {
          yield* MonoCloud.signIn({ mode: "popup" })
          expect((yield* failsWith(MonoCloud.refreshSession(), "MonoCloudUsageError")).reason).toBe("refreshToken")
        }),
      { platform: (server) => ({ popup: authorizeResponder(server, { token: { refreshToken: false } }) }) }
    )
  )
})

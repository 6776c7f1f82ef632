import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/testing/TestClock"
import * as MonoCloud from "../../src/effect.js"
import { authorizeResponder } from "../../src/testing/providerResponses.js"
import { signInByPopup, withEngine } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

const storedSession = Effect.map(MonoCloud.getSession, (session) => session!)

describe("getTokens", () => {
  it.effect("returns the stored default token without a request while it is fresh", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        yield* signInByPopup
        const session = yield* storedSession
        const requestsBefore = server.requests.length
        const tokens = yield* MonoCloud.getTokens()
        expect(tokens.accessToken).toBe(session.accessTokens?.[0]?.accessToken)
        expect(tokens.idToken).toBe(session.idToken)
        expect(tokens.refreshToken).toBe(session.refreshToken)
        expect(tokens.isExpired).toBe(false)
        expect(server.requests.length).toBe(requestsBefore)
      })
    )
  )

  it.effect("refreshes by itself when the access token expires within the margin", () =>
    withEngine(
      ({ server }) =>
        Effect.gen(function* () {
          yield* MonoCloud.signIn({ mode: "popup" })
          server.expect("token", server.tokenReply({ accessToken: "renewed", expiresIn: 3600 }))
          const tokens = yield* MonoCloud.getTokens()
          expect(tokens.accessToken).toBe("renewed")
          expect(tokens.isExpired).toBe(false)
          expect(server.requestsTo("token").at(-1)?.form?.get("grant_type")).toBe("refresh_token")
          expect((yield* storedSession).accessTokens?.[0]?.accessToken).toBe("renewed")
        }),
      {
        client: { fetchUserinfo: false },
        platform: (server) => ({ popup: authorizeResponder(server, { token: { expiresIn: 20 }, userInfo: false }) })
      }
    )
  )

  it.effect("keeps a fresh token until the clock reaches the margin, then refreshes it", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        yield* signInByPopup // expires in 3600 s; refreshed from 30 s before that
        yield* MonoCloud.getTokens()
        expect(server.requestsTo("token")).toHaveLength(1)
        yield* TestClock.adjust("3569 seconds")
        yield* MonoCloud.getTokens()
        expect(server.requestsTo("token")).toHaveLength(1)
        server.expect("token", server.tokenReply({ accessToken: "renewed" }))
        yield* TestClock.adjust("1 seconds")
        expect((yield* MonoCloud.getTokens()).accessToken).toBe("renewed")
        expect(server.requestsTo("token")).toHaveLength(2)
      })
    )
  )

  it.effect("refreshes with forceRefresh, and fetches UserInfo only when asked", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        yield* signInByPopup
        server.expect("token", server.tokenReply({ accessToken: "forced" }))
        expect((yield* MonoCloud.getTokens({ forceRefresh: true })).accessToken).toBe("forced")
        expect(server.requestsTo("userinfo")).toHaveLength(1) // the sign-in one only
        server.expect("token", server.tokenReply({ accessToken: "forced-2" }))
        server.expect("userinfo", server.userInfoReply({ nickname: "ada" }))
        yield* MonoCloud.getTokens({ forceRefresh: true, refetchUserInfo: true })
        expect((yield* storedSession).user["nickname"]).toBe("ada")
        server.verify()
      })
    )
  )

  it.effect("gets a token for another resource once and finds it again under the same key", () =>
    withEngine(
      ({ server }) =>
        Effect.gen(function* () {
          yield* signInByPopup
          server.expect("token", server.tokenReply({ accessToken: "api-token", scope: "read:data", idToken: false }))
          const first = yield* MonoCloud.getTokens({ resource: "https://api.example.com" })
          const form = server.requestsTo("token").at(-1)!.form!
          expect(form.get("scope")).toBe("read:data")
          expect(form.getAll("resource")).toEqual(["https://api.example.com"])
          const again = yield* MonoCloud.getTokens({ resource: "https://api.example.com" })
          expect(first.accessToken).toBe("api-token")
          expect(again.accessToken).toBe("api-token")
          expect(server.requestsTo("token")).toHaveLength(2)
          expect((yield* storedSession).accessTokens).toHaveLength(2)
        }),
      {
        client: { fetchUserinfo: false, resources: [{ resource: "https://api.example.com", scopes: "read:data" }] },
        platform: (server) => ({ popup: authorizeResponder(server, { userInfo: false }) })
      }
    )
  )

  it.effect("fails without a session", () =>
    withEngine(() =>
      Effect.gen(function* () {
        yield* failsWith(MonoCloud.getTokens(), "MonoCloudNotSignedInError")
      })
    )
  )
})

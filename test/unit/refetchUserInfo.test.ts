import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as MonoCloud from "../../src/effect.js"
import * as SessionStore from "../../src/services/SessionStore.js"
import { signInByPopup, withEngine } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

describe("refetchUserInfo", () => {
  it.effect("calls UserInfo with the default access token and merges the claims into session.user", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        const before = yield* signInByPopup
        server.expect(
          "userinfo",
          server.userInfoReply({ name: "Ada Lovelace", picture: "https://img.example/ada.png" })
        )
        yield* MonoCloud.refetchUserInfo
        const after = (yield* MonoCloud.getSession)!
        expect(server.requestsTo("userinfo").at(-1)?.bearer).toBe(before.accessTokens?.[0]?.accessToken)
        expect(after.user["name"]).toBe("Ada Lovelace")
        expect(after.user["picture"]).toBe("https://img.example/ada.png")
        expect(after.user.sub).toBe(before.user.sub)
        expect(after.accessTokens).toEqual(before.accessTokens)
      })
    )
  )

  it.effect("refuses claims for another subject and keeps the user", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        yield* signInByPopup
        const before = yield* MonoCloud.getSession
        server.expect("userinfo", server.userInfoReply({ sub: "someone-else", name: "Mallory" }))
        const error = yield* failsWith(MonoCloud.refetchUserInfo, "MonoCloudValidationError")
        expect(error.reason).toBe("userInfoSubject")
        expect(yield* MonoCloud.getSession).toEqual(before)
      })
    )
  )

  it.effect("maps a 401 Bearer challenge to MonoCloudOPError", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        yield* signInByPopup
        server.expect("userinfo", {
          status: 401,
          body: "",
          headers: { "www-authenticate": 'Bearer error="invalid_token", error_description="expired"' }
        })
        const error = yield* failsWith(MonoCloud.refetchUserInfo, "MonoCloudOPError")
        expect(error.error).toBe("invalid_token")
        expect(error.status).toBe(401)
      })
    )
  )

  it.effect("needs a session", () =>
    withEngine(() =>
      Effect.gen(function* () {
        yield* failsWith(MonoCloud.refetchUserInfo, "MonoCloudNotSignedInError")
      })
    )
  )

  it.effect("names the app's misuse: no default token (accessToken), or one without openid (scope)", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        const session = yield* signInByPopup
        const store = yield* SessionStore.SessionStore
        const token = session.accessTokens![0]!
        const calls = server.requestsTo("userinfo").length
        yield* store.set({ ...session, accessTokens: [{ ...token, scopes: "profile email" }] })
        expect((yield* failsWith(MonoCloud.refetchUserInfo, "MonoCloudUsageError")).reason).toBe("scope")
        yield* store.set({ ...session, accessTokens: [] })
        expect((yield* failsWith(MonoCloud.refetchUserInfo, "MonoCloudUsageError")).reason).toBe("accessToken")
        expect(server.requestsTo("userinfo")).toHaveLength(calls)
      })
    )
  )
})

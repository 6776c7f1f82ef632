import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as MonoCloud from "../../src/effect.js"
import type { CallbackState, MonoCloudSession } from "../../src/index.js"
import * as SessionStore from "../../src/services/SessionStore.js"
import { answerAuthorize } from "../../src/testing/providerResponses.js"
import { APP_URL, makeTestClient, rejectionOf, signInByPopup, withEngine } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

describe("onSessionCreating and postCallback", () => {
  it.effect("onSessionCreating sees claims, UserInfo and appState, and what it adds to the session is stored", () => {
    const calls: Array<{ readonly sub: unknown; readonly userInfo: unknown; readonly state: unknown }> = []
    const urlsSeenByHooks: Array<string> = []
    let currentUrl = () => ""
    return withEngine(
      ({ server, navigation }) =>
        Effect.gen(function* () {
          currentUrl = () => navigation.currentUrl
          yield* MonoCloud.signIn({ appState: { page: "billing" } })
          const authorizeUrl = navigation.assigned[0]!
          navigation.currentUrl = yield* Effect.promise(() =>
            answerAuthorize(server, authorizeUrl, { userInfo: { email: "a@b.c" } })
          )
          yield* MonoCloud.processCallback
          expect(calls).toEqual([{ sub: "user-1", userInfo: "a@b.c", state: { page: "billing" } }])
          expect(urlsSeenByHooks).toEqual([`${APP_URL}/`]) // the code and state were gone before app code ran
          expect((yield* MonoCloud.getSession)?.["tenant"]).toBe("acme")
        }),
      {
        client: {
          onSessionCreating: (session, idToken, userInfo, state) => {
            urlsSeenByHooks.push(currentUrl())
            calls.push({ sub: idToken?.sub, userInfo: userInfo?.["email"], state })
            ;(session as Record<string, unknown>)["tenant"] = "acme"
          }
        }
      }
    )
  })

  it.effect("runs onSessionCreating on refresh and on UserInfo refetch too", () => {
    const seen: Array<string> = []
    return withEngine(
      ({ server }) =>
        Effect.gen(function* () {
          yield* signInByPopup
          server.expect("token", server.tokenReply({ accessToken: "refreshed" }))
          server.expect("userinfo", server.userInfoReply())
          yield* MonoCloud.refreshSession()
          server.expect("userinfo", server.userInfoReply())
          yield* MonoCloud.refetchUserInfo
          expect(seen.slice(1)).toEqual(["refreshed", "refreshed"])
        }),
      {
        client: {
          onSessionCreating: (session: MonoCloudSession) => {
            seen.push(session.accessTokens?.[0]?.accessToken ?? "none")
          }
        }
      }
    )
  })

  it.effect("postCallback replaces the default navigation and tells sign-in from sign-out", () => {
    const states: Array<CallbackState> = []
    const urlsSeen: Array<string> = []
    let currentUrl = () => ""
    return withEngine(
      ({ server, navigation }) =>
        Effect.gen(function* () {
          currentUrl = () => navigation.currentUrl
          yield* MonoCloud.signIn({ returnUrl: "/after" })
          const authorizeUrl = navigation.assigned[0]!
          navigation.currentUrl = yield* Effect.promise(() => answerAuthorize(server, authorizeUrl))
          yield* MonoCloud.processCallback
          expect(navigation.assigned).toHaveLength(1) // no navigation to /after: the hook decides
          expect(states[0]).toMatchObject({ signOut: false, mode: "redirect", returnUrl: `${APP_URL}/after` })
          // the hook runs on a clean address bar: no code, no state
          expect(urlsSeen[0]).toBe(`${APP_URL}/`)
          yield* MonoCloud.signOut()
          const state = new URL(navigation.assigned.at(-1)!).searchParams.get("state")
          navigation.currentUrl = `${APP_URL}/?state=${state}`
          yield* MonoCloud.processCallback
          expect(states[1]).toMatchObject({ signOut: true, mode: "redirect" })
        }),
      {
        client: {
          postCallback: (state) => {
            urlsSeen.push(currentUrl())
            states.push(state)
          }
        }
      }
    )
  })

  // Through the promise client on purpose: what the app's own hook threw is what its promise rejects with.
  it("an error thrown by a hook reaches the promise caller unchanged, and nothing is stored", async () => {
    const boom = new Error("hook failed")
    const { client } = await makeTestClient({
      onSessionCreating: () => {
        throw boom
      }
    })
    expect(await rejectionOf(client.signIn({ mode: "popup", popup: null }))).toBe(boom)
    expect(await client.getSession()).toBeUndefined()
  })

  it.effect("a storage adapter that throws fails the sign-in with MonoCloudStorageError, keeping the cause", () => {
    const cause = new DOMException("quota", "QuotaExceededError")
    const storage = {
      getItem: async () => null,
      setItem: async () => {
        throw cause
      },
      removeItem: async () => {}
    }
    return withEngine(
      () =>
        Effect.gen(function* () {
          expect((yield* failsWith(signInByPopup, "MonoCloudStorageError")).cause).toBe(cause)
        }),
      { client: { storage }, replacing: SessionStore.layer(storage) }
    )
  })
})

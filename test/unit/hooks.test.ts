import { describe, expect, it } from "@effect/vitest"
import type { CallbackState, MonoCloudSession } from "../../src/index.js"
import { MonoCloudStorageError } from "../../src/MonoCloudError.js"
import * as Layer from "effect/Layer"
import * as SessionStore from "../../src/services/SessionStore.js"
import { makeTestClient as clientOn, makeTestPlatform } from "../../src/testing.js"
import { answerAuthorize } from "../../src/testing/providerResponses.js"
import { makeScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { APP_URL, makeTestClient, rejectionOf, signedInClient } from "./support/testClient.js"

describe("onSessionCreating and postCallback", () => {
  it("onSessionCreating sees claims, UserInfo and appState, and what it adds to the session is stored", async () => {
    const calls: Array<{ readonly sub: unknown; readonly userInfo: unknown; readonly state: unknown }> = []
    const urlsSeenByHooks: Array<string> = []
    const { client, server, navigation } = await makeTestClient({
      onSessionCreating: (session, idToken, userInfo, state) => {
        urlsSeenByHooks.push(navigation.currentUrl)
        calls.push({ sub: idToken?.sub, userInfo: userInfo?.["email"], state })
        ;(session as Record<string, unknown>)["tenant"] = "acme"
      }
    })
    await client.signIn({ appState: { page: "billing" } })
    navigation.currentUrl = await answerAuthorize(server, navigation.assigned[0]!, { userInfo: { email: "a@b.c" } })
    await client.processCallback()
    expect(calls).toEqual([{ sub: "user-1", userInfo: "a@b.c", state: { page: "billing" } }])
    expect(urlsSeenByHooks).toEqual([`${APP_URL}/`]) // the code and state were gone before app code ran
    expect((await client.getSession())?.["tenant"]).toBe("acme")
  })

  it("runs onSessionCreating on refresh and on UserInfo refetch too", async () => {
    const seen: Array<string> = []
    const { client, server } = await signedInClient({
      onSessionCreating: (session: MonoCloudSession) => {
        seen.push(session.accessTokens?.[0]?.accessToken ?? "none")
      }
    })
    server.expect("token", await server.tokenReply({ accessToken: "refreshed" }))
    server.expect("userinfo", server.userInfoReply())
    await client.refreshSession()
    server.expect("userinfo", server.userInfoReply())
    await client.refetchUserInfo()
    expect(seen.slice(1)).toEqual(["refreshed", "refreshed"])
  })

  it("postCallback replaces the default navigation and tells sign-in from sign-out", async () => {
    const states: Array<CallbackState> = []
    const urlsSeen: Array<string> = []
    const { client, server, navigation } = await makeTestClient({
      postCallback: (state) => {
        urlsSeen.push(navigation.currentUrl)
        states.push(state)
      }
    })
    await client.signIn({ returnUrl: "/after" })
    navigation.currentUrl = await answerAuthorize(server, navigation.assigned[0]!)
    await client.processCallback()
    expect(navigation.assigned).toHaveLength(1) // no navigation to /after: the hook decides
    expect(states[0]).toMatchObject({ signOut: false, mode: "redirect", returnUrl: `${APP_URL}/after` })
    // the hook runs on a clean address bar: no code, no state
    expect(urlsSeen[0]).toBe(`${APP_URL}/`)
    await client.signOut()
    const state = new URL(navigation.assigned.at(-1)!).searchParams.get("state")
    navigation.currentUrl = `${APP_URL}/?state=${state}`
    await client.processCallback()
    expect(states[1]).toMatchObject({ signOut: true, mode: "redirect" })
  })

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

  it("a storage adapter that throws rejects with MonoCloudStorageError, keeping the cause", async () => {
    const cause = new DOMException("quota", "QuotaExceededError")
    const server = await makeScriptedAuthorizationServer()
    const storage = {
      getItem: async () => null,
      setItem: async () => {
        throw cause
      },
      removeItem: async () => {}
    }
    const client = clientOn(
      { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL, storage },
      Layer.merge(makeTestPlatform(server).layer, SessionStore.layer(storage))
    )
    const error = await rejectionOf(client.signIn({ mode: "popup", popup: null }))
    expect(error).toBeInstanceOf(MonoCloudStorageError)
    expect((error as MonoCloudStorageError).cause).toBe(cause)
  })
})

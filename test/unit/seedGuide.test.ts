/**
 * The three code samples of the user guide (shared/seeds: "restore a session silently and refresh
 * tokens"), run as written against the scripted authorization server, with what the guide promises.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { MonoCloudOPError } from "../../src/index.js"
import { answerAuthorize } from "../../src/testing/providerResponses.js"
import { makeServer, makeTestClient, signedInClient } from "./support/engine.js"

describe("user guide: silent sign-in and refresh", () => {
  it("signInSilent(): a user not signed in at the provider is caught as MonoCloudOPError", async () => {
    const server = await makeServer()
    const { client } = await makeTestClient(
      {},
      {
        server,
        silentFrame: (url) => Effect.promise(() => answerAuthorize(server, url, { error: "login_required" }))
      }
    )
    let userIsNotSignedIn = false
    try {
      await client.signInSilent()
    } catch (error) {
      if (error instanceof MonoCloudOPError) {
        userIsNotSignedIn = true
      } else {
        throw error
      }
    }
    expect(userIsNotSignedIn).toBe(true)
  })

  it("refreshSession() returns nothing; getSession() afterwards has the new tokens", async () => {
    const { client, server } = await signedInClient()
    server.expect("token", await server.tokenReply({ accessToken: "after-refresh" }))
    server.expect("userinfo", server.userInfoReply())
    const returned = await client.refreshSession()
    const session = await client.getSession()
    expect(returned).toBeUndefined()
    expect(session?.accessTokens?.some((token) => token.accessToken === "after-refresh")).toBe(true)
  })

  it("refreshSession({ refreshGrantOptions }) scopes the refresh to the given scopes and resource", async () => {
    const { client, server } = await signedInClient()
    server.expect("token", await server.tokenReply({ accessToken: "api-token" }))
    server.expect("userinfo", server.userInfoReply())
    await client.refreshSession({
      refreshGrantOptions: {
        scopes: "openid profile email offline_access",
        resource: "https://api.example.com"
      }
    })
    const form = server.requestsTo("token").at(-1)!.form!
    expect(form.get("scope")).toBe("openid profile email offline_access")
    expect(form.getAll("resource")).toEqual(["https://api.example.com"])
    const tokens = await client.getTokens({
      resource: "https://api.example.com",
      scopes: "openid profile email offline_access"
    })
    expect(tokens.accessToken).toBe("api-token")
  })

  it("refreshSession(): a revoked or expired refresh token is caught as MonoCloudOPError", async () => {
    const { client, server } = await signedInClient()
    server.expect("token", server.oauthError("invalid_grant", "grant request is invalid"))
    let refreshTokenNoLongerValid = false
    try {
      await client.refreshSession()
    } catch (error) {
      if (error instanceof MonoCloudOPError) {
        refreshTokenNoLongerValid = true
      } else {
        throw error
      }
    }
    expect(refreshTokenNoLongerValid).toBe(true)
  })

  it("refetchUserInfo() updates session.user in place", async () => {
    const { client, server } = await signedInClient()
    server.expect("userinfo", server.userInfoReply({ name: "Updated Name" }))
    await client.refetchUserInfo()
    const session = await client.getSession()
    expect(session?.user["name"]).toBe("Updated Name")
  })
})

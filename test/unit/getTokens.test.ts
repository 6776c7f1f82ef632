import { describe, expect, it } from "@effect/vitest"
import { MonoCloudValidationError } from "../../src/MonoCloudError.js"
import { authorizeResponder } from "../../src/testing/providerResponses.js"
import { makeScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { makeTestClient, rejectionOf, signedInClient } from "./support/testClient.js"

describe("getTokens", () => {
  it("returns the stored default token without a request while it is fresh", async () => {
    const { client, server } = await signedInClient()
    const session = (await client.getSession())!
    const requestsBefore = server.requests.length
    const tokens = await client.getTokens()
    expect(tokens.accessToken).toBe(session.accessTokens?.[0]?.accessToken)
    expect(tokens.idToken).toBe(session.idToken)
    expect(tokens.refreshToken).toBe(session.refreshToken)
    expect(tokens.isExpired).toBe(false)
    expect(server.requests.length).toBe(requestsBefore)
  })

  it("refreshes by itself when the access token expires within the margin", async () => {
    const server = await makeScriptedAuthorizationServer()
    const { client } = await makeTestClient(
      { fetchUserinfo: false },
      {
        server,
        popup: authorizeResponder(server, { token: { expiresIn: 20 } })
      }
    )
    await client.signIn({ mode: "popup", popup: null })
    server.expect("token", await server.tokenReply({ accessToken: "renewed", expiresIn: 3600 }))
    const tokens = await client.getTokens()
    expect(tokens.accessToken).toBe("renewed")
    expect(tokens.isExpired).toBe(false)
    expect(server.requestsTo("token").at(-1)?.form?.get("grant_type")).toBe("refresh_token")
    expect((await client.getSession())?.accessTokens?.[0]?.accessToken).toBe("renewed")
  })

  it("refreshes with forceRefresh, and fetches UserInfo only when asked", async () => {
    const { client, server } = await signedInClient()
    server.expect("token", await server.tokenReply({ accessToken: "forced" }))
    expect((await client.getTokens({ forceRefresh: true })).accessToken).toBe("forced")
    expect(server.requestsTo("userinfo")).toHaveLength(1) // the sign-in one only
    server.expect("token", await server.tokenReply({ accessToken: "forced-2" }))
    server.expect("userinfo", server.userInfoReply({ nickname: "ada" }))
    await client.getTokens({ forceRefresh: true, refetchUserInfo: true })
    expect((await client.getSession())?.user["nickname"]).toBe("ada")
    server.verify()
  })

  it("gets a token for another resource once and finds it again under the same key", async () => {
    const { client, server } = await signedInClient({
      fetchUserinfo: false,
      resources: [{ resource: "https://api.example.com", scopes: "read:data" }]
    })
    server.expect("token", await server.tokenReply({ accessToken: "api-token", scope: "read:data", idToken: false }))
    const first = await client.getTokens({ resource: "https://api.example.com" })
    const form = server.requestsTo("token").at(-1)!.form!
    expect(form.get("scope")).toBe("read:data")
    expect(form.getAll("resource")).toEqual(["https://api.example.com"])
    const again = await client.getTokens({ resource: "https://api.example.com" })
    expect(first.accessToken).toBe("api-token")
    expect(again.accessToken).toBe("api-token")
    expect(server.requestsTo("token")).toHaveLength(2)
    expect((await client.getSession())?.accessTokens).toHaveLength(2)
  })

  it("fails without a session", async () => {
    const { client } = await makeTestClient()
    const error = await rejectionOf(client.getTokens())
    expect(error).toBeInstanceOf(MonoCloudValidationError)
    expect((error as MonoCloudValidationError).check).toBe("session")
  })
})

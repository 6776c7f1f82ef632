import { describe, expect, it } from "@effect/vitest"
import { MonoCloudOPError, MonoCloudValidationError } from "../../src/MonoCloudError.js"
import { makeTestClient, rejectionOf, signedInClient } from "./support/testClient.js"

describe("refetchUserInfo", () => {
  it("calls UserInfo with the default access token and merges the claims into session.user", async () => {
    const { client, server } = await signedInClient()
    const before = (await client.getSession())!
    server.expect("userinfo", server.userInfoReply({ name: "Ada Lovelace", picture: "https://img.example/ada.png" }))
    await client.refetchUserInfo()
    const after = (await client.getSession())!
    expect(server.requestsTo("userinfo").at(-1)?.bearer).toBe(before.accessTokens?.[0]?.accessToken)
    expect(after.user["name"]).toBe("Ada Lovelace")
    expect(after.user["picture"]).toBe("https://img.example/ada.png")
    expect(after.user.sub).toBe(before.user.sub)
    expect(after.accessTokens).toEqual(before.accessTokens)
  })

  it("refuses claims for another subject and keeps the user", async () => {
    const { client, server } = await signedInClient()
    const before = await client.getSession()
    server.expect("userinfo", server.userInfoReply({ sub: "someone-else", name: "Mallory" }))
    const error = await rejectionOf(client.refetchUserInfo())
    expect((error as MonoCloudValidationError).check).toBe("userInfoSubject")
    expect(await client.getSession()).toEqual(before)
  })

  it("maps a 401 Bearer challenge to MonoCloudOPError", async () => {
    const { client, server } = await signedInClient()
    server.expect("userinfo", {
      status: 401,
      body: "",
      headers: { "www-authenticate": 'Bearer error="invalid_token", error_description="expired"' }
    })
    const error = await rejectionOf(client.refetchUserInfo())
    expect(error).toBeInstanceOf(MonoCloudOPError)
    expect((error as MonoCloudOPError).error).toBe("invalid_token")
    expect((error as MonoCloudOPError).status).toBe(401)
  })

  it("needs a session", async () => {
    const { client } = await makeTestClient()
    expect(((await rejectionOf(client.refetchUserInfo())) as MonoCloudValidationError).check).toBe("session")
  })
})

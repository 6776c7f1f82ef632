import { describe, expect, it, vi } from "@effect/vitest"
import {
  MonoCloudHttpError,
  MonoCloudOPError,
  MonoCloudStorageError,
  MonoCloudTimeoutError,
  MonoCloudTokenError,
  MonoCloudValidationError
} from "../../src/MonoCloudError.js"
import { authorizeResponder } from "../../src/testing/providerResponses.js"
import { makeScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { makeTestClient, rejectionOf, signedInClient } from "./support/testClient.js"

/** True when `text` can be found anywhere in the object graph of `value` (byte arrays decoded). */
const holdsText = (value: unknown, text: string, seen = new Set<unknown>()): boolean => {
  if (typeof value === "string") return value.includes(text)
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).includes(text)
  if (typeof value !== "object" || value === null || seen.has(value)) return false
  seen.add(value)
  return Object.getOwnPropertyNames(value).some((key) => holdsText((value as Record<string, unknown>)[key], text, seen))
}

describe("refreshSession", () => {
  it("replaces the default token, stores the rotated refresh token and merges the user", async () => {
    const { client, server } = await signedInClient()
    const before = (await client.getSession())!
    server.expect(
      "token",
      await server.tokenReply({ refreshToken: "rotated", accessToken: "new-access", idToken: { name: "Ada L." } })
    )
    server.expect("userinfo", server.userInfoReply({ email: "new@example.com" }))
    const result = await client.refreshSession()
    expect(result).toBeUndefined()
    const after = (await client.getSession())!
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

  it("narrowed by refreshGrantOptions: sends scope and resource, adds that token and keeps the others", async () => {
    const { client, server } = await signedInClient({ fetchUserinfo: false })
    server.expect("token", await server.tokenReply({ scope: "openid", accessToken: "narrow", idToken: false }))
    await client.refreshSession({ refreshGrantOptions: { scopes: "openid", resource: "https://api.example.com" } })
    const form = server.requestsTo("token").at(-1)!.form!
    expect(form.get("scope")).toBe("openid")
    expect(form.getAll("resource")).toEqual(["https://api.example.com"])
    const tokens = (await client.getSession())!.accessTokens!
    expect(tokens).toHaveLength(2)
    expect(tokens[1]).toMatchObject({
      accessToken: "narrow",
      resource: "https://api.example.com",
      requestedScopes: "openid"
    })
    expect(await client.getTokens({ resource: "https://api.example.com", scopes: "openid" })).toMatchObject({
      accessToken: "narrow"
    })
  })

  it("shares one token request between concurrent calls", async () => {
    const { client, server } = await signedInClient({ fetchUserinfo: false })
    server.expect("token", await server.tokenReply({ accessToken: "shared" }))
    await Promise.all([client.refreshSession(), client.refreshSession(), client.refreshSession()])
    expect(server.requestsTo("token")).toHaveLength(2) // the sign-in exchange and one refresh
    expect(server.unexpected).toHaveLength(0)
    expect((await client.getSession())?.accessTokens?.[0]?.accessToken).toBe("shared")
  })

  it("leaves the stored session exactly as it was on a network failure, a time-out or a 5xx", async () => {
    for (const reply of [{ networkError: true as const }, { status: 503, body: "busy" }]) {
      const { client, server, storage } = await signedInClient()
      const before = await storage.getItem("mc.session.test-client")
      server.expect("token", reply)
      const error = await rejectionOf(client.refreshSession())
      expect(error).toBeInstanceOf(MonoCloudHttpError)
      // The cause is the network error or nothing, never the request with the refresh token in its body.
      expect(holdsText((error as MonoCloudHttpError).cause, JSON.parse(before!).session.refreshToken)).toBe(false)
      expect(await storage.getItem("mc.session.test-client")).toBe(before)
    }
    const { client, server, storage } = await signedInClient({ httpTimeout: 0.05 })
    const before = await storage.getItem("mc.session.test-client")
    server.expect("token", { hang: true })
    expect(await rejectionOf(client.refreshSession())).toBeInstanceOf(MonoCloudTimeoutError)
    expect(await storage.getItem("mc.session.test-client")).toBe(before)
  })

  it("rejects with MonoCloudOPError invalid_grant for a revoked refresh token, session kept", async () => {
    const { client, server, storage } = await signedInClient()
    const before = await storage.getItem("mc.session.test-client")
    server.expect("token", server.oauthError("invalid_grant", "grant request is invalid"))
    const error = await rejectionOf(client.refreshSession())
    expect(error).toBeInstanceOf(MonoCloudOPError)
    expect((error as MonoCloudOPError).error).toBe("invalid_grant")
    expect(await storage.getItem("mc.session.test-client")).toBe(before)
  })

  it("validates a refreshed ID token like a sign-in's: an expired one is refused and the session kept", async () => {
    const { client, server, storage } = await signedInClient()
    const before = await storage.getItem("mc.session.test-client")
    server.expect("token", await server.tokenReply({ idToken: { exp: 1 } }))
    const error = await rejectionOf(client.refreshSession())
    expect(error).toBeInstanceOf(MonoCloudTokenError)
    expect((error as MonoCloudTokenError).check).toBe("expired")
    expect(await storage.getItem("mc.session.test-client")).toBe(before)
  })

  it("refuses a refreshed ID token for another subject", async () => {
    const { client, server } = await signedInClient()
    server.expect("token", await server.tokenReply({ sub: "intruder" }))
    const error = await rejectionOf(client.refreshSession())
    expect((error as MonoCloudValidationError).check).toBe("tokenResponse")
  })

  it("refuses a refreshed ID token with other audiences or an earlier auth_time, keeping the session", async () => {
    const { client, server, storage } = await signedInClient()
    const before = await storage.getItem("mc.session.test-client")
    const previous = JSON.parse(
      atob((await client.getSession())!.idToken!.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))
    )
    for (const idToken of [
      { aud: [server.clientId, "another-api"], azp: server.clientId },
      { auth_time: previous.auth_time - 60 }
    ]) {
      server.expect("token", await server.tokenReply({ idToken }))
      const error = await rejectionOf(client.refreshSession())
      expect((error as MonoCloudValidationError).check).toBe("tokenResponse")
      expect(await storage.getItem("mc.session.test-client")).toBe(before)
    }
    server.expect("token", await server.tokenReply({ idToken: { auth_time: previous.auth_time + 60 } }))
    server.expect("userinfo", server.userInfoReply({ sub: "user-1" }))
    await client.refreshSession()
    expect(await storage.getItem("mc.session.test-client")).not.toBe(before)
  })

  it("keeps a rotated refresh token in memory when the write fails, so the next refresh never sends the old one", async () => {
    const { client, server, storage } = await signedInClient({ fetchUserinfo: false })
    const before = (await client.getSession())!
    const quota = new DOMException("The quota has been exceeded", "QuotaExceededError")
    const write = vi.spyOn(storage, "setItem").mockRejectedValueOnce(quota)
    server.expect("token", await server.tokenReply({ refreshToken: "rotated-1", idToken: false }))
    const error = await rejectionOf(client.refreshSession())
    expect(error).toBeInstanceOf(MonoCloudStorageError)
    expect(error).toMatchObject({ operation: "set", heldInMemory: true, cause: quota })
    expect((error as MonoCloudStorageError).message).toContain("memory")
    // this tab goes on with the rotated token, and writes it again once storage works
    expect((await client.getSession())?.refreshToken).toBe("rotated-1")
    expect(await storage.getItem("mc.session.test-client")).toContain("rotated-1")
    server.expect("token", await server.tokenReply({ refreshToken: "rotated-2", idToken: false }))
    await client.refreshSession()
    expect(server.requestsTo("token").at(-1)!.form!.get("refresh_token")).toBe("rotated-1")
    expect(server.requestsTo("token").at(-2)!.form!.get("refresh_token")).toBe(before.refreshToken)
    expect((await client.getSession())?.refreshToken).toBe("rotated-2")
    // a session held in memory never outlives a sign-out
    write.mockRejectedValueOnce(quota)
    server.expect("token", await server.tokenReply({ refreshToken: "rotated-3", idToken: false }))
    expect(await rejectionOf(client.refreshSession())).toMatchObject({ heldInMemory: true })
    await client.signOut({ federatedSignOut: false })
    expect(await client.getSession()).toBeUndefined()
    write.mockRestore()
  })

  it("gets the provider's keys before it spends the grant: a key-set failure sends no refresh token", async () => {
    const { client, server, storage } = await signedInClient({ jwksCacheDuration: 0 })
    const before = await storage.getItem("mc.session.test-client")
    const tokenRequests = server.requestsTo("token").length
    server.expect("jwks", { status: 503, body: "down" })
    expect(await rejectionOf(client.refreshSession())).toBeInstanceOf(MonoCloudHttpError)
    expect(server.requestsTo("token")).toHaveLength(tokenRequests)
    expect(await storage.getItem("mc.session.test-client")).toBe(before)
  })

  it("keeps the renewed tokens when UserInfo fails after the grant, and says so with the UserInfo error", async () => {
    const { client, server } = await signedInClient()
    const before = (await client.getSession())!
    server.expect("token", await server.tokenReply({ refreshToken: "rotated", accessToken: "renewed" }))
    server.expect("userinfo", { status: 503, body: "busy" })
    const error = await rejectionOf(client.refreshSession())
    expect(error).toBeInstanceOf(MonoCloudHttpError)
    expect(error).toMatchObject({ endpoint: "userinfo" })
    const after = (await client.getSession())!
    expect(after.refreshToken).toBe("rotated")
    expect(after.accessTokens?.[0]?.accessToken).toBe("renewed")
    expect(after.user.email).toBe(before.user.email)
    // the next refresh presents the rotated token, not the spent one
    server.expect("token", await server.tokenReply({ refreshToken: "rotated-again" }))
    server.expect("userinfo", server.userInfoReply())
    await client.refreshSession()
    expect(server.requestsTo("token").at(-1)!.form!.get("refresh_token")).toBe("rotated")
  })

  it("refuses UserInfo about another user on refresh: its claims are not merged, the renewed tokens are kept", async () => {
    const { client, server } = await signedInClient()
    const before = (await client.getSession())!
    server.expect("token", await server.tokenReply({ refreshToken: "rotated" }))
    server.expect("userinfo", server.userInfoReply({ sub: "someone-else", email: "intruder@example.com" }))
    const error = await rejectionOf(client.refreshSession())
    expect(error).toBeInstanceOf(MonoCloudValidationError)
    expect((error as MonoCloudValidationError).check).toBe("userInfoSubject")
    const after = (await client.getSession())!
    expect(after.user.sub).toBe(before.user.sub)
    expect(after.user.email).toBe(before.user.email)
    expect(after.refreshToken).toBe("rotated")
  })

  it("needs a session and a refresh token", async () => {
    const { client } = await makeTestClient()
    expect(((await rejectionOf(client.refreshSession())) as MonoCloudValidationError).check).toBe("session")
    const server = await makeScriptedAuthorizationServer()
    const withoutRefresh = await makeTestClient(
      {},
      {
        server,
        popup: authorizeResponder(server, { token: { refreshToken: false } })
      }
    )
    await withoutRefresh.client.signIn({ mode: "popup", popup: null })
    const error = await rejectionOf(withoutRefresh.client.refreshSession())
    expect((error as MonoCloudValidationError).check).toBe("refreshToken")
  })
})

import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import {
  MonoCloudJsError,
  MonoCloudOPError,
  MonoCloudTokenError,
  MonoCloudValidationError
} from "../../src/MonoCloudError.js"
import * as Layer from "effect/Layer"
import * as TransactionStore from "../../src/services/TransactionStore.js"
import { MemoryStorage } from "../../src/storage.js"
import { makeTestClient as makeTestClientOn, makeTestPlatform } from "../../src/testing.js"
import { answerAuthorize, authorizeResponder } from "../../src/testing/providerResponses.js"
import { makeScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { APP_URL, makeTestClient, rejectionOf } from "./support/testClient.js"

const redirectSignIn = async (options: Parameters<typeof makeTestClient>[0] = {}) => {
  const context = await makeTestClient({ callbackPath: "/callback", ...options })
  await context.client.signIn({ returnUrl: "/dashboard?tab=1", appState: { from: "test" } })
  const authorizeUrl = context.navigation.assigned.at(-1)!
  return { ...context, authorizeUrl }
}

describe("signIn (redirect) and processCallback", () => {
  it("sends an authorization code request with PKCE S256, state, nonce and merged scopes and resources", async () => {
    const { authorizeUrl, server } = await redirectSignIn({
      defaultAuthParams: { scopes: "openid offline_access", resource: "https://api.example.com" },
      resources: [{ resource: "https://other.example.com", scopes: "read:other" }]
    })
    const url = new URL(authorizeUrl)
    expect(`${url.origin}${url.pathname}`).toBe(`${server.issuer}/authorize`)
    const params = url.searchParams
    expect(params.get("client_id")).toBe(server.clientId)
    expect(params.get("redirect_uri")).toBe(`${APP_URL}/callback`)
    expect(params.get("response_type")).toBe("code")
    expect(params.get("scope")).toBe("openid offline_access read:other")
    expect(params.getAll("resource")).toEqual(["https://api.example.com", "https://other.example.com"])
    expect(params.get("code_challenge_method")).toBe("S256")
    expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(params.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(params.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(params.get("state")).not.toBe(params.get("nonce"))
  })

  it("maps sign-in options onto the request, with signUp winning over prompt", async () => {
    const { client, navigation } = await makeTestClient()
    await client.signIn({
      signUp: true,
      prompt: "login",
      loginHint: "a@b.c",
      maxAge: 60,
      uiLocales: "fr",
      acrValues: ["mfa"]
    })
    const params = new URL(navigation.assigned[0]!).searchParams
    expect(params.get("prompt")).toBe("create")
    expect(params.get("login_hint")).toBe("a@b.c")
    expect(params.get("max_age")).toBe("60")
    expect(params.get("ui_locales")).toBe("fr")
    expect(params.get("acr_values")).toBe("mfa")
    expect(params.get("scope")).toBe("openid profile email")
  })

  it("completes the callback: exchanges the code as a public client, stores the session, cleans the URL, goes to returnUrl", async () => {
    const { client, server, navigation, authorizeUrl } = await redirectSignIn()
    navigation.currentUrl = `${await answerAuthorize(server, authorizeUrl, {
      userInfo: { email: "ada@example.com", name: "Ada" }
    })}&keep=me`
    await client.processCallback()

    const session = await client.getSession()
    expect(session?.user.sub).toBe("user-1")
    expect(session?.user.email).toBe("ada@example.com")
    expect(session?.user["nonce"]).toBeUndefined()
    expect(session?.accessTokens).toHaveLength(1)
    expect(session?.refreshToken).toBeTypeOf("string")

    const [tokenRequest] = server.requestsTo("token")
    expect(tokenRequest?.form?.get("grant_type")).toBe("authorization_code")
    expect(tokenRequest?.form?.get("client_id")).toBe(server.clientId)
    expect(tokenRequest?.form?.get("code_verifier")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(tokenRequest?.form?.get("redirect_uri")).toBe(`${APP_URL}/callback`)
    expect(tokenRequest?.headers.get("authorization")).toBeNull()

    expect(navigation.currentUrl).toBe(`${APP_URL}/callback?keep=me`)
    expect(navigation.assigned.at(-1)).toBe(`${APP_URL}/dashboard?tab=1`)
    server.verify()
  })

  it("is harmless when called twice or on a page that is no callback", async () => {
    const { client, server, navigation, authorizeUrl } = await redirectSignIn()
    await client.processCallback()
    navigation.currentUrl = await answerAuthorize(server, authorizeUrl)
    await client.processCallback()
    await client.processCallback()
    expect(server.requestsTo("token")).toHaveLength(1)
    server.verify()
  })

  it("ignores a callback whose state belongs to no pending sign-in and sends nothing", async () => {
    const { client, server, navigation, authorizeUrl } = await redirectSignIn()
    const forged = new URL(authorizeUrl).searchParams
    navigation.currentUrl = `${APP_URL}/callback?code=stolen&state=not-${forged.get("state")}&iss=${server.issuer}`
    await client.processCallback()
    expect(await client.getSession()).toBeUndefined()
    expect(server.requestsTo("token")).toHaveLength(0)
  })

  it("leaves no response in the address bar: an implicit-style answer is refused and its tokens removed", async () => {
    const { client, server, navigation, authorizeUrl } = await redirectSignIn()
    const state = new URL(authorizeUrl).searchParams.get("state")
    navigation.currentUrl =
      `${APP_URL}/callback?keep=1&state=${state}&iss=${encodeURIComponent(server.issuer)}` +
      "&code=c&access_token=at-secret&id_token=id.secret.token&token_type=Bearer&expires_in=60"
    const error = await rejectionOf(client.processCallback())
    expect((error as MonoCloudValidationError).check).toBe("callbackResponse")
    expect(navigation.currentUrl).toBe(`${APP_URL}/callback?keep=1`)
    expect(await client.getSession()).toBeUndefined()
  })

  it("removes an answer nobody waits for (no or unknown state) from the address bar at the callback path only", async () => {
    const { client, server, navigation } = await redirectSignIn()
    for (const stray of [
      "?error=access_denied&error_description=x",
      "#access_token=at-secret&token_type=Bearer",
      "?code=c&state=unknown"
    ]) {
      navigation.currentUrl = `${APP_URL}/callback${stray}`
      await client.processCallback()
      expect(navigation.currentUrl).toBe(`${APP_URL}/callback`)
    }
    navigation.currentUrl = `${APP_URL}/search?state=kept&code=kept`
    await client.processCallback()
    expect(navigation.currentUrl).toBe(`${APP_URL}/search?state=kept&code=kept`)
    expect(server.requestsTo("token")).toHaveLength(0)
  })

  it("keeps two pending sign-ins apart: each callback completes its own", async () => {
    const { client, server, navigation } = await makeTestClient()
    await client.signIn()
    await client.signIn()
    const [first, second] = navigation.assigned
    navigation.currentUrl = await answerAuthorize(server, first!, { token: { sub: "first" } })
    await client.processCallback()
    expect((await client.getSession())?.user.sub).toBe("first")
    navigation.currentUrl = await answerAuthorize(server, second!, { token: { sub: "second" } })
    await client.processCallback()
    expect((await client.getSession())?.user.sub).toBe("second")
  })

  it("rejects with MonoCloudOPError for an error response, after cleaning the URL, storing nothing", async () => {
    const { client, server, navigation, authorizeUrl } = await redirectSignIn()
    navigation.currentUrl = await answerAuthorize(server, authorizeUrl, { error: "access_denied" })
    const error = await rejectionOf(client.processCallback())
    expect(error).toBeInstanceOf(MonoCloudOPError)
    expect((error as MonoCloudOPError).error).toBe("access_denied")
    expect(navigation.currentUrl).toBe(`${APP_URL}/callback`)
    expect(await client.getSession()).toBeUndefined()
  })

  it("rejects a response from another issuer, and one without iss when the provider advertises it (RFC 9207)", async () => {
    for (const iss of ["https://evil.example", null]) {
      const { client, server, navigation, authorizeUrl } = await redirectSignIn()
      navigation.currentUrl = await answerAuthorize(server, authorizeUrl, { iss, userInfo: false })
      const error = await rejectionOf(client.processCallback())
      expect(error).toBeInstanceOf(MonoCloudValidationError)
      expect((error as MonoCloudValidationError).check).toBe("issuer")
      expect(server.requestsTo("token")).toHaveLength(0)
    }
  })

  it("rejects an ID token with another nonce, or signed by a key the provider never published, storing nothing", async () => {
    const cases = [
      { token: () => ({ nonce: "replayed-nonce" }), check: "nonce" },
      { token: () => ({ mint: { key: "unknown" as const } }), check: "key" },
      { token: (kid: string) => ({ mint: { key: "unknown" as const, kid } }), check: "signature" }
    ]
    for (const { check, token } of cases) {
      const { client, server, navigation, authorizeUrl } = await redirectSignIn()
      const answer = { token: token(server.minter.currentKid), userInfo: false as const }
      navigation.currentUrl = await answerAuthorize(server, authorizeUrl, answer)
      const error = await rejectionOf(client.processCallback())
      expect(error).toBeInstanceOf(MonoCloudTokenError)
      expect((error as MonoCloudTokenError).check).toBe(check)
      expect(await client.getSession()).toBeUndefined()
    }
  })

  it("rejects a UserInfo response for another subject", async () => {
    const { client, server, navigation, authorizeUrl } = await redirectSignIn()
    navigation.currentUrl = await answerAuthorize(server, authorizeUrl, { userInfo: { sub: "someone-else" } })
    const error = await rejectionOf(client.processCallback())
    expect((error as MonoCloudValidationError).check).toBe("userInfoSubject")
    expect(await client.getSession()).toBeUndefined()
  })

  it("cleans the address bar before the code exchange, and it stays clean when the exchange fails", async () => {
    const { client, server, navigation, authorizeUrl } = await redirectSignIn()
    const state = new URL(authorizeUrl).searchParams.get("state")!
    const urlsAtExchange: Array<string> = []
    server.expect("token", () => {
      urlsAtExchange.push(navigation.currentUrl)
      return { status: 500, body: "down" }
    })
    navigation.currentUrl = `${APP_URL}/callback?code=test-code&state=${state}&iss=${encodeURIComponent(server.issuer)}`
    expect(await rejectionOf(client.processCallback())).toMatchObject({ reason: "StatusCode" })
    expect(urlsAtExchange).toEqual([`${APP_URL}/callback`])
    expect(navigation.currentUrl).toBe(`${APP_URL}/callback`)
  })

  it("refuses a cross-origin returnUrl before navigating", async () => {
    const { client, navigation } = await makeTestClient()
    const error = await rejectionOf(client.signIn({ returnUrl: "https://evil.example/steal" }))
    expect(error).toBeInstanceOf(MonoCloudValidationError)
    expect((error as MonoCloudValidationError).check).toBe("returnUrl")
    expect(navigation.assigned).toHaveLength(0)
  })

  it("checks the return URL again after the callback: a transaction tampered with in storage goes nowhere else", async () => {
    const server = await makeScriptedAuthorizationServer()
    const transactions = new MemoryStorage()
    const platform = makeTestPlatform(server, { url: `${APP_URL}/` })
    const client = makeTestClientOn(
      { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL },
      Layer.merge(platform.layer, TransactionStore.layer(transactions))
    )
    await client.signIn({ returnUrl: "/after" })
    const state = new URL(platform.navigation.assigned[0]!).searchParams.get("state")
    const key = `mc.txn.${server.clientId}.${state}`
    const stored = JSON.parse((await transactions.getItem(key))!)
    await transactions.setItem(key, JSON.stringify({ ...stored, returnUrl: "https://evil.example/steal" }))
    platform.navigation.currentUrl = await answerAuthorize(server, platform.navigation.assigned[0]!)
    const error = await rejectionOf(client.processCallback())
    expect(error).toBeInstanceOf(MonoCloudValidationError)
    expect((error as MonoCloudValidationError).check).toBe("returnUrl")
    expect(platform.navigation.assigned).toHaveLength(1) // only the authorize URL
  })

  it("refuses a redirect sign-in inside an iframe", async () => {
    const { client, navigation } = await makeTestClient()
    navigation.role = "iframe"
    const error = await rejectionOf(client.signIn())
    expect(error).toBeInstanceOf(MonoCloudJsError)
    expect((error as MonoCloudJsError).reason).toBe("RedirectInFrame")
  })

  it("in a tab that has an opener, completes its own redirect sign-in instead of forwarding it", async () => {
    const { client, server, navigation, authorizeUrl } = await redirectSignIn()
    navigation.role = "popup"
    navigation.currentUrl = await answerAuthorize(server, authorizeUrl)
    await client.processCallback()
    expect(navigation.posted).toEqual([])
    expect((await client.getSession())?.user.sub).toBe("user-1")
  })

  it("inside a popup or iframe only hands the callback URL to the owner, restricted to the app origin", async () => {
    const { client, server, navigation } = await makeTestClient()
    navigation.role = "popup"
    navigation.currentUrl = `${APP_URL}/?code=abc&state=xyz`
    await client.processCallback()
    expect(navigation.posted).toEqual([
      { message: { source: "monocloud-auth-web-js", url: `${APP_URL}/?code=abc&state=xyz` }, targetOrigin: APP_URL }
    ])
    expect(server.requests).toHaveLength(0)
  })
})

describe("signIn (popup)", () => {
  it("resolves once the popup's callback was exchanged and the session stored", async () => {
    const { client, server } = await makeTestClient()
    await client.signIn({ mode: "popup", popup: null })
    expect((await client.getSession())?.user.sub).toBe("user-1")
    server.verify()
  })

  it("fails fast with MonoCloudJsError when the popup was blocked or closed", async () => {
    for (const reason of ["PopupBlocked", "PopupClosed"] as const) {
      const { client } = await makeTestClient(
        {},
        {
          popup: () => Effect.fail(new MonoCloudJsError({ reason, detail: reason }))
        }
      )
      const error = await rejectionOf(client.signIn({ mode: "popup", popup: null }))
      expect(error).toBeInstanceOf(MonoCloudJsError)
      expect((error as MonoCloudJsError).reason).toBe(reason)
      expect(await client.getSession()).toBeUndefined()
    }
  })

  it("refuses a code exchange that returns no ID token (tokenResponse), storing nothing", async () => {
    const server = await makeScriptedAuthorizationServer()
    const { client } = await makeTestClient(
      {},
      { server, popup: authorizeResponder(server, { token: { idToken: false } }) }
    )
    const error = await rejectionOf(client.signIn({ mode: "popup", popup: null }))
    expect(error).toBeInstanceOf(MonoCloudValidationError)
    expect((error as MonoCloudValidationError).check).toBe("tokenResponse")
    expect(await client.getSession()).toBeUndefined()
  })
})

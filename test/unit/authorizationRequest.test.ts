import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/testing/TestClock"
import { base64UrlEncode } from "../../src/util/base64url.js"
import { buildAuthorizationRequest, requestScopes } from "../../src/internal/authorizationRequest.js"
import { resolveConfig, type MonoCloudWebJSClientOptions } from "../../src/MonoCloudConfig.js"
import { APP_URL, engineLayer, scriptedServer } from "./support/engine.js"

const REDIRECT = `${APP_URL}/callback`

const sha256Base64Url = (text: string) =>
  Effect.promise(async () =>
    base64UrlEncode(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))))
  )

const build = (
  params: Parameters<typeof buildAuthorizationRequest>[0] = {},
  options: Partial<MonoCloudWebJSClientOptions> = {},
  flow: Partial<Parameters<typeof buildAuthorizationRequest>[1]> = {}
) =>
  Effect.gen(function* () {
    const server = yield* scriptedServer()
    const request = yield* buildAuthorizationRequest(params, { mode: "redirect", redirectUri: REDIRECT, ...flow }).pipe(
      Effect.provide(engineLayer(server, options))
    )
    return { ...request, params: new URL(request.url).searchParams, server }
  })

const configWith = (options: Partial<MonoCloudWebJSClientOptions> = {}) =>
  resolveConfig({ tenantDomain: "https://op.example.test", clientId: "c", appUrl: APP_URL, ...options })

describe("buildAuthorizationRequest", () => {
  it.effect("sends exactly the required parameters to the metadata's authorization endpoint", () =>
    Effect.gen(function* () {
      const { params, server, transaction, url } = yield* build()
      const parsed = new URL(url)
      expect(`${parsed.origin}${parsed.pathname}`).toBe(server.metadata["authorization_endpoint"])
      expect([...params.keys()].sort()).toEqual([
        "client_id",
        "code_challenge",
        "code_challenge_method",
        "nonce",
        "redirect_uri",
        "response_type",
        "scope",
        "state"
      ])
      expect(params.get("client_id")).toBe(server.clientId)
      expect(params.get("redirect_uri")).toBe(REDIRECT)
      expect(params.get("response_type")).toBe("code")
      expect(params.get("scope")).toBe("openid profile email")
      expect(params.get("code_challenge_method")).toBe("S256")
      expect(params.get("state")).toBe(transaction.state)
      expect(params.get("nonce")).toBe(transaction.nonce)
      expect(params.getAll("state")).toHaveLength(1)
    })
  )

  it.effect("adds every optional parameter the call gives, and only non-empty ones", () =>
    Effect.gen(function* () {
      const { params } = yield* build({
        prompt: "login",
        loginHint: "ada@example.com",
        authenticatorHint: "passkey",
        uiLocales: "en fr",
        display: "popup",
        acrValues: ["urn:a", "urn:b"],
        maxAge: 0,
        audience: "https://api.example.com",
        idTokenHint: "id-token-hint",
        resource: "https://api.example.com",
        scopes: ""
      })
      expect(
        Object.fromEntries(
          [...params].filter(
            ([name]) => !["state", "nonce", "code_challenge", "client_id", "redirect_uri"].includes(name)
          )
        )
      ).toEqual({
        scope: "openid profile email",
        response_type: "code",
        prompt: "login",
        login_hint: "ada@example.com",
        authenticator_hint: "passkey",
        ui_locales: "en fr",
        display: "popup",
        acr_values: "urn:a urn:b",
        max_age: "0",
        audience: "https://api.example.com",
        id_token_hint: "id-token-hint",
        resource: "https://api.example.com",
        code_challenge_method: "S256"
      })
      const empty = yield* build({ prompt: "", loginHint: "", acrValues: [] })
      expect(empty.params.has("prompt")).toBe(false)
      expect(empty.params.has("login_hint")).toBe(false)
      expect(empty.params.has("acr_values")).toBe(false)
    })
  )

  it.effect("sends the S256 challenge of the stored verifier, with fresh random values each time", () =>
    Effect.gen(function* () {
      const first = yield* build()
      const second = yield* build()
      const verifier = first.transaction.codeVerifier!
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(first.params.get("code_challenge")).toBe(yield* sha256Base64Url(verifier))
      expect(first.params.get("code_challenge")).not.toBe(verifier)
      expect(first.transaction.state).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(first.transaction.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(new Set([first.transaction.state, first.transaction.nonce, verifier]).size).toBe(3)
      expect(second.transaction.state).not.toBe(first.transaction.state)
      expect(second.transaction.nonce).not.toBe(first.transaction.nonce)
      expect(second.transaction.codeVerifier).not.toBe(verifier)
    })
  )

  it.effect("merges the call's resources with the configured ones, repeating the parameter without duplicates", () =>
    Effect.gen(function* () {
      const { params, transaction } = yield* build(
        { resource: "https://a.example.com  https://b.example.com https://c.example.com" },
        {
          defaultAuthParams: { resource: "https://c.example.com" },
          resources: [{ resource: "https://d.example.com", scopes: "read:d" }]
        }
      )
      expect(params.getAll("resource")).toEqual([
        "https://a.example.com",
        "https://b.example.com",
        "https://c.example.com",
        "https://d.example.com"
      ])
      expect(params.get("scope")).toBe("openid read:d")
      // the code exchange asks for the call's resources only
      expect(transaction.resource).toBe("https://a.example.com https://b.example.com https://c.example.com")
    })
  )

  it.effect("exchanges the code for the default resource when the call names none", () =>
    Effect.gen(function* () {
      const { params, transaction } = yield* build(
        {},
        {
          defaultAuthParams: { resource: "https://default.example.com" },
          resources: [{ resource: "https://other.example.com" }]
        }
      )
      expect(params.getAll("resource")).toEqual(["https://default.example.com", "https://other.example.com"])
      expect(transaction.resource).toBe("https://default.example.com")
    })
  )

  it.effect("leaves the transaction's resource out when there is none", () =>
    Effect.gen(function* () {
      const { params, transaction } = yield* build({}, { resources: [{ resource: "https://other.example.com" }] })
      expect(params.getAll("resource")).toEqual(["https://other.example.com"])
      expect("resource" in transaction).toBe(false)
    })
  )

  it.effect("records the flow in the transaction", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_700_000_000_000)
      const { transaction } = yield* build(
        { scopes: "offline_access", maxAge: 300 },
        {},
        { mode: "popup", returnUrl: `${APP_URL}/after`, appState: { tab: 2 } }
      )
      expect(transaction).toEqual({
        version: 1,
        kind: "signIn",
        mode: "popup",
        state: transaction.state,
        nonce: transaction.nonce,
        codeVerifier: transaction.codeVerifier,
        redirectUri: REDIRECT,
        scopes: "openid offline_access",
        maxAge: 300,
        returnUrl: `${APP_URL}/after`,
        appState: { tab: 2 },
        createdAt: 1_700_000_000_000
      })
    })
  )

  it.effect("leaves optional transaction fields out when the flow has none", () =>
    Effect.gen(function* () {
      const { transaction } = yield* build({}, {}, { mode: "silent" })
      expect(transaction.mode).toBe("silent")
      expect(Object.keys(transaction).sort()).toEqual([
        "codeVerifier",
        "createdAt",
        "kind",
        "mode",
        "nonce",
        "redirectUri",
        "scopes",
        "state",
        "version"
      ])
    })
  )
})

describe("requestScopes", () => {
  it.effect("defaults to openid profile email when neither the call nor the options name scopes", () =>
    Effect.gen(function* () {
      expect(requestScopes(yield* configWith(), undefined)).toEqual(["openid", "profile", "email"])
      expect(requestScopes(yield* configWith(), "  ")).toEqual(["openid", "profile", "email"])
    })
  )

  it.effect("uses the call's scopes (no defaults) and always adds openid first", () =>
    Effect.gen(function* () {
      expect(requestScopes(yield* configWith(), "read write")).toEqual(["openid", "read", "write"])
    })
  )

  it.effect("merges the call's scopes before the configured ones, without duplicates", () =>
    Effect.gen(function* () {
      const config = yield* configWith({
        defaultAuthParams: { scopes: "openid offline_access" },
        resources: [{ resource: "https://api.example.com", scopes: "read:api offline_access" }]
      })
      expect(config.configuredScopes).toEqual(["openid", "offline_access", "read:api"])
      expect(requestScopes(config, "email read:api")).toEqual(["email", "read:api", "openid", "offline_access"])
      expect(requestScopes(config, undefined)).toEqual(["openid", "offline_access", "read:api"])
    })
  )

  it.effect("adds openid to configured scopes that lack it", () =>
    Effect.gen(function* () {
      const config = yield* configWith({ defaultAuthParams: { scopes: "profile" } })
      expect(requestScopes(config, undefined)).toEqual(["openid", "profile"])
    })
  )
})

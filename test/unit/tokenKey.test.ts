import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { accessTokenRecord, findToken, grants, replaceToken, tokenKeyFor } from "../../src/internal/tokenKey.js"
import { resolveConfig, type MonoCloudWebJSClientOptions } from "../../src/MonoCloudConfig.js"
import type { AccessToken, MonoCloudSession } from "../../src/schemas/Session.js"

const configWith = (options: Partial<MonoCloudWebJSClientOptions> = {}) =>
  resolveConfig({ tenantDomain: "https://op.example.test", clientId: "c", appUrl: "http://localhost:3000", ...options })

const token = (accessToken: string, fields: Partial<AccessToken> = {}): AccessToken => ({
  accessToken,
  accessTokenExpiration: 2_000,
  scopes: "openid",
  ...fields
})

const session = (
  accessTokens: ReadonlyArray<AccessToken> = [],
  authorizedScopes = "openid profile email"
): MonoCloudSession => ({
  user: { sub: "user-1" },
  authorizedScopes,
  accessTokens
})

describe("tokenKeyFor", () => {
  it.effect("uses the session's authorized scopes and no resource by default", () =>
    Effect.gen(function* () {
      expect(tokenKeyFor(yield* configWith(), session(), {})).toEqual({
        resource: undefined,
        scopes: "openid profile email"
      })
    })
  )

  it.effect("fills in the default resource when the request names none", () =>
    Effect.gen(function* () {
      const config = yield* configWith({
        defaultAuthParams: { resource: "https://a.example.com https://b.example.com" }
      })
      expect(tokenKeyFor(config, session(), {})).toEqual({
        resource: "https://a.example.com https://b.example.com",
        scopes: "openid profile email"
      })
    })
  )

  it.effect("uses the request's scopes as given", () =>
    Effect.gen(function* () {
      const config = yield* configWith({ resources: [{ resource: "https://api.example.com", scopes: "read:api" }] })
      expect(tokenKeyFor(config, session(), { resource: "https://api.example.com", scopes: "write:api" })).toEqual({
        resource: "https://api.example.com",
        scopes: "write:api"
      })
    })
  )

  it.effect("uses the matching indicator's scopes for a resource, matched as a set", () =>
    Effect.gen(function* () {
      const config = yield* configWith({
        resources: [{ resource: "https://a.example.com https://b.example.com", scopes: "read:ab" }]
      })
      expect(tokenKeyFor(config, session(), { resource: "https://b.example.com  https://a.example.com" })).toEqual({
        resource: "https://b.example.com  https://a.example.com",
        scopes: "read:ab"
      })
    })
  )

  it.effect("falls back to the authorized scopes for a resource no indicator names, or one without scopes", () =>
    Effect.gen(function* () {
      const config = yield* configWith({ resources: [{ resource: "https://bare.example.com" }] })
      expect(tokenKeyFor(config, session(), { resource: "https://unknown.example.com" }).scopes).toBe(
        "openid profile email"
      )
      expect(tokenKeyFor(config, session(), { resource: "https://bare.example.com" }).scopes).toBe(
        "openid profile email"
      )
    })
  )
})

describe("findToken", () => {
  const stored = [
    token("default", { requestedScopes: "openid profile email" }),
    token("api", { resource: "https://b.example.com https://a.example.com", requestedScopes: "write read" })
  ]

  it("finds a token by resource and requested scopes compared as sets, in any order", () => {
    const found = findToken(session(stored), {
      resource: "https://a.example.com https://b.example.com",
      scopes: "read  write"
    })
    expect(found?.accessToken).toBe("api")
    expect(findToken(session(stored), { resource: undefined, scopes: "email openid profile" })?.accessToken).toBe(
      "default"
    )
  })

  it("treats no resource and an empty resource alike", () => {
    expect(findToken(session(stored), { resource: "", scopes: "openid profile email" })?.accessToken).toBe("default")
  })

  it("finds nothing for a subset or a superset of the key", () => {
    expect(findToken(session(stored), { resource: "https://a.example.com", scopes: "read write" })).toBeUndefined()
    expect(
      findToken(session(stored), { resource: "https://a.example.com https://b.example.com", scopes: "read" })
    ).toBeUndefined()
    expect(
      findToken(session(stored), { resource: undefined, scopes: "openid profile email offline_access" })
    ).toBeUndefined()
    expect(findToken({ user: { sub: "u" } }, { resource: undefined, scopes: undefined })).toBeUndefined()
  })
})

describe("replaceToken", () => {
  it("replaces the token under the same key and keeps the others", () => {
    const other = token("other", { resource: "https://a.example.com", requestedScopes: "read" })
    const current = token("old", { requestedScopes: "openid profile" })
    const renewed = token("new", { requestedScopes: "profile openid" })
    const tokens = replaceToken(session([other, current]), { resource: undefined, scopes: "profile openid" }, renewed)
    expect(tokens.map((t) => t.accessToken)).toEqual(["other", "new"])
  })

  it("adds a token under a new key", () => {
    const first = token("first", { requestedScopes: "openid" })
    const added = token("added", { resource: "https://a.example.com", requestedScopes: "read" })
    expect(replaceToken(session([first]), { resource: "https://a.example.com", scopes: "read" }, added)).toEqual([
      first,
      added
    ])
    expect(replaceToken({ user: { sub: "u" } }, { resource: undefined, scopes: "openid" }, first)).toEqual([first])
  })
})

describe("accessTokenRecord", () => {
  it("computes the expiry in whole seconds from now and keeps the key", () => {
    const record = accessTokenRecord(
      { access_token: "at", expires_in: 60, scope: "read" },
      { resource: "https://a.example.com", scopes: "read write" },
      1_000.7
    )
    expect(record).toEqual({
      accessToken: "at",
      accessTokenExpiration: 1_060,
      scopes: "read",
      resource: "https://a.example.com",
      requestedScopes: "read write"
    })
  })

  it("falls back to the requested scopes, then to none, when the response names no scope", () => {
    expect(
      accessTokenRecord({ access_token: "at", expires_in: 0 }, { resource: undefined, scopes: "openid" }, 500)
    ).toEqual({ accessToken: "at", accessTokenExpiration: 500, scopes: "openid", requestedScopes: "openid" })
    expect(accessTokenRecord({ access_token: "at", expires_in: 10 }, { resource: "", scopes: undefined }, 500)).toEqual(
      { accessToken: "at", accessTokenExpiration: 510, scopes: "" }
    )
  })

  it("keeps an empty granted scope as sent", () => {
    expect(
      accessTokenRecord({ access_token: "at", expires_in: 10, scope: "" }, { resource: undefined, scopes: "openid" }, 0)
        .scopes
    ).toBe("")
  })
})

describe("grants", () => {
  it("is true only for a granted scope word", () => {
    expect(grants({ scopes: "openid  offline_access" }, "offline_access")).toBe(true)
    expect(grants({ scopes: "openid offline_access_x" }, "offline_access")).toBe(false)
    expect(grants({ scopes: "" }, "openid")).toBe(false)
  })
})

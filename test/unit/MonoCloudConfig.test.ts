import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import {
  type MonoCloudWebJSClientOptions,
  type ResolvedConfig,
  resolveConfig,
  type SecurityAlgorithms
} from "../../src/MonoCloudConfig.js"

const base: MonoCloudWebJSClientOptions = {
  tenantDomain: "acme.us.monocloud.com",
  clientId: "client-1",
  appUrl: "http://localhost:3000"
}

const resolve = (options: Partial<MonoCloudWebJSClientOptions> = {}) => resolveConfig({ ...base, ...options })

/** Resolving fails with check `options` and a detail mentioning `mentions`. */
const rejects = (options: Partial<MonoCloudWebJSClientOptions>, mentions: string) =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(resolve(options))
    expect(error._tag).toBe("MonoCloudUsageError")
    expect(error.reason).toBe("options")
    expect(error.detail).toContain(mentions)
  })

describe("resolveConfig", () => {
  it.effect("names an option of the wrong type instead of throwing (what plain JavaScript may pass)", () =>
    Effect.gen(function* () {
      const wrong = (options: Record<string, unknown>) => options as Partial<MonoCloudWebJSClientOptions>
      yield* rejects(wrong({ tenantDomain: 0 }), "tenantDomain must be of type string")
      yield* rejects(wrong({ callbackPath: 1 }), "callbackPath must be of type string")
      yield* rejects(wrong({ resources: [null] }), "resources must be an array")
      yield* rejects(wrong({ resources: [{ resource: 1 }] }), "resources must be an array")
      yield* rejects(wrong({ defaultAuthParams: { scopes: 1 } }), "defaultAuthParams.scopes")
      yield* rejects(
        wrong({ allowedEndpointOrigins: "https://x.example" }),
        "allowedEndpointOrigins must be of type string[]"
      )
      yield* rejects(
        wrong({ idTokenSigningAlgorithm: Object.create(null) }),
        "idTokenSigningAlgorithm must be of type string"
      )
      yield* rejects(wrong({ filteredIdTokenClaims: 5 }), "filteredIdTokenClaims must be of type string[]")
      yield* rejects(wrong({ httpTimeout: "10" }), "httpTimeout must be of type number")
      yield* rejects(wrong({ clientSecret: "s", clientAuthMethod: "private_key_jwt" }), "clientAuthMethod must be none")
    })
  )

  it.effect("says what each option must be, in one sentence that starts with its name", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
        [{ httpTimeout: -1 }, "httpTimeout must be a non-negative number of seconds"],
        [{ clockSkew: Number.NaN }, "clockSkew must be a finite number of seconds"],
        [{ popupWindowWidth: 0 }, "popupWindowWidth must be a positive number of pixels"],
        [{ clientAuthMethod: 5 }, "clientAuthMethod must be none, client_secret_basic or client_secret_post"],
        [{ idTokenSigningAlgorithm: "HS256" }, "idTokenSigningAlgorithm HS256 is not supported"],
        [{ clientId: " " }, "clientId is required"],
        [{ clientId: undefined }, "clientId is required"],
        [{ defaultAuthParams: 3 }, "defaultAuthParams must be of type object"],
        [{ fetch: "fetch" }, "fetch must be of type function"],
        [{ storage: [] }, "storage must be of type object"],
        [{ validateIdToken: "yes" }, "validateIdToken must be of type boolean"],
        [{ userSchema: {} }, "userSchema must be an effect Schema"]
      ]
      for (const [options, sentence] of cases) {
        const error = yield* Effect.flip(resolve(options as Partial<MonoCloudWebJSClientOptions>))
        expect(error.detail).toBe(sentence)
      }
    })
  )

  describe("issuer", () => {
    it.effect("prepends https:// to a bare domain", () =>
      Effect.gen(function* () {
        expect((yield* resolve()).issuer).toBe("https://acme.us.monocloud.com")
      })
    )

    it.effect("trims one trailing slash and surrounding blanks", () =>
      Effect.gen(function* () {
        expect((yield* resolve({ tenantDomain: "https://acme.example.com/" })).issuer).toBe("https://acme.example.com")
        expect((yield* resolve({ tenantDomain: "  acme.example.com/  " })).issuer).toBe("https://acme.example.com")
        expect((yield* resolve({ tenantDomain: "https://acme.example.com/tenant/" })).issuer).toBe(
          "https://acme.example.com/tenant"
        )
      })
    )

    it.effect("keeps http for localhost and 127.0.0.1, with their port", () =>
      Effect.gen(function* () {
        expect((yield* resolve({ tenantDomain: "http://localhost:4000" })).issuer).toBe("http://localhost:4000")
        expect((yield* resolve({ tenantDomain: "http://127.0.0.1" })).issuer).toBe("http://127.0.0.1")
        expect((yield* resolve({ tenantDomain: "http://127.0.0.1:8080/" })).issuer).toBe("http://127.0.0.1:8080")
        expect((yield* resolve({ tenantDomain: "http://[::1]:3001" })).issuer).toBe("http://[::1]:3001")
      })
    )

    it.effect("rejects http for any other host", () => rejects({ tenantDomain: "http://example.com" }, "https"))

    it.effect("rejects a scheme other than http(s)", () => rejects({ tenantDomain: "ftp://example.com" }, "https"))

    it.effect("rejects an empty tenant domain", () => rejects({ tenantDomain: "   " }, "tenantDomain"))

    it.effect("rejects a tenant domain with a query", () =>
      rejects({ tenantDomain: "https://acme.example.com/?x=1" }, "query")
    )

    it.effect("rejects a tenant domain that is not a host", () =>
      rejects({ tenantDomain: "acme example" }, "tenantDomain")
    )
  })

  describe("app URLs", () => {
    it.effect("rejects an appUrl that is not absolute", () => rejects({ appUrl: "/relative" }, "appUrl"))

    it.effect("keeps the appUrl's path without a trailing slash, and its origin", () =>
      Effect.gen(function* () {
        const config = yield* resolve({ appUrl: "https://app.example.com/portal/?q=1#x" })
        expect(config.appUrl).toBe("https://app.example.com/portal")
        expect(config.appOrigin).toBe("https://app.example.com")
        expect(config.redirectUri).toBe("https://app.example.com/portal")
      })
    )

    it.effect("defaults every callback URI to the app URL", () =>
      Effect.gen(function* () {
        const config = yield* resolve()
        expect(config.redirectUri).toBe("http://localhost:3000")
        expect(config.silentRedirectUri).toBe("http://localhost:3000")
        expect(config.postLogoutRedirectUri).toBe("http://localhost:3000")
      })
    )

    it.effect("adds a missing leading slash and trims a trailing one on callback paths", () =>
      Effect.gen(function* () {
        const config = yield* resolve({ callbackPath: "auth/callback/", signOutPath: "/bye/" })
        expect(config.redirectUri).toBe("http://localhost:3000/auth/callback")
        expect(config.silentRedirectUri).toBe("http://localhost:3000/auth/callback")
        expect(config.postLogoutRedirectUri).toBe("http://localhost:3000/bye")
      })
    )

    it.effect("uses silentCallbackPath for the silent redirect when given", () =>
      Effect.gen(function* () {
        const config = yield* resolve({ callbackPath: "/callback", silentCallbackPath: "silent.html" })
        expect(config.redirectUri).toBe("http://localhost:3000/callback")
        expect(config.silentRedirectUri).toBe("http://localhost:3000/silent.html")
      })
    )
  })

  describe("client", () => {
    it.effect("rejects a missing clientId", () => rejects({ clientId: "" }, "clientId"))

    it.effect("keeps allowedEndpointOrigins as origins and rejects non-https ones", () =>
      Effect.gen(function* () {
        const config = yield* resolve({
          allowedEndpointOrigins: ["https://keys.example.com/path", "http://localhost:9000"]
        })
        expect(config.allowedEndpointOrigins).toEqual(["https://keys.example.com", "http://localhost:9000"])
        expect((yield* resolve()).allowedEndpointOrigins).toEqual([])
        yield* rejects({ allowedEndpointOrigins: ["http://keys.example.com"] }, "allowedEndpointOrigins")
        yield* rejects({ allowedEndpointOrigins: ["not a url"] }, "allowedEndpointOrigins")
      })
    )

    it.effect("rejects a blank clientId", () => rejects({ clientId: "   " }, "clientId"))

    it.effect("uses none without a secret and client_secret_basic with one", () =>
      Effect.gen(function* () {
        expect((yield* resolve()).clientAuth).toEqual({ method: "none" })
        const secretOf = (auth: ResolvedConfig["clientAuth"]) =>
          auth.method === "none" ? undefined : Redacted.value(auth.secret)
        const basic = (yield* resolve({ clientSecret: "s" })).clientAuth
        expect([basic.method, secretOf(basic)]).toEqual(["client_secret_basic", "s"])
        const post = (yield* resolve({ clientSecret: "s", clientAuthMethod: "client_secret_post" })).clientAuth
        expect([post.method, secretOf(post)]).toEqual(["client_secret_post", "s"])
        expect((yield* resolve({ clientSecret: "s", clientAuthMethod: "none" })).clientAuth).toEqual({ method: "none" })
      })
    )

    it.effect("keeps the secret redacted: printing or serialising the configuration never shows it", () =>
      Effect.gen(function* () {
        const config = yield* resolve({ clientSecret: "top-secret-value" })
        expect(String(config.clientAuth.method === "none" ? "" : config.clientAuth.secret)).toBe("<redacted>")
        expect(JSON.stringify(config)).not.toContain("top-secret-value")
      })
    )

    it.effect("rejects client_secret_post without a secret", () =>
      rejects({ clientAuthMethod: "client_secret_post" }, "clientSecret")
    )

    it.effect("rejects client_secret_basic with an empty secret", () =>
      rejects({ clientAuthMethod: "client_secret_basic", clientSecret: "" }, "clientSecret")
    )
  })

  describe("times and algorithms", () => {
    it.effect("applies the default times, in milliseconds where they drive time-outs", () =>
      Effect.gen(function* () {
        const config = yield* resolve()
        expect(config.httpTimeoutMillis).toBe(10_000)
        expect(config.silentTimeoutMillis).toBe(10_000)
        expect(config.authWindowTimeoutMillis).toBe(600_000)
        expect(config.metadataCacheMillis).toBe(300_000)
        expect(config.jwksCacheMillis).toBe(300_000)
        expect(config.clockTolerance).toBe(60)
        expect(config.refreshBeforeExpiry).toBe(30)
        expect(config.idTokenSigningAlgorithm).toBe("RS256")
      })
    )

    it.effect("converts configured seconds, including 0", () =>
      Effect.gen(function* () {
        const config = yield* resolve({ httpTimeout: 1.5, metadataCacheDuration: 0 })
        expect(config.httpTimeoutMillis).toBe(1500)
        expect(config.metadataCacheMillis).toBe(0)
      })
    )

    it.effect("rejects a negative time-out", () => rejects({ httpTimeout: -1 }, "httpTimeout"))

    it.effect("rejects a non-finite time-out", () =>
      rejects({ silentTimeout: Number.POSITIVE_INFINITY }, "silentTimeout")
    )

    it.effect("rejects a negative clock tolerance", () => rejects({ clockTolerance: -5 }, "clockTolerance"))

    it.effect("accepts every supported algorithm", () =>
      Effect.gen(function* () {
        const config = yield* resolve({ idTokenSigningAlgorithm: "ES384" })
        expect(config.idTokenSigningAlgorithm).toBe("ES384")
      })
    )

    it.effect("rejects an unsupported idTokenSigningAlgorithm", () =>
      rejects({ idTokenSigningAlgorithm: "HS256" as SecurityAlgorithms }, "HS256")
    )
  })

  describe("storage keys and lists", () => {
    it.effect("derives storage keys from the clientId", () =>
      Effect.gen(function* () {
        const config = yield* resolve()
        expect(config.sessionStorageKey).toBe("mc.session.client-1")
        expect(config.transactionKeyPrefix).toBe("mc.txn.client-1.")
        expect(config.lockName).toBe("mc.lock.client-1")
      })
    )

    it.effect("adds the sessionKey as a suffix", () =>
      Effect.gen(function* () {
        const config = yield* resolve({ sessionKey: "admin" })
        expect(config.sessionStorageKey).toBe("mc.session.client-1.admin")
        expect(config.transactionKeyPrefix).toBe("mc.txn.client-1.admin.")
        expect(config.lockName).toBe("mc.lock.client-1.admin")
        expect((yield* resolve({ sessionKey: "" })).sessionStorageKey).toBe("mc.session.client-1")
      })
    )

    it.effect("merges configured scopes and resources, dropping blank indicators", () =>
      Effect.gen(function* () {
        const config = yield* resolve({
          defaultAuthParams: { scopes: "openid email", resource: "https://a.example.com" },
          resources: [
            { resource: "https://b.example.com", scopes: "read:b email" },
            { resource: "  ", scopes: "ignored" }
          ]
        })
        expect(config.configuredScopes).toEqual(["openid", "email", "read:b"])
        expect(config.defaultResources).toEqual(["https://a.example.com"])
        expect(config.baseResources).toEqual(["https://a.example.com", "https://b.example.com"])
        expect(config.resources).toHaveLength(1)
        expect((yield* resolve()).configuredScopes).toEqual([])
      })
    )
  })

  it.effect("rejects a clockSkew that is not a finite number (NaN would switch off every time check)", () =>
    Effect.gen(function* () {
      yield* rejects({ clockSkew: Number.NaN }, "clockSkew")
      yield* rejects({ clockSkew: Number.POSITIVE_INFINITY }, "clockSkew")
      expect((yield* resolve({ clockSkew: -5 })).clockSkew).toBe(-5)
    })
  )

  it.effect("accepts only http(s) app URLs", () =>
    Effect.gen(function* () {
      for (const appUrl of ["javascript:alert(1)", "about:blank", "file:///tmp/app", "ftp://x.example/y"]) {
        yield* rejects({ appUrl }, "appUrl")
      }
    })
  )
})

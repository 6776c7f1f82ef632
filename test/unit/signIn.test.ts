import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as MonoCloud from "../../src/effect.js"
import type { MonoCloudWebJSClientOptions } from "../../src/MonoCloudConfig.js"
import { MonoCloudJsError } from "../../src/MonoCloudError.js"
import * as TransactionStore from "../../src/services/TransactionStore.js"
import { MemoryStorage } from "../../src/storage.js"
import { type AuthorizeAnswer, answerAuthorize, authorizeResponder } from "../../src/testing/providerResponses.js"
import type { ScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { APP_URL, type EngineContext, withEngine } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

/** The callback URL the provider would redirect to, with the token and UserInfo replies scripted. */
const answer = (server: ScriptedAuthorizationServer, authorizeUrl: string, reply?: AuthorizeAnswer) =>
  Effect.promise(() => answerAuthorize(server, authorizeUrl, reply))

/** Starts a redirect sign-in (callback at `/callback`) and runs `body` with its authorize URL. */
const afterRedirectSignIn = <A, E, R>(
  body: (context: EngineContext & { readonly authorizeUrl: string }) => Effect.Effect<A, E, R>,
  client: Partial<MonoCloudWebJSClientOptions> = {}
) =>
  withEngine(
    (context) =>
      Effect.gen(function* () {
        yield* MonoCloud.signIn({ returnUrl: "/dashboard?tab=1", appState: { from: "test" } })
        return yield* body({ ...context, authorizeUrl: context.navigation.assigned.at(-1)! })
      }),
    { client: { callbackPath: "/callback", ...client } }
  )

describe("signIn (redirect) and processCallback", () => {
  it.effect("sends an authorization code request with PKCE S256, state, nonce and merged scopes and resources", () =>
    afterRedirectSignIn(
      ({ authorizeUrl, server }) =>
        Effect.sync(() => {
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
        }),
      {
        defaultAuthParams: { scopes: "openid offline_access", resource: "https://api.example.com" },
        resources: [{ resource: "https://other.example.com", scopes: "read:other" }]
      }
    )
  )

  it.effect("maps sign-in options onto the request, with signUp winning over prompt", () =>
    withEngine(({ navigation }) =>
      Effect.gen(function* () {
        yield* MonoCloud.signIn({
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
    )
  )

  it.effect(
    "completes the callback: exchanges the code as a public client, stores the session, cleans the URL, goes to returnUrl",
    () =>
      afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
        Effect.gen(function* () {
          const callback = yield* answer(server, authorizeUrl, { userInfo: { email: "ada@example.com", name: "Ada" } })
          navigation.currentUrl = `${callback}&keep=me`
          yield* MonoCloud.processCallback

          const session = yield* MonoCloud.getSession
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
      )
  )

  it.effect("is harmless when called twice or on a page that is no callback", () =>
    afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
      Effect.gen(function* () {
        yield* MonoCloud.processCallback
        navigation.currentUrl = yield* answer(server, authorizeUrl)
        yield* MonoCloud.processCallback
        yield* MonoCloud.processCallback
        expect(server.requestsTo("token")).toHaveLength(1)
        server.verify()
      })
    )
  )

  it.effect("ignores a callback whose state belongs to no pending sign-in and sends nothing", () =>
    afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
      Effect.gen(function* () {
        const forged = new URL(authorizeUrl).searchParams
        navigation.currentUrl = `${APP_URL}/callback?code=stolen&state=not-${forged.get("state")}&iss=${server.issuer}`
        yield* MonoCloud.processCallback
        expect(yield* MonoCloud.getSession).toBeUndefined()
        expect(server.requestsTo("token")).toHaveLength(0)
      })
    )
  )

  it.effect("leaves no response in the address bar: an implicit-style answer is refused and its tokens removed", () =>
    afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
      Effect.gen(function* () {
        const state = new URL(authorizeUrl).searchParams.get("state")
        navigation.currentUrl =
          `${APP_URL}/callback?keep=1&state=${state}&iss=${encodeURIComponent(server.issuer)}` +
          "&code=c&access_token=at-secret&id_token=id.secret.token&token_type=Bearer&expires_in=60"
        const error = yield* failsWith(MonoCloud.processCallback, "MonoCloudValidationError")
        expect(error.reason).toBe("callbackResponse")
        expect(navigation.currentUrl).toBe(`${APP_URL}/callback?keep=1`)
        expect(yield* MonoCloud.getSession).toBeUndefined()
      })
    )
  )

  it.effect(
    "removes an answer nobody waits for (no or unknown state) from the address bar at the callback path only",
    () =>
      afterRedirectSignIn(({ server, navigation }) =>
        Effect.gen(function* () {
          for (const stray of [
            "?error=access_denied&error_description=x",
            "#access_token=at-secret&token_type=Bearer",
            "?code=c&state=unknown"
          ]) {
            navigation.currentUrl = `${APP_URL}/callback${stray}`
            yield* MonoCloud.processCallback
            expect(navigation.currentUrl).toBe(`${APP_URL}/callback`)
          }
          navigation.currentUrl = `${APP_URL}/search?state=kept&code=kept`
          yield* MonoCloud.processCallback
          expect(navigation.currentUrl).toBe(`${APP_URL}/search?state=kept&code=kept`)
          expect(server.requestsTo("token")).toHaveLength(0)
        })
      )
  )

  it.effect("keeps two pending sign-ins apart: each callback completes its own", () =>
    withEngine(({ server, navigation }) =>
      Effect.gen(function* () {
        yield* MonoCloud.signIn()
        yield* MonoCloud.signIn()
        const [first, second] = navigation.assigned
        navigation.currentUrl = yield* answer(server, first!, { token: { sub: "first" } })
        yield* MonoCloud.processCallback
        expect((yield* MonoCloud.getSession)?.user.sub).toBe("first")
        navigation.currentUrl = yield* answer(server, second!, { token: { sub: "second" } })
        yield* MonoCloud.processCallback
        expect((yield* MonoCloud.getSession)?.user.sub).toBe("second")
      })
    )
  )

  it.effect("rejects with MonoCloudOPError for an error response, after cleaning the URL, storing nothing", () =>
    afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
      Effect.gen(function* () {
        navigation.currentUrl = yield* answer(server, authorizeUrl, { error: "access_denied" })
        expect((yield* failsWith(MonoCloud.processCallback, "MonoCloudOPError")).error).toBe("access_denied")
        expect(navigation.currentUrl).toBe(`${APP_URL}/callback`)
        expect(yield* MonoCloud.getSession).toBeUndefined()
      })
    )
  )

  it.effect(
    "rejects a response from another issuer, and one without iss when the provider advertises it (RFC 9207)",
    () =>
      Effect.forEach(
        ["https://evil.example", null],
        (iss) =>
          afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
            Effect.gen(function* () {
              navigation.currentUrl = yield* answer(server, authorizeUrl, { iss, userInfo: false })
              expect((yield* failsWith(MonoCloud.processCallback, "MonoCloudValidationError")).reason).toBe("issuer")
              expect(server.requestsTo("token")).toHaveLength(0)
            })
          ),
        { discard: true }
      )
  )

  it.effect(
    "rejects an ID token with another nonce, or signed by a key the provider never published, storing nothing",
    () =>
      Effect.forEach(
        [
          { token: () => ({ nonce: "replayed-nonce" }), reason: "nonce" },
          { token: () => ({ mint: { key: "unknown" as const } }), reason: "key" },
          { token: (kid: string) => ({ mint: { key: "unknown" as const, kid } }), reason: "signature" }
        ],
        ({ reason, token }) =>
          afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
            Effect.gen(function* () {
              const reply = { token: token(server.minter.currentKid), userInfo: false as const }
              navigation.currentUrl = yield* answer(server, authorizeUrl, reply)
              expect((yield* failsWith(MonoCloud.processCallback, "MonoCloudTokenError")).reason).toBe(reason)
              expect(yield* MonoCloud.getSession).toBeUndefined()
            })
          ),
        { discard: true }
      )
  )

  it.effect("rejects a UserInfo response for another subject", () =>
    afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
      Effect.gen(function* () {
        navigation.currentUrl = yield* answer(server, authorizeUrl, { userInfo: { sub: "someone-else" } })
        const error = yield* failsWith(MonoCloud.processCallback, "MonoCloudValidationError")
        expect(error.reason).toBe("userInfoSubject")
        expect(yield* MonoCloud.getSession).toBeUndefined()
      })
    )
  )

  it.effect("cleans the address bar before the code exchange, and it stays clean when the exchange fails", () =>
    afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
      Effect.gen(function* () {
        const state = new URL(authorizeUrl).searchParams.get("state")!
        const urlsAtExchange: Array<string> = []
        server.expect("token", () => {
          urlsAtExchange.push(navigation.currentUrl)
          return { status: 500, body: "down" }
        })
        navigation.currentUrl = `${APP_URL}/callback?code=test-code&state=${state}&iss=${encodeURIComponent(server.issuer)}`
        expect((yield* failsWith(MonoCloud.processCallback, "MonoCloudHttpError")).reason).toBe("StatusCode")
        expect(urlsAtExchange).toEqual([`${APP_URL}/callback`])
        expect(navigation.currentUrl).toBe(`${APP_URL}/callback`)
      })
    )
  )

  it.effect("refuses a cross-origin returnUrl before navigating", () =>
    withEngine(({ navigation }) =>
      Effect.gen(function* () {
        const error = yield* failsWith(
          MonoCloud.signIn({ returnUrl: "https://evil.example/steal" }),
          "MonoCloudUsageError"
        )
        expect(error.reason).toBe("returnUrl")
        expect(navigation.assigned).toHaveLength(0)
      })
    )
  )

  it.effect(
    "checks the return URL again after the callback: a transaction tampered with in storage goes nowhere else",
    () => {
      const transactions = new MemoryStorage()
      return withEngine(
        ({ server, navigation }) =>
          Effect.gen(function* () {
            yield* MonoCloud.signIn({ returnUrl: "/after" })
            const state = new URL(navigation.assigned[0]!).searchParams.get("state")
            const key = `mc.txn.${server.clientId}.${state}`
            yield* Effect.promise(async () => {
              const stored = JSON.parse((await transactions.getItem(key))!)
              await transactions.setItem(key, JSON.stringify({ ...stored, returnUrl: "https://evil.example/steal" }))
            })
            navigation.currentUrl = yield* answer(server, navigation.assigned[0]!)
            expect((yield* failsWith(MonoCloud.processCallback, "MonoCloudUsageError")).reason).toBe("returnUrl")
            expect(navigation.assigned).toHaveLength(1) // only the authorize URL
          }),
        { replacing: TransactionStore.layer(transactions) }
      )
    }
  )

  it.effect("refuses a redirect sign-in inside an iframe", () =>
    withEngine(({ navigation }) =>
      Effect.gen(function* () {
        navigation.role = "iframe"
        expect((yield* failsWith(MonoCloud.signIn(), "MonoCloudJsError")).reason).toBe("RedirectInFrame")
      })
    )
  )

  it.effect("in a tab that has an opener, completes its own redirect sign-in instead of forwarding it", () =>
    afterRedirectSignIn(({ server, navigation, authorizeUrl }) =>
      Effect.gen(function* () {
        navigation.role = "popup"
        navigation.currentUrl = yield* answer(server, authorizeUrl)
        yield* MonoCloud.processCallback
        expect(navigation.posted).toEqual([])
        expect((yield* MonoCloud.getSession)?.user.sub).toBe("user-1")
      })
    )
  )

  it.effect("inside a popup or iframe only hands the callback URL to the owner, restricted to the app origin", () =>
    withEngine(({ server, navigation }) =>
      Effect.gen(function* () {
        navigation.role = "popup"
        navigation.currentUrl = `${APP_URL}/?code=abc&state=xyz`
        yield* MonoCloud.processCallback
        expect(navigation.posted).toEqual([
          { message: { source: "monocloud-auth-web-js", url: `${APP_URL}/?code=abc&state=xyz` }, targetOrigin: APP_URL }
        ])
        expect(server.requests).toHaveLength(0)
      })
    )
  )
})

describe("signIn (popup)", () => {
  it.effect("resolves once the popup's callback was exchanged and the session stored", () =>
    withEngine(({ server }) =>
      Effect.gen(function* () {
        const session = yield* MonoCloud.signIn({ mode: "popup" })
        expect(session?.user.sub).toBe("user-1")
        expect(yield* MonoCloud.getSession).toEqual(session)
        server.verify()
      })
    )
  )

  it.effect("fails fast with MonoCloudJsError when the popup was blocked or closed", () =>
    Effect.forEach(
      ["PopupBlocked", "PopupClosed"] as const,
      (reason) =>
        withEngine(
          () =>
            Effect.gen(function* () {
              expect((yield* failsWith(MonoCloud.signIn({ mode: "popup" }), "MonoCloudJsError")).reason).toBe(reason)
              expect(yield* MonoCloud.getSession).toBeUndefined()
            }),
          { platform: { popup: () => Effect.fail(new MonoCloudJsError({ reason, detail: reason })) } }
        ),
      { discard: true }
    )
  )

  it.effect("refuses a code exchange that returns no ID token (tokenResponse), storing nothing", () =>
    withEngine(
      () =>
        Effect.gen(function* () {
          const error = yield* failsWith(MonoCloud.signIn({ mode: "popup" }), "MonoCloudValidationError")
          expect(error.reason).toBe("tokenResponse")
          expect(yield* MonoCloud.getSession).toBeUndefined()
        }),
      { platform: (server) => ({ popup: authorizeResponder(server, { token: { idToken: false } }) }) }
    )
  )
})

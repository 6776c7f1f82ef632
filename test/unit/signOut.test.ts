import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as MonoCloud from "../../src/effect.js"
import type { MonoCloudWebJSClientOptions } from "../../src/MonoCloudConfig.js"
import { APP_URL, type EngineContext, signInByPopup, withEngine } from "./support/engine.js"
import { failsWith } from "./support/failures.js"

/** Runs `body` on an engine with a signed-in session. */
const signedIn = <A, E, R>(
  body: (context: EngineContext) => Effect.Effect<A, E, R>,
  client: Partial<MonoCloudWebJSClientOptions> = {}
) => withEngine((context) => Effect.andThen(signInByPopup, body(context)), { client })

describe("signOut", () => {
  it.effect(
    "clears the local session, then sends the browser to end_session with id_token_hint, post_logout_redirect_uri and state",
    () =>
      signedIn(
        ({ navigation, server }) =>
          Effect.gen(function* () {
            const idToken = (yield* MonoCloud.getSession)!.idToken
            yield* MonoCloud.signOut({ returnUrl: "/home" })
            expect(yield* MonoCloud.getSession).toBeUndefined()
            const url = new URL(navigation.assigned.at(-1)!)
            expect(`${url.origin}${url.pathname}`).toBe(`${server.issuer}/logout`)
            expect(url.searchParams.get("client_id")).toBe("test-client")
            expect(url.searchParams.get("id_token_hint")).toBe(idToken)
            expect(url.searchParams.get("post_logout_redirect_uri")).toBe(`${APP_URL}/bye`)
            const state = url.searchParams.get("state")!
            expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/)

            navigation.currentUrl = `${APP_URL}/bye?state=${state}`
            yield* MonoCloud.processCallback
            expect(navigation.currentUrl).toBe(`${APP_URL}/bye`)
            expect(navigation.assigned.at(-1)).toBe(`${APP_URL}/home`)
          }),
        { signOutPath: "/bye" }
      )
  )

  it.effect("ignores a callback with an unknown state, and refuses the right state at another path", () =>
    signedIn(({ navigation }) =>
      Effect.gen(function* () {
        yield* MonoCloud.signOut()
        const state = new URL(navigation.assigned.at(-1)!).searchParams.get("state")
        navigation.currentUrl = `${APP_URL}/?state=${state}x`
        yield* MonoCloud.processCallback // unknown state: nothing to complete, but it leaves the address bar
        expect(navigation.currentUrl).toBe(`${APP_URL}/`)
        expect(navigation.assigned).toHaveLength(1)
        navigation.currentUrl = `${APP_URL}/elsewhere?state=${state}`
        expect((yield* failsWith(MonoCloud.processCallback, "MonoCloudValidationError")).reason).toBe("callbackUrl")
        expect(navigation.assigned).toHaveLength(1)
      })
    )
  )

  it.effect("completes at a per-call postLogoutRedirectUri", () =>
    signedIn(({ navigation }) =>
      Effect.gen(function* () {
        yield* MonoCloud.signOut({ postLogoutRedirectUri: `${APP_URL}/goodbye/`, returnUrl: "/home" })
        const url = new URL(navigation.assigned.at(-1)!)
        expect(url.searchParams.get("post_logout_redirect_uri")).toBe(`${APP_URL}/goodbye`)
        navigation.currentUrl = `${APP_URL}/goodbye?state=${url.searchParams.get("state")}`
        yield* MonoCloud.processCallback
        expect(navigation.assigned.at(-1)).toBe(`${APP_URL}/home`)
      })
    )
  )

  it.effect("refuses a postLogoutRedirectUri on another origin before clearing anything, and resolves a path", () =>
    signedIn(({ navigation }) =>
      Effect.gen(function* () {
        const error = yield* failsWith(
          MonoCloud.signOut({ postLogoutRedirectUri: "https://evil.example/bye" }),
          "MonoCloudUsageError"
        )
        expect(error.reason).toBe("postLogoutRedirectUri")
        expect(yield* MonoCloud.getSession).toBeDefined()
        expect(navigation.assigned).toHaveLength(0)
        yield* MonoCloud.signOut({ postLogoutRedirectUri: "/bye" })
        const url = new URL(navigation.assigned.at(-1)!)
        expect(url.searchParams.get("post_logout_redirect_uri")).toBe(`${APP_URL}/bye`)
      })
    )
  )

  it.effect("uses a given idTokenHint and still clears the local session", () =>
    signedIn(({ navigation }) =>
      Effect.gen(function* () {
        yield* MonoCloud.signOut({ idTokenHint: "given-hint" })
        expect(new URL(navigation.assigned.at(-1)!).searchParams.get("id_token_hint")).toBe("given-hint")
        expect(yield* MonoCloud.getSession).toBeUndefined()
      })
    )
  )

  it.effect("non-federated sign-out only clears the local session, then goes to returnUrl when given", () =>
    signedIn(
      ({ navigation }) =>
        Effect.gen(function* () {
          yield* MonoCloud.signOut()
          expect(yield* MonoCloud.getSession).toBeUndefined()
          expect(navigation.assigned).toHaveLength(0)
          yield* MonoCloud.signOut({ returnUrl: "/bye" })
          expect(navigation.assigned).toEqual([`${APP_URL}/bye`])
        }),
      { federatedSignOut: false }
    )
  )

  it.effect("refuses a redirect sign-out inside an iframe before touching the session", () =>
    signedIn(({ navigation }) =>
      Effect.gen(function* () {
        navigation.role = "iframe"
        yield* failsWith(MonoCloud.signOut(), "MonoCloudJsError")
        expect(yield* MonoCloud.getSession).toBeDefined()
      })
    )
  )

  it.effect("popup sign-out completes when the popup returns with the same state, and is refused otherwise", () =>
    Effect.gen(function* () {
      const returnWith = (suffix: string) => () => ({
        popup: (url: string) => Effect.succeed(`${APP_URL}/?state=${new URL(url).searchParams.get("state")}${suffix}`)
      })
      const after = yield* withEngine(
        () => Effect.andThen(MonoCloud.signOut({ mode: "popup" }), MonoCloud.getSession),
        {
          platform: returnWith("")
        }
      )
      expect(after).toBeUndefined()
      const error = yield* withEngine(
        () => failsWith(MonoCloud.signOut({ mode: "popup" }), "MonoCloudValidationError"),
        { platform: returnWith("-tampered") }
      )
      expect(error.reason).toBe("state")
    })
  )
})

import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { MonoCloudJsError, MonoCloudValidationError } from "../../src/MonoCloudError.js"
import { APP_URL, makeTestClient, rejectionOf, signedInClient } from "./support/testClient.js"

describe("signOut", () => {
  it("clears the local session, then sends the browser to end_session with id_token_hint, post_logout_redirect_uri and state", async () => {
    const { client, navigation, server } = await signedInClient({ signOutPath: "/bye" })
    const idToken = (await client.getSession())!.idToken
    await client.signOut({ returnUrl: "/home" })
    expect(await client.getSession()).toBeUndefined()
    const url = new URL(navigation.assigned.at(-1)!)
    expect(`${url.origin}${url.pathname}`).toBe(`${server.issuer}/logout`)
    expect(url.searchParams.get("client_id")).toBe("test-client")
    expect(url.searchParams.get("id_token_hint")).toBe(idToken)
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe(`${APP_URL}/bye`)
    const state = url.searchParams.get("state")!
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/)

    navigation.currentUrl = `${APP_URL}/bye?state=${state}`
    await client.processCallback()
    expect(navigation.currentUrl).toBe(`${APP_URL}/bye`)
    expect(navigation.assigned.at(-1)).toBe(`${APP_URL}/home`)
  })

  it("ignores a callback with an unknown state, and refuses the right state at another path", async () => {
    const { client, navigation } = await signedInClient()
    await client.signOut()
    const state = new URL(navigation.assigned.at(-1)!).searchParams.get("state")
    navigation.currentUrl = `${APP_URL}/?state=${state}x`
    await client.processCallback() // unknown state: nothing to complete, but it leaves the address bar
    expect(navigation.currentUrl).toBe(`${APP_URL}/`)
    expect(navigation.assigned).toHaveLength(1)
    navigation.currentUrl = `${APP_URL}/elsewhere?state=${state}`
    const error = await rejectionOf(client.processCallback())
    expect((error as MonoCloudValidationError).check).toBe("callbackUrl")
    expect(navigation.assigned).toHaveLength(1)
  })

  it("completes at a per-call postLogoutRedirectUri", async () => {
    const { client, navigation } = await signedInClient()
    await client.signOut({ postLogoutRedirectUri: `${APP_URL}/goodbye/`, returnUrl: "/home" })
    const url = new URL(navigation.assigned.at(-1)!)
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe(`${APP_URL}/goodbye`)
    navigation.currentUrl = `${APP_URL}/goodbye?state=${url.searchParams.get("state")}`
    await client.processCallback()
    expect(navigation.assigned.at(-1)).toBe(`${APP_URL}/home`)
  })

  it("refuses a postLogoutRedirectUri on another origin before clearing anything, and resolves a path", async () => {
    const { client, navigation } = await signedInClient()
    const error = await rejectionOf(client.signOut({ postLogoutRedirectUri: "https://evil.example/bye" }))
    expect(error).toBeInstanceOf(MonoCloudValidationError)
    expect((error as MonoCloudValidationError).check).toBe("postLogoutRedirectUri")
    expect(await client.getSession()).toBeDefined()
    expect(navigation.assigned).toHaveLength(0)
    await client.signOut({ postLogoutRedirectUri: "/bye" })
    const url = new URL(navigation.assigned.at(-1)!)
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe(`${APP_URL}/bye`)
  })

  it("uses a given idTokenHint and still clears the local session", async () => {
    const { client, navigation } = await signedInClient()
    await client.signOut({ idTokenHint: "given-hint" })
    expect(new URL(navigation.assigned.at(-1)!).searchParams.get("id_token_hint")).toBe("given-hint")
    expect(await client.getSession()).toBeUndefined()
  })

  it("non-federated sign-out only clears the local session, then goes to returnUrl when given", async () => {
    const { client, navigation } = await signedInClient({ federatedSignOut: false })
    await client.signOut()
    expect(await client.getSession()).toBeUndefined()
    expect(navigation.assigned).toHaveLength(0)
    await client.signOut({ returnUrl: "/bye" })
    expect(navigation.assigned).toEqual([`${APP_URL}/bye`])
  })

  it("refuses a redirect sign-out inside an iframe before touching the session", async () => {
    const { client, navigation } = await signedInClient()
    navigation.role = "iframe"
    const error = await rejectionOf(client.signOut())
    expect(error).toBeInstanceOf(MonoCloudJsError)
    expect(await client.getSession()).toBeDefined()
  })

  it("popup sign-out completes when the popup returns with the same state, and is refused otherwise", async () => {
    const returnWith = (suffix: string) => (url: string) =>
      Effect.succeed(`${APP_URL}/?state=${new URL(url).searchParams.get("state")}${suffix}`)
    const good = await makeTestClient({}, { popup: returnWith("") })
    await good.client.signOut({ mode: "popup", popup: null })
    expect(await good.client.getSession()).toBeUndefined()

    const bad = await makeTestClient({}, { popup: returnWith("-tampered") })
    const error = await rejectionOf(bad.client.signOut({ mode: "popup", popup: null }))
    expect(error).toBeInstanceOf(MonoCloudValidationError)
    expect((error as MonoCloudValidationError).check).toBe("state")
  })
})

/**
 * The promise shell over the operations (the operations themselves are tested as Effects): each
 * method runs its operation and settles with its result, rejects with the SDK's error objects
 * themselves, and popup flows open their window synchronously. `dispose` is in `onSessionChange.test.ts`.
 */
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import { MonoCloudNotSignedInError, MonoCloudOPError } from "../../src/MonoCloudError.js"
import * as Effect from "effect/Effect"
import { authorizeResponder } from "../../src/testing/providerResponses.js"
import { APP_URL, makeServer, makeTestClient, signedInClient } from "./support/engine.js"
import { rejectsWith } from "./support/failures.js"

describe("MonoCloudWebJSClient (promise shell)", () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it("settles each method with its operation's result", async () => {
    const { client, server } = await makeTestClient()
    expect(await client.isAuthenticated()).toBe(false)
    const signedIn = await client.signIn({ mode: "popup", popup: null })
    expect(signedIn?.user.sub).toBe("user-1")
    expect(await client.getSession()).toEqual(signedIn)
    expect(await client.isAuthenticated()).toBe(true)
    expect((await client.getTokens()).accessToken).toBe(signedIn?.accessTokens?.[0]?.accessToken)
    server.expect("token", server.tokenReply({ accessToken: "renewed" }))
    server.expect("userinfo", server.userInfoReply())
    expect(await client.refreshSession()).toBeUndefined()
    expect((await client.getTokens()).accessToken).toBe("renewed")
    server.expect("userinfo", server.userInfoReply({ nickname: "ada" }))
    expect(await client.refetchUserInfo()).toBeUndefined()
    expect((await client.getSession())?.user["nickname"]).toBe("ada")
    server.expect("revocation", { status: 200 })
    expect(await client.revokeToken("renewed", "access_token")).toBeUndefined()
    expect(server.requestsTo("revocation")[0]?.form?.get("token")).toBe("renewed")
    expect((await client.signInSilent()).user.sub).toBe("user-1")
    expect(await client.processCallback()).toBeUndefined() // not a callback page
    expect(await client.signOut({ federatedSignOut: false })).toBeUndefined()
    expect(await client.getSession()).toBeUndefined()
    server.verify()
  })

  it("rejects with the SDK's error objects themselves: instances of their class and of Error", async () => {
    const { client, server } = await signedInClient()
    server.expect("token", server.oauthError("invalid_grant", "revoked"))
    const refused = await rejectsWith(client.refreshSession(), "MonoCloudOPError")
    expect(refused).toBeInstanceOf(MonoCloudOPError)
    expect(refused).toBeInstanceOf(Error)
    expect(refused.message).toBe("invalid_grant: revoked")
    await client.signOut({ federatedSignOut: false })
    const noSession = await rejectsWith(client.getTokens(), "MonoCloudNotSignedInError")
    expect(noSession).toBeInstanceOf(MonoCloudNotSignedInError)
  })

  it("opens the sign-in and sign-out popups synchronously, inside the caller's click", async () => {
    const server = await makeServer()
    // The fake popup signs in like the provider, and comes back from the end-session endpoint with its state.
    const answer = (url: string) =>
      url.startsWith(`${server.issuer}/logout`)
        ? Effect.succeed(`${APP_URL}/?state=${new URL(url).searchParams.get("state")}`)
        : authorizeResponder(server)(url)
    const { client } = await makeTestClient({}, { server, popup: answer })
    const popup = { close: vi.fn(), closed: false } as unknown as Window
    const open = vi.spyOn(window, "open").mockReturnValue(popup)
    const signingIn = client.signIn({ mode: "popup" })
    expect(open).toHaveBeenCalledTimes(1) // before anything was awaited
    expect((await signingIn)?.user.sub).toBe("user-1")
    const signingOut = client.signOut({ mode: "popup" })
    expect(open).toHaveBeenCalledTimes(2)
    await signingOut
    await client.signIn({ mode: "popup", popup: null }) // the app's own choice: no window opened
    await client.signIn({ mode: "popup", popup })
    expect(open).toHaveBeenCalledTimes(2)
  })
})

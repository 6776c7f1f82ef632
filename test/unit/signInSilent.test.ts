import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { MonoCloudOPError, MonoCloudTimeoutError } from "../../src/MonoCloudError.js"
import { answerAuthorize } from "../../src/testing/providerResponses.js"
import { makeScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { makeTestClient, rejectionOf, signedInClient } from "./support/testClient.js"

describe("signInSilent", () => {
  it("asks with prompt=none at the silent callback and resolves with the stored session", async () => {
    const seen: Array<string> = []
    const server = await makeScriptedAuthorizationServer()
    const { client } = await makeTestClient(
      { silentCallbackPath: "/silent-callback.html" },
      {
        server,
        silentFrame: (url) => Effect.promise(() => (seen.push(url), answerAuthorize(server, url)))
      }
    )
    const session = await client.signInSilent({ loginHint: "ada", maxAge: 300 })
    const params = new URL(seen[0]!).searchParams
    expect(params.get("prompt")).toBe("none")
    expect(params.get("login_hint")).toBe("ada")
    expect(params.get("redirect_uri")).toBe("http://localhost:3000/silent-callback.html")
    expect(session.user.sub).toBe("user-1")
    expect(await client.getSession()).toEqual(session)
  })

  it("rejects with MonoCloudOPError for each 'user needed' answer and leaves the stored session untouched", async () => {
    for (const code of ["login_required", "interaction_required", "consent_required", "account_selection_required"]) {
      const server = await makeScriptedAuthorizationServer()
      const context = await signedInClient(
        {},
        {
          server,
          silentFrame: (url) => Effect.promise(() => answerAuthorize(server, url, { error: code }))
        }
      )
      const before = await context.storage.getItem("mc.session.test-client")
      const error = await rejectionOf(context.client.signInSilent())
      expect(error).toBeInstanceOf(MonoCloudOPError)
      expect((error as MonoCloudOPError).error).toBe(code)
      expect(await context.storage.getItem("mc.session.test-client")).toBe(before)
    }
  })

  it("rejects with MonoCloudTimeoutError when the frame never answers, keeping the session", async () => {
    const context = await signedInClient(
      {},
      {
        silentFrame: () => Effect.fail(new MonoCloudTimeoutError({ operation: "iframe", timeoutMillis: 10_000 }))
      }
    )
    const before = await context.client.getSession()
    const error = await rejectionOf(context.client.signInSilent())
    expect(error).toBeInstanceOf(MonoCloudTimeoutError)
    expect(await context.client.getSession()).toEqual(before)
  })

  it("runs one silent sign-in at a time: concurrent calls share it", async () => {
    let frames = 0
    const server = await makeScriptedAuthorizationServer()
    const { client } = await makeTestClient(
      {},
      {
        server,
        silentFrame: (url) => Effect.promise(() => (frames++, answerAuthorize(server, url)))
      }
    )
    const [a, b] = await Promise.all([client.signInSilent(), client.signInSilent()])
    expect(frames).toBe(1)
    expect(a).toEqual(b)
    server.verify()
  })
})

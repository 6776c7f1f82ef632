/**
 * Every promise-client method takes `{ signal }`: an abort rejects the call with the signal's
 * reason and stops its work (the frame or popup flow is interrupted, the popup closed), and a
 * signal aborted beforehand rejects before anything is sent.
 */
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { MonoCloudWebJSClient } from "../../src/MonoCloudWebJSClient.js"
import { makeTestClient, makeTestPlatform } from "../../src/testing.js"
import {
  makeScriptedAuthorizationServer,
  type ScriptedAuthorizationServer
} from "../../src/testing/ScriptedAuthorizationServer.js"

const APP_URL = "http://localhost:3000"

/** A client whose silent frame and popup never answer until interrupted; records starts and interruptions. */
const hangingClient = async () => {
  const server = await makeScriptedAuthorizationServer({ alg: "ES256" })
  const started: Array<string> = []
  const interrupted: Array<string> = []
  const hang = (what: string) => () =>
    Effect.sync(() => started.push(what)).pipe(
      Effect.andThen(Effect.never),
      Effect.onInterrupt(() => Effect.sync(() => interrupted.push(what)))
    )
  const platform = makeTestPlatform(server, { url: `${APP_URL}/`, silentFrame: hang("frame"), popup: hang("popup") })
  const client = makeTestClient(
    { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL, idTokenSigningAlgorithm: "ES256" },
    platform.layer
  )
  return { client, server, started, interrupted }
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable("the call must reject"),
    (error: unknown) => error
  )

let opened: Array<MonoCloudWebJSClient> = []
afterEach(async () => {
  for (const client of opened) await client.dispose()
  opened = []
  vi.restoreAllMocks()
})

describe("AbortSignal on the promise client", () => {
  it("aborting a silent sign-in rejects with the signal's reason and interrupts the frame", async () => {
    const { client, started, interrupted } = await hangingClient()
    opened.push(client)
    const controller = new AbortController()
    const call = client.signInSilent({ signal: controller.signal })
    await vi.waitFor(() => expect(started).toEqual(["frame"]))
    controller.abort()
    const error = await rejection(call)
    expect(error).toBeInstanceOf(DOMException)
    expect((error as DOMException).name).toBe("AbortError")
    expect(error).toBe(controller.signal.reason)
    expect(interrupted).toEqual(["frame"])
  })

  it("aborting a popup sign-in closes the popup and rejects with a reason of the caller's choosing", async () => {
    const { client, started, interrupted } = await hangingClient()
    opened.push(client)
    const popup = { close: vi.fn(), closed: false } as unknown as Window
    const controller = new AbortController()
    const call = client.signIn({ mode: "popup", popup, signal: controller.signal })
    await vi.waitFor(() => expect(started).toEqual(["popup"]))
    const reason = new Error("user navigated away")
    controller.abort(reason)
    expect(await rejection(call)).toBe(reason)
    expect(interrupted).toEqual(["popup"])
    expect(popup.close).toHaveBeenCalled()
  })

  it("a signal aborted beforehand rejects every method before it sends anything", async () => {
    const { client, server } = await hangingClient()
    opened.push(client)
    const signal = AbortSignal.abort()
    const calls: Array<Promise<unknown>> = [
      client.processCallback({ signal }),
      client.signInSilent({ signal }),
      client.refreshSession({ signal }),
      client.refetchUserInfo({ signal }),
      client.getTokens({ signal }),
      client.getSession({ signal }),
      client.isAuthenticated({ signal }),
      client.revokeToken("token", "refresh_token", { signal }),
      client.signOut({ federatedSignOut: false, signal })
    ]
    for (const call of calls) expect(((await rejection(call)) as DOMException).name).toBe("AbortError")
    expect((server as ScriptedAuthorizationServer).requests).toEqual([])
  })

  it("a signal that never aborts changes nothing", async () => {
    const { client } = await hangingClient()
    opened.push(client)
    expect(await client.getSession({ signal: new AbortController().signal })).toBeUndefined()
  })
})

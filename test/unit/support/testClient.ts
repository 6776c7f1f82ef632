/**
 * A promise client wired to the shipped test parts and a scripted authorization server.
 */
import type { MonoCloudWebJSClientOptions } from "../../../src/MonoCloudConfig.js"
import { makeTestClient as clientOn, makeTestPlatform, type TestPlatformOptions } from "../../../src/testing.js"
import {
  makeScriptedAuthorizationServer,
  type ScriptedAuthorizationServer
} from "../../../src/testing/ScriptedAuthorizationServer.js"

export const APP_URL = "http://localhost:3000"

/** A client, its scripted server, its session storage and its fake navigation. */
export const makeTestClient = async (
  options: Partial<MonoCloudWebJSClientOptions> = {},
  parts: TestPlatformOptions & { readonly server?: ScriptedAuthorizationServer } = {}
) => {
  const server = parts.server ?? (await makeScriptedAuthorizationServer())
  const test = makeTestPlatform(server, { url: `${APP_URL}/`, ...parts })
  const client = clientOn(
    { tenantDomain: server.issuer, clientId: server.clientId, appUrl: APP_URL, ...options },
    test.layer
  )
  return { client, server, storage: test.storage, navigation: test.navigation }
}

/** Signs in through the scripted popup and returns the client with a stored session. */
export const signedInClient = async (...args: Parameters<typeof makeTestClient>) => {
  const context = await makeTestClient(...args)
  await context.client.signIn({ mode: "popup", popup: null, scopes: "openid profile email offline_access" })
  return context
}

/** Catches a rejection so the test can inspect it. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected the promise to reject")
}

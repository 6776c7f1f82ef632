/**
 * The engine's services over a scripted authorization server, for tests that run the engine
 * steps directly as Effects (no promise client).
 */
import * as Effect from "effect/Effect"
import * as MonoCloud from "../../../src/MonoCloud.js"
import type { MonoCloudWebJSClientOptions } from "../../../src/MonoCloudConfig.js"
import { makeTestPlatform, type TestPlatformOptions } from "../../../src/testing.js"
import {
  makeScriptedAuthorizationServer,
  type ScriptedAuthorizationServer,
  type ScriptedAuthorizationServerOptions
} from "../../../src/testing/ScriptedAuthorizationServer.js"

export const APP_URL = "http://localhost:3000"

/** Every engine service, wired to the scripted server through the real HTTP pipeline. */
export const engineLayer = (
  server: ScriptedAuthorizationServer,
  overrides: Partial<MonoCloudWebJSClientOptions> = {},
  platform: TestPlatformOptions = {}
) =>
  MonoCloud.layerWith(
    {
      tenantDomain: server.issuer,
      clientId: server.clientId,
      appUrl: APP_URL,
      idTokenSigningAlgorithm: server.minter.alg,
      ...overrides
    },
    makeTestPlatform(server, { url: `${APP_URL}/`, ...platform }).layer
  )

/**
 * A fresh scripted server as an Effect. Its token clock is the TestClock's start (0) and it signs
 * with ES256 (fast key generation) unless told otherwise.
 */
export const scriptedServer = (options: ScriptedAuthorizationServerOptions = {}) =>
  Effect.promise(() => makeScriptedAuthorizationServer({ now: () => 0, alg: "ES256", ...options }))

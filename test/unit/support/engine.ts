/**
 * The unit tests' one harness, built on the shipped test platform (`src/testing.ts`): a scripted
 * authorization server signing with ES256 (a key pair in about a millisecond, where RS256 takes
 * hundreds), the client options that fit it, the engine's layer for tests that run operations as
 * Effects, and a promise client on the same platform for the promise shell's own tests.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as MonoCloud from "../../../src/MonoCloud.js"
import type { MonoCloudConfig, MonoCloudWebJSClientOptions } from "../../../src/MonoCloudConfig.js"
import { signIn } from "../../../src/operations/signIn.js"
import type { TestNavigationHandle } from "../../../src/services/Navigation.js"
import type { MemoryStorage } from "../../../src/storage.js"
import { makeTestClient as clientOn, makeTestPlatform, type TestPlatformOptions } from "../../../src/testing.js"
import {
  makeScriptedAuthorizationServer,
  type ScriptedAuthorizationServer,
  type ScriptedAuthorizationServerOptions,
  type ScriptedEndpoint
} from "../../../src/testing/ScriptedAuthorizationServer.js"

export const APP_URL = "http://localhost:3000"

/** A fresh scripted server signing with ES256 unless told otherwise; its tokens follow the real clock. */
export const makeServer = (options: ScriptedAuthorizationServerOptions = {}) =>
  makeScriptedAuthorizationServer({ alg: "ES256", ...options })

/** {@link makeServer} as an Effect, its token clock at the TestClock's start (0). */
export const scriptedServer = (options: ScriptedAuthorizationServerOptions = {}) =>
  Effect.promise(() => makeServer({ now: () => 0, ...options }))

/** Client options for `server`: its issuer, client and signing algorithm, the app at {@link APP_URL}. */
export const clientOptions = (
  server: ScriptedAuthorizationServer,
  overrides: Partial<MonoCloudWebJSClientOptions> = {}
): MonoCloudWebJSClientOptions => ({
  tenantDomain: server.issuer,
  clientId: server.clientId,
  appUrl: APP_URL,
  idTokenSigningAlgorithm: server.minter.alg,
  ...overrides
})

/** Every engine service, wired to the scripted server through the real HTTP pipeline. */
export const engineLayer = (
  server: ScriptedAuthorizationServer,
  overrides: Partial<MonoCloudWebJSClientOptions> = {},
  platform: TestPlatformOptions = {}
) =>
  MonoCloud.layerWith(
    clientOptions(server, overrides),
    makeTestPlatform(server, { url: `${APP_URL}/`, ...platform }).layer
  )

/** What {@link withEngine} hands a test: the scripted server and the test platform's handles. */
export interface EngineContext {
  readonly server: ScriptedAuthorizationServer
  readonly storage: MemoryStorage
  readonly navigation: TestNavigationHandle
}

/** Options of {@link withEngine}. */
export interface EngineOptions {
  /** Client options over {@link clientOptions}. */
  readonly client?: Partial<MonoCloudWebJSClientOptions> | undefined
  /** The scripted server's options (ES256, tokens minted at the TestClock's 0). */
  readonly server?: ScriptedAuthorizationServerOptions | undefined
  /** The test platform's options; a function gets the server (for responders built from it). */
  readonly platform?: TestPlatformOptions | ((server: ScriptedAuthorizationServer) => TestPlatformOptions) | undefined
  /** Platform services that replace the test platform's (merged after it), e.g. `SessionStore.layer(storage)`. */
  readonly replacing?: Layer.Layer<never, never, MonoCloudConfig> | undefined
}

/**
 * Runs `body` on one engine (one layer build: one registry, one transaction store) over a fresh
 * scripted server, on the TestClock.
 */
export const withEngine = <A, E, R>(
  body: (context: EngineContext) => Effect.Effect<A, E, R>,
  options: EngineOptions = {}
) =>
  Effect.gen(function* () {
    const server = yield* scriptedServer(options.server)
    const platform = typeof options.platform === "function" ? options.platform(server) : options.platform
    const test = makeTestPlatform(server, { url: `${APP_URL}/`, ...platform })
    const services = options.replacing === undefined ? test.layer : Layer.merge(test.layer, options.replacing)
    const layer = MonoCloud.layerWith(clientOptions(server, options.client), services)
    return yield* Effect.provide(body({ server, storage: test.storage, navigation: test.navigation }), layer)
  })

/** A sign-in through the fake popup (the provider signs `user-1` in), as an Effect. */
export const signInByPopup = Effect.flatMap(
  signIn({ mode: "popup", scopes: "openid profile email offline_access" }),
  (session) =>
    session === undefined ? Effect.die(new Error("a popup sign-in gave no session")) : Effect.succeed(session)
)

/** A promise client, its scripted server, its session storage and its fake navigation. */
export const makeTestClient = async (
  options: Partial<MonoCloudWebJSClientOptions> = {},
  parts: TestPlatformOptions & { readonly server?: ScriptedAuthorizationServer } = {}
) => {
  const server = parts.server ?? (await makeServer())
  const test = makeTestPlatform(server, { url: `${APP_URL}/`, ...parts })
  const client = clientOn(clientOptions(server, options), test.layer)
  return { client, server, storage: test.storage, navigation: test.navigation }
}

/** Signs in through the scripted popup and returns the promise client with a stored session. */
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

/** Waits (on the real event loop, whatever the clock) until `server` has received `count` requests at `endpoint`. */
export const untilRequested = (server: ScriptedAuthorizationServer, endpoint: ScriptedEndpoint, count = 1) =>
  Effect.promise(async () => {
    for (let turn = 0; turn < 1000 && server.requestsTo(endpoint).length < count; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    if (server.requestsTo(endpoint).length < count) throw new Error(`fewer than ${count} requests reached ${endpoint}`)
  })

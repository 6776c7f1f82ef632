/**
 * The event API's types: `client.on` gives each listener its own event's payload, and the Effect
 * entry's stream and watch need exactly the services they read.
 */
import type * as Stream from "effect/Stream"
import { describe, expectTypeOf, it } from "vitest"
import type {
  MonoCloudEvent,
  MonoCloudEventMap,
  MonoCloudWebJSClient,
  RefreshFailedEvent,
  SessionEndedEvent,
  TokenExpiringEvent
} from "../../src/index.js"
import * as MonoCloud from "../../src/effect.js"
import type { NeedsOf } from "./support/effectTypes.js"

declare const client: MonoCloudWebJSClient

describe("client.on", () => {
  it("hands each listener the payload of its event and returns the unsubscribe function", () => {
    client.on("refreshFailed", (event) => expectTypeOf(event).toEqualTypeOf<RefreshFailedEvent>())
    expectTypeOf<RefreshFailedEvent["errorTag"]>().toEqualTypeOf<
      | "MonoCloudOPError"
      | "MonoCloudHttpError"
      | "MonoCloudValidationError"
      | "MonoCloudUsageError"
      | "MonoCloudTokenError"
      | "MonoCloudTimeoutError"
      | "MonoCloudStorageError"
    >()
    expectTypeOf<RefreshFailedEvent["oauthError"]>().toEqualTypeOf<string | undefined>()
    client.on("sessionEnded", (event) => expectTypeOf(event).toEqualTypeOf<SessionEndedEvent>())
    client.on("tokenExpiring", (event) => expectTypeOf(event.expiresAt).toEqualTypeOf<number>())
    client.on("signedIn", (event) => expectTypeOf(event).toEqualTypeOf<{ readonly type: "signedIn" }>())
    expectTypeOf(client.on("signedOut", () => undefined)).toEqualTypeOf<() => void>()
  })

  it("knows exactly the seven events", () => {
    expectTypeOf<keyof MonoCloudEventMap>().toEqualTypeOf<
      "signedIn" | "refreshed" | "signedOut" | "userUpdated" | "refreshFailed" | "sessionEnded" | "tokenExpiring"
    >()
    expectTypeOf<Extract<MonoCloudEvent, { type: "tokenExpiring" }>>().toEqualTypeOf<TokenExpiringEvent>()
    // @ts-expect-error no such event
    client.on("signedin", () => undefined)
    // @ts-expect-error the listener of one event does not take another's payload
    client.on("signedIn", (_event: TokenExpiringEvent) => undefined)
  })

  it("isAuthenticated resolves with a boolean", () => {
    expectTypeOf(client.isAuthenticated()).toEqualTypeOf<Promise<boolean>>()
  })
})

describe("Effect entry", () => {
  type Reads =
    MonoCloud.MonoCloudConfig | MonoCloud.SessionStore.SessionStore | MonoCloud.SessionBroadcast.SessionBroadcast

  it("sessionEvents streams every event and never fails", () => {
    expectTypeOf(MonoCloud.sessionEvents).toEqualTypeOf<Stream.Stream<MonoCloudEvent, never, Reads>>()
  })

  it("watchSessionEvents needs the configuration, the store and the broadcast", () => {
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.watchSessionEvents>>>().toEqualTypeOf<Reads>()
  })
})

/**
 * Typed custom claims: with a `userSchema` the promise client hands out sessions whose user is
 * decoded by the app's Schema (claims it names arrive decoded, the others stay), refuses a user
 * that does not fit with `userClaims` and keeps the stored session; Effect users get the same
 * through `MonoCloud.decodeUser`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as MonoCloud from "../../src/effect.js"
import { MonoCloudValidationError } from "../../src/MonoCloudError.js"
import { answerAuthorize, type AuthorizeAnswer } from "../../src/testing/providerResponses.js"
import type { ScriptedAuthorizationServer } from "../../src/testing/ScriptedAuthorizationServer.js"
import { makeTestClient, makeTestPlatform } from "../../src/testing.js"
import { APP_URL, clientOptions, scriptedServer } from "./support/engine.js"
import { expectTagged } from "./support/failures.js"

const SESSION_KEY = "mc.session.test-client"

/** The app's own claims: a role list and a level the provider sends as a string. */
const AppUser = Schema.Struct({
  roles: Schema.Array(Schema.Literals(["admin", "editor", "viewer"])),
  level: Schema.NumberFromString
})

/** A test platform whose popup and frame sign the user in with `answer`'s UserInfo claims. */
const platformFor = (server: ScriptedAuthorizationServer, answer: AuthorizeAnswer) => {
  const respond = (url: string) => Effect.promise(() => answerAuthorize(server, url, answer))
  return makeTestPlatform(server, { url: `${APP_URL}/`, popup: respond, silentFrame: respond })
}

/** The promise client runs on real time: its server mints tokens on the real clock. */
const fits = { userInfo: { roles: ["admin"], level: "3", plan: "pro" } }
const misfits = { userInfo: { roles: ["root"], level: "3" } }

describe("typed custom claims (promise client)", () => {
  it.effect("signIn, signInSilent, getSession and onSessionChange hand out the decoded user", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({ now: Date.now })
      const platform = platformFor(server, fits)
      const client = makeTestClient({ ...clientOptions(server), userSchema: AppUser }, platform.layer)
      const signedIn = yield* Effect.promise(() => client.signIn({ mode: "popup", popup: null }))
      expect(signedIn?.user).toMatchObject({ sub: "user-1", roles: ["admin"], level: 3, plan: "pro" })
      const stored = yield* Effect.promise(() => client.getSession())
      expect(stored?.user.level).toBe(3)
      // what is stored stays the provider's claims
      const raw = JSON.parse((yield* Effect.promise(() => platform.storage.getItem(SESSION_KEY)))!)
      expect(raw.session.user.level).toBe("3")
      const silent = yield* Effect.promise(() => client.signInSilent())
      expect(silent.user.roles).toEqual(["admin"])
      const heard: Array<unknown> = []
      const stop = client.onSessionChange((session) => heard.push(session?.user.level))
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
      stop()
      expect(heard).toEqual([3])
      yield* Effect.promise(() => client.dispose())
    })
  )

  it.effect("a user that does not fit is refused with userClaims, and the stored session stays", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({ now: Date.now })
      const platform = platformFor(server, misfits)
      const client = makeTestClient({ ...clientOptions(server), userSchema: AppUser }, platform.layer)
      const signIn = yield* Effect.promise(() =>
        client.signIn({ mode: "popup", popup: null }).then(
          () => undefined,
          (error: unknown) => error
        )
      )
      expect(signIn).toBeInstanceOf(MonoCloudValidationError)
      expect(signIn).toMatchObject({ reason: "userClaims" })
      const stored = yield* Effect.promise(() => platform.storage.getItem(SESSION_KEY))
      expect(JSON.parse(stored!).session.user.roles).toEqual(["root"])
      const read = yield* Effect.promise(() =>
        client.getSession().then(
          () => undefined,
          (error: unknown) => error
        )
      )
      expect(read).toMatchObject({ _tag: "MonoCloudValidationError", reason: "userClaims" })
      expect(yield* Effect.promise(() => platform.storage.getItem(SESSION_KEY))).toBe(stored)
      yield* Effect.promise(() => client.dispose())
    })
  )

  it.effect("without a userSchema the user is handed out as stored", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({ now: Date.now })
      const client = makeTestClient(clientOptions(server), platformFor(server, misfits).layer)
      const session = yield* Effect.promise(() => client.signIn({ mode: "popup", popup: null }))
      expect(session?.user).toMatchObject({ roles: ["root"], level: "3" })
      yield* Effect.promise(() => client.dispose())
    })
  )

  it.effect("a userSchema that is no Schema is an options error", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer({ now: Date.now })
      const client = makeTestClient(
        { ...clientOptions(server), userSchema: ((user: unknown) => user) as never },
        platformFor(server, fits).layer
      )
      const error = yield* Effect.promise(() =>
        client.getSession().then(
          () => undefined,
          (failure: unknown) => failure
        )
      )
      const invalid = expectTagged(error, "MonoCloudUsageError")
      expect(invalid.reason).toBe("options")
      expect(invalid.detail).toContain("userSchema")
    })
  )
})

describe("typed custom claims (Effect)", () => {
  it.effect("decodeUser types and decodes the user of any session, and fails with userClaims", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer()
      const layer = MonoCloud.layerWith(clientOptions(server), platformFor(server, fits).layer).pipe(Layer.orDie)
      const session = yield* MonoCloud.signIn({ mode: "popup", popup: null }).pipe(
        Effect.flatMap((signedIn) => MonoCloud.decodeUser(AppUser)(signedIn!)),
        Effect.provide(layer)
      )
      expect(session.user.level).toBe(3)
      expect(session.user.sub).toBe("user-1")
      const refused = yield* Effect.flip(
        MonoCloud.decodeUser(AppUser)({ ...session, user: { sub: "user-1", roles: ["root"], level: "3" } })
      )
      expect(refused).toBeInstanceOf(MonoCloudValidationError)
      expect(refused).toMatchObject({ reason: "userClaims" })
    })
  )
})

/**
 * Property tests of the stored-session reader (`src/services/SessionStore.ts`): whatever text the
 * storage holds, `get` gives no session, a valid session or a `Corrupt` storage error, and
 * never deletes or rewrites what is stored.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { MonoCloudStorageError } from "../../src/MonoCloudError.js"
import { MonoCloudSession, StoredSession } from "../../src/schemas/Session.js"
import * as SessionStore from "../../src/services/SessionStore.js"
import { MemoryStorage } from "../../src/storage.js"
import { anyBodyText, anything, constantFrom, objectWith, oneOf, outcome, runs } from "./support/arbitraries.js"

const KEY = "mc.session.client-1"

const decodeEnvelope = Schema.decodeUnknownOption(StoredSession)
const decodeLegacy = Schema.decodeUnknownOption(Schema.fromJsonString(MonoCloudSession))

/** Values nearly right for some session member. */
const nearlyRight = oneOf(
  anything,
  constantFrom({ sub: "user-1" }, { sub: "" }, { sub: 1 }, "user-1", "openid profile", ""),
  constantFrom(
    [{ accessToken: "at", accessTokenExpiration: 1000, scopes: "openid" }],
    [{ accessToken: "", accessTokenExpiration: 1000, scopes: "openid" }],
    [{ accessToken: "at", accessTokenExpiration: "1000", scopes: "openid" }],
    [],
    [null]
  )
)

const SESSION_MEMBERS = ["user", "idToken", "authorizedScopes", "accessTokens", "refreshToken"]

/** Session-shaped objects: the right members with right or wrong values. */
const sessionLike = objectWith(SESSION_MEMBERS, nearlyRight)

/** What another tab, an older SDK, an extension or an attacker may have left under the key. */
const storedText = oneOf(
  anyBodyText,
  Arbitrary.map(sessionLike, (session) => JSON.stringify(session)),
  Arbitrary.map(
    Arbitrary.all([oneOf(constantFrom(1, 1, 1, 2, "1", 0), anything), oneOf(sessionLike, anything)]),
    ([version, session]) => JSON.stringify({ version, session })
  ),
  Arbitrary.map(Arbitrary.schema(MonoCloudSession), (session) => JSON.stringify({ version: 1, session })),
  Arbitrary.map(Arbitrary.schema(MonoCloudSession), (session) => JSON.stringify(session))
)

/** A session the SDK can build: every number finite, as JSON can carry it (expiries are now + `expires_in`). */
const jsonSession = Arbitrary.filter(Arbitrary.schema(MonoCloudSession), (session) =>
  (session.accessTokens ?? []).every((token) => Number.isFinite(token.accessTokenExpiration))
)

const readsBackEqual = (session: MonoCloudSession) =>
  Effect.gen(function* () {
    const storage = new MemoryStorage()
    const writer = SessionStore.make(storage, KEY)
    yield* writer.set(session)
    const expected = JSON.parse(JSON.stringify(session))
    expect(Option.getOrThrow(yield* writer.get)).toEqual(expected)
    expect(Option.getOrThrow(yield* SessionStore.make(storage, KEY).get)).toEqual(expected)
  })

describe("SessionStore (property)", () => {
  it.effect.prop(
    "any stored text reads as no session, a valid session or a Corrupt storage error, and is left as it was",
    [storedText],
    ([text]) =>
      Effect.gen(function* () {
        const storage = new MemoryStorage()
        yield* Effect.promise(() => storage.setItem(KEY, text))
        const store = SessionStore.make(storage, KEY)
        const first = yield* outcome(() => store.get)
        const second = yield* outcome(() => store.get)
        expect(yield* Effect.promise(() => storage.getItem(KEY))).toBe(text)
        expect(second).toEqual(first)
        // read independently: the versioned envelope, or the reference SDK's plain session JSON
        const valid = Option.orElse(
          Option.map(decodeEnvelope(text), (stored) => stored.session),
          () => decodeLegacy(text)
        )
        if (first._tag === "Success") {
          if (Option.isNone(first.value)) expect(text).toBe("")
          else expect(Option.some(first.value.value)).toEqual(valid)
          return
        }
        expect(Option.isNone(valid)).toBe(true)
        expect(first.error).toBeInstanceOf(MonoCloudStorageError)
        expect(first.error).toMatchObject({ _tag: "MonoCloudStorageError", reason: "Corrupt" })
      }),
    runs(300)
  )

  it.effect.prop(
    "a valid session written by the store reads back equal, from this store and from a fresh one",
    [jsonSession],
    ([session]) => readsBackEqual(session),
    runs(150)
  )
})

describe("SessionStore with any session the schema accepts", () => {
  it.effect.prop(
    "any session the schema accepts, written by the store, reads back",
    [Arbitrary.schema(MonoCloudSession)],
    ([session]) => readsBackEqual(session),
    runs(300)
  )
})

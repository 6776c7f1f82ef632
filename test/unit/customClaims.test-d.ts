/**
 * The promise client's session type follows its `userSchema`: the app's claims are typed as the
 * schema decodes them, the standard ones stay, and without a schema it is `MonoCloudSession`.
 */
import * as Schema from "effect/Schema"
import { describe, expectTypeOf, it } from "vitest"
import type * as MonoCloud from "../../src/effect.js"
import { MonoCloudWebJSClient } from "../../src/MonoCloudWebJSClient.js"
import type { MonoCloudSession } from "../../src/schemas/Session.js"

const AppUser = Schema.Struct({ roles: Schema.Array(Schema.String), level: Schema.NumberFromString })

describe("typed custom claims", () => {
  it("infers the user type from userSchema", () => {
    const _typedClient = () =>
      new MonoCloudWebJSClient({ tenantDomain: "t.example", clientId: "c", userSchema: AppUser })
    type Client = ReturnType<typeof _typedClient>
    type Session = NonNullable<Awaited<ReturnType<Client["getSession"]>>>
    expectTypeOf<Session["user"]["level"]>().toEqualTypeOf<number>()
    expectTypeOf<Session["user"]["roles"]>().toEqualTypeOf<ReadonlyArray<string>>()
    expectTypeOf<Session["user"]["email"]>().toEqualTypeOf<string | undefined>()
    expectTypeOf<Awaited<ReturnType<Client["signInSilent"]>>>().toEqualTypeOf<Session>()
    expectTypeOf<Awaited<ReturnType<Client["signIn"]>>>().toEqualTypeOf<Session | undefined>()
    expectTypeOf<Parameters<Parameters<Client["onSessionChange"]>[0]>[0]>().toEqualTypeOf<Session | undefined>()
  })
  it("is MonoCloudSession without a userSchema", () => {
    const _plainClient = () => new MonoCloudWebJSClient({ tenantDomain: "t.example", clientId: "c" })
    expectTypeOf<Awaited<ReturnType<ReturnType<typeof _plainClient>["getSession"]>>>().toEqualTypeOf<
      MonoCloudSession | undefined
    >()
  })
  it("decodeUser gives Effect users the same type", () => {
    type Decoded = MonoCloud.MonoCloudSessionOf<typeof AppUser.Type>
    expectTypeOf<ReturnType<ReturnType<typeof MonoCloud.decodeUser<typeof AppUser.Type>>>>().toEqualTypeOf<
      import("effect/Effect").Effect<Decoded, MonoCloud.MonoCloudValidationError>
    >()
  })
})

/**
 * The error channel and the requirements of every operation are API: these type tests pin them.
 */
import type * as HttpClient from "effect/http/HttpClient"
import { describe, expectTypeOf, it } from "vitest"
import type { ErrorOf, NeedsOf } from "./support/effectTypes.js"
import * as MonoCloud from "../../src/effect.js"
import type { MonoCloudWebJSClient } from "../../src/MonoCloudWebJSClient.js"
import type {
  Because,
  MonoCloudHttpError,
  MonoCloudJsError,
  MonoCloudNotSignedInError,
  MonoCloudOPError,
  MonoCloudStorageError,
  MonoCloudTimeoutError,
  MonoCloudTokenError,
  MonoCloudUsageError,
  MonoCloudValidationError
} from "../../src/MonoCloudError.js"

/** What talking to the provider can fail with. */
type ServerErrors = MonoCloudOPError | MonoCloudHttpError | MonoCloudTimeoutError | MonoCloudValidationError

/** The app's misuse, narrowed to the reasons `R`. */
type Misuse<R extends MonoCloudUsageError["reason"]> = Because<MonoCloudUsageError, R>

/**
 * Each operation's error type admits what it can raise and nothing else: no "not signed in" where
 * no session is needed, and only the misuse reasons that apply to it.
 */
describe("operation error channels", () => {
  it("signIn", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.signIn>>>().toEqualTypeOf<
      | ServerErrors
      | MonoCloudTokenError
      | MonoCloudJsError
      | MonoCloudStorageError
      | Misuse<"returnUrl" | "onSessionCreating">
    >()
  })
  it("processCallback", () => {
    expectTypeOf<ErrorOf<typeof MonoCloud.processCallback>>().toEqualTypeOf<
      | ServerErrors
      | MonoCloudTokenError
      | MonoCloudJsError
      | MonoCloudStorageError
      | Misuse<"returnUrl" | "onSessionCreating">
    >()
  })
  it("signInSilent", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.signInSilent>>>().toEqualTypeOf<
      | ServerErrors
      | MonoCloudTokenError
      | MonoCloudJsError
      | MonoCloudStorageError
      | Misuse<"onSessionCreating" | "refreshToken">
      | MonoCloudNotSignedInError
    >()
  })
  it("refreshSession and getTokens", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.refreshSession>>>().toEqualTypeOf<
      | ServerErrors
      | MonoCloudTokenError
      | MonoCloudStorageError
      | MonoCloudNotSignedInError
      | Misuse<"refreshToken" | "onSessionCreating">
    >()
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.getTokens>>>().toEqualTypeOf<
      | ServerErrors
      | MonoCloudTokenError
      | MonoCloudStorageError
      | MonoCloudNotSignedInError
      | Misuse<"refreshToken" | "onSessionCreating" | "accessToken">
    >()
  })
  it("authorize: the client's own errors and requirements, plus getTokens'", () => {
    const _authorized = (client: HttpClient.HttpClient.With<"client error", "client requirement">) =>
      MonoCloud.authorize()(client)
    expectTypeOf<ReturnType<typeof _authorized>>().toEqualTypeOf<
      HttpClient.HttpClient.With<
        "client error" | MonoCloud.GetTokensError,
        "client requirement" | MonoCloud.GetTokensRequirements
      >
    >()
  })
  it("refetchUserInfo", () => {
    expectTypeOf<ErrorOf<typeof MonoCloud.refetchUserInfo>>().toEqualTypeOf<
      | ServerErrors
      | MonoCloudStorageError
      | MonoCloudNotSignedInError
      | Misuse<"accessToken" | "scope" | "onSessionCreating">
    >()
  })
  it("getSession: storage only", () => {
    expectTypeOf<ErrorOf<typeof MonoCloud.getSession>>().toEqualTypeOf<MonoCloudStorageError>()
  })
  it("signOut", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.signOut>>>().toEqualTypeOf<
      ServerErrors | MonoCloudJsError | MonoCloudStorageError | Misuse<"returnUrl" | "postLogoutRedirectUri">
    >()
  })
  it("revokeToken", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.revokeToken>>>().toEqualTypeOf<ServerErrors>()
  })
  it("a misuse narrowed to its reasons refuses the others", () => {
    expectTypeOf<Misuse<"returnUrl">["reason"]>().toEqualTypeOf<"returnUrl">()
    expectTypeOf<ReturnType<typeof MonoCloudUsageError.of<"scope">>["reason"]>().toEqualTypeOf<"scope">()
    expectTypeOf<"scope">().not.toExtend<Misuse<"returnUrl">["reason"]>()
  })
})

describe("operation requirements", () => {
  it("each operation needs exactly the services it uses", () => {
    expectTypeOf<NeedsOf<typeof MonoCloud.getSession>>().toEqualTypeOf<MonoCloud.SessionStore.SessionStore>()
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.refreshSession>>>().toEqualTypeOf<
      | MonoCloud.MonoCloudConfig
      | MonoCloud.Crypto.Crypto
      | MonoCloud.SessionStore.SessionStore
      | MonoCloud.Discovery.Discovery
      | MonoCloud.OidcHttp.OidcHttp
      | MonoCloud.RefreshLock.RefreshLock
      | MonoCloud.InFlight.InFlight
      | MonoCloud.SessionBroadcast.SessionBroadcast
    >()
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.revokeToken>>>().toEqualTypeOf<
      MonoCloud.MonoCloudConfig | MonoCloud.Discovery.Discovery | MonoCloud.OidcHttp.OidcHttp
    >()
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.signInSilent>>>().toEqualTypeOf<
      | MonoCloud.MonoCloudConfig
      | MonoCloud.RefreshLock.RefreshLock
      | MonoCloud.SessionStore.SessionStore
      | MonoCloud.Discovery.Discovery
      | MonoCloud.OidcHttp.OidcHttp
      | MonoCloud.Crypto.Crypto
      | MonoCloud.SilentFrame.SilentFrame
      | MonoCloud.InFlight.InFlight
      | MonoCloud.SessionBroadcast.SessionBroadcast
    >()
  })
  it("building the layers fails only with invalid options", () => {
    type LayerError<L> = L extends import("effect/Layer").Layer<infer _A, infer E, infer _R> ? E : never
    expectTypeOf<MonoCloud.OptionsError>().toEqualTypeOf<Misuse<"options">>()
    expectTypeOf<LayerError<ReturnType<typeof MonoCloud.layer>>>().toEqualTypeOf<Misuse<"options">>()
    expectTypeOf<LayerError<ReturnType<typeof MonoCloud.layerWith>>>().toEqualTypeOf<Misuse<"options">>()
  })
  it("the full layer satisfies every operation", () => {
    type Provided = MonoCloud.MonoCloudServices
    expectTypeOf<NeedsOf<typeof MonoCloud.processCallback>>().toExtend<Provided>()
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.signIn>>>().toExtend<Provided>()
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.signOut>>>().toExtend<Provided>()
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.getTokens>>>().toExtend<Provided>()
  })
})

/** The success type of an Effect. */
type SuccessOf<T> = T extends import("effect/Effect").Effect<infer A, infer _E, infer _R> ? A : never

describe("operation success types", () => {
  it("each operation succeeds with what its documentation says", () => {
    expectTypeOf<SuccessOf<ReturnType<typeof MonoCloud.signIn>>>().toEqualTypeOf<
      MonoCloud.MonoCloudSession | undefined
    >()
    expectTypeOf<SuccessOf<typeof MonoCloud.processCallback>>().toEqualTypeOf<void>()
    expectTypeOf<SuccessOf<ReturnType<typeof MonoCloud.signInSilent>>>().toEqualTypeOf<MonoCloud.MonoCloudSession>()
    expectTypeOf<SuccessOf<ReturnType<typeof MonoCloud.refreshSession>>>().toEqualTypeOf<void>()
    expectTypeOf<SuccessOf<typeof MonoCloud.refetchUserInfo>>().toEqualTypeOf<void>()
    expectTypeOf<SuccessOf<ReturnType<typeof MonoCloud.getTokens>>>().toEqualTypeOf<MonoCloud.MonoCloudTokens>()
    expectTypeOf<SuccessOf<typeof MonoCloud.getSession>>().toEqualTypeOf<MonoCloud.MonoCloudSession | undefined>()
    expectTypeOf<SuccessOf<ReturnType<typeof MonoCloud.signOut>>>().toEqualTypeOf<void>()
    expectTypeOf<SuccessOf<ReturnType<typeof MonoCloud.revokeToken>>>().toEqualTypeOf<void>()
  })
  it("the promise client's signIn resolves with the popup's session (undefined for a redirect)", () => {
    expectTypeOf<ReturnType<MonoCloudWebJSClient["signIn"]>>().toEqualTypeOf<
      Promise<MonoCloud.MonoCloudSession | undefined>
    >()
  })
})

describe("exported error and requirement aliases", () => {
  it("name each operation's error channel and requirements", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.signIn>>>().toEqualTypeOf<MonoCloud.SignInError>()
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.signIn>>>().toEqualTypeOf<MonoCloud.SignInRequirements>()
    expectTypeOf<ErrorOf<typeof MonoCloud.processCallback>>().toEqualTypeOf<MonoCloud.ProcessCallbackError>()
    expectTypeOf<NeedsOf<typeof MonoCloud.processCallback>>().toEqualTypeOf<MonoCloud.ProcessCallbackRequirements>()
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.signInSilent>>>().toEqualTypeOf<MonoCloud.SignInSilentError>()
    expectTypeOf<
      NeedsOf<ReturnType<typeof MonoCloud.signInSilent>>
    >().toEqualTypeOf<MonoCloud.SignInSilentRequirements>()
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.refreshSession>>>().toEqualTypeOf<MonoCloud.RefreshSessionError>()
    expectTypeOf<ErrorOf<typeof MonoCloud.refetchUserInfo>>().toEqualTypeOf<MonoCloud.RefetchUserInfoError>()
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.getTokens>>>().toEqualTypeOf<MonoCloud.GetTokensError>()
    expectTypeOf<ErrorOf<typeof MonoCloud.getSession>>().toEqualTypeOf<MonoCloud.GetSessionError>()
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.signOut>>>().toEqualTypeOf<MonoCloud.SignOutError>()
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.signOut>>>().toEqualTypeOf<MonoCloud.SignOutRequirements>()
    expectTypeOf<ErrorOf<ReturnType<typeof MonoCloud.revokeToken>>>().toEqualTypeOf<MonoCloud.RevokeTokenError>()
    expectTypeOf<NeedsOf<ReturnType<typeof MonoCloud.revokeToken>>>().toEqualTypeOf<MonoCloud.RevokeTokenRequirements>()
  })
})

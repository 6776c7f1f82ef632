/**
 * The error channel and requirements of each protocol step of the engine, pinned.
 */
import { describe, expectTypeOf, it } from "vitest"
import type { ErrorOf, NeedsOf } from "./support/effectTypes.js"
import type { MonoCloudConfig } from "../../src/MonoCloudConfig.js"
import type {
  MonoCloudHttpError,
  MonoCloudJsError,
  MonoCloudOPError,
  MonoCloudTimeoutError,
  MonoCloudTokenError,
  MonoCloudValidationError
} from "../../src/MonoCloudError.js"
import type { buildAuthorizationRequest } from "../../src/internal/authorizationRequest.js"
import type { authorizationCode } from "../../src/internal/callbackResponse.js"
import type { decodeIdTokenClaims, validateIdToken } from "../../src/internal/idTokenValidation.js"
import type { verifyIdToken } from "../../src/internal/sessionFromTokens.js"
import type {
  exchangeCode,
  fetchUserInfo,
  pushAuthorizationRequest,
  refreshGrant,
  revokeToken
} from "../../src/internal/tokenRequests.js"
import type { Crypto } from "../../src/services/Crypto.js"
import type { Discovery, DiscoveryService } from "../../src/services/Discovery.js"
import type { OidcHttp } from "../../src/services/OidcHttp.js"

type Endpoint = MonoCloudOPError | MonoCloudHttpError | MonoCloudTimeoutError | MonoCloudValidationError

describe("engine step error channels", () => {
  it("discovery", () => {
    expectTypeOf<ErrorOf<DiscoveryService["metadata"]>>().toEqualTypeOf<Endpoint>()
    expectTypeOf<ErrorOf<ReturnType<DiscoveryService["jwks"]>>>().toEqualTypeOf<Endpoint>()
  })
  it("authorization request and response", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof buildAuthorizationRequest>>>().toEqualTypeOf<Endpoint | MonoCloudJsError>()
    expectTypeOf<NeedsOf<ReturnType<typeof buildAuthorizationRequest>>>().toEqualTypeOf<
      MonoCloudConfig | Crypto | Discovery | OidcHttp
    >()
    expectTypeOf<ErrorOf<ReturnType<typeof authorizationCode>>>().toEqualTypeOf<
      MonoCloudValidationError | MonoCloudOPError
    >()
  })
  it("token, userinfo, revocation and pushed authorization request endpoints", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof exchangeCode>>>().toEqualTypeOf<Endpoint>()
    expectTypeOf<ErrorOf<ReturnType<typeof pushAuthorizationRequest>>>().toEqualTypeOf<Endpoint>()
    expectTypeOf<ErrorOf<ReturnType<typeof refreshGrant>>>().toEqualTypeOf<Endpoint>()
    expectTypeOf<ErrorOf<ReturnType<typeof fetchUserInfo>>>().toEqualTypeOf<Endpoint>()
    expectTypeOf<ErrorOf<ReturnType<typeof revokeToken>>>().toEqualTypeOf<Endpoint>()
    expectTypeOf<NeedsOf<ReturnType<typeof exchangeCode>>>().toEqualTypeOf<MonoCloudConfig | Discovery | OidcHttp>()
  })
  it("ID token validation", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof validateIdToken<MonoCloudHttpError>>>>().toEqualTypeOf<
      MonoCloudTokenError | MonoCloudHttpError
    >()
    expectTypeOf<ErrorOf<ReturnType<typeof decodeIdTokenClaims>>>().toEqualTypeOf<MonoCloudTokenError>()
    expectTypeOf<ErrorOf<ReturnType<typeof verifyIdToken>>>().toEqualTypeOf<MonoCloudTokenError | Endpoint>()
  })
})

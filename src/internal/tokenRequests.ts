/**
 * Requests to the token, userinfo, revocation and pushed authorization request endpoints. A public
 * client sends `client_id` in the body (`token_endpoint_auth_method=none`); a confidential one
 * uses its configured method.
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { MonoCloudConfig, type ResolvedConfig } from "../MonoCloudConfig.js"
import {
  type MonoCloudHttpError,
  type MonoCloudOPError,
  type MonoCloudTimeoutError,
  MonoCloudValidationError
} from "../MonoCloudError.js"
import { PushedAuthorizationResponse, TokenResponse } from "../schemas/TokenResponse.js"
import { UserInfo } from "../schemas/UserInfo.js"
import { Discovery } from "../services/Discovery.js"
import { OidcHttp } from "../services/OidcHttp.js"
import { decodeEndpointResponse, requestDocument } from "../util/endpointResponse.js"
import { requestObjectRefusal } from "./requestObject.js"

type Form = Array<readonly [string, string]>

/** The form and headers that authenticate the client; `client_id` is added unless the form has it. */
const clientAuthentication = (config: ResolvedConfig, form: Form) => {
  const auth = config.clientAuth
  const withId: Form = form.some(([name]) => name === "client_id") ? form : [...form, ["client_id", config.clientId]]
  switch (auth.method) {
    case "none":
      return { form: withId, headers: {} }
    case "client_secret_post":
      return { form: [...withId, ["client_secret", Redacted.value(auth.secret)] as const], headers: {} }
    case "client_secret_basic": {
      const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+")
      const credentials = btoa(`${encode(config.clientId)}:${encode(Redacted.value(auth.secret))}`)
      return { form, headers: { authorization: `Basic ${credentials}` } }
    }
  }
}

const resourceParams = (resources: string | undefined): Form =>
  (resources ?? "")
    .split(/\s+/)
    .filter((r) => r !== "")
    .map((r) => ["resource", r] as const)

/**
 * What a request to the provider's token, userinfo or revocation endpoint can fail with (the
 * metadata lookup before it included).
 */
export type EndpointRequestError =
  MonoCloudHttpError | MonoCloudOPError | MonoCloudTimeoutError | MonoCloudValidationError

/** The services such a request needs. */
type EndpointRequirements = MonoCloudConfig | Discovery | OidcHttp

const postToTokenEndpoint = (form: Form): Effect.Effect<TokenResponse, EndpointRequestError, EndpointRequirements> =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const metadata = yield* (yield* Discovery).metadata
    const authenticated = clientAuthentication(config, form)
    return yield* requestDocument(
      yield* OidcHttp,
      { endpoint: "token", url: metadata.token_endpoint, form: authenticated.form, headers: authenticated.headers },
      TokenResponse
    )
  })

/**
 * Pushes authorization request parameters to `endpoint` (RFC 9126 §2.1) and returns the
 * `request_uri` that stands for them; a refusal that asks for a signed request object is reported
 * as such (see {@link requestObjectRefusal}).
 */
export const pushAuthorizationRequest = (
  endpoint: string,
  params: Form
): Effect.Effect<PushedAuthorizationResponse, EndpointRequestError, MonoCloudConfig | OidcHttp> =>
  Effect.gen(function* () {
    const authenticated = clientAuthentication(yield* MonoCloudConfig, params)
    return yield* requestDocument(
      yield* OidcHttp,
      { endpoint: "par", url: endpoint, form: authenticated.form, headers: authenticated.headers },
      PushedAuthorizationResponse,
      201
    ).pipe(Effect.mapError((error) => (error._tag === "MonoCloudOPError" ? requestObjectRefusal(error) : error)))
  })

/** Exchanges an authorization code for tokens (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export const exchangeCode = (params: {
  readonly code: string
  readonly codeVerifier: string
  readonly redirectUri: string
  readonly resource?: string | undefined
}): Effect.Effect<TokenResponse, EndpointRequestError, EndpointRequirements> =>
  postToTokenEndpoint([
    ["grant_type", "authorization_code"],
    ["code", params.code],
    ["redirect_uri", params.redirectUri],
    ["code_verifier", params.codeVerifier],
    ...resourceParams(params.resource)
  ])

/** Runs the refresh-token grant (RFC 6749 §6), optionally narrowed to scopes and resources (RFC 8707). */
export const refreshGrant = (params: {
  readonly refreshToken: string
  readonly scopes?: string | undefined
  readonly resource?: string | undefined
}): Effect.Effect<TokenResponse, EndpointRequestError, EndpointRequirements> =>
  postToTokenEndpoint([
    ["grant_type", "refresh_token"],
    ["refresh_token", params.refreshToken],
    ...(params.scopes === undefined || params.scopes.trim() === "" ? [] : [["scope", params.scopes] as const]),
    ...resourceParams(params.resource)
  ])

const missingEndpoint = (name: string) =>
  new MonoCloudValidationError({ reason: "endpoint", detail: `The provider does not advertise a ${name} endpoint` })

/** Fetches the UserInfo claims for an access token; `sub` must equal the expected subject. */
export const fetchUserInfo = (
  accessToken: string,
  expectedSubject: string
): Effect.Effect<UserInfo, EndpointRequestError, Discovery | OidcHttp> =>
  Effect.gen(function* () {
    const metadata = yield* (yield* Discovery).metadata
    if (metadata.userinfo_endpoint === undefined) return yield* Effect.fail(missingEndpoint("userinfo"))
    const claims = yield* requestDocument(
      yield* OidcHttp,
      { endpoint: "userinfo", url: metadata.userinfo_endpoint, headers: { authorization: `Bearer ${accessToken}` } },
      UserInfo
    )
    if (claims.sub !== expectedSubject) {
      return yield* Effect.fail(
        new MonoCloudValidationError({
          reason: "userInfoSubject",
          detail: "The UserInfo subject differs from the ID token subject"
        })
      )
    }
    return claims
  })

/** Revokes a token (RFC 7009). */
export const revokeToken = (
  token: string,
  tokenTypeHint: "access_token" | "refresh_token"
): Effect.Effect<void, EndpointRequestError, EndpointRequirements> =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const metadata = yield* (yield* Discovery).metadata
    if (metadata.revocation_endpoint === undefined) return yield* Effect.fail(missingEndpoint("revocation"))
    const authenticated = clientAuthentication(config, [
      ["token", token],
      ["token_type_hint", tokenTypeHint]
    ])
    const request = {
      endpoint: "revocation",
      url: metadata.revocation_endpoint,
      form: authenticated.form,
      headers: authenticated.headers
    } as const
    const response = yield* (yield* OidcHttp).execute(request)
    const succeeded = response.status >= 200 && response.status < 300
    if (!succeeded) yield* decodeEndpointResponse(request, response, Schema.Unknown)
  })

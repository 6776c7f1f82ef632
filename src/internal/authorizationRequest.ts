/**
 * Builds an authorization request (RFC 6749 §4.1.1 with PKCE S256, RFC 7636; OpenID Connect Core
 * §3.1.2.1): the URL to send the browser to and the transaction to keep until the callback. With
 * pushed authorization requests (RFC 9126) the parameters go to the provider over the back channel
 * first, and the URL carries only `client_id` and the `request_uri` standing for them.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { MonoCloudConfig, type ResolvedConfig } from "../MonoCloudConfig.js"
import type { ApplicationState, AuthTransaction } from "../schemas/Session.js"
import { Crypto } from "../services/Crypto.js"
import { base64UrlEncode } from "../util/base64url.js"
import { Discovery } from "../services/Discovery.js"
import { mergeSpaceSeparated, splitSpaceSeparated } from "../util/strings.js"
import { MonoCloudValidationError } from "../MonoCloudError.js"
import { requestObjectRequired } from "./requestObject.js"
import { pushAuthorizationRequest } from "./tokenRequests.js"

/**
 * Per-request authorization parameters.
 */
export interface AuthorizationParams {
  /** Space-separated scopes added to the configured ones. */
  readonly scopes?: string | undefined
  /** Space-separated resource indicators added to the configured ones. */
  readonly resource?: string | undefined
  readonly prompt?: string | undefined
  readonly loginHint?: string | undefined
  readonly authenticatorHint?: string | undefined
  readonly uiLocales?: string | undefined
  readonly display?: string | undefined
  readonly acrValues?: ReadonlyArray<string> | undefined
  readonly maxAge?: number | undefined
  readonly audience?: string | undefined
  readonly idTokenHint?: string | undefined
}

const DEFAULT_SCOPES = ["openid", "profile", "email"]

/**
 * The scopes of a request: the call's and the configured ones, `openid profile email` when neither
 * names any, and always `openid` (this is an OpenID Connect client).
 */
export const requestScopes = (config: ResolvedConfig, callScopes: string | undefined): Array<string> => {
  const merged = mergeSpaceSeparated([callScopes, config.configuredScopes.join(" ")])
  const scopes = merged.length === 0 ? DEFAULT_SCOPES : merged
  return scopes.includes("openid") ? scopes : ["openid", ...scopes]
}

/** Where the flow runs and what it carries through the round trip. */
export interface FlowContext {
  readonly mode: AuthTransaction["mode"]
  readonly redirectUri: string
  readonly returnUrl?: string | undefined
  readonly appState?: ApplicationState | undefined
}

/** An authorization URL and the transaction that completes it. */
export interface AuthorizationRequest {
  readonly url: string
  readonly transaction: AuthTransaction
}

/**
 * Builds the authorize URL and its transaction (fresh `state`, `nonce` and PKCE verifier), pushing
 * the parameters first when the client option or the provider's metadata asks for PAR. Fails
 * before anything is sent when the provider requires signed request objects.
 */
export const buildAuthorizationRequest = (params: AuthorizationParams, flow: FlowContext) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const crypto = yield* Crypto
    const metadata = yield* (yield* Discovery).metadata
    const state = yield* crypto.randomString(32)
    const nonce = yield* crypto.randomString(32)
    const codeVerifier = yield* crypto.randomString(32)
    const codeChallenge = base64UrlEncode(yield* crypto.digest("SHA-256", codeVerifier))
    const scopes = requestScopes(config, params.scopes).join(" ")
    const resources = mergeSpaceSeparated([params.resource, config.baseResources.join(" ")])

    const url = new URL(metadata.authorization_endpoint)
    const set = (name: string, value: string | number | undefined) => {
      if (value !== undefined && value !== "") url.searchParams.set(name, String(value))
    }
    set("client_id", config.clientId)
    set("redirect_uri", flow.redirectUri)
    set("scope", scopes)
    set("response_type", "code")
    set("authenticator_hint", params.authenticatorHint)
    set("login_hint", params.loginHint)
    set("acr_values", params.acrValues?.join(" "))
    set("nonce", nonce)
    set("ui_locales", params.uiLocales)
    set("display", params.display)
    set("max_age", params.maxAge)
    set("prompt", params.prompt)
    set("audience", params.audience)
    set("id_token_hint", params.idTokenHint)
    for (const resource of resources) url.searchParams.append("resource", resource)
    set("code_challenge", codeChallenge)
    set("code_challenge_method", "S256")
    set("state", state)
    if (metadata.require_signed_request_object === true) return yield* Effect.fail(requestObjectRequired())
    const pushed = config.pushedAuthorizationRequests || metadata.require_pushed_authorization_requests === true
    if (pushed) {
      const endpoint = metadata.pushed_authorization_request_endpoint
      if (endpoint === undefined) {
        return yield* Effect.fail(
          new MonoCloudValidationError({
            reason: "endpoint",
            detail: "The provider does not advertise a pushed authorization request endpoint"
          })
        )
      }
      const { request_uri } = yield* pushAuthorizationRequest(endpoint, [...url.searchParams])
      url.search = ""
      set("client_id", config.clientId)
      set("request_uri", request_uri)
    }

    const exchangeResources =
      params.resource === undefined ? config.defaultResources : splitSpaceSeparated(params.resource)
    const transaction: AuthTransaction = {
      version: 1,
      kind: "signIn",
      mode: flow.mode,
      state,
      nonce,
      codeVerifier,
      redirectUri: flow.redirectUri,
      scopes,
      ...(exchangeResources.length > 0 ? { resource: exchangeResources.join(" ") } : {}),
      ...(params.maxAge !== undefined ? { maxAge: params.maxAge } : {}),
      ...(flow.returnUrl !== undefined ? { returnUrl: flow.returnUrl } : {}),
      ...(flow.appState !== undefined ? { appState: flow.appState } : {}),
      createdAt: yield* Clock.currentTimeMillis
    }
    return { url: url.toString(), transaction } satisfies AuthorizationRequest
  })

/**
 * Turns token responses into sessions: verifies the ID token, fetches UserInfo when configured,
 * merges the user, files the access token under its key and runs `onSessionCreating`. Shared by
 * every sign-in mode and by refresh.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudValidationError } from "../MonoCloudError.js"
import type { IdTokenClaims } from "../schemas/IdTokenClaims.js"
import type { ApplicationState, AuthTransaction, MonoCloudSession, MonoCloudUser } from "../schemas/Session.js"
import type { TokenResponse } from "../schemas/TokenResponse.js"
import type { UserInfo } from "../schemas/UserInfo.js"
import type { PublicJwks } from "../util/jws.js"
import { Discovery, type DiscoveryError } from "../services/Discovery.js"
import { checkIdTokenClaims, decodeIdTokenClaims, type KeySource, validateIdToken } from "./idTokenValidation.js"
import { fetchUserInfo } from "./tokenRequests.js"
import { sameWords } from "../util/strings.js"
import { accessTokenRecord, grants, replaceToken, type TokenKey } from "./tokenKey.js"

const nowSeconds = Effect.map(Clock.currentTimeMillis, (millis) => Math.floor(millis / 1000))

/** Verifies an ID token: signature and claims, or with `validateIdToken: false` the claims only. */
export const verifyIdToken = (
  idToken: string,
  expected: {
    readonly nonce?: string | undefined
    readonly maxAge?: number | undefined
    readonly accessToken?: string | undefined
  }
) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const expectations = {
      issuer: config.issuer,
      clientId: config.clientId,
      nowSeconds: yield* nowSeconds,
      clockSkew: config.clockSkew,
      clockTolerance: config.clockTolerance,
      nonce: expected.nonce,
      maxAge: expected.maxAge,
      accessToken: expected.accessToken
    }
    if (!config.validateIdToken) return yield* checkIdTokenClaims(idToken, expectations)
    const discovery = yield* Discovery
    const keys: KeySource<DiscoveryError> = {
      // The schema checked each key's `kty`; Web Crypto checks the rest of each JWK when it imports it.
      getKeys: (options) => Effect.map(discovery.jwks(options), (set) => set as PublicJwks)
    }
    return yield* validateIdToken(idToken, { ...expectations, algorithms: [config.idTokenSigningAlgorithm] }, keys)
  })

const withoutFiltered = (claims: IdTokenClaims, filtered: ReadonlyArray<string>): MonoCloudUser =>
  Object.fromEntries(Object.entries(claims).filter(([name]) => !filtered.includes(name))) as MonoCloudUser

const maybeUserInfo = (fetch: boolean, accessToken: string, grantedScopes: string, subject: string) =>
  fetch && grants({ scopes: grantedScopes }, "openid") ? fetchUserInfo(accessToken, subject) : Effect.succeed(undefined)

/** Runs `onSessionCreating` on a copy of the session and returns what it left. */
const applyHook = (
  session: MonoCloudSession,
  claims: IdTokenClaims | undefined,
  userInfo: UserInfo | undefined,
  appState: ApplicationState | undefined
) =>
  Effect.flatMap(MonoCloudConfig, (config) => {
    const hook = config.onSessionCreating
    if (hook === undefined) return Effect.succeed(session)
    const draft = structuredClone(session) as MonoCloudSession
    return Effect.as(
      Effect.promise(async () => hook(draft, claims, userInfo, appState)),
      draft
    )
  })

/** The session created by a successful code exchange for `transaction`. */
export const sessionFromCodeExchange = (tokens: TokenResponse, transaction: AuthTransaction) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    if (tokens.id_token === undefined) {
      return yield* Effect.fail(
        new MonoCloudValidationError({ reason: "tokenResponse", detail: "The token response has no ID token" })
      )
    }
    const claims = yield* verifyIdToken(tokens.id_token, {
      nonce: transaction.nonce,
      maxAge: transaction.maxAge,
      accessToken: tokens.access_token
    })
    const key: TokenKey = { resource: transaction.resource, scopes: transaction.scopes }
    const token = accessTokenRecord(tokens, key, yield* nowSeconds)
    const userInfo = yield* maybeUserInfo(config.fetchUserinfo, tokens.access_token, token.scopes, claims.sub)
    const session: MonoCloudSession = {
      user: { ...withoutFiltered(claims, config.filteredIdTokenClaims), ...userInfo },
      idToken: tokens.id_token,
      ...(transaction.scopes !== undefined ? { authorizedScopes: transaction.scopes } : {}),
      accessTokens: [token],
      ...(tokens.refresh_token !== undefined ? { refreshToken: tokens.refresh_token } : {})
    }
    return yield* applyHook(session, claims, userInfo, transaction.appState)
  })

const audienceSet = (aud: IdTokenClaims["aud"]): ReadonlyArray<string> => (typeof aud === "string" ? [aud] : aud)

/**
 * Why a refreshed ID token may not replace the session's (OpenID Connect Core §12.2): it must keep
 * `iss`, `sub` and `aud`, and its `auth_time` may only move forward. `undefined` when it may.
 */
const refreshedIdentityChange = (session: MonoCloudSession, claims: IdTokenClaims) =>
  Effect.gen(function* () {
    if (claims.sub !== session.user.sub) return "The refreshed ID token names another subject"
    if (session.idToken === undefined) return undefined
    const previous = yield* Effect.option(decodeIdTokenClaims(session.idToken))
    if (Option.isNone(previous)) return undefined
    if (claims.iss !== previous.value.iss) return "The refreshed ID token names another issuer"
    if (!sameWords(audienceSet(claims.aud), audienceSet(previous.value.aud))) {
      return "The refreshed ID token names other audiences"
    }
    const before = previous.value.auth_time
    if (before !== undefined && (claims.auth_time === undefined || claims.auth_time < before)) {
      return "The refreshed ID token moves auth_time back"
    }
    return undefined
  })

/**
 * The session after a refresh-token grant: the token for `key` replaced, a rotated refresh token
 * and a new ID token (same subject) taken over, the user merged with new claims. A failed UserInfo
 * call does not discard the new tokens (the grant is spent, a rotated refresh token would be lost):
 * the session keeps the earlier UserInfo claims and `userInfoFailure` says why.
 */
export const sessionFromRefresh = (
  session: MonoCloudSession,
  tokens: TokenResponse,
  key: TokenKey,
  options: { readonly fetchUserInfo: boolean }
) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const claims =
      tokens.id_token === undefined
        ? undefined
        : yield* verifyIdToken(tokens.id_token, { accessToken: tokens.access_token })
    const change = claims === undefined ? undefined : yield* refreshedIdentityChange(session, claims)
    if (change !== undefined)
      return yield* Effect.fail(new MonoCloudValidationError({ reason: "tokenResponse", detail: change }))
    const token = accessTokenRecord(tokens, key, yield* nowSeconds)
    const fetched = yield* Effect.exit(
      maybeUserInfo(options.fetchUserInfo, tokens.access_token, token.scopes, session.user.sub)
    )
    const userInfo = Exit.isSuccess(fetched) ? fetched.value : undefined
    const refreshed: MonoCloudSession = {
      ...session,
      user: {
        ...session.user,
        ...(claims === undefined ? {} : withoutFiltered(claims, config.filteredIdTokenClaims)),
        ...userInfo
      },
      accessTokens: replaceToken(session, key, token),
      ...(tokens.id_token !== undefined ? { idToken: tokens.id_token } : {}),
      ...(tokens.refresh_token !== undefined ? { refreshToken: tokens.refresh_token } : {})
    }
    const stored = yield* applyHook(refreshed, claims, userInfo, undefined)
    return { session: stored, userInfoFailure: Exit.isFailure(fetched) ? fetched.cause : undefined }
  })

/** The session with UserInfo claims merged into its user. */
export const sessionWithUserInfo = (session: MonoCloudSession, userInfo: UserInfo) =>
  applyHook({ ...session, user: { ...session.user, ...userInfo } }, undefined, userInfo, undefined)

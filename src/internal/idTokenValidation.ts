/**
 * ID token validation: compact JWS format, algorithm allow-list, key selection with one refetch
 * for key rotation, signature (Web Crypto), claim types, and the OpenID Connect claim checks.
 *
 * @internal
 */
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { base64UrlDecode, base64UrlEncode } from "../util/base64url.js"
import {
  decodeHeader,
  isJwsAlgorithm,
  type JwsAlgorithm,
  type JwsHeader,
  matchingKeys,
  payloadOf,
  type PublicJwks
} from "../util/jws.js"
import { Crypto, type DigestAlgorithm } from "../services/Crypto.js"
import { MonoCloudTokenError } from "../MonoCloudError.js"
import type { TokenReason } from "../MonoCloudError.js"
import { IdTokenClaims } from "../schemas/IdTokenClaims.js"

/**
 * What the ID token must satisfy. Times are in seconds since the epoch.
 *
 * @internal
 */
export interface IdTokenExpectations {
  /** The exact `iss` value expected. */
  readonly issuer: string
  /** The client ID, which `aud` must contain and `azp` (when present) must equal. */
  readonly clientId: string
  /** The accepted `alg` values, e.g. `["RS256"]`; `none` is never accepted. */
  readonly algorithms: ReadonlyArray<string>
  /** The current time, read from the Effect `Clock` by the caller. */
  readonly nowSeconds: number
  /** Seconds added to `nowSeconds` before the time checks. */
  readonly clockSkew: number
  /** Seconds of leeway for `exp`, `nbf`, `iat` and `auth_time`. */
  readonly clockTolerance: number
  /** The nonce sent with the authorize request; when given the claim must be present and equal. */
  readonly nonce?: string | undefined
  /** The `max_age` sent with the authorize request; when given `auth_time` is required and checked. */
  readonly maxAge?: number | undefined
  /** The access token issued with the ID token; when given and `at_hash` is present, they must match. */
  readonly accessToken?: string | undefined
}

/**
 * Where the provider's signing keys come from. `forceRefresh: true` asks for a fresh copy,
 * bypassing any cache, and is used once when no key matches (key rotation).
 *
 * @internal
 */
export interface KeySource<E = never> {
  readonly getKeys: (options: { readonly forceRefresh: boolean }) => Effect.Effect<PublicJwks, E>
}

const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

const tokenError = (reason: TokenReason, detail: string, cause?: unknown): MonoCloudTokenError =>
  new MonoCloudTokenError({ reason, detail, cause })

const malformed = tokenError("format", "The ID token is not a compact JWS of three base64url parts")

const readHeader = (idToken: string): Effect.Effect<JwsHeader, MonoCloudTokenError> =>
  typeof idToken === "string" && compactJws.test(idToken)
    ? Effect.try({
        try: () => decodeHeader(idToken),
        catch: (cause) => tokenError("format", "The ID token header is not a base64url JSON object", cause)
      })
    : Effect.fail(malformed)

const checkHeader = (
  header: JwsHeader,
  algorithms: ReadonlyArray<string>
): Effect.Effect<JwsAlgorithm, MonoCloudTokenError> => {
  const alg = header.alg
  if (typeof alg !== "string" || alg === "none") {
    return Effect.fail(tokenError("algorithm", "The ID token is not signed; unsigned ID tokens are never accepted"))
  }
  if (!algorithms.includes(alg) || !isJwsAlgorithm(alg)) {
    return Effect.fail(
      tokenError(
        "algorithm",
        `The ID token signing algorithm is not one of the allowed ones (${algorithms.join(", ")})`
      )
    )
  }
  return header.crit === undefined
    ? Effect.succeed(alg)
    : Effect.fail(
        tokenError("format", "The ID token declares critical header extensions (crit), which are not supported")
      )
}

const selectKey =
  (header: JwsHeader, alg: JwsAlgorithm) =>
  (jwks: PublicJwks): Effect.Effect<Option.Option<CryptoKey>, MonoCloudTokenError, Crypto> => {
    const candidates = matchingKeys(jwks, header, alg)
    if (candidates.length === 0) return Effect.succeedNone
    if (candidates.length > 1) {
      return Effect.fail(
        tokenError("key", "Several keys of the key set match the ID token, which names none of them with a kid")
      )
    }
    return Crypto.use((crypto) => crypto.importVerifyKey(candidates[0]!, alg)).pipe(
      Effect.mapError((cause) => tokenError("key", "The key set has no usable public key for the ID token", cause)),
      Effect.map(Option.some)
    )
  }

const resolveKey = <E>(header: JwsHeader, alg: JwsAlgorithm, keys: KeySource<E>) =>
  Effect.gen(function* () {
    const cached = yield* Effect.flatMap(keys.getKeys({ forceRefresh: false }), selectKey(header, alg))
    if (Option.isSome(cached)) return cached.value
    const refreshed = yield* Effect.flatMap(keys.getKeys({ forceRefresh: true }), selectKey(header, alg))
    if (Option.isSome(refreshed)) return refreshed.value
    return yield* Effect.fail(
      tokenError("key", "No key of the provider's key set matches the ID token, even after refetching it")
    )
  })

const verifiedPayload = (
  idToken: string,
  key: CryptoKey,
  alg: JwsAlgorithm
): Effect.Effect<Uint8Array, MonoCloudTokenError, Crypto> =>
  Crypto.use((crypto) => crypto.verifySignature(idToken, key, alg)).pipe(
    Effect.mapError((cause) => tokenError("signature", "The ID token signature could not be checked", cause)),
    Effect.flatMap((valid) =>
      valid
        ? Effect.succeed(payloadOf(idToken))
        : Effect.fail(tokenError("signature", "The ID token signature is invalid"))
    )
  )

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const parseClaims = (payload: Uint8Array): Effect.Effect<IdTokenClaims, MonoCloudTokenError> =>
  Effect.try({
    try: (): unknown => JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload)),
    catch: (cause) => tokenError("claims", "The ID token payload is not valid JSON", cause)
  }).pipe(
    Effect.filterOrFail(isJsonObject, () => tokenError("claims", "The ID token payload is not a JSON object")),
    Effect.flatMap((json) =>
      Effect.mapError(Schema.decodeUnknownEffect(IdTokenClaims)(json), (cause) =>
        tokenError("claims", "The ID token claims do not have the required names and types", cause)
      )
    )
  )

type ClaimCheck = (
  claims: IdTokenClaims,
  expected: IdTokenExpectations,
  now: number
) => Option.Option<MonoCloudTokenError>

const failure = (reason: TokenReason, detail: string): Option.Option<MonoCloudTokenError> =>
  Option.some(tokenError(reason, detail))

const failWhen = (failed: boolean, reason: TokenReason, detail: string): Option.Option<MonoCloudTokenError> =>
  failed ? failure(reason, detail) : Option.none()

const audiences = (aud: IdTokenClaims["aud"]): ReadonlyArray<string> => (typeof aud === "string" ? [aud] : aud)

const checkIssuer: ClaimCheck = (claims, expected) =>
  failWhen(
    claims.iss !== expected.issuer,
    "issuer",
    `The ID token was not issued by the expected issuer ${expected.issuer}`
  )

const checkAudience: ClaimCheck = (claims, expected) =>
  failWhen(
    !audiences(claims.aud).includes(expected.clientId),
    "audience",
    "The ID token audience does not include this client"
  )

const checkAuthorizedParty: ClaimCheck = (claims, expected) =>
  claims.azp === undefined
    ? failWhen(
        audiences(claims.aud).length > 1,
        "authorizedParty",
        "The ID token has several audiences but no authorized party (azp)"
      )
    : failWhen(
        claims.azp !== expected.clientId,
        "authorizedParty",
        "The ID token authorized party (azp) is not this client"
      )

const checkExpiry: ClaimCheck = (claims, expected, now) =>
  failWhen(claims.exp <= now - expected.clockTolerance, "expired", "The ID token has expired")

const checkNotBefore: ClaimCheck = (claims, expected, now) =>
  failWhen(
    claims.nbf !== undefined && claims.nbf > now + expected.clockTolerance,
    "notYetValid",
    "The ID token is not valid yet (nbf is in the future)"
  )

const checkIssuedAt: ClaimCheck = (claims, expected, now) =>
  failWhen(claims.iat > now + expected.clockTolerance, "issuedAt", "The ID token was issued in the future (iat)")

const checkNonce: ClaimCheck = (claims, expected) =>
  expected.nonce === undefined
    ? Option.none()
    : claims.nonce === undefined
      ? failure("nonce", "The ID token has no nonce although the sign-in request sent one")
      : failWhen(
          claims.nonce !== expected.nonce,
          "nonce",
          "The ID token nonce does not match the one the sign-in request sent"
        )

const checkAuthTime: ClaimCheck = (claims, expected, now) =>
  expected.maxAge === undefined
    ? Option.none()
    : claims.auth_time === undefined
      ? failure("authTime", "The ID token has no auth_time although max_age was requested")
      : failWhen(
          claims.auth_time + expected.maxAge < now - expected.clockTolerance,
          "authTime",
          "The end-user authenticated longer ago than max_age allows"
        )

const claimChecks: ReadonlyArray<ClaimCheck> = [
  checkIssuer,
  checkAudience,
  checkAuthorizedParty,
  checkExpiry,
  checkNotBefore,
  checkIssuedAt,
  checkNonce,
  checkAuthTime
]

const checkClaims = (
  claims: IdTokenClaims,
  expected: IdTokenExpectations
): Effect.Effect<void, MonoCloudTokenError> => {
  const now = expected.nowSeconds + expected.clockSkew
  return Option.match(
    Arr.findFirst(claimChecks, (check) => check(claims, expected, now)),
    {
      onNone: () => Effect.void,
      onSome: Effect.fail
    }
  )
}

const hashAlgorithm = (alg: string): DigestAlgorithm | undefined => {
  const bits = /^(?:RS|PS|ES)(256|384|512)$/.exec(alg)?.[1]
  return bits !== undefined
    ? (`SHA-${bits}` as DigestAlgorithm)
    : alg === "EdDSA" || alg === "Ed25519"
      ? "SHA-512"
      : undefined
}

/**
 * The `at_hash` value for an access token: the base64url left half of its SHA-2 digest, the SHA-2
 * size given by the ID token's `alg` (SHA-512 for EdDSA).
 *
 * @internal
 */
export const accessTokenHash = (
  alg: string,
  accessToken: string
): Effect.Effect<string, MonoCloudTokenError, Crypto> => {
  const hash = hashAlgorithm(alg)
  if (hash === undefined) {
    return Effect.fail(
      tokenError("accessTokenHash", "The at_hash cannot be computed for the ID token signing algorithm")
    )
  }
  return Crypto.use((crypto) => crypto.digest(hash, accessToken)).pipe(
    Effect.mapError((cause) => tokenError("accessTokenHash", "The access token hash could not be computed", cause)),
    Effect.map((digest) => base64UrlEncode(digest.subarray(0, digest.length / 2)))
  )
}

const checkAccessTokenHash = (
  claims: IdTokenClaims,
  alg: string,
  accessToken: string | undefined
): Effect.Effect<void, MonoCloudTokenError, Crypto> =>
  accessToken === undefined || claims.at_hash === undefined
    ? Effect.void
    : Effect.filterOrFail(
        accessTokenHash(alg, accessToken),
        (hash) => hash === claims.at_hash,
        () => tokenError("accessTokenHash", "The access token does not match the ID token at_hash")
      )

/**
 * Validates an ID token: format, algorithm allow-list, signature against the provider's keys
 * (refetching them once when no key matches, to follow key rotation), claim types, issuer,
 * audience, authorized party, `exp`/`nbf`/`iat`, nonce, `auth_time` with `max_age` and `at_hash`.
 * Fails with a {@link MonoCloudTokenError} naming the failed check, or with the key source's error.
 *
 * @internal
 */
export const validateIdToken = <E>(
  idToken: string,
  expected: IdTokenExpectations,
  keys: KeySource<E>
): Effect.Effect<IdTokenClaims, MonoCloudTokenError | E, Crypto> =>
  Effect.gen(function* () {
    const header = yield* readHeader(idToken)
    const alg = yield* checkHeader(header, expected.algorithms)
    const key = yield* resolveKey(header, alg, keys)
    const claims = yield* Effect.flatMap(verifiedPayload(idToken, key, alg), parseClaims)
    yield* checkClaims(claims, expected)
    yield* checkAccessTokenHash(claims, alg, expected.accessToken)
    return claims
  })

/**
 * Checks an ID token's claims without its signature, for clients configured with
 * `validateIdToken: false` (OpenID Connect Core §3.1.3.7 lets TLS stand in for the signature
 * only): the format, the claim types, issuer, audience, authorized party, `exp`/`nbf`/`iat`,
 * nonce, `auth_time` with `max_age`, and `at_hash` (refused when the header's algorithm has no hash).
 *
 * @internal
 */
export const checkIdTokenClaims = (
  idToken: string,
  expected: Omit<IdTokenExpectations, "algorithms">
): Effect.Effect<IdTokenClaims, MonoCloudTokenError, Crypto> =>
  Effect.gen(function* () {
    const header = yield* readHeader(idToken)
    const claims = yield* decodeIdTokenClaims(idToken)
    yield* checkClaims(claims, { ...expected, algorithms: [] })
    // An at_hash under an algorithm without a hash (`none`) cannot be recomputed, so it fails.
    yield* checkAccessTokenHash(claims, typeof header.alg === "string" ? header.alg : "none", expected.accessToken)
    return claims
  })

/**
 * Decodes the claims of an ID token without checking its signature or claim values. Fails with a {@link MonoCloudTokenError} (`format` or `claims`).
 *
 * @internal
 */
export const decodeIdTokenClaims = (idToken: string): Effect.Effect<IdTokenClaims, MonoCloudTokenError> =>
  typeof idToken === "string" && compactJws.test(idToken)
    ? Effect.try({
        try: () => base64UrlDecode(idToken.split(".")[1] ?? ""),
        catch: (cause) => tokenError("format", "The ID token payload is not base64url", cause)
      }).pipe(Effect.flatMap(parseClaims))
    : Effect.fail(malformed)

/**
 * The SDK's error family, one class per party at fault: the provider said no (`MonoCloudOPError`)
 * or sent something that breaks the protocol (`MonoCloudValidationError`, `MonoCloudTokenError`);
 * the network or the provider's server failed (`MonoCloudHttpError`, `MonoCloudTimeoutError`); the
 * browser refused (`MonoCloudJsError`) or storage did (`MonoCloudStorageError`); the app asked for
 * something it cannot have (`MonoCloudUsageError`); or nobody is signed in
 * (`MonoCloudNotSignedInError`). Each class has a closed `reason` (an OAuth `error` code for the
 * provider's refusals, what timed out for a time-out), and each operation's error type names only
 * the classes, and where it helps the reasons, it can fail with.
 *
 * Effect users branch with `Effect.catchTag("MonoCloudOPError", …)` and promise users with
 * `error instanceof MonoCloudOPError` (or the `is…` guards, which also work across two copies of
 * the package). Messages are safe to log: they never contain tokens, codes, verifiers or URLs with
 * their query.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

const TypeId: unique symbol = Symbol.for("@monocloud/auth-web-js/MonoCloudError") as never

/**
 * Base class of every SDK error: a real `Error` subclass carrying a `_tag` equal to its class name.
 *
 * @since 0.1.0
 * @category errors
 */
export abstract class MonoCloudAuthBaseError extends Data.Error<{}> {
  /** @internal */
  readonly [TypeId]: typeof TypeId = TypeId
  /** The class name, used by `Effect.catchTag`. */
  abstract readonly _tag: string
}

/**
 * The base of one error class, the one place that gives it its `_tag` and `name` (both `tag`),
 * its fields `A` (assigned on construction by `Data.Error`) and its `message`, built from the
 * fields by `message`, which keeps tokens, codes, verifiers and URL queries out of it.
 */
const errorClass =
  <A extends Record<string, unknown>>() =>
  <const Tag extends string>(tag: Tag, message: (error: Readonly<A>) => string) => {
    abstract class Tagged extends MonoCloudAuthBaseError {
      readonly _tag: Tag = tag
      override readonly name: string = tag
      override get message(): string {
        return message(this as unknown as Readonly<A>)
      }
    }
    return Tagged as unknown as abstract new (args: A) => MonoCloudAuthBaseError & Readonly<A> & { readonly _tag: Tag }
  }

/** The message of an error that carries a fixed `detail` sentence. */
const detailMessage = (error: { readonly detail: string }): string => error.detail

/**
 * The endpoints the SDK calls; `par` is the pushed authorization request endpoint (RFC 9126).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OidcEndpoint = /* @__PURE__ */ Schema.Literals([
  "discovery",
  "jwks",
  "token",
  "userinfo",
  "revocation",
  "par"
])

/**
 * An endpoint the SDK calls.
 *
 * @since 0.1.0
 * @category models
 */
export type OidcEndpoint = typeof OidcEndpoint.Type

/**
 * The authorization server answered with an OAuth error: an `error` parameter on the callback URL
 * (`login_required`, `access_denied`, …) or an OAuth error body from an endpoint (`invalid_grant`, …).
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudOPError extends errorClass<{
  /** The OAuth error code, e.g. `login_required` or `invalid_grant`. */
  readonly error: string
  readonly errorDescription?: string | undefined
  readonly errorUri?: string | undefined
  /** The HTTP status when the error came from an endpoint response. */
  readonly status?: number | undefined
  /** The endpoint that answered with the error; absent for an error on the callback URL. */
  readonly endpoint?: OidcEndpoint | undefined
}>()("MonoCloudOPError", (error) =>
  error.errorDescription === undefined ? error.error : `${error.error}: ${error.errorDescription}`
) {
  /**
   * The error for an OAuth error answer (RFC 6749 §4.1.2.1, §5.2): its parameters as they are
   * named on the wire, and the endpoint and status when it came from an endpoint.
   */
  static fromParameters(
    parameters: {
      readonly error: string
      readonly error_description?: string | undefined
      readonly error_uri?: string | undefined
    },
    from?: { readonly endpoint: OidcEndpoint; readonly status: number }
  ): MonoCloudOPError {
    return new MonoCloudOPError({
      error: parameters.error,
      errorDescription: parameters.error_description,
      errorUri: parameters.error_uri,
      status: from?.status,
      endpoint: from?.endpoint
    })
  }
}

/**
 * The URL as errors and logs show it: without query or fragment, which may carry codes or tokens.
 *
 * @since 0.1.0
 * @category utils
 */
export const urlForErrors = (url: string): string => url.split(/[?#]/, 1)[0] ?? ""

/**
 * Why an HTTP exchange failed: the request never got an answer (`Transport`), the status was not
 * the expected one and the body was no OAuth error (`StatusCode`), the body could not be read as
 * the expected document (`Decode`), or it was over the size limit, 1 MB (`TooLarge`).
 *
 * @since 0.1.0
 * @category errors
 */
export type HttpFailureReason = "Transport" | "StatusCode" | "Decode" | "TooLarge"

/**
 * A request to the authorization server failed on the network, returned an unexpected status, or
 * returned a body that is not the expected document.
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudHttpError extends errorClass<{
  readonly reason: HttpFailureReason
  /** Which endpoint was called. */
  readonly endpoint: OidcEndpoint
  /** The URL without its query string. */
  readonly url: string
  readonly status?: number | undefined
  readonly cause?: unknown
}>()("MonoCloudHttpError", (error) => {
  switch (error.reason) {
    case "Transport":
      return `The ${error.endpoint} request to ${error.url} failed before a response arrived`
    case "StatusCode":
      return `The ${error.endpoint} request to ${error.url} returned unexpected status ${error.status}`
    case "Decode":
      return `The ${error.endpoint} response from ${error.url} is not a valid document`
    case "TooLarge":
      return `The ${error.endpoint} response from ${error.url} is larger than the SDK reads`
  }
}) {
  /**
   * The error for a failed exchange with `request`. It keeps the URL without its query and never
   * the request itself, whose form body holds codes and tokens; `cause` is the network error of a
   * `Transport` failure only (a decoder's report would quote the body).
   */
  static of(
    reason: HttpFailureReason,
    request: { readonly endpoint: OidcEndpoint; readonly url: string },
    details: { readonly status?: number | undefined; readonly cause?: unknown } = {}
  ): MonoCloudHttpError {
    return new MonoCloudHttpError({ reason, endpoint: request.endpoint, url: urlForErrors(request.url), ...details })
  }
}

/**
 * An error type narrowed to some of its reasons: an operation's error type says which reasons it
 * can fail with, e.g. `Because<MonoCloudUsageError, "refreshToken">`.
 *
 * @since 0.1.0
 * @category errors
 */
export type Because<E extends { readonly reason: string }, R extends E["reason"]> = E & { readonly reason: R }

/**
 * The checks on what the provider or the callback URL sent that a {@link MonoCloudValidationError}
 * reports: the callback (`state`, `callbackUrl`, `callbackResponse`, `issuer`), the endpoint answers
 * (`tokenResponse`, `userInfoSubject`, `subject`), the metadata (`discovery`, `endpoint`,
 * `requestObject`) and the app's `userSchema` (`userClaims`).
 *
 * @since 0.1.0
 * @category errors
 */
export type ValidationReason =
  | "state"
  | "callbackUrl"
  | "callbackResponse"
  | "issuer"
  | "tokenResponse"
  | "userInfoSubject"
  | "discovery"
  | "endpoint"
  | "subject"
  | "requestObject"
  | "userClaims"

/**
 * What the provider sent, or what arrived on the callback URL, broke the protocol or the app's
 * `userSchema`; `reason` names the check. The provider (or whoever forged the callback) is at
 * fault, not the app.
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudValidationError extends errorClass<{
  readonly reason: ValidationReason
  readonly detail: string
  readonly cause?: unknown
}>()("MonoCloudValidationError", detailMessage) {}

/**
 * What the app asked for that cannot be done: invalid client options (`options`), an
 * `onSessionCreating` hook that left the session invalid (`onSessionCreating`), a return or
 * post-logout URL on another origin (`returnUrl`, `postLogoutRedirectUri`), or an operation the
 * session was never granted: a refresh without a refresh token (`refreshToken`, sign in with
 * `offline_access`), a token for a resource or scopes the session has none for (`accessToken`),
 * UserInfo without the `openid` scope (`scope`).
 *
 * @since 0.1.0
 * @category errors
 */
export type UsageReason =
  "options" | "onSessionCreating" | "returnUrl" | "postLogoutRedirectUri" | "refreshToken" | "accessToken" | "scope"

/**
 * The app used the SDK in a way it cannot serve; `reason` says how. Fixed in the app's code or
 * configuration, not by retrying.
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudUsageError extends errorClass<{
  readonly reason: UsageReason
  readonly detail: string
}>()("MonoCloudUsageError", detailMessage) {
  /** The error for `reason`, typed with that reason only. */
  static of<const R extends UsageReason>(reason: R, detail: string): Because<MonoCloudUsageError, R> {
    return new MonoCloudUsageError({ reason, detail }) as Because<MonoCloudUsageError, R>
  }
}

/**
 * No session is stored: the operation needs a signed-in user. Sign in, or try `signInSilent()`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudNotSignedInError extends errorClass<{}>()(
  "MonoCloudNotSignedInError",
  () => "There is no session: sign in first"
) {}

/**
 * The ID token checks a {@link MonoCloudTokenError} reports (OpenID Connect Core §3.1.3.7).
 *
 * @since 0.1.0
 * @category errors
 */
export type TokenReason =
  | "format"
  | "algorithm"
  | "key"
  | "signature"
  | "claims"
  | "issuer"
  | "audience"
  | "authorizedParty"
  | "expired"
  | "notYetValid"
  | "issuedAt"
  | "nonce"
  | "authTime"
  | "accessTokenHash"

/**
 * The ID token failed validation (signature, algorithm, issuer, audience, expiry, nonce, …);
 * `reason` names the check.
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudTokenError extends errorClass<{
  readonly reason: TokenReason
  readonly detail: string
  readonly cause?: unknown
}>()("MonoCloudTokenError", detailMessage) {}

/**
 * Why the browser environment could not do what was asked.
 *
 * @since 0.1.0
 * @category errors
 */
export type BrowserFailureReason =
  | "PopupBlocked"
  | "PopupClosed"
  | "RedirectInFrame"
  | "CrossOriginIsolated"
  | "FrameUnavailable"
  | "NoBrowser"
  | "ClientDisposed"

/**
 * The browser environment refused or lacks something: a blocked or closed popup, a redirect
 * started inside an iframe, an iframe in a cross-origin-isolated page, no `window` at all, or a
 * promise client used after `dispose()`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudJsError extends errorClass<{
  readonly reason: BrowserFailureReason
  readonly detail: string
}>()("MonoCloudJsError", detailMessage) {}

/**
 * What was being waited for when a {@link MonoCloudTimeoutError} fired.
 *
 * @since 0.1.0
 * @category errors
 */
export type TimedOperation = "http" | "iframe" | "popup" | "lock" | "refresh" | "signInSilent"

/**
 * Nobody answered in time: an HTTP request, the silent-sign-in iframe, the popup, the cross-tab
 * refresh lock, a whole refresh (`httpTimeout` for keys, token and UserInfo together, once the
 * lock is held) or a whole silent sign-in (`silentTimeout` for discovery, frame, code exchange,
 * keys and UserInfo together). Tells "the server said no" (`MonoCloudOPError`) from "no answer".
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudTimeoutError extends errorClass<{
  readonly operation: TimedOperation
  readonly timeoutMillis: number
}>()(
  "MonoCloudTimeoutError",
  (error) => `The ${error.operation} step did not complete within ${error.timeoutMillis} ms`
) {}

/**
 * Why a storage step failed: the adapter threw (`Unavailable`: quota, private mode, a blocked
 * `localStorage`), the stored value is not one the SDK wrote (`Corrupt`; it is left in place), or
 * another tab or a sign-out replaced the session while this operation ran (`Changed`; nothing was
 * stored, and the other write stays).
 *
 * @since 0.1.0
 * @category errors
 */
export type StorageFailureReason = "Unavailable" | "Corrupt" | "Changed"

/**
 * Storage could not be read or written as the operation needed; `reason` says why.
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudStorageError extends errorClass<{
  readonly reason: StorageFailureReason
  readonly operation: "get" | "set" | "remove"
  readonly key: string
  /**
   * True when a new session could not be written and this tab keeps it in memory instead (until a
   * later write succeeds, another tab writes or removes the session, or the tab closes), so a
   * rotated refresh token is not lost.
   */
  readonly heldInMemory?: boolean | undefined
  readonly cause?: unknown
}>()("MonoCloudStorageError", (error) => {
  switch (error.reason) {
    case "Corrupt":
      return `The value stored at ${error.key} is not one the SDK wrote`
    case "Changed":
      return `The value stored at ${error.key} changed while the operation ran; nothing was stored`
    case "Unavailable": {
      const failed = `Storage ${error.operation} failed for key ${error.key}`
      return error.heldInMemory === true ? `${failed}; the session is kept in this tab's memory only` : failed
    }
  }
}) {
  /** The error for an adapter call that threw `cause`. */
  static unavailable(operation: "get" | "set" | "remove", key: string, cause: unknown): MonoCloudStorageError {
    return new MonoCloudStorageError({ reason: "Unavailable", operation, key, cause })
  }

  /** The error for a value at `key` that the SDK did not write; `cause` is the decoder's report. */
  static corrupt(key: string, cause?: unknown): Because<MonoCloudStorageError, "Corrupt"> {
    return new MonoCloudStorageError({ reason: "Corrupt", operation: "get", key, cause }) as Because<
      MonoCloudStorageError,
      "Corrupt"
    >
  }

  /** The error for a compare-and-set write at `key` that found another value there. */
  static changed(key: string): Because<MonoCloudStorageError, "Changed"> {
    return new MonoCloudStorageError({ reason: "Changed", operation: "set", key }) as Because<
      MonoCloudStorageError,
      "Changed"
    >
  }
}

/**
 * Every error the SDK produces.
 *
 * @since 0.1.0
 * @category errors
 */
export type MonoCloudError =
  | MonoCloudOPError
  | MonoCloudHttpError
  | MonoCloudValidationError
  | MonoCloudUsageError
  | MonoCloudNotSignedInError
  | MonoCloudTokenError
  | MonoCloudJsError
  | MonoCloudTimeoutError
  | MonoCloudStorageError

/**
 * What a request to the provider can fail with: the provider's OAuth error, an HTTP failure, no
 * answer in time, or an answer that fails the SDK's checks.
 *
 * @since 0.1.0
 * @category errors
 */
export type MonoCloudRequestError =
  MonoCloudOPError | MonoCloudHttpError | MonoCloudTimeoutError | MonoCloudValidationError

/**
 * True for any SDK error, also one created by another copy of the package (ESM and CJS loaded side by side).
 *
 * @since 0.1.0
 * @category guards
 */
export const isMonoCloudError = (u: unknown): u is MonoCloudError => Predicate.hasProperty(u, TypeId)

const tagGuard =
  <T extends MonoCloudError>(tag: T["_tag"]) =>
  (u: unknown): u is T =>
    isMonoCloudError(u) && u._tag === tag

/** True for a {@link MonoCloudOPError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudOPError: (u: unknown) => u is MonoCloudOPError =
  /* @__PURE__ */ tagGuard<MonoCloudOPError>("MonoCloudOPError")
/** True for a {@link MonoCloudHttpError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudHttpError: (u: unknown) => u is MonoCloudHttpError =
  /* @__PURE__ */ tagGuard<MonoCloudHttpError>("MonoCloudHttpError")
/** True for a {@link MonoCloudValidationError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudValidationError: (u: unknown) => u is MonoCloudValidationError =
  /* @__PURE__ */ tagGuard<MonoCloudValidationError>("MonoCloudValidationError")
/** True for a {@link MonoCloudUsageError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudUsageError: (u: unknown) => u is MonoCloudUsageError =
  /* @__PURE__ */ tagGuard<MonoCloudUsageError>("MonoCloudUsageError")
/** True for a {@link MonoCloudNotSignedInError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudNotSignedInError: (u: unknown) => u is MonoCloudNotSignedInError =
  /* @__PURE__ */ tagGuard<MonoCloudNotSignedInError>("MonoCloudNotSignedInError")
/** True for a {@link MonoCloudTokenError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudTokenError: (u: unknown) => u is MonoCloudTokenError =
  /* @__PURE__ */ tagGuard<MonoCloudTokenError>("MonoCloudTokenError")
/** True for a {@link MonoCloudJsError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudJsError: (u: unknown) => u is MonoCloudJsError =
  /* @__PURE__ */ tagGuard<MonoCloudJsError>("MonoCloudJsError")
/** True for a {@link MonoCloudTimeoutError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudTimeoutError: (u: unknown) => u is MonoCloudTimeoutError =
  /* @__PURE__ */ tagGuard<MonoCloudTimeoutError>("MonoCloudTimeoutError")
/** True for a {@link MonoCloudStorageError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudStorageError: (u: unknown) => u is MonoCloudStorageError =
  /* @__PURE__ */ tagGuard<MonoCloudStorageError>("MonoCloudStorageError")

/**
 * The SDK's error family. Every failure an operation can have is one of these tagged classes, so
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
export const OidcEndpoint = Schema.Literals(["discovery", "jwks", "token", "userinfo", "revocation", "par"])

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
) {}

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
}) {}

/**
 * The names of the checks a {@link MonoCloudValidationError} reports.
 *
 * @since 0.1.0
 * @category errors
 */
export type ValidationCheck =
  | "options"
  | "state"
  | "callbackUrl"
  | "callbackResponse"
  | "issuer"
  | "tokenResponse"
  | "userInfoSubject"
  | "discovery"
  | "endpoint"
  | "session"
  | "refreshToken"
  | "accessToken"
  | "scope"
  | "returnUrl"
  | "postLogoutRedirectUri"
  | "subject"
  | "sessionChanged"
  | "storedData"
  | "requestObject"
  | "userClaims"

/**
 * A response, option or stored value failed one of the SDK's checks; `check` names which one.
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudValidationError extends errorClass<{
  readonly check: ValidationCheck
  readonly detail: string
  readonly cause?: unknown
}>()("MonoCloudValidationError", detailMessage) {}

/**
 * The names of the ID token checks a {@link MonoCloudTokenError} reports.
 *
 * @since 0.1.0
 * @category errors
 */
export type TokenCheck =
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
 * The ID token failed validation (signature, algorithm, issuer, audience, expiry, nonce, …).
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudTokenError extends errorClass<{
  readonly check: TokenCheck
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
 * The configured storage adapter threw while reading or writing.
 *
 * @since 0.1.0
 * @category errors
 */
export class MonoCloudStorageError extends errorClass<{
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
  const failed = `Storage ${error.operation} failed for key ${error.key}`
  return error.heldInMemory === true ? `${failed}; the session is kept in this tab's memory only` : failed
}) {}

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
export const isMonoCloudOPError: (u: unknown) => u is MonoCloudOPError = tagGuard<MonoCloudOPError>("MonoCloudOPError")
/** True for a {@link MonoCloudHttpError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudHttpError: (u: unknown) => u is MonoCloudHttpError =
  tagGuard<MonoCloudHttpError>("MonoCloudHttpError")
/** True for a {@link MonoCloudValidationError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudValidationError: (u: unknown) => u is MonoCloudValidationError =
  tagGuard<MonoCloudValidationError>("MonoCloudValidationError")
/** True for a {@link MonoCloudTokenError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudTokenError: (u: unknown) => u is MonoCloudTokenError =
  tagGuard<MonoCloudTokenError>("MonoCloudTokenError")
/** True for a {@link MonoCloudJsError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudJsError: (u: unknown) => u is MonoCloudJsError = tagGuard<MonoCloudJsError>("MonoCloudJsError")
/** True for a {@link MonoCloudTimeoutError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudTimeoutError: (u: unknown) => u is MonoCloudTimeoutError =
  tagGuard<MonoCloudTimeoutError>("MonoCloudTimeoutError")
/** True for a {@link MonoCloudStorageError} from any copy of the package. @since 0.1.0 @category guards */
export const isMonoCloudStorageError: (u: unknown) => u is MonoCloudStorageError =
  tagGuard<MonoCloudStorageError>("MonoCloudStorageError")

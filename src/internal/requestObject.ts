/**
 * Signed request objects (JAR, RFC 9101). A browser app is a public client: it holds no key the
 * provider trusts, so it cannot sign a request object, and a MonoCloud application that requires
 * them cannot be signed in to from a single-page app. The SDK says so in one typed error instead
 * of passing on the provider's generic `invalid_request`.
 */
import { type MonoCloudOPError, MonoCloudValidationError } from "../MonoCloudError.js"

/** The error for a provider or client that requires signed request objects. */
export const requestObjectRequired = (cause?: MonoCloudOPError): MonoCloudValidationError =>
  new MonoCloudValidationError({
    reason: "requestObject",
    detail:
      "The provider requires signed request objects (JAR), which a browser app cannot create: turn the requirement off for this application",
    cause
  })

/**
 * `error` as {@link requestObjectRequired} when it refuses the request for want of a request object
 * (`invalid_request_object`, or an `invalid_request` whose description names the request object);
 * otherwise `error` itself.
 */
export const requestObjectRefusal = (error: MonoCloudOPError): MonoCloudOPError | MonoCloudValidationError =>
  error.error === "invalid_request_object" ||
  (error.error === "invalid_request" && /request object/i.test(error.errorDescription ?? ""))
    ? requestObjectRequired(error)
    : error

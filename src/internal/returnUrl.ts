/**
 * Return URLs are resolved against the app URL and accepted only on the app's own origin, so a
 * sign-in link can never send the user to another site (open-redirect guard).
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudValidationError } from "../MonoCloudError.js"

/** The absolute same-origin URL for `returnUrl`, or a validation error for any other origin. */
export const sameOriginReturnUrl = (returnUrl: string) =>
  Effect.flatMap(MonoCloudConfig, (config) => {
    let resolved: URL | undefined
    try {
      resolved = new URL(returnUrl, `${config.appUrl}/`)
    } catch {
      resolved = undefined
    }
    return resolved !== undefined && resolved.origin === config.appOrigin
      ? Effect.succeed(resolved.href)
      : Effect.fail(
          new MonoCloudValidationError({ check: "returnUrl", detail: "The return URL must be on the app's own origin" })
        )
  })

/** Checks an optional return URL up front; `undefined` passes. */
export const checkReturnUrl = (returnUrl: string | undefined) =>
  returnUrl === undefined ? Effect.succeed(undefined) : sameOriginReturnUrl(returnUrl)

/**
 * URLs the app hands the SDK to come back to (a `returnUrl`, a per-call `postLogoutRedirectUri`)
 * are resolved against the app URL and accepted only on the app's own origin, so neither a
 * sign-in link nor a sign-out can send the user to another site (open-redirect guard).
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudValidationError } from "../MonoCloudError.js"

/** Which URL is checked; the error's `check` names it. */
type AppUrlKind = "returnUrl" | "postLogoutRedirectUri"

const DETAILS: Readonly<Record<AppUrlKind, string>> = {
  returnUrl: "The return URL must be on the app's own origin",
  postLogoutRedirectUri: "The post-logout redirect URI must be on the app's own origin"
}

/** The absolute same-origin URL for `url`, or a validation error for any other origin. */
export const sameOriginAppUrl = (
  url: string,
  kind: AppUrlKind = "returnUrl"
): Effect.Effect<string, MonoCloudValidationError, MonoCloudConfig> =>
  Effect.flatMap(MonoCloudConfig, (config) => {
    const resolved = URL.canParse(url, `${config.appUrl}/`) ? new URL(url, `${config.appUrl}/`) : undefined
    return resolved !== undefined && resolved.origin === config.appOrigin
      ? Effect.succeed(resolved.href)
      : Effect.fail(new MonoCloudValidationError({ check: kind, detail: DETAILS[kind] }))
  })

/** Checks an optional same-origin URL up front; `undefined` passes. */
export const checkAppUrl = (
  url: string | undefined,
  kind: AppUrlKind = "returnUrl"
): Effect.Effect<string | undefined, MonoCloudValidationError, MonoCloudConfig> =>
  url === undefined ? Effect.succeed(undefined) : sameOriginAppUrl(url, kind)

/**
 * URLs the app hands the SDK to come back to (a `returnUrl`, a per-call `postLogoutRedirectUri`)
 * are resolved against the app URL and accepted only on the app's own origin, so neither a
 * sign-in link nor a sign-out can send the user to another site (open-redirect guard).
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { type Because, MonoCloudUsageError } from "../MonoCloudError.js"

/** Which URL is checked; the error's `reason` names it. */
type AppUrlKind = "returnUrl" | "postLogoutRedirectUri"

/**
 * What a URL on another origin fails with.
 *
 * @since 0.1.0
 * @category errors
 */
export type AppUrlError<Kind extends AppUrlKind = AppUrlKind> = Because<MonoCloudUsageError, Kind>

const DETAILS: Readonly<Record<AppUrlKind, string>> = {
  returnUrl: "The return URL must be on the app's own origin",
  postLogoutRedirectUri: "The post-logout redirect URI must be on the app's own origin"
}

/** The absolute same-origin URL for `url`, or `MonoCloudUsageError` for any other origin. */
export const sameOriginAppUrl = <Kind extends AppUrlKind = "returnUrl">(
  url: string,
  kind: Kind = "returnUrl" as Kind
): Effect.Effect<string, AppUrlError<Kind>, MonoCloudConfig> =>
  Effect.flatMap(MonoCloudConfig, (config) => {
    const resolved = URL.canParse(url, `${config.appUrl}/`) ? new URL(url, `${config.appUrl}/`) : undefined
    return resolved !== undefined && resolved.origin === config.appOrigin
      ? Effect.succeed(resolved.href)
      : Effect.fail(MonoCloudUsageError.of(kind, DETAILS[kind]))
  })

/** Checks an optional same-origin URL up front; `undefined` passes. */
export const checkAppUrl = <Kind extends AppUrlKind = "returnUrl">(
  url: string | undefined,
  kind: Kind = "returnUrl" as Kind
): Effect.Effect<string | undefined, AppUrlError<Kind>, MonoCloudConfig> =>
  url === undefined ? Effect.succeed(undefined) : sameOriginAppUrl(url, kind)

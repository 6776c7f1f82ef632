/**
 * `refetchUserInfo`: refreshes `session.user` from the UserInfo endpoint.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudUsageError } from "../MonoCloudError.js"
import { requireSession } from "../internal/refresh.js"
import { sessionWithUserInfo } from "../internal/sessionFromTokens.js"
import { fetchUserInfo } from "../internal/tokenRequests.js"
import { findToken, grants, tokenKeyFor } from "../internal/tokenKey.js"
import { InFlight } from "../services/InFlight.js"
import { RefreshLock } from "../services/RefreshLock.js"
import { SessionBroadcast } from "../services/SessionBroadcast.js"
import { SessionStore } from "../services/SessionStore.js"
import type {
  Because,
  MonoCloudNotSignedInError,
  MonoCloudRequestError,
  MonoCloudStorageError
} from "../MonoCloudError.js"
import type { OidcHttp } from "../services/OidcHttp.js"
import type { Discovery } from "../services/Discovery.js"
import { spanned } from "../util/tracing.js"

/**
 * What `refetchUserInfo` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type RefetchUserInfoError =
  | MonoCloudRequestError
  | MonoCloudStorageError
  | MonoCloudNotSignedInError
  | Because<MonoCloudUsageError, "accessToken" | "scope" | "onSessionCreating">

/**
 * The services `refetchUserInfo` needs; `MonoCloud.layer(options)` provides them all.
 *
 * @since 0.1.0
 * @category models
 */
export type RefetchUserInfoRequirements =
  MonoCloudConfig | OidcHttp | Discovery | InFlight | RefreshLock | SessionBroadcast | SessionStore

/**
 * Calls UserInfo with the session's default access token (as stored, not refreshed), checks
 * that `sub` is the signed-in user, merges the claims into `session.user` and stores the session.
 * It holds the refresh lock meanwhile, so it never races a refresh; when the session was signed
 * out or replaced meanwhile, nothing is stored (`MonoCloudStorageError`, `Changed`).
 *
 * @since 0.1.0
 * @category operations
 */
export const refetchUserInfo: Effect.Effect<void, RefetchUserInfoError, RefetchUserInfoRequirements> = Effect.gen(
  function* () {
    const run = Effect.gen(function* () {
      const config = yield* MonoCloudConfig
      const session = yield* requireSession
      const token = findToken(session, tokenKeyFor(config, session, {}))
      if (token === undefined) {
        return yield* Effect.fail(MonoCloudUsageError.of("accessToken", "Default token not found"))
      }
      if (!grants(token, "openid")) {
        return yield* Effect.fail(MonoCloudUsageError.of("scope", "Fetching userinfo requires the openid scope"))
      }
      const userInfo = yield* fetchUserInfo(token.accessToken, session.user.sub)
      yield* (yield* SessionStore).replace(session, yield* sessionWithUserInfo(session, userInfo))
      yield* (yield* SessionBroadcast).publish({ type: "userUpdated" })
    })
    const config = yield* MonoCloudConfig
    const lock = (yield* RefreshLock).withLock(config.lockName, run)
    return yield* (yield* InFlight).share("refetchUserInfo", lock)
  }
).pipe(spanned("MonoCloud.refetchUserInfo"))

/**
 * What happens after a callback was processed: the app's `postCallback` hook when it has one,
 * otherwise a navigation to the (same-origin) return URL of a redirect flow.
 */
import * as Effect from "effect/Effect"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import type { CallbackState } from "../schemas/Session.js"
import { Navigation } from "../services/Navigation.js"
import { sameOriginAppUrl } from "./returnUrl.js"

/** Runs `postCallback`, or navigates to the return URL of a redirect flow when there is one. */
export const runPostCallback = (state: CallbackState) =>
  Effect.gen(function* () {
    const config = yield* MonoCloudConfig
    const hook = config.postCallback
    if (hook !== undefined) return yield* Effect.promise(async () => hook(state))
    if (state.mode !== "redirect" || state.returnUrl === undefined) return
    const target = yield* sameOriginAppUrl(state.returnUrl)
    yield* (yield* Navigation).assign(target)
  })

/**
 * Helpers shared by the iframe, popup and page-lifecycle tests: counting `window` listeners, letting
 * forked fibers run, and asserting a fiber is still waiting.
 */
import { expect, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"

/** Counts `type` listeners (default `message`) added to `window` and not removed since the spy was installed. */
export const trackMessageListeners = (type = "message") => {
  const added = vi.spyOn(window, "addEventListener")
  const removed = vi.spyOn(window, "removeEventListener")
  const listeners = (spy: typeof added | typeof removed) =>
    spy.mock.calls.filter(([name]) => name === type).map(([, listener]) => listener)
  return {
    added: () => listeners(added).length,
    active: () => listeners(added).filter((listener) => !listeners(removed).includes(listener)).length
  }
}

/** Lets forked fibers run until `condition` holds. */
export const waitUntil = (condition: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 100 && !condition(); i++) yield* Effect.yieldNow
    expect(condition()).toBe(true)
  })

/** Gives `fiber` ample turns to finish, then expects it to be still waiting. */
export const stillWaiting = (fiber: Fiber.Fiber<string, unknown>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 20; i++) yield* Effect.yieldNow
    expect(fiber.pollUnsafe()).toBeUndefined()
  })

/**
 * Runs an Effect for the promise client and rejects with the SDK error object itself (never
 * Effect's `FiberFailure` wrapper): a failure rejects with the typed error, a defect with what was
 * thrown (an app hook's own error, for instance), an interruption with an `AbortError`.
 */
import * as Cause from "effect/Cause"
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Result from "effect/Result"

/** Runs `effect` on `runtime` and unwraps its result into a plain promise. */
export const runPromise = async <A, E, R, ER>(
  runtime: ManagedRuntime.ManagedRuntime<R, ER>,
  effect: Effect.Effect<A, E, R>
): Promise<A> => {
  const exit = await runtime.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.findError(exit.cause)
  if (Result.isSuccess(failure)) throw failure.success
  const defect = Cause.findDefect(exit.cause)
  if (Result.isSuccess(defect)) throw defect.success
  throw new DOMException("The operation was interrupted", "AbortError")
}

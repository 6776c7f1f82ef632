/**
 * Runs an Effect for the promise client and rejects with the SDK error object itself (never
 * Effect's `FiberFailure` wrapper): a failure rejects with the typed error, a defect with what was
 * thrown (an app hook's own error, for instance), an interruption with an `AbortError` (or the
 * reason of the caller's aborted signal).
 */
import * as Cause from "effect/Cause"
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Result from "effect/Result"

/**
 * Runs `effect` on `runtime` and unwraps its result into a plain promise. An aborted `signal`
 * interrupts the effect (its finalizers run) and rejects with the signal's reason.
 */
export const runPromise = async <A, E, R, ER>(
  runtime: ManagedRuntime.ManagedRuntime<R, ER>,
  effect: Effect.Effect<A, E, R>,
  signal?: AbortSignal
): Promise<A> => {
  signal?.throwIfAborted()
  const exit = await runtime.runPromiseExit(effect, { signal })
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.findError(exit.cause)
  if (Result.isSuccess(failure)) throw failure.success
  const defect = Cause.findDefect(exit.cause)
  if (Result.isSuccess(defect)) throw defect.success
  if (signal?.aborted === true) throw signal.reason
  throw new DOMException("The operation was interrupted", "AbortError")
}

/**
 * Spans for Effect users, kept off the promise bundle: operations and provider round trips ask
 * the `Tracing` reference to wrap themselves, which does nothing unless `layerSpans` is provided
 * (as `MonoCloud.layer` does). Effect's tracer costs the promise client about 2 KB of gzip it
 * would carry for nobody.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * How the SDK's work is traced.
 *
 * @since 0.1.0
 * @category models
 */
export interface TracingService {
  /** Runs `effect` in a span `name` with `attributes` (never tokens, codes, verifiers or secrets). */
  readonly span: <A, E, R>(
    name: string,
    attributes: Readonly<Record<string, unknown>>,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, R>
  /** Adds an attribute to the current span. */
  readonly annotate: (key: string, value: unknown) => Effect.Effect<void>
}

/**
 * The tracing reference; by default it traces nothing.
 *
 * @since 0.1.0
 * @category tags
 */
export const Tracing: Context.Reference<TracingService> = Context.Reference<TracingService>(
  "@monocloud/auth-web-js/Tracing",
  { defaultValue: () => ({ span: (_name, _attributes, effect) => effect, annotate: () => Effect.void }) }
)

/**
 * Effect's spans: `MonoCloud.<operation>` around each operation and `MonoCloud.http` around each
 * request to the provider (endpoint, method, URL without query, status).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSpans: Layer.Layer<never> = /* @__PURE__ */ Layer.succeed(Tracing, {
  span: (name, attributes, effect) => Effect.withSpan(effect, name, { attributes }),
  annotate: (key, value) => Effect.annotateCurrentSpan(key, value)
})

/**
 * `effect` in a span `name`, when spans are on.
 *
 * @since 0.1.0
 * @category combinators
 */
export const spanned =
  (name: string, attributes: Readonly<Record<string, unknown>> = {}) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(Tracing, (tracing) => tracing.span(name, attributes, effect))

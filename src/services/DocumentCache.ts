/**
 * Keeps the provider's public documents (its metadata and its signing keys) beyond one page load,
 * so an app start after a reload or in a new tab skips their round trips while they are fresh.
 * Only public data is kept; what is read back is checked again like a fresh answer.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { IStorage } from "../storage.js"

/**
 * The document cache service. It never fails: a storage that throws or holds garbage reads as an
 * empty cache, and a write that throws is dropped.
 *
 * @since 0.1.0
 * @category models
 */
export interface DocumentCacheService {
  /** The JSON value stored under `key`, while it has not expired. */
  readonly get: (key: string) => Effect.Effect<unknown>
  /** Stores `value` under `key` for `ttlMillis`. */
  readonly set: (key: string, value: unknown, ttlMillis: number) => Effect.Effect<void>
}

/**
 * The document cache service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class DocumentCache extends Context.Service<DocumentCache, DocumentCacheService>()(
  "@monocloud/auth-web-js/DocumentCache"
) {}

/** The value of a stored entry (`{ expiresAt, value }` as JSON) while it is fresh at `now`. */
const freshValue = (text: string | null, now: number): unknown => {
  try {
    const entry: unknown = text === null ? undefined : JSON.parse(text)
    const expiresAt = (entry as { readonly expiresAt?: unknown } | null | undefined)?.expiresAt
    return typeof expiresAt === "number" && expiresAt > now ? (entry as { readonly value?: unknown }).value : undefined
  } catch {
    return undefined
  }
}

/** Runs a storage call; one that throws or rejects gives `undefined`. */
const quietly = <A>(call: () => Promise<A>) =>
  Effect.promise(async () => {
    try {
      return await call()
    } catch {
      return undefined
    }
  })

/**
 * A cache over an `IStorage` (the browser platform uses `localStorage`, so the app's tabs share
 * it), one entry per key: `{ expiresAt, value }` as JSON.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (storage: IStorage): DocumentCacheService => ({
  get: (key) =>
    Effect.flatMap(
      quietly(() => storage.getItem(key)),
      (text) => Effect.map(Clock.currentTimeMillis, (now) => freshValue(text ?? null, now))
    ),
  set: (key, value, ttlMillis) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.asVoid(quietly(() => storage.setItem(key, JSON.stringify({ expiresAt: now + ttlMillis, value }))))
    )
})

/**
 * The cache over the given storage.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (storage: IStorage): Layer.Layer<DocumentCache> => Layer.succeed(DocumentCache, make(storage))

/**
 * No cache beyond memory: every page load fetches the documents again. The test platform's default.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNone: Layer.Layer<DocumentCache> = Layer.succeed(DocumentCache, {
  get: () => Effect.undefined,
  set: () => Effect.void
})

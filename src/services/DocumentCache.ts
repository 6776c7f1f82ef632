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

const expiresAtOf = (entry: unknown): number | undefined => {
  if (typeof entry !== "object" || entry === null || !("expiresAt" in entry)) return undefined
  return typeof entry.expiresAt === "number" ? entry.expiresAt : undefined
}

/**
 * A cache over an `IStorage` (the browser platform uses `localStorage`, so the app's tabs share
 * it), one entry per key: `{ expiresAt, value }` as JSON.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (storage: IStorage): DocumentCacheService => ({
  get: (key) =>
    Effect.gen(function* () {
      const text = yield* Effect.promise(async () => {
        try {
          return await storage.getItem(key)
        } catch {
          return null
        }
      })
      if (text === null) return undefined
      let entry: unknown
      try {
        entry = JSON.parse(text)
      } catch {
        return undefined
      }
      const expiresAt = expiresAtOf(entry)
      if (expiresAt === undefined || expiresAt <= (yield* Clock.currentTimeMillis)) return undefined
      return (entry as { readonly value?: unknown }).value
    }),
  set: (key, value, ttlMillis) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.promise(async () => {
        try {
          await storage.setItem(key, JSON.stringify({ expiresAt: now + ttlMillis, value }))
        } catch {
          // a full or forbidden storage: the documents are fetched again on the next page load
        }
      })
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

/**
 * `IStorage` calls as Effects that fail with `MonoCloudStorageError`, keeping the thrown cause.
 */
import * as Effect from "effect/Effect"
import { MonoCloudStorageError } from "../MonoCloudError.js"
import type { IStorage } from "../storage.js"

/** Effect view of an `IStorage`. */
export interface StorageEffects {
  readonly get: (key: string) => Effect.Effect<string | null, MonoCloudStorageError>
  readonly set: (key: string, value: string) => Effect.Effect<void, MonoCloudStorageError>
  readonly remove: (key: string) => Effect.Effect<void, MonoCloudStorageError>
}

/** Wraps an `IStorage` so each call is an Effect with a typed failure. */
export const storageEffects = (storage: IStorage): StorageEffects => {
  const call = <A>(operation: MonoCloudStorageError["operation"], key: string, run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: (cause) => MonoCloudStorageError.unavailable(operation, key, cause) })
  return {
    get: (key) => call("get", key, () => storage.getItem(key)),
    set: (key, value) => call("set", key, () => storage.setItem(key, value)),
    remove: (key) => call("remove", key, () => storage.removeItem(key))
  }
}

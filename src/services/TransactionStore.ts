/**
 * Pending sign-in and sign-out transactions, one storage entry per `state`, so two tabs or two
 * attempts never overwrite each other. Taking a transaction removes it: a callback can be used once.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudStorageError } from "../MonoCloudError.js"
import { AuthTransaction } from "../schemas/Session.js"
import { storageEffects } from "../util/storageEffects.js"
import { MemoryStorage, SessionStorage, type IStorage } from "../storage.js"

/**
 * The transaction persistence service.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransactionStoreService {
  readonly save: (transaction: AuthTransaction) => Effect.Effect<void, MonoCloudStorageError>
  /** Reads and removes the transaction for `state`; `None` when there is none. */
  readonly take: (state: string) => Effect.Effect<Option.Option<AuthTransaction>, MonoCloudStorageError>
}

/**
 * The transaction persistence service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class TransactionStore extends Context.Service<TransactionStore, TransactionStoreService>()(
  "@monocloud/auth-web-js/TransactionStore"
) {}

const StoredTransaction = Schema.fromJsonString(AuthTransaction)

/**
 * A transaction store over an `IStorage`, with keys `<prefix><state>`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (storage: IStorage, prefix: string): TransactionStoreService => {
  const store = storageEffects(storage)
  return {
    save: (transaction) => store.set(prefix + transaction.state, Schema.encodeSync(StoredTransaction)(transaction)),
    take: (state) =>
      store.get(prefix + state).pipe(
        Effect.tap(() => store.remove(prefix + state)),
        Effect.flatMap((raw) =>
          raw === null
            ? Effect.succeedNone
            : Schema.decodeUnknownEffect(StoredTransaction)(raw).pipe(
                Effect.asSome,
                Effect.mapError((cause) => MonoCloudStorageError.corrupt(prefix + state, cause))
              )
        )
      )
  }
}

/**
 * Transactions in the given storage.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (storage: IStorage): Layer.Layer<TransactionStore, never, MonoCloudConfig> =>
  Layer.effect(
    TransactionStore,
    Effect.map(MonoCloudConfig, (config) => make(storage, config.transactionKeyPrefix))
  )

/**
 * Transactions in `window.sessionStorage` (per tab, survives the redirect to the provider).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSessionStorage: Layer.Layer<TransactionStore, never, MonoCloudConfig> = Layer.suspend(() =>
  layer(new SessionStorage())
)

/**
 * Transactions in memory, for tests.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<TransactionStore, never, MonoCloudConfig> = Layer.suspend(() =>
  layer(new MemoryStorage())
)

/**
 * Reads and writes the session in the configured storage, schema-checked both ways. A corrupt or
 * foreign entry is reported as a `MonoCloudValidationError` (`check: "storedData"`) and left in
 * place; only a new session or a sign-out replaces it.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { MonoCloudStorageError, MonoCloudValidationError } from "../MonoCloudError.js"
import { MonoCloudSession, StoredSession } from "../schemas/Session.js"
import { storageEffects } from "../util/storageEffects.js"
import { MemoryStorage, type IStorage } from "../storage.js"

/**
 * The session persistence service.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionStoreService {
  /** The stored session, `None` when there is none. */
  readonly get: Effect.Effect<Option.Option<MonoCloudSession>, MonoCloudStorageError | MonoCloudValidationError>
  readonly set: (session: MonoCloudSession) => Effect.Effect<void, MonoCloudStorageError>
  readonly remove: Effect.Effect<void, MonoCloudStorageError>
}

/**
 * The session persistence service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class SessionStore extends Context.Service<SessionStore, SessionStoreService>()(
  "@monocloud/auth-web-js/SessionStore"
) {}

/** Sessions written by the reference SDK are plain JSON of the session, without the envelope. */
const LegacySession = Schema.fromJsonString(MonoCloudSession)

const decodeStored = (raw: string) =>
  Schema.decodeUnknownEffect(StoredSession)(raw).pipe(
    Effect.map((stored) => stored.session),
    Effect.catch(() => Schema.decodeUnknownEffect(LegacySession)(raw)),
    Effect.mapError(
      (cause) =>
        new MonoCloudValidationError({
          check: "storedData",
          detail: "The stored session is not a valid session",
          cause
        })
    )
  )

const encodeStored = Schema.encodeSync(StoredSession)

/**
 * A session store over an `IStorage`, under the configured key.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (storage: IStorage, key: string): SessionStoreService => {
  const store = storageEffects(storage)
  /** A session whose write failed: this tab keeps it (and its rotated refresh token) and writes it again on every read. */
  let unsaved: MonoCloudSession | undefined
  const write = (session: MonoCloudSession) =>
    store.set(key, encodeStored({ version: 1, session })).pipe(
      Effect.tap(() =>
        Effect.sync(() => {
          if (unsaved === session) unsaved = undefined
        })
      )
    )
  const read = store
    .get(key)
    .pipe(Effect.flatMap((raw) => (raw === null || raw === "" ? Effect.succeedNone : Effect.asSome(decodeStored(raw)))))
  return {
    get: Effect.suspend(() => {
      const held = unsaved
      if (held === undefined) return read
      return write(held).pipe(Effect.exit, Effect.as(Option.some(held)))
    }),
    set: (session) =>
      write(session).pipe(
        Effect.tapError(() =>
          Effect.sync(() => {
            unsaved = session
          })
        ),
        Effect.mapError(
          (error) =>
            new MonoCloudStorageError({
              operation: error.operation,
              key: error.key,
              cause: error.cause,
              heldInMemory: true
            })
        )
      ),
    remove: Effect.suspend(() => {
      unsaved = undefined
      return store.remove(key)
    })
  }
}

/**
 * The session store over the given storage.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (storage: IStorage): Layer.Layer<SessionStore, never, MonoCloudConfig> =>
  Layer.effect(
    SessionStore,
    Effect.map(MonoCloudConfig, (config) => make(storage, config.sessionStorageKey))
  )

/**
 * A session store in memory, for tests.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<SessionStore, never, MonoCloudConfig> = Layer.suspend(() =>
  layer(new MemoryStorage())
)

/**
 * Reads and writes the session in the configured storage, schema-checked both ways. A corrupt or
 * foreign entry is reported as a `MonoCloudStorageError` (`Corrupt`) and left in
 * place; only a new session or a sign-out replaces it. Writes of this tab run one at a time, so a
 * compare-and-set (`replace`) cannot interleave with a sign-in or sign-out of the same tab.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import { MonoCloudConfig } from "../MonoCloudConfig.js"
import { type Because, MonoCloudStorageError, MonoCloudUsageError } from "../MonoCloudError.js"
import { MonoCloudSession, StoredSession } from "../schemas/Session.js"
import { storageEffects } from "../util/storageEffects.js"
import { MemoryStorage, type IStorage } from "../storage.js"

/**
 * What a session write fails with besides storage: an `onSessionCreating` hook that left the
 * session invalid, which is then not stored.
 *
 * @since 0.1.0
 * @category errors
 */
export type SessionHookError = Because<MonoCloudUsageError, "onSessionCreating">

/**
 * The session persistence service.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionStoreService {
  /** The stored session, `None` when there is none; a value the SDK did not write fails (`Corrupt`) and stays. */
  readonly get: Effect.Effect<Option.Option<MonoCloudSession>, MonoCloudStorageError>
  /** Stores a new session, whatever is stored now: a sign-in. */
  readonly set: (session: MonoCloudSession) => Effect.Effect<void, MonoCloudStorageError | SessionHookError>
  /**
   * Stores `next` only while the stored session is still `previous` (as read by `get`; `undefined`
   * for none), so a late answer never overwrites a sign-out, a sign-in or another tab's session.
   * Fails with `MonoCloudStorageError` (`Changed`) and stores nothing otherwise.
   */
  readonly replace: (
    previous: MonoCloudSession | undefined,
    next: MonoCloudSession
  ) => Effect.Effect<void, MonoCloudStorageError | SessionHookError>
  readonly remove: Effect.Effect<void, MonoCloudStorageError>
  /**
   * Calls `listener` whenever another tab writes or removes the stored session (the page's
   * `storage` event, which comes once this tab can read the new value, as a `BroadcastChannel`
   * message does not promise), and when this page comes back from the back/forward cache or from
   * the background, or back online, having perhaps missed such events; until the scope closes.
   * Nothing outside a browser page.
   */
  readonly watchOtherTabs: (listener: () => void) => Effect.Effect<void, never, Scope.Scope>
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

const decodeStored = (key: string, raw: string) =>
  Schema.decodeUnknownEffect(StoredSession)(raw).pipe(
    Effect.map((stored) => stored.session),
    Effect.catch(() => Schema.decodeUnknownEffect(LegacySession)(raw)),
    Effect.mapError((cause) => MonoCloudStorageError.corrupt(key, cause))
  )

const encodeStored = (session: MonoCloudSession) =>
  Schema.encodeEffect(StoredSession)({ version: 1, session }).pipe(
    Effect.mapError(() =>
      MonoCloudUsageError.of("onSessionCreating", "The session to store is not valid: see onSessionCreating")
    )
  )

/** A page restored from the back/forward cache, shown again, or back online may have missed other tabs' writes. */
const RETURN_EVENTS = ["pageshow", "visibilitychange", "online"] as const

/**
 * A session store over an `IStorage`, under the configured key.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (storage: IStorage, key: string): SessionStoreService => {
  const store = storageEffects(storage)
  /** One write at a time in this tab: a compare-and-set reads and writes without another write in between. */
  const serially = Semaphore.makeUnsafe(1).withPermits(1)
  /**
   * A session whose write failed: this tab keeps it (and its rotated refresh token) and writes it
   * again on every read, until this tab writes another or another tab stores one (`stillHeld`).
   */
  let unsaved: MonoCloudSession | undefined
  /** The stored text when that write failed (`undefined`: unreadable): anything else there now is another tab's write. */
  let unsavedOver: string | null | undefined
  /** The stored text each session handed out or written stands for; what a compare-and-set compares. */
  const storedText = new WeakMap<MonoCloudSession, string>()
  /** Writes the session's stored text; a failed write keeps the session in memory (`heldInMemory`). */
  const write = (session: MonoCloudSession, text: string) =>
    store.set(key, text).pipe(
      Effect.tap(() =>
        Effect.sync(() => {
          storedText.set(session, text)
          // This tab's latest write supersedes any session it held.
          unsaved = undefined
        })
      ),
      Effect.tapError(() =>
        Effect.flatMap(
          Effect.orElseSucceed(store.get(key), () => undefined),
          (raw) =>
            Effect.sync(() => {
              unsaved = session
              unsavedOver = raw
            })
        )
      ),
      Effect.mapError(
        (error) =>
          new MonoCloudStorageError({
            reason: "Unavailable",
            operation: error.operation,
            key: error.key,
            cause: error.cause,
            heldInMemory: true
          })
      )
    )
  /** Encodes and writes; a session the schema refuses (e.g. an `onSessionCreating` that broke it) is not stored. */
  const keep = (session: MonoCloudSession) => Effect.flatMap(encodeStored(session), (text) => write(session, text))
  const decodeText = (raw: string) =>
    decodeStored(key, raw).pipe(Effect.tap((session) => Effect.sync(() => storedText.set(session, raw))))
  const read = store
    .get(key)
    .pipe(Effect.flatMap((raw) => (raw === null || raw === "" ? Effect.succeedNone : Effect.asSome(decodeText(raw)))))
  /**
   * The held session, unless another tab wrote or removed the stored one since (a page asleep or
   * in the back/forward cache may learn of it only now): that write wins, and the held one is dropped.
   */
  const stillHeld = Effect.suspend(() => {
    const held = unsaved
    if (held === undefined) return Effect.undefined
    return Effect.map(
      Effect.orElseSucceed(store.get(key), () => unsavedOver),
      (raw) => {
        if (unsavedOver === undefined || raw === unsavedOver) return held
        unsaved = undefined
        return undefined
      }
    )
  })
  /** True while the stored session is `previous`: the same text, or no valid session for `undefined`. */
  const isStill = (previous: MonoCloudSession | undefined) =>
    Effect.flatMap(stillHeld, (held) => {
      if (held !== undefined) return Effect.succeed(previous === held)
      return store.get(key).pipe(
        Effect.flatMap((raw) => {
          if (previous !== undefined) return Effect.succeed(raw === storedText.get(previous))
          if (raw === null || raw === "") return Effect.succeed(true)
          return decodeStored(key, raw).pipe(Effect.match({ onFailure: () => true, onSuccess: () => false }))
        })
      )
    })
  return {
    get: Effect.suspend(() =>
      unsaved === undefined
        ? read
        : serially(
            Effect.flatMap(stillHeld, (held) =>
              held === undefined ? read : keep(held).pipe(Effect.exit, Effect.as(Option.some(held)))
            )
          )
    ),
    set: (session) => serially(keep(session)),
    replace: (previous, next) =>
      serially(
        Effect.flatMap(isStill(previous), (still) =>
          still ? keep(next) : Effect.fail(MonoCloudStorageError.changed(key))
        )
      ),
    remove: serially(
      Effect.suspend(() => {
        unsaved = undefined
        return store.remove(key)
      })
    ),
    watchOtherTabs: (listener) =>
      typeof window === "undefined" || typeof window.addEventListener !== "function"
        ? Effect.void
        : Effect.acquireRelease(
            Effect.sync(() => {
              // `key` null: the other tab cleared the whole storage area.
              const onStorage = (event: StorageEvent) => {
                if (event.key === key || event.key === null) listener()
              }
              const onReturn = (event: Event) => {
                if (event.type !== "visibilitychange" || document.visibilityState === "visible") listener()
              }
              window.addEventListener("storage", onStorage)
              for (const type of RETURN_EVENTS) window.addEventListener(type, onReturn)
              return () => {
                window.removeEventListener("storage", onStorage)
                for (const type of RETURN_EVENTS) window.removeEventListener(type, onReturn)
              }
            }),
            (stop) => Effect.sync(stop)
          ).pipe(Effect.asVoid)
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

/**
 * The promise-based client for ordinary single-page apps. It owns one Effect runtime built from
 * the options and runs the SDK's operations on it; every method rejects with the SDK error class
 * itself, so `error instanceof MonoCloudOPError` holds.
 *
 * @since 0.1.0
 */
/// <reference lib="esnext.disposable" preserve="true" />
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Result from "effect/Result"
import { layerBrowser, layerWith, type MonoCloudServices, type PlatformLayer } from "./MonoCloud.js"
import {
  federatedSignOutDefault,
  type MonoCloudWebJSClientOptions,
  type OptionsError,
  popupSizeOf
} from "./MonoCloudConfig.js"
import { MonoCloudJsError, type MonoCloudValidationError } from "./MonoCloudError.js"
import type { MonoCloudSession } from "./schemas/Session.js"
import { runPromise } from "./internal/runPromise.js"
import { getSession, reportListenerError, watchSession } from "./operations/getSession.js"
import { type MonoCloudSessionOf, userDecoder } from "./operations/decodeUser.js"
import { type MonoCloudEventMap, watchSessionEvents } from "./operations/sessionEvents.js"
import {
  getTokens,
  type AuthorizedRequestOptions,
  type GetTokensOptions,
  type MonoCloudTokens
} from "./operations/getTokens.js"
import { processCallback } from "./operations/processCallback.js"
import { refetchUserInfo } from "./operations/refetchUserInfo.js"
import { refreshSession, type RefreshOptions } from "./operations/refreshSession.js"
import { revokeToken } from "./operations/revokeToken.js"
import { signIn, type SignInOptions } from "./operations/signIn.js"
import { signInSilent, type SignInSilentOptions } from "./operations/signInSilent.js"
import { signOut, type SignOutOptions } from "./operations/signOut.js"
import { popupOrOpen } from "./services/PopupWindow.js"
import { refusedToken } from "./util/bearerChallenge.js"

/**
 * The key under which `/testing`'s `makeTestClient` hands the client a platform of fakes; not
 * part of the public options.
 *
 * @internal
 */
export const testPlatformKey: unique symbol = Symbol.for("@monocloud/auth-web-js/testPlatform") as never

/**
 * What every method of the promise client also takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /**
   * Aborts the call: it rejects with the signal's `reason` (an `AbortError` `DOMException` unless
   * you gave another), and the hidden iframe, the popup and the listeners it opened are removed.
   * A signal already aborted rejects before anything starts.
   */
  readonly signal?: AbortSignal | undefined
}

/** The stored session as it is, `undefined` for a corrupt entry (which is kept). */
const storedSession = Effect.catchIf(
  getSession,
  (error) => error.reason === "Corrupt",
  () => Effect.succeed(undefined)
)

/** Closes the popup when the flow rejects, also when it never started (invalid options). */
const closingOnRejection = <A>(popup: Window | null | undefined, flow: Promise<A>): Promise<A> =>
  flow.catch((error: unknown) => {
    popup?.close()
    throw error
  })

/**
 * The MonoCloud client for single-page apps.
 *
 * @example
 * const client = new MonoCloudWebJSClient({ tenantDomain: "acme.us.monocloud.com", clientId: "…" })
 * await client.processCallback()
 * const session = await client.getSession()
 * if (!session) await client.signIn()
 *
 * @since 0.1.0
 * @category client
 */
export class MonoCloudWebJSClient<User = unknown> {
  private readonly runtime: ManagedRuntime.ManagedRuntime<MonoCloudServices, OptionsError>
  private readonly options: MonoCloudWebJSClientOptions<User>
  /** The session with the app's user type: decoded by `userSchema`, or as it is without one. */
  private readonly typed: (
    session: MonoCloudSession
  ) => Result.Result<MonoCloudSessionOf<User>, MonoCloudValidationError>
  private disposed = false

  /**
   * Creates the client. Does no I/O and touches no browser global, so it is safe during
   * server-side rendering; the services are built on the first call.
   */
  constructor(options: MonoCloudWebJSClientOptions<User>) {
    this.options = options
    const schema = options.userSchema
    this.typed =
      schema === undefined ? (session) => Result.succeed(session as MonoCloudSessionOf<User>) : userDecoder(schema)
    const platform = (options as { readonly [testPlatformKey]?: PlatformLayer })[testPlatformKey]
    this.runtime = ManagedRuntime.make(layerWith(options, platform ?? layerBrowser(options)))
  }

  /**
   * Completes the sign-in or sign-out this page is the callback of; a no-op on other pages. Call it
   * on every page load.
   *
   * @example
   * await client.processCallback()
   */
  processCallback(options: CallOptions = {}): Promise<void> {
    return this.run(processCallback, options.signal)
  }

  /**
   * Signs the user in by redirect (default) or in a popup. Popup mode opens the window
   * synchronously, so call it straight from a click handler, and resolves with the new session;
   * redirect mode resolves with `undefined` as the page leaves.
   *
   * @example
   * document.querySelector("#sign-in")?.addEventListener("click", async () => {
   *   const session = await client.signIn({ mode: "popup" })
   *   console.log(session?.user.name)
   * })
   */
  signIn(options: SignInOptions & CallOptions = {}): Promise<MonoCloudSessionOf<User> | undefined> {
    const { signal, ...signInOptions } = options
    const popup = this.popupFor(options.mode === "popup", options.popup)
    return closingOnRejection(popup, this.run(this.withUser(signIn({ ...signInOptions, popup })), signal))
  }

  /**
   * Signs the user out locally and, federated (default), at the provider.
   *
   * @example
   * await client.signOut({ federatedSignOut: true })
   */
  signOut(options: SignOutOptions & CallOptions = {}): Promise<void> {
    const { signal, ...signOutOptions } = options
    const federated = options.federatedSignOut ?? federatedSignOutDefault(this.options)
    const popup = this.popupFor(federated && options.mode === "popup", options.popup)
    return closingOnRejection(popup, this.run(signOut({ ...signOutOptions, popup }), signal))
  }

  /**
   * Restores the session through a hidden iframe (`prompt=none`); rejects with
   * `MonoCloudOPError` when the user is not signed in at the provider.
   *
   * @example
   * try {
   *   await client.signInSilent()
   * } catch (error) {
   *   if (!(error instanceof MonoCloudOPError)) throw error // else: not signed in at MonoCloud
   * }
   */
  signInSilent(options: SignInSilentOptions & CallOptions = {}): Promise<MonoCloudSessionOf<User>> {
    const { signal, ...silentOptions } = options
    return this.run(
      Effect.flatMap(signInSilent(silentOptions), (session) => Effect.fromResult(this.typed(session))),
      signal
    )
  }

  /**
   * Renews the tokens with the refresh token; read the result with `getSession()`.
   *
   * @example
   * await client.refreshSession({ refreshGrantOptions: { resource: "https://api.example.com" } })
   */
  refreshSession(options: RefreshOptions & CallOptions = {}): Promise<void> {
    const { signal, ...refreshOptions } = options
    return this.run(refreshSession(refreshOptions), signal)
  }

  /**
   * Updates `session.user` from the UserInfo endpoint.
   *
   * @example
   * await client.refetchUserInfo()
   * const session = await client.getSession()
   */
  refetchUserInfo(options: CallOptions = {}): Promise<void> {
    return this.run(refetchUserInfo, options.signal)
  }

  /**
   * The access token for a resource/scope set, refreshed first when it is missing or about to expire.
   *
   * @example
   * const { accessToken } = await client.getTokens({ resource: "https://api.example.com" })
   */
  getTokens(options: GetTokensOptions & CallOptions = {}): Promise<MonoCloudTokens> {
    const { signal, ...tokenOptions } = options
    return this.run(getTokens(tokenOptions), signal)
  }

  /**
   * `fetch` for the app's own API with the session's access token: sends `Authorization: Bearer`
   * with the token for `tokens` (`resource`/`scopes`, as `getTokens` picks it, refreshed first when
   * it is about to expire), and when the API answers `401` with `WWW-Authenticate: Bearer
   * error="invalid_token"` asks for a new token once and sends the request again. Resolves with the
   * API's response, whatever its status; rejects like `getTokens` when no token can be had, or like
   * `fetch` on a network failure.
   *
   * @example
   * const response = await client.fetch("https://api.example.com/orders", undefined, {
   *   resource: "https://api.example.com"
   * })
   */
  async fetch(input: RequestInfo | URL, init?: RequestInit, tokens: AuthorizedRequestOptions = {}): Promise<Response> {
    // One copy per attempt: a body can be read only once.
    const request = new Request(input, init)
    const send = async (forceRefresh: boolean) => {
      const { accessToken } = await this.getTokens({ ...tokens, forceRefresh, signal: request.signal })
      const attempt = request.clone()
      attempt.headers.set("authorization", `Bearer ${accessToken}`)
      return globalThis.fetch(attempt)
    }
    const first = await send(false)
    if (!refusedToken(first.status, first.headers.get("www-authenticate"))) return first
    void first.body?.cancel().catch(() => undefined)
    return send(true)
  }

  /**
   * Revokes an access or refresh token at the provider (RFC 7009); the stored session is not changed.
   *
   * @example
   * const session = await client.getSession()
   * if (session?.refreshToken) await client.revokeToken(session.refreshToken)
   */
  revokeToken(
    token: string,
    tokenTypeHint: "access_token" | "refresh_token" = "refresh_token",
    options: CallOptions = {}
  ): Promise<void> {
    return this.run(revokeToken(token, tokenTypeHint), options.signal)
  }

  /**
   * The stored session, or `undefined` (also for a corrupt stored entry, which is kept). With a
   * `userSchema`, rejects with `MonoCloudValidationError` `userClaims` when the user does not fit.
   *
   * @example
   * const session = await client.getSession()
   * if (session === undefined) await client.signIn()
   */
  getSession(options: CallOptions = {}): Promise<MonoCloudSessionOf<User> | undefined> {
    return this.run(this.withUser(storedSession), options.signal)
  }

  /**
   * True when a session is stored (its access token may have expired: `getTokens()` renews it),
   * false when there is none or the stored entry is corrupt; a user that does not fit `userSchema`
   * still counts. For apps coming from SDKs with an `isAuthenticated()`; `getSession()` gives the
   * session itself.
   *
   * @example
   * if (!(await client.isAuthenticated())) await client.signIn()
   */
  async isAuthenticated(options: CallOptions = {}): Promise<boolean> {
    return (await this.run(storedSession, options.signal)) !== undefined
  }

  /** Runs an operation on the client's runtime; after `dispose()` it rejects with `MonoCloudJsError` (reason `ClientDisposed`). */
  private run<A, E>(effect: Effect.Effect<A, E, MonoCloudServices>, signal?: AbortSignal): Promise<A> {
    if (this.disposed) {
      return Promise.reject(
        new MonoCloudJsError({ reason: "ClientDisposed", detail: "The client was disposed; create a new one" })
      )
    }
    return runPromise(this.runtime, effect, signal)
  }

  /** Opens the popup now, inside the caller's click, unless the app passed one or none is needed. */
  private popupFor(needed: boolean, given: Window | null | undefined): Window | null | undefined {
    if (!needed) return given
    return popupOrOpen(given, popupSizeOf(this.options))
  }

  /**
   * Calls `listener` with the current session, then again whenever it changes in this tab or in
   * another tab of the app (sign-in, refresh, UserInfo update, sign-out). Returns a function that
   * stops listening.
   *
   * @example
   * const stop = client.onSessionChange((session) => render(session?.user))
   * // later: stop()
   */
  onSessionChange(listener: (session: MonoCloudSessionOf<User> | undefined) => void): () => void {
    return this.follow(
      watchSession((session) => {
        const typed = session === undefined ? undefined : this.typed(session)
        if (typed !== undefined && Result.isFailure(typed)) reportListenerError(typed.failure)
        listener(typed !== undefined && Result.isSuccess(typed) ? typed.success : undefined)
      })
    )
  }

  /** The session `effect` succeeds with, decoded by `userSchema`; `undefined` stays `undefined`. */
  private withUser<E>(
    effect: Effect.Effect<MonoCloudSession | undefined, E, MonoCloudServices>
  ): Effect.Effect<MonoCloudSessionOf<User> | undefined, E | MonoCloudValidationError, MonoCloudServices> {
    return Effect.flatMap(effect, (session) =>
      session === undefined ? Effect.succeed(undefined) : Effect.fromResult(this.typed(session))
    )
  }

  /**
   * Calls `listener` with each `event` (see {@link MonoCloudEventMap}) of this tab and the other
   * tabs of the app, from now on: `signedIn`, `refreshed`, `refreshFailed`, `sessionEnded` (the
   * provider refused the refresh token), `userUpdated`, `signedOut`, `tokenExpiring`. Returns a
   * function that stops listening. A listener that throws stays subscribed; its error is reported
   * like an uncaught one.
   *
   * @example
   * const stop = client.on("sessionEnded", () => void client.signOut({ federatedSignOut: false }))
   */
  on<K extends keyof MonoCloudEventMap>(event: K, listener: (event: MonoCloudEventMap[K]) => void): () => void {
    const watch = watchSessionEvents(
      (heard) => {
        if (heard.type === event) listener(heard as MonoCloudEventMap[K])
      },
      { tokenExpiring: event === "tokenExpiring" }
    )
    return this.follow(watch)
  }

  /** Runs a watch on the runtime; the returned function interrupts it. */
  private follow(watch: Effect.Effect<never, never, MonoCloudServices>): () => void {
    const fiber = this.runtime.runFork(watch)
    return () => {
      this.runtime.runFork(Fiber.interrupt(fiber))
    }
  }

  /**
   * Releases the runtime's resources (broadcast channel).
   *
   * @example
   * await client.dispose()
   */
  dispose(): Promise<void> {
    this.disposed = true
    return this.runtime.dispose()
  }

  /**
   * `dispose()` for `await using`, so a client made for one task is released when its block ends.
   *
   * @example
   * {
   *   await using client = new MonoCloudWebJSClient({ tenantDomain, clientId })
   *   await client.signInSilent()
   * } // disposed here
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose()
  }
}

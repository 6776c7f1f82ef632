/**
 * Scenario helpers for e2e tests of the built SDK: one provider + app server +
 * browser per test file, the test app opened in a fresh context with a
 * `window.client`, and sign-in / sign-out driven through the real provider pages.
 */
import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, afterEach, beforeAll } from "vitest"
import { spaClient, startProvider, type ProviderOptions, type TestProvider } from "../provider/index.mjs"
import { startAppServer, type StaticServer } from "./appServer.js"
import { collectLogs, launchBrowser, newPage, waitForReady, type BrowserOptions } from "./browser.js"
import { completeLogin, loginInPopup, type LoginOptions } from "./login.js"

type ClientOptions = Parameters<Window["makeClient"]>[0]
type AppConfig = NonNullable<Parameters<Window["makeClient"]>[1]>
type Session = NonNullable<Awaited<ReturnType<NonNullable<Window["client"]>["getSession"]>>>
type SignInOptions = NonNullable<Parameters<NonNullable<Window["client"]>["signIn"]>[0]>
type SignOutOptions = NonNullable<Parameters<NonNullable<Window["client"]>["signOut"]>[0]>

/** A thrown value as seen in the page (`window.describeError`). */
export type DescribedError = ReturnType<Window["describeError"]>

/** What a function run in the page did, and how long it took there. */
export type Outcome<R> = { ok: true; value: R; ms: number } | { ok: false; error: DescribedError; ms: number }

/** The provider, the app server and the browser shared by one test file. */
export interface Stack {
  readonly op: TestProvider
  readonly app: StaticServer
  readonly browser: Browser
}

/** The test app open in its own browser context. */
export interface AppPage {
  readonly context: BrowserContext
  readonly page: Page
  readonly logs: string[]
}

/** Starts the app server, a provider with the `spa` client for it, and Chromium. */
export async function startStack(
  options: Omit<ProviderOptions, "clients"> = {},
  browserOptions: BrowserOptions = {}
): Promise<Stack> {
  // Chromium keeps no page served with `no-store` in its back/forward cache.
  const app = await startAppServer(browserOptions.backForwardCache === true ? { cacheControl: "no-cache" } : {})
  const [op, browser] = await Promise.all([
    startProvider({ ...options, clients: [spaClient({ origin: app.origin })] }),
    launchBrowser(browserOptions)
  ])
  return { op, app, browser }
}

export async function stopStack(stack: Stack | undefined): Promise<void> {
  await stack?.browser.close()
  await stack?.op.close()
  await stack?.app.close()
}

/** Client options for the `spa` client of `stack` (callback on `/callback`), plus `extra`. */
export const clientOptions = (stack: Stack, extra: Partial<ClientOptions> = {}): ClientOptions => ({
  tenantDomain: stack.op.issuer,
  clientId: "spa",
  callbackPath: "/callback",
  ...extra
})

/** Loads the app in `page` and creates `window.client` (remembered for later page loads of the tab). */
export async function loadApp(stack: Stack, page: Page, options: Partial<ClientOptions> = {}, config: AppConfig = {}) {
  await page.goto(stack.app.url("/"))
  await waitForReady(page)
  await page.evaluate(({ options, config }) => void window.makeClient(options, config), {
    options: clientOptions(stack, options),
    config
  })
}

/** Opens the app in a fresh browser context and creates `window.client`. */
export async function openApp(
  stack: Stack,
  options: Partial<ClientOptions> = {},
  config: AppConfig = {}
): Promise<AppPage> {
  const opened = await newPage(stack.browser)
  await loadApp(stack, opened.page, options, config)
  return opened
}

/**
 * Registers the hooks of a test file: one stack for the file (`beforeAll`),
 * stopped `afterAll`. The result is that stack (usable once started) plus
 * `open()`, the app in a fresh context that is closed after the test.
 */
export function useStack(options: Omit<ProviderOptions, "clients"> = {}, browserOptions: BrowserOptions = {}) {
  let current: Stack | undefined
  const opened: AppPage[] = []
  beforeAll(async () => {
    current = await startStack(options, browserOptions)
  })
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.context.close()
  })
  afterAll(() => stopStack(current))
  const started = (): Stack => {
    if (current === undefined) throw new Error("the stack is not started")
    return current
  }
  const stack = {
    get op() {
      return started().op
    },
    get app() {
      return started().app
    },
    get browser() {
      return started().browser
    },
    /** The app in a fresh context, closed after the test. */
    open: async (options: Partial<ClientOptions> = {}, config: AppConfig = {}): Promise<AppPage> => {
      const app = await openApp(started(), options, config)
      opened.push(app)
      return app
    }
  }
  return stack
}

/** Another tab of the same context with the app loaded and its own `window.client`. */
export async function openTab(
  stack: Stack,
  context: BrowserContext,
  logs: string[],
  options: Partial<ClientOptions> = {}
): Promise<Page> {
  const page = await context.newPage()
  collectLogs(page, logs)
  await loadApp(stack, page, options)
  return page
}

/**
 * Runs `fn(arg)` in the page and reports its result or the error it threw,
 * described in the page. `fn` travels as source text (as with `page.evaluate`),
 * so it must be self-contained: no closures over test variables.
 */
export const attempt = <R, A = undefined>(
  page: Page,
  fn: (arg: A) => R | Promise<R>,
  arg?: A
): Promise<Outcome<Awaited<R>>> =>
  page.evaluate(
    async ({ source, arg }) => {
      const run = (0, eval)(`(${source})`) as (a: unknown) => unknown
      const started = performance.now()
      try {
        const value = await run(arg)
        return { ok: true as const, value: value as Awaited<R>, ms: performance.now() - started }
      } catch (e) {
        return { ok: false as const, error: window.describeError(e), ms: performance.now() - started }
      }
    },
    { source: fn.toString(), arg: arg as unknown }
  )

/** The value of an outcome; throws with the described error when it failed. */
export function unwrap<R>(outcome: Outcome<R>, logs: string[] = []): R {
  if (outcome.ok) return outcome.value
  throw new Error(`failed in the page: ${JSON.stringify(outcome.error)}\n${logs.slice(-20).join("\n")}`)
}

/** Runs `fn(arg)` in the page and resolves with its value (rejects with the page's error described). */
export const call = async <R, A = undefined>(
  page: Page,
  fn: (arg: A) => R | Promise<R>,
  arg?: A
): Promise<Awaited<R>> => unwrap(await attempt(page, fn, arg))

export const getSession = (page: Page): Promise<Session | undefined> => call(page, () => window.client!.getSession())

/**
 * Runs `trigger` (which makes the SDK navigate the page away), lets `whileAway`
 * drive the provider pages, and resolves once the page committed a document on
 * the app origin again and the app booted there (its `processCallback()` done).
 */
async function roundTrip(
  stack: Stack,
  page: Page,
  trigger: () => Promise<Outcome<unknown>>,
  whileAway?: () => Promise<void>
) {
  const back = page.waitForEvent("framenavigated", {
    predicate: (frame) => frame === page.mainFrame() && frame.url().startsWith(`${stack.app.origin}/`),
    timeout: 15_000
  })
  back.catch(() => undefined)
  // the page may unload before `evaluate` answers: only a reported failure counts
  const started = await trigger().catch(() => undefined)
  if (started && !started.ok) throw new Error(`did not navigate away: ${JSON.stringify(started.error)}`)
  await whileAway?.()
  await back
  await waitForReady(page)
}

/** Throws when the `processCallback()` the app ran on load failed. */
async function expectCallbackOk(page: Page, logs: string[]) {
  const outcome = await page.evaluate(() => window.callbackOutcome)
  if (outcome && !outcome.ok)
    throw new Error(`processCallback failed: ${JSON.stringify(outcome.error)}\n${logs.join("\n")}`)
}

export interface RedirectSignIn extends LoginOptions {
  /** Options of `client.signIn()` (mode redirect). */
  signIn?: SignInOptions
  logs?: string[]
}

/**
 * Redirect sign-in: `client.signIn()` in the page, the provider's login and
 * consent pages, back on the callback where the app runs `processCallback()`.
 * With a `returnUrl` it also waits for that page. Resolves with the session.
 */
export async function signInByRedirect(stack: Stack, page: Page, options: RedirectSignIn = {}): Promise<Session> {
  const { signIn = {}, logs = [], ...login } = options
  await roundTrip(
    stack,
    page,
    () => attempt(page, (o) => window.client!.signIn(o), signIn),
    () => completeLogin(page, login)
  )
  if (signIn.returnUrl !== undefined) {
    // the callback page goes on to the return URL by itself
    const target = new URL(signIn.returnUrl, stack.app.origin).href
    await page.waitForURL(target, { waitUntil: "commit", timeout: 10_000 }).catch(async (e: unknown) => {
      await expectCallbackOk(page, logs)
      throw e
    })
    await waitForReady(page)
  }
  await expectCallbackOk(page, logs)
  const session = await getSession(page)
  if (session === undefined) throw new Error(`no session after the sign-in callback\n${logs.join("\n")}`)
  return session
}

/** Popup sign-in (`client.signIn({ mode: "popup" })`, opened synchronously by the SDK); resolves with the stored session. */
export async function signInByPopup(
  page: Page,
  options: LoginOptions & { signIn?: SignInOptions } = {}
): Promise<Session | undefined> {
  const { signIn = {}, ...login } = options
  unwrap(
    await loginInPopup(page, () => attempt(page, (o) => window.client!.signIn({ ...o, mode: "popup" }), signIn), login)
  )
  return getSession(page)
}

/** Redirect sign-out (`client.signOut()`), through the provider's logout page and back to the app. */
export async function signOutByRedirect(
  stack: Stack,
  page: Page,
  options: SignOutOptions = {},
  logs: string[] = []
): Promise<void> {
  await roundTrip(stack, page, () => attempt(page, (o) => window.client!.signOut(o), options))
  await expectCallbackOk(page, logs)
}

/** `client.signInSilent()` in the page. */
export const signInSilent = (page: Page) => attempt(page, () => window.client!.signInSilent())

/** Decoded JWT payload. */
export const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>

/** Token endpoint outcomes since `since` (epoch ms), optionally of one grant type. */
export const tokenRequestsSince = (op: TestProvider, since: number, grantType?: string) =>
  op.events.tokenRequests.filter((r) => r.at >= since && (grantType === undefined || r.grantType === grantType))

/** The session's access token stored for exactly these requested scopes (default token: the sign-in scopes). */
export const tokenFor = (session: Session, requestedScopes: string) =>
  session.accessTokens?.find(
    (t) => (t.requestedScopes ?? "").split(" ").sort().join(" ") === requestedScopes.split(" ").sort().join(" ")
  )

/** A gate the provider holds requests on (`until`) until the test opens it; `arrived` resolves with the first. */
export const gate = () => {
  let open: () => void = () => undefined
  let arrive: () => void = () => undefined
  const opened = new Promise<void>((resolve) => (open = resolve))
  const arrived = new Promise<void>((resolve) => (arrive = resolve))
  return {
    until: () => (arrive(), opened),
    arrived,
    open
  }
}

declare global {
  interface Window {
    /** The outcome of the call `startRefresh` left running. */
    pending?: Promise<unknown>
  }
}

/** Starts `client.refreshSession()` in the page without waiting; `window.pending` is its outcome. */
export const startRefresh = (page: Page) =>
  page.evaluate(() => {
    window.pending = window.client!.refreshSession().then(
      () => ({ ok: true }),
      (e: unknown) => ({ ok: false, error: window.describeError(e) })
    )
  })

let users = 0
/** A login name no other test of this process uses (provider accounts are shared by a file's tests). */
export const freshUser = (prefix: string): string => `${prefix}-${++users}`

/** The scopes and prompt that give a refresh token: oidc-provider grants `offline_access` only with `prompt=consent`. */
export const WITH_REFRESH_TOKEN: SignInOptions = { scopes: "openid profile email offline_access", prompt: "consent" }

/**
 * The app in a fresh context (client options `client`), signed in by redirect as a new user with
 * the sign-in options `signIn`; resolves with the page, the login name and the session.
 */
export async function signedInAsNewUser(
  stack: ReturnType<typeof useStack>,
  prefix: string,
  { client = {}, signIn = {} }: { client?: Partial<ClientOptions>; signIn?: SignInOptions } = {}
) {
  const opened = await stack.open(client)
  const login = freshUser(prefix)
  const session = await signInByRedirect(stack, opened.page, { login, logs: opened.logs, signIn })
  return { ...opened, login, session }
}

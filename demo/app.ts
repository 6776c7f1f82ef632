/**
 * The demo single-page app: plain DOM on the SDK's promise API.
 *
 * Bundled by `demo/start.mjs`, which swaps the `../src/index.js` import for the
 * built `dist/esm/index.js` (what an app gets from `@monocloud/auth-web-js`) and
 * defines `__DEMO_CONFIG__`.
 */
import { MonoCloudOPError, MonoCloudWebJSClient, type MonoCloudSession } from "../src/index.js"

declare const __DEMO_CONFIG__: { tenantDomain: string; clientId: string; scopes: string; appOrigin: string }

const el = (id: string): HTMLElement => {
  const found = document.getElementById(id)
  if (!found) throw new Error(`#${id} missing`)
  return found
}

type Tone = "info" | "ok" | "error"

/** Adds a line at the top of the log: time, what happened, and optional detail lines. */
const log = (tone: Tone, text: string, details: ReadonlyArray<string> = []) => {
  const entry = document.createElement("li")
  entry.className = tone
  const time = document.createElement("time")
  time.textContent = new Date().toLocaleTimeString()
  const title = document.createElement("span")
  title.textContent = text
  entry.append(time, title)
  for (const detail of details) {
    const line = document.createElement("div")
    line.className = "detail"
    line.textContent = detail
    entry.append(line)
  }
  el("log").prepend(entry)
}

/** The error's class, its tag and its typed fields (`error`, `reason`, `operation`, …), for the log. */
const describe = (e: unknown): { title: string; details: Array<string> } => {
  if (!(e instanceof Error)) return { title: String(e), details: [] }
  const fields = Object.entries(e)
    .filter(([key, value]) => key !== "cause" && ["string", "number", "boolean"].includes(typeof value))
    .map(([key, value]) => `${key}: ${String(value)}`)
  const tag = (e as { _tag?: unknown })._tag
  const kind = e instanceof MonoCloudOPError ? "the provider said no" : "failed"
  return {
    title: `${kind}: ${e.name}${tag !== undefined && tag !== e.name ? ` (${String(tag)})` : ""}`,
    details: [e.message, ...fields]
  }
}

/** The provider requests made since `mark` (resource timing), e.g. `GET /token 31 ms`. */
const providerRequestsSince = (mark: number): Array<string> => {
  const provider = new URL(
    __DEMO_CONFIG__.tenantDomain.includes("://")
      ? __DEMO_CONFIG__.tenantDomain
      : `https://${__DEMO_CONFIG__.tenantDomain}`
  ).origin
  return performance
    .getEntriesByType("resource")
    .filter((entry) => entry.startTime >= mark && entry.name.startsWith(provider))
    .map((entry) => {
      const url = new URL(entry.name)
      const kind = (entry as PerformanceResourceTiming).initiatorType === "iframe" ? "frame" : "fetch"
      return `${kind} ${url.pathname} ${Math.round(entry.duration)} ms`
    })
}

const roundTrips = (mark: number): Array<string> => {
  const requests = providerRequestsSince(mark)
  return requests.length === 0
    ? ["no provider round trip"]
    : [`${requests.length} provider round trip(s):`, ...requests]
}

const secondsLeft = (expiresAt: number) => expiresAt - Math.floor(Date.now() / 1000)

/** The session's tokens in one line each: which token, until when. */
const tokenLines = (session: MonoCloudSession | undefined): Array<string> =>
  (session?.accessTokens ?? []).map(
    (token) =>
      `access token (${token.scopes}) expires ${new Date(token.accessTokenExpiration * 1000).toLocaleTimeString()}, in ${secondsLeft(token.accessTokenExpiration)} s`
  )

const expectedOrigin = __DEMO_CONFIG__.appOrigin

let tokenExpiry: number | undefined

const showExpiry = () => {
  if (tokenExpiry === undefined) {
    el("token-expiry").textContent = "—"
    return
  }
  const left = secondsLeft(tokenExpiry)
  const at = new Date(tokenExpiry * 1000).toLocaleTimeString()
  el("token-expiry").textContent = left > 0 ? `${at} (in ${left} s)` : `${at} (expired)`
}

const render = (session: MonoCloudSession | undefined) => {
  el("signed-in").hidden = session === undefined
  el("signed-out").hidden = session !== undefined
  el("status").textContent = session ? "Signed in" : "Signed out"
  el("status").className = session ? "badge on" : "badge off"
  const user = session?.user
  el("user-name").textContent = String(user?.name ?? "—")
  el("user-email").textContent = String(user?.email ?? "—")
  el("user-sub").textContent = user?.sub ?? "—"
  el("refresh-token").textContent = session?.refreshToken ? "yes" : "no"
  const expirations = (session?.accessTokens ?? []).map((t) => t.accessTokenExpiration)
  tokenExpiry = expirations.length > 0 ? Math.min(...expirations) : undefined
  showExpiry()
}

const showWrongHost = () => {
  const right = new URL(window.location.pathname + window.location.search, expectedOrigin).href
  const link = el("right-url") as HTMLAnchorElement
  link.href = right
  link.textContent = right
  el("wrong-host").hidden = false
  el("status").textContent = "Open the demo at its registered address"
  el("status").className = "badge off"
}

const start = (client: MonoCloudWebJSClient) => {
  /** Runs one button action, logging its outcome and round trips, with every button disabled meanwhile. */
  const action = (id: string, label: string, run: () => Promise<Array<string> | void>) => {
    el(id).addEventListener("click", async () => {
      const buttons = [...document.querySelectorAll("button")]
      buttons.forEach((b) => (b.disabled = true))
      const mark = performance.now()
      try {
        const details = (await run()) ?? []
        log("ok", `${label}: done`, [...details, ...roundTrips(mark)])
      } catch (e) {
        const { title, details } = describe(e)
        log("error", `${label} ${title}`, [...details, ...roundTrips(mark)])
      } finally {
        buttons.forEach((b) => (b.disabled = false))
        render(await client.getSession().catch(() => undefined))
      }
    })
  }

  const truncate = (token: string | undefined) => (token ? `${token.slice(0, 12)}…` : "none")

  action("sign-in-redirect", "Sign in (redirect)", async () => void (await client.signIn({ mode: "redirect" })))
  action("sign-in-popup", "Sign in (popup)", async () => {
    await client.signIn({ mode: "popup" })
    return tokenLines(await client.getSession())
  })
  action("refresh", "Refresh session", async () => {
    const before = await client.getSession()
    await client.refreshSession()
    const after = await client.getSession()
    const rotated = before?.refreshToken !== after?.refreshToken ? "refresh token rotated" : "same refresh token"
    return [...tokenLines(after), rotated]
  })
  action("refetch-user", "Refetch user info", async () => {
    await client.refetchUserInfo()
    const user = (await client.getSession())?.user
    return [`user: ${String(user?.name ?? user?.sub)} <${String(user?.email ?? "no email")}>`]
  })
  action("get-tokens", "Get tokens", async () => {
    const tokens = await client.getTokens()
    return [
      `access token ${truncate(tokens.accessToken)} expires in ${secondsLeft(tokens.accessTokenExpiration)} s${tokens.isExpired ? " (expired)" : ""}`,
      `scopes: ${tokens.scopes}`,
      `ID token ${truncate(tokens.idToken)}, refresh token ${truncate(tokens.refreshToken)}`
    ]
  })
  action("sign-out", "Sign out", () => client.signOut({ mode: "redirect" }))
  action("sign-out-popup", "Sign out (popup)", () => client.signOut({ mode: "popup" }))

  setInterval(showExpiry, 1000)

  let known: string | undefined
  client.onSessionChange((session) => {
    render(session)
    const now = session?.user.sub
    if (now !== known) log("info", now ? `Session event: signed in as ${now}` : "Session event: signed out")
    known = now
  })

  const boot = async () => {
    const mark = performance.now()
    const wasCallback = /[?&](code|error|state)=/.test(window.location.search)
    try {
      await client.processCallback()
      if (wasCallback) {
        const signedIn = await client.getSession().catch(() => undefined)
        const what = signedIn ? `Signed in by redirect as ${signedIn.user.sub}` : "Signed out by redirect"
        log("ok", what, [...tokenLines(signedIn), ...roundTrips(mark)])
      }
    } catch (e) {
      const { title, details } = describe(e)
      log("error", `Callback ${title}`, [...details, ...roundTrips(mark)])
    }
    // In the sign-in/sign-out popup (or a frame) only the callback is handed over.
    if (window.opener !== null || window.parent !== window) return
    let session = await client.getSession().catch(() => undefined)
    if (session === undefined) {
      const silentMark = performance.now()
      try {
        session = await client.signInSilent()
        log("ok", "Signed in silently", [...tokenLines(session), ...roundTrips(silentMark)])
      } catch (e) {
        if (e instanceof MonoCloudOPError) {
          log("info", `Silent sign-in: not signed in at the provider (${e.error})`, roundTrips(silentMark))
        } else {
          const { title, details } = describe(e)
          log("error", `Silent sign-in ${title}`, [...details, ...roundTrips(silentMark)])
        }
      }
    } else if (!wasCallback) {
      log("info", `Session restored from storage: ${session.user.sub}`, tokenLines(session))
    }
    known = session?.user.sub
    render(session)
  }
  void boot()
}

if (window.location.origin !== expectedOrigin) {
  // The provider knows the app only at its registered address: sign-in and the silent frame would fail here.
  showWrongHost()
} else {
  start(
    new MonoCloudWebJSClient({
      tenantDomain: __DEMO_CONFIG__.tenantDomain,
      clientId: __DEMO_CONFIG__.clientId,
      appUrl: window.location.origin,
      callbackPath: "/",
      signOutPath: "/",
      silentCallbackPath: "/silent-callback.html",
      defaultAuthParams: { scopes: __DEMO_CONFIG__.scopes }
    })
  )
}

/**
 * The demo single-page app: plain DOM on the SDK's promise API.
 *
 * Bundled by `demo/start.mjs`, which swaps the `../src/index.js` import for the
 * built `dist/esm/index.js` (what an app gets from `@monocloud/auth-web-js`) and
 * defines `__DEMO_CONFIG__`.
 */
import { MonoCloudOPError, MonoCloudWebJSClient } from "../src/index.js"

declare const __DEMO_CONFIG__: { tenantDomain: string; clientId: string; scopes: string }

const client = new MonoCloudWebJSClient({
  tenantDomain: __DEMO_CONFIG__.tenantDomain,
  clientId: __DEMO_CONFIG__.clientId,
  appUrl: window.location.origin,
  callbackPath: "/",
  signOutPath: "/",
  silentCallbackPath: "/silent-callback.html",
  defaultAuthParams: { scopes: __DEMO_CONFIG__.scopes }
})

const el = (id: string): HTMLElement => {
  const found = document.getElementById(id)
  if (!found) throw new Error(`#${id} missing`)
  return found
}

const log = (line: string) => {
  el("log").textContent = `${new Date().toLocaleTimeString()}  ${line}\n${el("log").textContent ?? ""}`
}

const describe = (e: unknown): string =>
  e instanceof MonoCloudOPError
    ? `${e.name}: ${e.error}${e.errorDescription ? ` (${e.errorDescription})` : ""}`
    : e instanceof Error
      ? `${e.name}: ${e.message}`
      : String(e)

let tokenExpiry: number | undefined

const showExpiry = () => {
  if (tokenExpiry === undefined) {
    el("token-expiry").textContent = "—"
    return
  }
  const left = tokenExpiry - Math.floor(Date.now() / 1000)
  const at = new Date(tokenExpiry * 1000).toLocaleTimeString()
  el("token-expiry").textContent = left > 0 ? `${at} (in ${left} s)` : `${at} (expired)`
}

/** Redraws the page from the stored session. */
const render = async () => {
  const session = await client.getSession()
  el("signed-in").hidden = session === undefined
  el("signed-out").hidden = session !== undefined
  el("status").textContent = session ? "Signed in" : "Signed out"
  const user = session?.user
  el("user-name").textContent = String(user?.name ?? "—")
  el("user-email").textContent = String(user?.email ?? "—")
  el("user-sub").textContent = user?.sub ?? "—"
  const expirations = (session?.accessTokens ?? []).map((t) => t.accessTokenExpiration)
  tokenExpiry = expirations.length > 0 ? Math.min(...expirations) : undefined
  showExpiry()
}

/** Runs one button action, logging its outcome, with every button disabled meanwhile. */
const action = (id: string, label: string, run: () => Promise<unknown>) => {
  el(id).addEventListener("click", async () => {
    const buttons = [...document.querySelectorAll("button")]
    buttons.forEach((b) => (b.disabled = true))
    try {
      const result = await run()
      log(result === undefined ? `${label}: done` : `${label}: ${JSON.stringify(result, null, 2)}`)
    } catch (e) {
      log(`${label} failed: ${describe(e)}`)
    } finally {
      buttons.forEach((b) => (b.disabled = false))
      await render()
    }
  })
}

const truncate = (token: string | undefined) => (token ? `${token.slice(0, 16)}…` : undefined)

action("sign-in-redirect", "Sign in (redirect)", () => client.signIn({ mode: "redirect" }))
action("sign-in-popup", "Sign in (popup)", () => client.signIn({ mode: "popup" }))
action("refresh", "Refresh session", () => client.refreshSession())
action("refetch-user", "Refetch user info", () => client.refetchUserInfo())
action("get-tokens", "Get tokens", async () => {
  const tokens = await client.getTokens()
  return {
    accessToken: truncate(tokens.accessToken),
    accessTokenExpiration: new Date(tokens.accessTokenExpiration * 1000).toLocaleTimeString(),
    isExpired: tokens.isExpired,
    scopes: tokens.scopes,
    idToken: truncate(tokens.idToken),
    refreshToken: truncate(tokens.refreshToken)
  }
})
action("sign-out", "Sign out", () => client.signOut({ mode: "redirect" }))
action("sign-out-popup", "Sign out (popup)", () => client.signOut({ mode: "popup" }))

setInterval(showExpiry, 1000)

/** True inside the sign-in/sign-out popup (or a frame): only hand the callback over there. */
const isAuxiliaryWindow = window.opener !== null || window.parent !== window

const start = async () => {
  try {
    await client.processCallback()
  } catch (e) {
    log(`Callback failed: ${describe(e)}`)
  }
  if (isAuxiliaryWindow) return
  if ((await client.getSession()) === undefined) {
    try {
      await client.signInSilent()
      log("Signed in silently")
    } catch (e) {
      if (e instanceof MonoCloudOPError) log(`Silent sign-in: ${e.error}`)
      else log(`Silent sign-in failed: ${describe(e)}`)
    }
  }
  await render()
}

void start()

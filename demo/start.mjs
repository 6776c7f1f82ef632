/**
 * `npm run demo` (after `npm run build`): serves the demo app and, unless a real
 * MonoCloud tenant is configured, a local OpenID Provider to sign in against.
 *
 * Environment:
 *   DEMO_PORT                 app port (default 5173)
 *   DEMO_PROVIDER_PORT        local provider port (default 3001)
 *   DEMO_ACCESS_TOKEN_TTL     local provider access token lifetime in seconds (default 60)
 *   MONOCLOUD_TENANT_DOMAIN   with MONOCLOUD_CLIENT_ID: use this tenant instead of the local provider
 *   MONOCLOUD_CLIENT_ID       client id of a single-page app on that tenant
 *   MONOCLOUD_SCOPES          scopes to request (default "openid profile email offline_access")
 */
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { DEMO_ACCOUNT, spaClient, startProvider } from "../test/e2e/provider/index.mjs"
import { bundleBrowserApp, REPO_ROOT, startStaticServer } from "../test/e2e/support/serve.mjs"

const DEMO_DIR = join(REPO_ROOT, "demo")
const host = "127.0.0.1"
const appPort = Number(process.env.DEMO_PORT ?? 5173)
const appOrigin = `http://${host}:${appPort}`
const tenantDomain = process.env.MONOCLOUD_TENANT_DOMAIN
const tenantClientId = process.env.MONOCLOUD_CLIENT_ID
const useTenant = Boolean(tenantDomain && tenantClientId)

const provider = useTenant
  ? undefined
  : await startProvider({
      host,
      port: Number(process.env.DEMO_PROVIDER_PORT ?? 3001),
      accessTokenTtl: Number(process.env.DEMO_ACCESS_TOKEN_TTL ?? 60),
      autoConfirmLogout: false,
      clients: [
        spaClient({
          clientId: "demo-spa",
          origin: appOrigin,
          redirectPaths: ["/", "/silent-callback.html"],
          postLogoutPaths: ["/"]
        })
      ]
    })

const config = {
  tenantDomain: useTenant ? tenantDomain : provider.issuer,
  clientId: useTenant ? tenantClientId : "demo-spa",
  // offline_access: the demo's Refresh button needs a refresh token, which a tenant issues only for it
  scopes: process.env.MONOCLOUD_SCOPES ?? "openid profile email offline_access",
  // the one origin registered with the provider: the page warns when opened elsewhere (e.g. at localhost)
  appOrigin
}

const fail = async (message) => {
  console.error(message)
  await provider?.close()
  process.exit(1)
}

let bundle
try {
  bundle = await bundleBrowserApp({
    entry: join(DEMO_DIR, "app.ts"),
    define: { __DEMO_CONFIG__: JSON.stringify(config) }
  })
} catch (e) {
  await fail(`Could not bundle demo/app.ts: ${e instanceof Error ? e.message : e}`)
}
// written for inspection only (git-ignored); the server serves the same text from memory
await writeFile(join(DEMO_DIR, "public/app.js"), bundle)

const app = await startStaticServer({
  root: join(DEMO_DIR, "public"),
  files: { "/app.js": bundle },
  host,
  port: appPort
}).catch((e) => fail(`Could not listen on ${appOrigin}: ${e.message} (set DEMO_PORT)`))

console.log(`
  MonoCloud auth-web-js demo   ${app.url("/")}
  ${
    useTenant
      ? `tenant: ${config.tenantDomain}   client: ${config.clientId}
  (register ${appOrigin} and ${app.url("/silent-callback.html")} as callback URLs and ${appOrigin} as sign-out URL,
  exactly so: the SDK sends redirect_uri=${appOrigin}, without a trailing slash)`
      : `local provider: ${provider.issuer}   client: ${config.clientId}
  sign in with username "${DEMO_ACCOUNT.sub}" and any password (${DEMO_ACCOUNT.name}, ${DEMO_ACCOUNT.email})
  open it as ${appOrigin} (not localhost) so the silent iframe shares the provider's site.`
  }
  Ctrl+C to stop.
`)

const stop = async () => {
  await Promise.all([app.close(), provider?.close()])
  process.exit(0)
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)

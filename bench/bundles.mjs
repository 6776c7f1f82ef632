// Bundle-size machinery shared by bench/run.mjs (the tables) and bench/size-budget.mjs (the CI
// budget): the "typical app" entry sources, the Effect users' marginal-cost apps, and one esbuild
// call that bundles an app and measures raw, gzip -9 and brotli q11 bytes.
//
// Nothing here builds dist/: run `npm run build` first. Entry files are written to bench/.tmp/
// (gitignored), with the minified output next to them for inspection.

import { build } from "esbuild"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib"

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
export const tmpDir = path.join(root, "bench", ".tmp")

const rootManifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"))
export const OWN_PACKAGE = rootManifest.name

// Targets from the issue, in decimal kilobytes (1 KB = 1,000 bytes) of gzip -9 output.
export const TARGETS = {
  promiseTypicalGzip: 45_000,
  promiseTypicalBudgetGzip: 52_700,
  effectMarginalGzip: 14_000
}

// ---------------------------------------------------------------------------------------------
// Versions, read from the installed packages at run time

export function packageVersion(name) {
  const manifest =
    name === OWN_PACKAGE
      ? path.join(root, "package.json")
      : path.join(root, "node_modules", ...name.split("/"), "package.json")
  try {
    return JSON.parse(readFileSync(manifest, "utf8")).version
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Our package resolves to the local dist/, through the same `exports` map a consumer would use:
// "@monocloud/auth-web-js" -> ./dist/esm/index.js, "@monocloud/auth-web-js/effect" -> ./dist/esm/effect.js, ...

const ownAliases = Object.fromEntries(
  Object.entries(rootManifest.exports ?? {})
    .filter(([subpath, target]) => !subpath.includes("*") && typeof target?.import?.default === "string")
    .map(([subpath, target]) => [
      subpath === "." ? OWN_PACKAGE : `${OWN_PACKAGE}/${subpath.slice(2)}`,
      target.import.default
    ])
)

export function assertDistBuilt() {
  const missing = Object.values(ownAliases).filter((file) => !existsSync(path.join(root, file)))
  if (missing.length > 0) throw new Error(`${missing.join(", ")} missing; run npm run build first`)
}

// ---------------------------------------------------------------------------------------------
// Typical apps: restore a session on page load and use it. Each one
//   1. completes the sign-in/sign-out callback this page may be,
//   2. tries a silent sign-in and tells the provider's "not signed in" error apart (instanceof /
//      catchTag) from any other failure,
//   3. reads an access token (renewed when needed),
//   4. signs out.
// The steps run one after the other (a real app signs out from a click handler; that changes
// nothing about what is bundled).

const tenant = "acme.us.monocloud.com"

export const typicalApps = [
  {
    id: "promise",
    name: `${OWN_PACKAGE}`,
    ours: true,
    flow: "new MonoCloudWebJSClient, processCallback(), signInSilent() + instanceof MonoCloudOPError, getTokens(), signOut()",
    source: `
import { MonoCloudOPError, MonoCloudWebJSClient } from "${OWN_PACKAGE}"

const client = new MonoCloudWebJSClient({ tenantDomain: "${tenant}", clientId: "my-client" })

async function main() {
  await client.processCallback()
  try {
    await client.signInSilent()
  } catch (error) {
    if (!(error instanceof MonoCloudOPError)) throw error
    console.log("not signed in at the provider:", error.error)
  }
  const tokens = await client.getTokens()
  console.log(tokens.accessToken)
  await client.signOut()
}

main().catch((error) => console.error(error))
`
  },
  {
    id: "effect",
    name: `${OWN_PACKAGE}/effect`,
    ours: true,
    flow: 'processCallback, signInSilent() + Effect.catchTag("MonoCloudOPError"), getTokens(), signOut(); Effect.provide(MonoCloud.layer(options)), Effect.runPromise',
    source: `
import * as Effect from "effect/Effect"
import * as MonoCloud from "${OWN_PACKAGE}/effect"

const program = Effect.gen(function* () {
  yield* MonoCloud.processCallback
  yield* MonoCloud.signInSilent().pipe(
    Effect.catchTag("MonoCloudOPError", (error) =>
      Effect.sync(() => console.log("not signed in at the provider:", error.error))
    )
  )
  const tokens = yield* MonoCloud.getTokens()
  console.log(tokens.accessToken)
  yield* MonoCloud.signOut()
})

Effect.runPromise(
  program.pipe(Effect.provide(MonoCloud.layer({ tenantDomain: "${tenant}", clientId: "my-client" })))
).catch((error) => console.error(error))
`
  },
  {
    id: "oidc-client-ts",
    name: "oidc-client-ts",
    flow: "new UserManager, signinCallback()/signoutCallback(), signinSilent() + instanceof ErrorResponse, getUser() (signinSilent() again when expired), signoutRedirect()",
    source: `
import { ErrorResponse, UserManager } from "oidc-client-ts"

const appUrl = window.location.origin + "/"
const manager = new UserManager({
  authority: "https://${tenant}",
  client_id: "my-client",
  redirect_uri: appUrl,
  silent_redirect_uri: appUrl,
  post_logout_redirect_uri: appUrl,
  scope: "openid profile email"
})

async function main() {
  const params = new URLSearchParams(window.location.search)
  if (params.has("state") && (params.has("code") || params.has("error"))) await manager.signinCallback()
  else if (params.has("state")) await manager.signoutCallback()
  try {
    await manager.signinSilent()
  } catch (error) {
    if (!(error instanceof ErrorResponse)) throw error
    console.log("not signed in at the provider:", error.error)
  }
  let user = await manager.getUser()
  if (user === null || user.expired) user = await manager.signinSilent()
  console.log(user?.access_token)
  await manager.signoutRedirect()
}

main().catch((error) => console.error(error))
`
  },
  {
    id: "auth0",
    name: "@auth0/auth0-spa-js",
    flow: 'new Auth0Client, handleRedirectCallback(), getTokenSilently({ cacheMode: "off" }) + instanceof GenericError, getTokenSilently(), logout()',
    source: `
import { Auth0Client, GenericError } from "@auth0/auth0-spa-js"

const appUrl = window.location.origin + "/"
const client = new Auth0Client({
  domain: "${tenant}",
  clientId: "my-client",
  authorizationParams: { redirect_uri: appUrl, scope: "openid profile email" }
})

async function main() {
  const params = new URLSearchParams(window.location.search)
  if (params.has("state") && (params.has("code") || params.has("error"))) await client.handleRedirectCallback()
  try {
    await client.getTokenSilently({ cacheMode: "off" })
  } catch (error) {
    if (!(error instanceof GenericError)) throw error
    console.log("not signed in at the provider:", error.error)
  }
  const accessToken = await client.getTokenSilently()
  console.log(accessToken)
  await client.logout({ logoutParams: { returnTo: appUrl } })
}

main().catch((error) => console.error(error))
`
  },
  {
    id: "msal",
    name: "@azure/msal-browser",
    flow: "new PublicClientApplication (OIDC protocol mode), initialize(), handleRedirectPromise(), ssoSilent() + instanceof InteractionRequiredAuthError, acquireTokenSilent(), logoutRedirect()",
    source: `
import { InteractionRequiredAuthError, PublicClientApplication } from "@azure/msal-browser"

const appUrl = window.location.origin + "/"
const scopes = ["openid", "profile", "email"]
const msal = new PublicClientApplication({
  auth: {
    clientId: "my-client",
    authority: "https://${tenant}",
    knownAuthorities: ["${tenant}"],
    redirectUri: appUrl,
    postLogoutRedirectUri: appUrl
  },
  system: { protocolMode: "OIDC" }
})

async function main() {
  await msal.initialize()
  const redirect = await msal.handleRedirectPromise()
  if (redirect !== null) msal.setActiveAccount(redirect.account)
  try {
    const silent = await msal.ssoSilent({ scopes })
    msal.setActiveAccount(silent.account)
  } catch (error) {
    if (!(error instanceof InteractionRequiredAuthError)) throw error
    console.log("not signed in at the provider:", error.errorCode)
  }
  const account = msal.getActiveAccount()
  if (account !== null) {
    const tokens = await msal.acquireTokenSilent({ scopes, account })
    console.log(tokens.accessToken)
  }
  await msal.logoutRedirect()
}

main().catch((error) => console.error(error))
`
  }
]

export const promiseTypicalApp = typicalApps.find((app) => app.id === "promise")

// ---------------------------------------------------------------------------------------------
// Effect users' marginal cost: an app that already uses effect/Effect, effect/Schema, effect/Layer
// and effect/http for its own API calls, without and with our signInSilent + getSession. The two
// sources differ only in where the access token comes from and in the layer.

const effectAppSource = ({ withAuth }) => `
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
${withAuth ? `import * as MonoCloud from "${OWN_PACKAGE}/effect"\n` : ""}
const Todo = Schema.Struct({ id: Schema.Number, title: Schema.String, completed: Schema.Boolean })
const Todos = Schema.Array(Todo)

const listTodos = (accessToken) =>
  Effect.gen(function* () {
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
    const request = HttpClientRequest.get("https://api.example.com/todos").pipe(
      HttpClientRequest.bearerToken(accessToken)
    )
    const response = yield* client.execute(request)
    return yield* HttpClientResponse.schemaBodyJson(Todos)(response)
  }).pipe(Effect.catchTag("SchemaError", () => Effect.succeed([])))
${
  withAuth
    ? `
const accessToken = Effect.gen(function* () {
  yield* MonoCloud.signInSilent().pipe(Effect.catchTag("MonoCloudOPError", () => Effect.void))
  const session = yield* MonoCloud.getSession
  return session?.accessTokens?.[0]?.accessToken ?? ""
})

const AppLayer = Layer.mergeAll(
  FetchHttpClient.layer,
  MonoCloud.layer({ tenantDomain: "${tenant}", clientId: "my-client" })
)
`
    : `
const accessToken = Effect.sync(() => window.localStorage.getItem("access_token") ?? "")

const AppLayer = Layer.mergeAll(FetchHttpClient.layer)
`
}
const program = Effect.gen(function* () {
  const todos = yield* listTodos(yield* accessToken)
  console.log(todos)
})

Effect.runPromise(program.pipe(Effect.provide(AppLayer))).catch((error) => console.error(error))
`

export const effectMarginalApps = {
  baseline: {
    id: "effect-app",
    name: "Effect app (Effect, Schema, Layer, http)",
    source: effectAppSource({ withAuth: false })
  },
  withAuth: {
    id: "effect-app-with-auth",
    name: `Effect app + ${OWN_PACKAGE}/effect signInSilent + getSession`,
    source: effectAppSource({ withAuth: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Bundling

export const esbuildOptions = {
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  define: { "process.env.NODE_ENV": '"production"' },
  alias: ownAliases,
  absWorkingDir: root,
  write: false,
  metafile: true,
  logLevel: "silent"
}

// Warnings that mean the entry source does not match the installed API (a misspelt import would
// otherwise shrink the bundle silently).
const fatalWarnings = new Set(["import-is-undefined"])

export async function bundleApp(app) {
  assertDistBuilt()
  mkdirSync(path.join(tmpDir, "out"), { recursive: true })
  const entry = path.join(tmpDir, `${app.id}.js`)
  writeFileSync(entry, app.source.trimStart())
  const result = await build({
    ...esbuildOptions,
    entryPoints: [entry],
    outfile: path.join(tmpDir, "out", `${app.id}.js`)
  })
  const fatal = result.warnings.filter((warning) => fatalWarnings.has(warning.id))
  if (fatal.length > 0) throw new Error(`${app.id}: ${fatal[0].text}`)
  const js = result.outputFiles.find((file) => file.path.endsWith(".js"))
  if (js === undefined) throw new Error(`${app.id}: esbuild produced no JavaScript output`)
  writeFileSync(js.path, js.contents)
  const bytes = js.contents
  const gzip = gzipSync(bytes, { level: 9 }).length
  const brotli = brotliCompressSync(bytes, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length
    }
  }).length
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {}
  return { raw: bytes.length, gzip, brotli, inputs, entry, output: js.path }
}

// Which package an esbuild metafile input path belongs to.
export const packageOf = (input) => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
  if (match) return match[1]
  if (input.startsWith("dist/")) return `${OWN_PACKAGE} (dist)`
  if (input.startsWith("bench/")) return "app entry"
  return input
}

// bytes in output per package, from bundleApp(...).inputs
export const bytesByPackage = (inputs) => {
  const byPackage = new Map()
  for (const [file, info] of Object.entries(inputs)) {
    if (info.bytesInOutput > 0)
      byPackage.set(packageOf(file), (byPackage.get(packageOf(file)) ?? 0) + info.bytesInOutput)
  }
  return byPackage
}

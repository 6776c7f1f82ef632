/**
 * The fault matrix, against the local oidc-provider in Chromium: for discovery, the provider's
 * keys, the token endpoint, UserInfo and the authorize endpoint, each fault (no answer, a slow
 * answer, a dropped connection, 500/502/503, an HTML page, truncated JSON, a redirect to another
 * origin; for the token endpoint also a response without `access_token` or with another
 * `token_type`) gets its documented typed error within the operation's deadline, leaves the stored
 * session byte for byte as it was, and the next call succeeds once the fault is gone.
 */
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import type { Fault } from "./provider/index.mjs"
import { waitForReady } from "./support/browser.js"
import { attempt, signedInAsNewUser, useStack, WITH_REFRESH_TOKEN, type Outcome } from "./support/sdkApp.js"

/** Short deadlines keep the matrix quick: each request 3 s, a whole silent sign-in 4 s. */
const HTTP_TIMEOUT_S = 3
const SILENT_TIMEOUT_S = 4
/** What a settled call may take beyond its deadline (timers, the page round trip, a busy machine). */
const SLACK_MS = 1_500

const stack = useStack()

const SESSION_KEY = "mc.session.spa"

type FaultSpec = Omit<Fault, "path">

/** How a call ended: `ok`, or the error's class and its `reason`/`operation`, e.g. `MonoCloudHttpError Decode`. */
const verdict = (outcome: Outcome<unknown>): string => {
  if (outcome.ok) return "ok"
  const { name, fields } = outcome.error
  const detail = fields["reason"] ?? fields["operation"] ?? fields["error"]
  return detail === undefined ? name : `${name} ${String(detail)}`
}

const never = () => new Promise<never>(() => {})

/** Stands for the endpoint's own time-out verdict in the table below. */
const TIMEOUT = "timeout"

/**
 * The faults every endpoint is tried with, and what a fetch-based step reports for each. Chromium
 * sends a request again once when a reused connection closes without an answer, so the dropping
 * fault drops every attempt.
 */
const COMMON_FAULTS: ReadonlyArray<readonly [string, FaultSpec, string]> = [
  ["never answers", { until: never }, TIMEOUT],
  ["answers after 2 s", { delayMs: 2_000 }, "ok"],
  ["drops the connection", { drop: true, times: 5 }, "MonoCloudHttpError Transport"],
  ["500", { status: 500, body: "Internal Server Error", contentType: "text/plain" }, "MonoCloudHttpError StatusCode"],
  ["502", { status: 502, body: "Bad Gateway", contentType: "text/plain" }, "MonoCloudHttpError StatusCode"],
  ["503", { status: 503, body: "Service Unavailable", contentType: "text/plain" }, "MonoCloudHttpError StatusCode"],
  [
    "an HTML page",
    { status: 200, body: "<!doctype html><h1>Down for maintenance</h1>", contentType: "text/html" },
    "MonoCloudHttpError Decode"
  ],
  [
    "truncated JSON",
    { status: 200, body: '{"issuer":"http://127.0.0.1', contentType: "application/json" },
    "MonoCloudHttpError Decode"
  ],
  [
    "a redirect to another origin",
    { status: 307, body: "", headers: { Location: "https://attacker.example/collect" } },
    "MonoCloudHttpError StatusCode"
  ]
]

interface Endpoint {
  readonly path: string
  /** Reload first, with the kept provider documents removed, so nothing of this endpoint is cached. */
  readonly reload: boolean
  readonly run: (page: Page) => Promise<Outcome<unknown>>
  /** The operation's deadline in ms. */
  readonly deadlineMs: number
  /** What its time-out reports, e.g. `MonoCloudTimeoutError refresh` (the whole refresh's deadline). */
  readonly timeout: string
}

const refresh = (page: Page) => attempt(page, () => window.client!.refreshSession())

const refreshing = { run: refresh, deadlineMs: HTTP_TIMEOUT_S * 1000, timeout: "MonoCloudTimeoutError refresh" }

const ENDPOINTS: Record<string, Endpoint> = {
  discovery: { path: "/.well-known/openid-configuration", reload: true, ...refreshing },
  jwks: { path: "/jwks", reload: true, ...refreshing },
  token: { path: "/token", reload: false, ...refreshing },
  userinfo: {
    path: "/me",
    reload: false,
    run: (page) => attempt(page, () => window.client!.refetchUserInfo()),
    deadlineMs: HTTP_TIMEOUT_S * 1000,
    timeout: "MonoCloudTimeoutError http"
  }
}

/** A context signed in by redirect with a refresh token, its client on the matrix's short deadlines. */
const signedIn = (prefix: string) =>
  signedInAsNewUser(stack, prefix, {
    client: { httpTimeout: HTTP_TIMEOUT_S, silentTimeout: SILENT_TIMEOUT_S },
    signIn: WITH_REFRESH_TOKEN
  })

const storedSession = (page: Page) => page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)

interface Row {
  readonly fault: string
  readonly outcome: string
  readonly inTime: boolean
  readonly sessionKept: boolean
  readonly next: string
}

/** Runs each fault once against `endpoint` and reports one row per fault. */
const runMatrix = async (
  page: Page,
  endpoint: Endpoint,
  faults: ReadonlyArray<readonly [string, FaultSpec, string]>
): Promise<Array<Row>> => {
  const rows: Array<Row> = []
  for (const [fault, spec] of faults) {
    if (endpoint.reload) {
      // a first visit: nothing of the provider's documents kept from an earlier page either
      await page.evaluate(() => {
        for (const key of Object.keys(localStorage)) {
          if (key.startsWith("mc.discovery.") || key.startsWith("mc.jwks.")) localStorage.removeItem(key)
        }
      })
      await page.reload()
      await waitForReady(page)
    }
    const before = await storedSession(page)
    stack.op.failNext({ path: endpoint.path, ...spec })
    const outcome = await endpoint.run(page)
    const after = await storedSession(page)
    stack.op.clearFaults()
    const next = await endpoint.run(page)
    rows.push({
      fault,
      outcome: verdict(outcome),
      inTime: outcome.ms < endpoint.deadlineMs + SLACK_MS,
      // a call that succeeded may have stored a renewed session; a failed one must not have touched it
      sessionKept: outcome.ok || after === before,
      next: verdict(next)
    })
  }
  return rows
}

const expectedRows = (endpoint: Endpoint, faults: ReadonlyArray<readonly [string, FaultSpec, string]>): Array<Row> =>
  faults.map(([fault, , outcome]) => ({
    fault,
    outcome: outcome === TIMEOUT ? endpoint.timeout : outcome,
    inTime: true,
    sessionKept: true,
    next: "ok"
  }))

describe("fault matrix", () => {
  it.each(Object.keys(ENDPOINTS))(
    "%s: each fault is a typed error in time, the session is kept, the next call succeeds",
    async (name) => {
      const { page } = await signedIn(`faults-${name}`)
      const endpoint = ENDPOINTS[name]!
      expect(await runMatrix(page, endpoint, COMMON_FAULTS)).toEqual(expectedRows(endpoint, COMMON_FAULTS))
    },
    180_000
  )

  it.each([
    ["no access_token", { transformJson: ({ access_token: _dropped, ...rest }) => rest }],
    ["token_type DPoP", { transformJson: (body) => ({ ...body, token_type: "DPoP" }) }]
  ] satisfies Array<[string, FaultSpec]>)(
    "token: a 200 response with %s is refused and the session kept; the spent grant cannot be used again",
    async (fault, spec) => {
      const { page } = await signedIn("faults-token-body")
      // The provider spent the grant before its answer was spoiled: the rotated refresh token it
      // carried is refused with the answer, so the next refresh presents the spent one. That is the
      // one fault a client cannot undo: the provider's reuse detection ends the grant, and even a
      // silent sign-in is told that the user must be asked again.
      expect(await runMatrix(page, ENDPOINTS["token"]!, [[fault, spec, ""]])).toEqual([
        {
          fault,
          outcome: "MonoCloudHttpError Decode",
          inTime: true,
          sessionKept: true,
          next: "MonoCloudOPError invalid_grant"
        }
      ])
      expect(verdict(await attempt(page, () => window.client!.signInSilent()))).toMatch(/^MonoCloudOPError /)
    },
    120_000
  )

  it("authorize (silent sign-in): each fault ends within silentTimeout, the session kept, the next one succeeds", async () => {
    const { page } = await signedIn("faults-authorize")
    const silent: Endpoint = {
      path: "/auth",
      reload: false,
      run: (p) => attempt(p, () => window.client!.signInSilent()),
      deadlineMs: SILENT_TIMEOUT_S * 1000,
      timeout: "MonoCloudTimeoutError signInSilent"
    }
    // The frame shows whatever the provider sends; only a callback ends the wait before the deadline.
    const faults = COMMON_FAULTS.map(
      ([fault, spec, outcome]) => [fault, spec, outcome === "ok" ? "ok" : TIMEOUT] as const
    )
    expect(await runMatrix(page, silent, faults)).toEqual(expectedRows(silent, faults))
  }, 180_000)
})

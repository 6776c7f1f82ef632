/**
 * Pushed authorization requests against oidc-provider in Chromium: a client registered with
 * `require_pushed_authorization_requests` signs in by redirect, popup and silently with the SDK's
 * `pushedAuthorizationRequests` option, and only `client_id` and `request_uri` travel through the
 * browser; without the option the provider refuses; a client that requires signed request
 * objects gets the SDK's typed refusal before the page leaves.
 */
import { beforeAll, describe, expect, it } from "vitest"
import { spaClient } from "./provider/index.mjs"
import {
  attempt,
  call,
  freshUser,
  signInByPopup,
  signInByRedirect,
  signInSilent,
  unwrap,
  useStack
} from "./support/sdkApp.js"
import { waitForReady } from "./support/browser.js"

const stack = useStack({ requestObjects: true })

beforeAll(async () => {
  await stack.op.addClient(
    spaClient({ clientId: "spa-par", origin: stack.app.origin, extra: { require_pushed_authorization_requests: true } })
  )
  await stack.op.addClient(
    spaClient({ clientId: "spa-jar", origin: stack.app.origin, extra: { require_signed_request_object: true } })
  )
})

const PAR_CLIENT = { clientId: "spa-par", pushedAuthorizationRequests: true }

/** The query parameter names of every authorization-endpoint request `page`'s context sends. */
const authorizeRequests = (context: import("playwright-core").BrowserContext, issuer: string) => {
  const seen: Array<Array<string>> = []
  context.on("request", (request) => {
    const url = new URL(request.url())
    if (url.origin === issuer && url.pathname === "/auth") seen.push([...url.searchParams.keys()].sort())
  })
  return seen
}

describe("pushed authorization requests", () => {
  it("a PAR-only client signs in by redirect, pushing the request first", async () => {
    const { context, page, logs } = await stack.open(PAR_CLIENT)
    const sent = authorizeRequests(context, stack.op.issuer)
    const since = Date.now()
    const session = await signInByRedirect(stack, page, { login: freshUser("par"), logs })
    expect(session.user.sub).toMatch(/^par-/)
    const pushes = stack.op.events.requestsTo("pushed_authorization_request").filter((r) => r.at >= since)
    expect(pushes.map((r) => [r.method, r.status])).toEqual([["POST", 201]])
    expect(sent[0]).toEqual(["client_id", "request_uri"])
  })

  it("a PAR-only client signs in in a popup and silently as well", async () => {
    const { page } = await stack.open(PAR_CLIENT)
    const login = freshUser("par-popup")
    const session = await signInByPopup(page, { login })
    expect(session?.user.sub).toBe(login)
    const since = Date.now()
    const silent = unwrap(await signInSilent(page))
    expect(silent.user.sub).toBe(login)
    const pushes = stack.op.events.requestsTo("pushed_authorization_request").filter((r) => r.at >= since)
    expect(pushes).toHaveLength(1)
  })

  it("without the option the provider refuses a PAR-only client's plain request", async () => {
    const { page } = await stack.open({ clientId: "spa-par" })
    const back = page.waitForURL((url) => url.href.startsWith(stack.app.url("/callback")), { waitUntil: "commit" })
    void page.evaluate(() => window.client!.signIn()).catch(() => undefined)
    await back
    await waitForReady(page)
    const outcome = await page.evaluate(() => window.callbackOutcome)
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        name: "MonoCloudOPError",
        error: "invalid_request",
        errorDescription: "Pushed Authorization Request must be used"
      }
    })
  })

  it("a client requiring signed request objects is refused with reason requestObject, and the page stays", async () => {
    const { page } = await stack.open({ clientId: "spa-jar", pushedAuthorizationRequests: true })
    const before = page.url()
    const outcome = await attempt(page, () => window.client!.signIn())
    expect(outcome.ok).toBe(false)
    expect(outcome.ok ? undefined : outcome.error).toMatchObject({
      name: "MonoCloudValidationError",
      fields: { reason: "requestObject" }
    })
    expect(page.url()).toBe(before)
    expect(await call(page, () => window.client!.getSession())).toBeUndefined()
  })
})

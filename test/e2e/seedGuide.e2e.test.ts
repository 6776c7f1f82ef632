/**
 * The user guide's three samples (silent sign-in, refresh, userinfo refetch),
 * run as written in the page against the built SDK and the local oidc-provider.
 * Only the import becomes `window.sdk` and `client` is `window.client`.
 */
import { describe, expect, it } from "vitest"
import { DEFAULT_API } from "./provider/index.mjs"
import { call, claimsOf, freshUser, getSession, signInByRedirect, useStack } from "./support/sdkApp.js"

const stack = useStack()

/**
 * The guide's prerequisites: refresh tokens through `offline_access`, and the
 * API the refresh sample narrows to allowed for the client (requested at sign-in,
 * else the provider answers `invalid_target`).
 */
const GUIDE_CLIENT = {
  defaultAuthParams: { scopes: "openid profile email offline_access" },
  resources: [{ resource: DEFAULT_API, scopes: "read:data" }]
}

/** Signs in a new user; oidc-provider grants `offline_access` only with `prompt=consent`. */
const signedIn = async (prefix: string) => {
  const opened = await stack.open(GUIDE_CLIENT)
  const login = freshUser(prefix)
  const session = await signInByRedirect(stack, opened.page, {
    login,
    logs: opened.logs,
    signIn: { prompt: "consent" }
  })
  return { ...opened, login, session }
}

/** The guide's silent sign-in sample, reporting which branch it took. */
const silentSample = async () => {
  const { MonoCloudOPError } = window.sdk
  const client = window.client!
  let outcome = "signed in"
  try {
    await client.signInSilent()
  } catch (error) {
    if (error instanceof MonoCloudOPError) {
      // user is not signed in
      outcome = `not signed in: ${error.error}`
    } else {
      throw error
    }
  }
  return outcome
}

describe("user guide: restore the session silently", () => {
  it("catches MonoCloudOPError when the user is not signed in, and restores the session when they are", async () => {
    const { page, logs } = await stack.open(GUIDE_CLIENT)
    expect(await call(page, silentSample)).toBe("not signed in: login_required")
    expect(await getSession(page)).toBeUndefined()

    const login = freshUser("guide-silent")
    await signInByRedirect(stack, page, { login, logs, signIn: { prompt: "consent" } })
    await page.evaluate(() => localStorage.clear())
    expect(await call(page, silentSample)).toBe("signed in")
    expect((await getSession(page))?.user.sub).toBe(login)
  })
})

describe("user guide: refresh the session", () => {
  it("refreshes, narrows to scopes and a resource, and catches a revoked refresh token", async () => {
    const { page, login, session } = await signedIn("guide-refresh")
    expect(session.refreshToken).toEqual(expect.any(String))

    const refreshed = await call(page, async () => {
      const client = window.client!
      await client.refreshSession()
      const session = await client.getSession()
      return session
    })
    expect(refreshed?.user.sub).toBe(login)
    expect(refreshed?.accessTokens?.[0]?.accessToken).not.toBe(session.accessTokens?.[0]?.accessToken)
    expect(refreshed?.refreshToken).not.toBe(session.refreshToken)

    const narrowed = await call(page, async () => {
      const client = window.client!
      await client.refreshSession({
        refreshGrantOptions: {
          scopes: "openid profile email offline_access",
          resource: "https://api.example.com"
        }
      })
      return client.getSession()
    })
    const apiToken = narrowed?.accessTokens?.find((t) => t.resource === DEFAULT_API)
    expect(apiToken, JSON.stringify(narrowed?.accessTokens)).toBeDefined()
    expect(claimsOf(apiToken!.accessToken)).toMatchObject({ aud: DEFAULT_API, sub: login })
    // the sign-in token is still there
    expect(narrowed?.accessTokens).toContainEqual(refreshed?.accessTokens?.[0])

    await stack.op.revokeGrantsFor(login)
    const revoked = await call(page, async () => {
      const { MonoCloudOPError } = window.sdk
      const client = window.client!
      try {
        await client.refreshSession()
      } catch (error) {
        if (error instanceof MonoCloudOPError) {
          // refresh token is no longer valid
          return `no longer valid: ${error.error}`
        } else {
          throw error
        }
      }
      return "refreshed"
    })
    expect(revoked).toBe("no longer valid: invalid_grant")
  })
})

describe("user guide: refetch the user profile", () => {
  it("updates session.user in place", async () => {
    const { page, login, session } = await signedIn("guide-userinfo")
    expect(session.user.name).toBe(login)
    stack.op.setProfile(login, { name: "Guide Reader" })

    const after = await call(page, async () => {
      const client = window.client!
      await client.refetchUserInfo()
      const session = await client.getSession()
      return session
    })
    expect(after?.user).toMatchObject({ sub: login, name: "Guide Reader", email: `${login}@example.com` })
  })
})

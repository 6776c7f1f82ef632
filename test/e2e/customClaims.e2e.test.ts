/**
 * Typed custom claims against oidc-provider in Chromium: a client with a `userSchema` hands out the
 * user as the app's Schema decodes it, and when the provider's claims stop fitting (UserInfo
 * refetched after the profile changed) the session is refused with `userClaims` while it stays
 * stored and its tokens keep working.
 */
import { describe, expect, it } from "vitest"
import { attempt, call, freshUser, signInByRedirect, unwrap, useStack } from "./support/sdkApp.js"

const stack = useStack()

describe("typed custom claims", () => {
  it("decodes the provider's claims with the app's schema, and refuses them once they stop fitting", async () => {
    const { page, logs } = await stack.open({}, { verifiedUsers: true })
    const login = freshUser("claims")
    stack.op.setProfile(login, { email_verified: true })
    await signInByRedirect(stack, page, { login, logs })
    const user = await call(page, async () => (await window.client!.getSession())?.user)
    expect(user).toMatchObject({ sub: login, email_verified: true, email: `${login}@example.com` })
    expect(typeof user?.updated_at).toBe("number")

    // the provider now says the email is not verified: UserInfo brings a user the schema refuses
    stack.op.setProfile(login, { email_verified: false })
    unwrap(await attempt(page, () => window.client!.refetchUserInfo()), logs)
    const refused = await attempt(page, () => window.client!.getSession())
    expect(refused.ok ? undefined : refused.error).toMatchObject({
      name: "MonoCloudValidationError",
      fields: { reason: "userClaims" }
    })
    // the session stays stored, with the provider's claims, and its tokens still work
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("mc.session.spa") ?? "null"))
    expect(stored?.session?.user).toMatchObject({ sub: login, email_verified: false })
    const tokens = await attempt(page, () => window.client!.getTokens())
    expect(tokens.ok).toBe(true)
  })
})

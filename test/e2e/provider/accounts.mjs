/**
 * In-memory end-user accounts for the test OpenID Provider.
 */

/** The account every demo and test signs in with unless told otherwise. */
export const DEMO_ACCOUNT = Object.freeze({
  sub: "demo",
  email: "demo@example.com",
  email_verified: true,
  name: "Demo User",
  given_name: "Demo",
  family_name: "User"
})

const epoch = () => Math.floor(Date.now() / 1000)

/**
 * Creates the account map. Unknown login names are created on first use
 * (`<login>@example.com`) so tests can sign in as any number of users.
 * @param {Array<{ sub: string } & Record<string, unknown>>} [seed]
 */
export function createAccounts(seed = [DEMO_ACCOUNT]) {
  /** @type {Map<string, Record<string, unknown>>} */
  const map = new Map()
  /** @type {Set<string>} */
  const deleted = new Set()

  const upsert = (sub, patch = {}) => {
    const current = map.get(sub) ?? {
      sub,
      email: `${sub}@example.com`,
      email_verified: false,
      name: sub,
      given_name: sub,
      family_name: ""
    }
    deleted.delete(sub)
    const next = { ...current, ...patch, sub, updated_at: epoch() }
    map.set(sub, next)
    return next
  }

  for (const account of seed) upsert(account.sub, account)

  /** oidc-provider `findAccount` implementation reading the live map. */
  const findAccount = async (_ctx, sub) => {
    if (deleted.has(sub)) return undefined
    if (!map.has(sub)) upsert(sub)
    return {
      accountId: sub,
      claims: async () => ({ ...map.get(sub) })
    }
  }

  /** Deletes an account: later token/userinfo requests for it fail. */
  const remove = (sub) => {
    map.delete(sub)
    deleted.add(sub)
  }

  return { map, upsert, remove, findAccount }
}

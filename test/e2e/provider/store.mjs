/**
 * In-memory storage for oidc-provider models.
 *
 * Unlike oidc-provider's bundled LRU adapter, every record can be enumerated,
 * which is what lets a test revoke all grants of one user or end their
 * provider session.
 */

const now = () => Math.floor(Date.now() / 1000)

const grantBound = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest"
])

/**
 * Creates a store and an adapter factory to pass as oidc-provider's `adapter`.
 * @returns {{ adapter: (model: string) => object, entries: (model: string) => Array<[string, any]>, remove: (model: string, id: string) => void, put: (model: string, id: string, payload: object, expiresIn?: number) => void }}
 */
export function createStore() {
  /** @type {Map<string, Map<string, { payload: any, expiresAt: number | undefined }>>} */
  const models = new Map()

  const table = (model) => {
    let t = models.get(model)
    if (!t) {
      t = new Map()
      models.set(model, t)
    }
    return t
  }

  const read = (model, id) => {
    if (id === undefined) return undefined
    const t = table(model)
    const row = t.get(id)
    if (!row) return undefined
    if (row.expiresAt !== undefined && row.expiresAt <= now()) {
      t.delete(id)
      return undefined
    }
    return row.payload
  }

  const put = (model, id, payload, expiresIn) => {
    table(model).set(id, { payload, expiresAt: expiresIn ? now() + expiresIn : undefined })
  }

  const entries = (model) =>
    [...table(model).keys()].flatMap((id) => {
      const payload = read(model, id)
      return payload === undefined ? [] : [[id, payload]]
    })

  const remove = (model, id) => {
    table(model).delete(id)
  }

  const adapter = (model) => ({
    async upsert(id, payload, expiresIn) {
      put(model, id, payload, expiresIn)
    },
    async find(id) {
      return read(model, id)
    },
    async findByUid(uid) {
      return entries(model).find(([, p]) => p.uid === uid)?.[1]
    },
    async findByUserCode(userCode) {
      return entries(model).find(([, p]) => p.userCode === userCode)?.[1]
    },
    async consume(id) {
      const payload = read(model, id)
      if (payload) payload.consumed = now()
    },
    async destroy(id) {
      remove(model, id)
    },
    async revokeByGrantId(grantId) {
      if (!grantBound.has(model)) return
      for (const [id, p] of entries(model)) {
        if (p.grantId === grantId) remove(model, id)
      }
    }
  })

  return { adapter, entries, remove, put }
}

import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import { LocalStorage, MemoryStorage, SessionStorage } from "../../src/storage.js"
import { storageBackends } from "./support/storages.js"

for (const backend of storageBackends) {
  describe(`${backend.name} (IStorage contract)`, () => {
    it("reads null for a missing key, what was written, and null again once removed", async () => {
      const storage = backend.make()
      expect(await storage.getItem("k")).toBeNull()
      await storage.setItem("k", "v1")
      await storage.setItem("other", "o")
      expect(await storage.getItem("k")).toBe("v1")
      await storage.setItem("k", "")
      expect(await storage.getItem("k")).toBe("")
      await storage.removeItem("k")
      expect(await storage.getItem("k")).toBeNull()
      expect(await storage.getItem("other")).toBe("o")
      await expect(storage.removeItem("never-written")).resolves.toBeUndefined()
    })

    it("keeps text as given: JSON, unicode, control characters, under keys like the SDK's", async () => {
      const storage = backend.make()
      for (const [key, value] of [
        ["mc.session.c", JSON.stringify({ version: 1, session: { user: { sub: "\u00e9" } } })],
        ["mc.txn.c.state-\u{1F511}", "\u00e9\u{1F511}\u0000\n"]
      ] as const) {
        await storage.setItem(key, value)
        expect(await storage.getItem(key)).toBe(value)
      }
    })
  })
}

describe("the Web Storage adapters", () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    localStorage.clear()
    sessionStorage.clear()
  })

  it("write to their own area, which every instance (every tab of the app) shares", async () => {
    localStorage.clear()
    sessionStorage.clear()
    await new LocalStorage().setItem("k", "local")
    await new SessionStorage().setItem("k", "session")
    expect(localStorage.getItem("k")).toBe("local")
    expect(sessionStorage.getItem("k")).toBe("session")
    expect(await new LocalStorage().getItem("k")).toBe("local")
    expect(await new SessionStorage().getItem("k")).toBe("session")
  })

  it("read the area when a method runs: without one, reads find nothing, removing succeeds, a write fails", async () => {
    const local = new LocalStorage()
    const session = new SessionStorage()
    vi.stubGlobal("localStorage", undefined)
    vi.stubGlobal("sessionStorage", undefined)
    for (const storage of [local, session]) {
      expect(await storage.getItem("k")).toBeNull()
      await expect(storage.removeItem("k")).resolves.toBeUndefined()
      await expect(storage.setItem("k", "v")).rejects.toThrow(/not available in this environment/)
    }
  })

  it("pass the area's own failure on (a full storage)", async () => {
    const quota = new DOMException("full", "QuotaExceededError")
    vi.stubGlobal("localStorage", {
      ...localStorage,
      setItem: () => {
        throw quota
      }
    })
    await expect(new LocalStorage().setItem("k", "v")).rejects.toBe(quota)
  })
})

describe("MemoryStorage", () => {
  it("keeps each instance's items to itself", async () => {
    const first = new MemoryStorage()
    await first.setItem("k", "v")
    expect(await new MemoryStorage().getItem("k")).toBeNull()
  })
})

import { describe, expect, it } from "@effect/vitest"
import type { MonoCloudSession, MonoCloudWebJSClient } from "../../src/index.js"
import * as Layer from "effect/Layer"
import * as SessionBroadcast from "../../src/services/SessionBroadcast.js"
import * as SessionStore from "../../src/services/SessionStore.js"
import { MemoryStorage } from "../../src/storage.js"
import { makeTestClient, makeTestPlatform } from "../../src/testing.js"
import { rejectsWith } from "./support/failures.js"
import { clientOptions, makeServer } from "./support/engine.js"

const eventually = async (check: () => void) => {
  for (let attempt = 0; ; attempt++) {
    try {
      return check()
    } catch (error) {
      if (attempt > 100) throw error
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
}

/** Two tabs of one app sharing their session storage, with no broadcast between them. */
const tabsWithoutBroadcast = async () => {
  const server = await makeServer()
  const shared = new MemoryStorage()
  const options = clientOptions(server)
  const tab = () => makeTestClient(options, Layer.merge(makeTestPlatform(server).layer, SessionStore.layer(shared)))
  return [tab(), tab()] as const
}

describe("MonoCloudWebJSClient.onSessionChange", () => {
  it("reports the session now and after changes in this tab and in another tab, until unsubscribed", async () => {
    const server = await makeServer()
    const shared = new MemoryStorage() // what localStorage is to two tabs
    const tab = () =>
      makeTestClient(
        clientOptions(server),
        Layer.mergeAll(
          makeTestPlatform(server).layer,
          SessionStore.layer(shared),
          SessionBroadcast.layerBrowser("mc.events.on-session-change-test")
        )
      )
    const first = tab()
    const second = tab()
    const seenInFirst: Array<string | undefined> = []
    const seenInSecond: Array<string | undefined> = []
    const subject = (session: MonoCloudSession | undefined) => session?.user.sub
    const stopFirst = first.onSessionChange((session) => seenInFirst.push(subject(session)))
    const stopSecond = second.onSessionChange((session) => seenInSecond.push(subject(session)))
    await eventually(() => expect([seenInFirst, seenInSecond]).toEqual([[undefined], [undefined]]))

    await first.signIn({ mode: "popup", popup: null })
    await eventually(() =>
      expect([seenInFirst, seenInSecond]).toEqual([
        [undefined, "user-1"],
        [undefined, "user-1"]
      ])
    )

    stopSecond()
    await first.signOut({ federatedSignOut: false })
    await eventually(() => expect(seenInFirst).toEqual([undefined, "user-1", undefined]))
    expect(seenInSecond).toEqual([undefined, "user-1"])
    stopFirst()
    await Promise.all([first.dispose(), second.dispose()])
  })

  it("reads another tab's write on its storage event, even when no broadcast came, and reports a change once", async () => {
    const [writer, reader] = await tabsWithoutBroadcast()
    const seen: Array<string | undefined> = []
    const stop = reader.onSessionChange((session) => seen.push(session?.user.sub))
    await eventually(() => expect(seen).toEqual([undefined]))
    // both platforms have no broadcast: only the storage event tells the reader
    await writer.signIn({ mode: "popup", popup: null })
    const storageEvent = () => window.dispatchEvent(new StorageEvent("storage", { key: "mc.session.test-client" }))
    storageEvent()
    await eventually(() => expect(seen).toEqual([undefined, "user-1"]))
    storageEvent()
    window.dispatchEvent(new StorageEvent("storage", { key: "some.other.key" }))
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(seen).toEqual([undefined, "user-1"])
    stop()
    await Promise.all([writer.dispose(), reader.dispose()])
  })
})

describe("MonoCloudWebJSClient.dispose", () => {
  it("makes every later call reject with MonoCloudJsError ClientDisposed", async () => {
    const server = await makeServer()
    const client = makeTestClient(clientOptions(server), makeTestPlatform(server).layer)
    expect(await client.getSession()).toBeUndefined()
    await client.dispose()
    for (const call of [() => client.getSession(), () => client.refreshSession(), () => client.processCallback()]) {
      const error = await rejectsWith(call(), "MonoCloudJsError")
      expect(error.reason).toBe("ClientDisposed")
    }
  })

  it("is disposed when an `await using` block that holds it ends", async () => {
    const server = await makeServer()
    let held: MonoCloudWebJSClient | undefined
    {
      await using client = makeTestClient(clientOptions(server), makeTestPlatform(server).layer)
      held = client
      expect(await client.getSession()).toBeUndefined()
    }
    const error = await rejectsWith(held.getSession(), "MonoCloudJsError")
    expect(error.reason).toBe("ClientDisposed")
  })

  it("reads the session again when the page comes back (back/forward cache, shown again, back online)", async () => {
    const [other, page] = await tabsWithoutBroadcast()
    const seen: Array<string | undefined> = []
    const stop = page.onSessionChange((session) => seen.push(session?.user.sub))
    await eventually(() => expect(seen).toEqual([undefined]))
    // while this page slept, another tab signed in and then out: no event reached it
    await other.signIn({ mode: "popup", popup: null })
    window.dispatchEvent(new Event("pageshow"))
    await eventually(() => expect(seen).toEqual([undefined, "user-1"]))
    await other.signOut({ federatedSignOut: false })
    window.dispatchEvent(new Event("online"))
    await eventually(() => expect(seen).toEqual([undefined, "user-1", undefined]))
    await other.signIn({ mode: "popup", popup: null })
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }))
    await eventually(() => expect(seen).toEqual([undefined, "user-1", undefined, "user-1"]))
    stop()
    await Promise.all([other.dispose(), page.dispose()])
  })

  it("keeps a listener that throws subscribed, and reports its error like an uncaught one", async () => {
    const server = await makeServer()
    const client = makeTestClient(
      clientOptions(server),
      Layer.merge(makeTestPlatform(server).layer, SessionBroadcast.layerBrowser("mc.events.throwing-listener-test"))
    )
    const reported: Array<unknown> = []
    const originalReport = globalThis.reportError
    globalThis.reportError = (error: unknown) => void reported.push(error)
    const seen: Array<string | undefined> = []
    const boom = new Error("listener bug")
    try {
      const stop = client.onSessionChange((session) => {
        seen.push(session?.user.sub)
        if (seen.length === 1) throw boom
      })
      await eventually(() => expect(reported).toEqual([boom]))
      await client.signIn({ mode: "popup", popup: null })
      await eventually(() => expect(seen).toEqual([undefined, "user-1"]))
      stop()
    } finally {
      globalThis.reportError = originalReport
      await client.dispose()
    }
  })
})

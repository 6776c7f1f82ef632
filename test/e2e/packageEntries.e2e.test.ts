/**
 * The built package, loaded by name in plain Node 20 (no DOM), as server-side rendering would:
 * every entry can be `require`d and `import`ed, and the promise client constructs without I/O.
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { REPO_ROOT } from "./support/serve.mjs"

const ENTRIES = [
  "@monocloud/auth-web-js",
  "@monocloud/auth-web-js/effect",
  "@monocloud/auth-web-js/testing",
  "@monocloud/auth-web-js/utils"
]

/** The machine's own Node (first `node` on PATH outside node_modules), which may be older than the one the tests run on. */
const machineNode = (process.env["PATH"] ?? "")
  .split(":")
  .filter((dir) => dir !== "" && !dir.includes("node_modules"))
  .map((dir) => join(dir, "node"))
  .find((candidate) => existsSync(candidate))

const runNode = (args: Array<string>, node = process.execPath) =>
  execFileSync(node, args, {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 20_000,
    stdio: ["ignore", "pipe", "pipe"]
  }).trim()

describe("package entries", () => {
  const nodes = [process.execPath, ...(machineNode === undefined ? [] : [machineNode])]
  it.each(nodes.flatMap((node) => ENTRIES.map((entry) => [entry, node] as const)))(
    "%s can be required and imported by name without a DOM (%s)",
    (entry, node) => {
      const required = runNode(
        ["-e", `console.log(Object.keys(require(${JSON.stringify(entry)})).sort().join(","))`],
        node
      )
      const imported = runNode(
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).sort().join(","))`
        ],
        node
      )
      expect(required.length).toBeGreaterThan(0)
      expect(imported).toBe(required)
    }
  )

  it("constructs the client and reads no session in Node, touching no browser global", () => {
    const script = `
      const { MonoCloudWebJSClient, MemoryStorage, MonoCloudOPError } = require("@monocloud/auth-web-js")
      const client = new MonoCloudWebJSClient({ tenantDomain: "acme.example.com", clientId: "c", appUrl: "https://app.example.com", storage: new MemoryStorage() })
      client.getSession().then((s) => console.log(typeof window, s === undefined, typeof MonoCloudOPError))
    `
    expect(runNode(["-e", script])).toBe("undefined true function")
  })

  it("reads no session in Node with the default storage, and says why getTokens and signIn cannot run", () => {
    const script = `
      const { MonoCloudWebJSClient } = require("@monocloud/auth-web-js")
      const client = new MonoCloudWebJSClient({ tenantDomain: "acme.example.com", clientId: "c", appUrl: "https://app.example.com" })
      const outcome = (promise) => promise.then((value) => String(value), (error) => error._tag + (error.reason === undefined ? "" : ":" + error.reason))
      Promise.all([outcome(client.getSession()), outcome(client.getTokens()), outcome(client.signIn())]).then(
        (outcomes) => { console.log(outcomes.join(" ")); return client.dispose() }
      )
    `
    expect(runNode(["-e", script])).toBe("undefined MonoCloudNotSignedInError MonoCloudJsError:NoBrowser")
  })

  it("keeps internals private", () => {
    expect(() => runNode(["-e", `require("@monocloud/auth-web-js/internal/tokenKey")`])).toThrow()
  })
})

/**
 * The package as a new app gets it: `npm pack`, installed into an empty folder (npm brings the
 * `effect` peer by itself), every entry imported and required by the machine's own Node, and the
 * README's quick starts type-checked against the installed declarations with `moduleResolution`
 * `bundler` and `node16` (`skipLibCheck: false`), plus a CommonJS project against `/testing`.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { REPO_ROOT } from "./support/serve.mjs"

const ENTRIES = ["", "/effect", "/testing", "/utils"].map((subpath) => `@monocloud/auth-web-js${subpath}`)
const TSC = join(REPO_ROOT, "node_modules/typescript/bin/tsc")

/** The machine's own Node (first `node` on PATH outside node_modules), else the one running the tests. */
const machineNode =
  (process.env["PATH"] ?? "")
    .split(":")
    .filter((dir) => dir !== "" && !dir.includes("node_modules"))
    .map((dir) => join(dir, "node"))
    .find((candidate) => existsSync(candidate)) ?? process.execPath

const run = (command: string, args: Array<string>, cwd: string) =>
  execFileSync(command, args, { cwd, encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] }).trim()

const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value, null, 2))

const compilerOptions = (module: string, moduleResolution: string) => ({
  target: "ES2022",
  module,
  moduleResolution,
  lib: ["ES2022", "DOM"],
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  noEmit: true,
  types: []
})

let app = ""

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), "monocloud-app-"))
  const tarball = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", app], REPO_ROOT)
  writeJson(join(app, "package.json"), { name: "new-app", version: "1.0.0", type: "module", private: true })
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(app, tarball.split("\n").at(-1)!)], app)
}, 180_000)

afterAll(() => {
  if (app !== "") rmSync(app, { recursive: true, force: true })
})

describe("the packed tarball in a new app", () => {
  it("brings effect 4 as the only other package", () => {
    const effect = JSON.parse(readFileSync(join(app, "node_modules/effect/package.json"), "utf8")) as {
      version: string
    }
    expect(effect.version).toMatch(/^4\./)
    expect(existsSync(join(app, "node_modules/jose"))).toBe(false)
  })

  it.each(ENTRIES)(`%s can be imported and required by the machine's Node (${machineNode})`, (entry) => {
    const required = run(
      machineNode,
      ["-e", `console.log(Object.keys(require(${JSON.stringify(entry)})).sort().join())`],
      app
    )
    const imported = run(
      machineNode,
      ["--input-type=module", "-e", `console.log(Object.keys(await import(${JSON.stringify(entry)})).sort().join())`],
      app
    )
    expect(required.length).toBeGreaterThan(0)
    expect(imported).toBe(required)
  })

  it.each([
    ["bundler", "esnext"],
    ["node16", "node16"]
  ])("type-checks the README quick starts with moduleResolution %s", (moduleResolution, module) => {
    const blocks = [...readFileSync(join(REPO_ROOT, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)]
    expect(blocks.length).toBeGreaterThan(1)
    const files = blocks.map((block, index) => {
      writeFileSync(join(app, `quick-start-${index}.ts`), `export {}\n${block[1]}`)
      return `quick-start-${index}.ts`
    })
    writeFileSync(
      join(app, "ambient.d.ts"),
      "declare const render: (session: unknown) => void\ndeclare const signInButton: HTMLButtonElement\n"
    )
    writeJson(join(app, `tsconfig.${moduleResolution}.json`), {
      compilerOptions: compilerOptions(module, moduleResolution),
      files: [...files, "ambient.d.ts"]
    })
    expect(() => run(process.execPath, [TSC, "-p", `tsconfig.${moduleResolution}.json`], app)).not.toThrow()
  })

  it("type-checks a CommonJS project against /testing (module node20, as effect 4 is ESM-only)", () => {
    const project = join(app, "cjs")
    run("mkdir", ["-p", project], app)
    writeJson(join(project, "package.json"), { name: "cjs-app", private: true, type: "commonjs" })
    writeFileSync(
      join(project, "check.ts"),
      [
        'import { makeScriptedAuthorizationServer, makeTestClient, makeTestPlatform } from "@monocloud/auth-web-js/testing"',
        "export const start = async () => {",
        "  const server = await makeScriptedAuthorizationServer()",
        "  const options = { tenantDomain: server.issuer, clientId: server.clientId, appUrl: 'http://localhost:3000' }",
        "  return makeTestClient(options, makeTestPlatform(server).layer).getSession()",
        "}"
      ].join("\n")
    )
    writeJson(join(project, "tsconfig.json"), {
      compilerOptions: { ...compilerOptions("node20", "node16"), exactOptionalPropertyTypes: false },
      files: ["check.ts"]
    })
    expect(() => run(process.execPath, [TSC, "-p", "tsconfig.json"], project)).not.toThrow()
  })
})

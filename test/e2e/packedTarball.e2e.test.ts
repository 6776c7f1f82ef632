/**
 * The package as a new app gets it: `npm pack`, installed into an empty folder (npm brings the
 * `effect` peer by itself), every entry imported and required by the machine's own Node, and the
 * README's quick starts type-checked against the installed declarations with `moduleResolution`
 * `bundler` and `node16` (`skipLibCheck: false`), plus a CommonJS project against `/testing`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, type Dirent } from "node:fs"
import { dirname, join, relative } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { REPO_ROOT } from "./support/serve.mjs"
import { createTarballApp, readmeTsBlocks, removeTarballApp, run, writeJson } from "./support/tarballApp.js"

const ENTRIES = ["", "/effect", "/testing", "/utils"].map((subpath) => `@monocloud/auth-web-js${subpath}`)
const TSC = join(REPO_ROOT, "node_modules/typescript/bin/tsc")

/** The machine's own Node (first `node` on PATH outside node_modules), else the one running the tests. */
const machineNode =
  (process.env["PATH"] ?? "")
    .split(":")
    .filter((dir) => dir !== "" && !dir.includes("node_modules"))
    .map((dir) => join(dir, "node"))
    .find((candidate) => existsSync(candidate)) ?? process.execPath

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
  app = createTarballApp()
}, 180_000)

afterAll(() => removeTarballApp(app))

describe("the packed tarball in a new app", () => {
  it("brings effect 4 as the only other package", () => {
    const effect = JSON.parse(readFileSync(join(app, "node_modules/effect/package.json"), "utf8")) as {
      version: string
    }
    expect(effect.version).toMatch(/^4\./)
    expect(existsSync(join(app, "node_modules/jose"))).toBe(false)
  })

  it("ships what a user reads and runs, nothing else, and every relative link of its Markdown resolves inside it", () => {
    const installed = join(app, "node_modules/@monocloud/auth-web-js")
    const files = (readdirSync(installed, { recursive: true, withFileTypes: true }) as Array<Dirent>)
      .filter((entry) => entry.isFile())
      .map((entry) => relative(installed, join(entry.parentPath, entry.name)))
    const topLevel = new Set(files.map((file) => file.split("/")[0]))
    expect([...topLevel].sort()).toEqual(
      ["CHANGELOG.md", "LICENSE", "README.md", "dist", "docs", "effect", "package.json", "testing", "utils"].sort()
    )
    const markdown = files.filter((file) => file.endsWith(".md"))
    expect(markdown).toEqual(expect.arrayContaining(["README.md", "docs/README.md", "docs/monocloud-setup.md"]))
    const broken = markdown.flatMap((file) =>
      [...readFileSync(join(installed, file), "utf8").matchAll(/\]\(([^)\s]+)\)/g)]
        .map((link) => link[1]!.split("#")[0]!)
        .filter((target) => target !== "" && !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(join(installed, dirname(file), target)))
        .map((target) => `${file} → ${target}`)
    )
    expect(broken).toEqual([])
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
    const blocks = readmeTsBlocks()
    expect(blocks.length).toBeGreaterThan(1)
    const files = blocks.map((block, index) => {
      writeFileSync(join(app, `quick-start-${index}.ts`), `export {}\n${block}`)
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

/**
 * A new app that installs only the packed package: `npm pack` of the repository (its `dist/` as
 * `npm run build` left it) installed into an empty temporary folder, npm bringing the `effect` peer.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { REPO_ROOT } from "./serve.mjs"

/** Runs `command` in `cwd` and resolves with its trimmed standard output (throws on a non-zero exit). */
export const run = (command: string, args: Array<string>, cwd: string): string =>
  execFileSync(command, args, { cwd, encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] }).trim()

export const writeJson = (file: string, value: unknown): void => writeFileSync(file, JSON.stringify(value, null, 2))

/** The README of the repository, as a new app's developer reads it. */
export const readReadme = (): string => readFileSync(join(REPO_ROOT, "README.md"), "utf8")

/** The bodies of the README's ```ts code blocks, in order. */
export const readmeTsBlocks = (readme = readReadme()): Array<string> =>
  [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((block) => block[1]!)

/**
 * Packs the package and installs the tarball into a new folder under the system's temporary
 * directory (an ESM `package.json` named `new-app`); resolves with that folder. Takes up to a
 * few minutes on a busy machine: call it from a `beforeAll` with a generous timeout.
 */
export function createTarballApp(prefix = "monocloud-app-"): string {
  const app = mkdtempSync(join(tmpdir(), prefix))
  const tarball = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", app], REPO_ROOT)
  writeJson(join(app, "package.json"), { name: "new-app", version: "1.0.0", type: "module", private: true })
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(app, tarball.split("\n").at(-1)!)], app)
  return app
}

/** Deletes a folder made by `createTarballApp` (no-op for `""`). */
export function removeTarballApp(app: string): void {
  if (app !== "") rmSync(app, { recursive: true, force: true })
}

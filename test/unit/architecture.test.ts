/**
 * The source folders depend one way, bottom to top: errors, schemas and the storage adapters;
 * leaf helpers (`util/`); the configuration; the services (the only code that touches browser
 * globals); the protocol steps (`internal/`); the operations; the entries, the promise client and
 * `/testing`. A module may import from its own layer or the ones below it, never from a layer above.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"

const SRC = join(import.meta.dirname, "../../src")

const FOLDER_LAYERS: Readonly<Record<string, number>> = { schemas: 0, util: 1, services: 3, internal: 4, operations: 5 }

/** The top-level modules below the services; every other one (entries, client) is at the top. */
const TOP_LEVEL_LAYERS: Readonly<Record<string, number>> = {
  "MonoCloudError.ts": 0,
  "storage.ts": 0,
  "callbackMessage.ts": 0,
  "MonoCloudConfig.ts": 2
}

const layerOf = (file: string): number => {
  const [first, second] = relative(SRC, file).split("/")
  if (second === undefined) return TOP_LEVEL_LAYERS[first!] ?? 6
  return FOLDER_LAYERS[first!] ?? 6
}

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

const relativeImports = (file: string): Array<string> =>
  [...readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g)].map((match) =>
    join(file, "..", `${match[1]}.ts`)
  )

describe("source folders", () => {
  it("import only from their own layer or the layers below", () => {
    const upward = sourceFiles(SRC).flatMap((file) =>
      relativeImports(file)
        .filter((target) => layerOf(target) > layerOf(file))
        .map((target) => `${relative(SRC, file)} -> ${relative(SRC, target)}`)
    )
    expect(upward).toEqual([])
  })

  it("touch browser globals only in services, the storage adapters and the test fakes", () => {
    const globals = /\b(window|document|navigator|localStorage|sessionStorage|crypto\.subtle|BroadcastChannel)\b\s*[.(]/
    const touching = sourceFiles(SRC)
      .filter((file) => !/\/(services|testing)\//.test(file) && !file.endsWith("/storage.ts"))
      .filter((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .some((line) => !/^\s*(\*|\/\/|\/\*\*)/.test(line) && globals.test(line))
      )
      .map((file) => relative(SRC, file))
    expect(touching).toEqual([])
  })
})

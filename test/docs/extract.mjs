// Pulls the TypeScript examples out of the documentation so that `tsc -p test/docs/tsconfig.json`
// type-checks them against `src/`:
//
//   node test/docs/extract.mjs && tsc -p test/docs/tsconfig.json
//
// Convention for fenced code blocks in README.md and docs/**/*.md:
//
// - ```ts (or ```typescript) is an example that must compile. Each block becomes its own module,
//   `.tmp/docs-examples/<page>-<n>.ts` (`<page>` is the Markdown path with `/` turned into `-`,
//   `<n>` counts the page's ts blocks from 1), so blocks never see each other's names. The
//   package names `@monocloud/auth-web-js`, `/effect`, `/testing` and `/utils` resolve to `src/`
//   (see tsconfig.json beside this file). A fragment may use the few globals declared in
//   `test/docs/ambient.d.ts`; anything else it uses it declares itself (`declare const client:
//   MonoCloudWebJSClient`).
// - ```ts nocheck is TypeScript that is not compiled: a deliberately wrong or partial example.
// - Any other fence language (sh, json, text, html, ...) is not compiled.
//
// Line L of a generated file is line L of the block, so an error at `<page>-<n>.ts(L,C)` is on
// the L-th line after the opening fence; the last line of each file names the page and the line
// of its opening fence. The output folder is emptied first, so a removed block leaves no file.
//
// The prose is checked too where it spells out an operation's error or requirement type: after
// an alias of the Effect entry (`SignInError`, `SignInRequirements`, ...), a list of backticked
// error classes or services (`MonoCloudOPError | MonoCloudHttpError`, or `Crypto`, `Discovery`
// and `OidcHttp`; "server errors" stands for the four of docs/effect.md; a class narrowed to some
// reasons is spelled as its type, `Because<MonoCloudUsageError, "returnUrl">`) is a claim that the alias
// is exactly that union. Each claim becomes one line of `.tmp/docs-examples/api-claims.ts`, with
// the page and line it comes from in a comment; a wrong list fails there with "Type 'true' is not
// assignable to type 'false'". An alias followed by anything else (a sentence, another name) is no
// claim.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { dirname, join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const outDir = join(root, ".tmp", "docs-examples")
const checkedLanguages = new Set(["ts", "typescript"])
const knownFlags = new Set(["nocheck"])

/** The operations whose error and requirement aliases the Effect entry exports. */
const operations = [
  "SignIn",
  "ProcessCallback",
  "SignInSilent",
  "RefreshSession",
  "RefetchUserInfo",
  "GetTokens",
  "GetSession",
  "SignOut",
  "RevokeToken"
]
const aliases = new Set(operations.flatMap((name) => [`${name}Error`, `${name}Requirements`]))
/** The names a claim may list, as types of `@monocloud/auth-web-js/effect` (imported as `M`). */
const claimTypes = new Map([
  ...[
    "MonoCloudOPError",
    "MonoCloudHttpError",
    "MonoCloudTimeoutError",
    "MonoCloudValidationError",
    "MonoCloudUsageError",
    "MonoCloudNotSignedInError",
    "MonoCloudTokenError",
    "MonoCloudJsError",
    "MonoCloudStorageError",
    "MonoCloudConfig"
  ].map((name) => [name, `M.${name}`]),
  ...[
    "Crypto",
    "Discovery",
    "InFlight",
    "Navigation",
    "OidcHttp",
    "RefreshLock",
    "SessionBroadcast",
    "SessionStore",
    "SilentFrame",
    "TransactionStore"
  ].map((name) => [name, `M.${name}.${name}`]),
  ["PopupTransport", "M.PopupWindow.PopupTransport"]
])
/** An error class narrowed to some reasons, spelled as the type is: `Because<MonoCloudUsageError, "returnUrl" | "scope">`. */
const narrowed = /^Because<(\w+), ("\w+"(?: \| "\w+")*)>$/

/** The type a listed name stands for, or `undefined` when it is none a claim may list. */
const claimType = (name) => {
  const because = narrowed.exec(name)
  if (because === null) return claimTypes.get(name)
  const error = claimTypes.get(because[1])
  return error === undefined ? undefined : `M.Because<${error}, ${because[2]}>`
}

const serverErrors = ["MonoCloudOPError", "MonoCloudHttpError", "MonoCloudTimeoutError", "MonoCloudValidationError"]

/** README.md, then every Markdown file under docs/, in a stable order. */
const markdownFiles = async () => {
  const found = []
  const walk = async (dir) => {
    const entries = await readdir(dir, { withFileTypes: true })
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.name.endsWith(".md")) found.push(path)
    }
  }
  await walk(join(root, "docs"))
  return [join(root, "README.md"), ...found]
}

/**
 * The fenced blocks of a Markdown text: `{ language, flags, line, code }`, `line` being the
 * 1-based line of the opening fence. Fences may be indented (inside list items); that
 * indentation is removed from the block's lines.
 */
const fencedBlocks = (text, page) => {
  const lines = text.split(/\r?\n/)
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i])
    if (open === null) continue
    const [, indent, fence, info] = open
    const [language = "", ...flags] = info.trim().split(/\s+/).filter(Boolean)
    const body = []
    let j = i + 1
    const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`)
    while (j < lines.length && !close.test(lines[j])) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart())
      j++
    }
    if (j === lines.length) throw new Error(`${page}:${i + 1}: code fence is never closed`)
    blocks.push({ language: language.toLowerCase(), flags, line: i + 1, code: body.join("\n") })
    i = j
  }
  return blocks
}

/**
 * The units of prose a list may not cross: each paragraph or list item (its lines joined), each
 * table row, each heading; fenced blocks are left out. `{ text, lineAt(offset) }`.
 */
const proseUnits = (text) => {
  const units = []
  let unit = null
  let fence = null
  const close = () => {
    if (unit !== null) units.push(unit)
    unit = null
  }
  text.split(/\r?\n/).forEach((line, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)
    if (fence !== null || marker !== null) {
      close()
      if (marker !== null && (fence === null || (marker[1][0] === fence[0] && marker[1].length >= fence.length))) {
        fence = fence === null ? marker[1] : null
      }
      return
    }
    const trimmed = line.trim()
    const startsUnit = trimmed === "" || /^(\||#|[-*+] |\d+\. )/.test(trimmed)
    if (startsUnit || (unit !== null && unit.table)) close()
    if (trimmed === "") return
    if (unit === null) unit = { text: "", starts: [], table: trimmed.startsWith("|") }
    else unit.text += " "
    unit.starts.push({ offset: unit.text.length, line: index + 1 })
    unit.text += trimmed
  })
  close()
  return units.map(({ text, starts }) => ({
    text,
    lineAt: (offset) => starts.filter((start) => start.offset <= offset).at(-1).line
  }))
}

/**
 * The error and requirement lists the prose gives for an alias: `{ alias, names, line }`, read
 * from the pieces of each prose unit outside and inside backticks.
 */
const aliasClaims = (text) => {
  const claims = []
  for (const unit of proseUnits(text)) {
    let current = null
    const finish = () => {
      if (current !== null && current.names.length > 0) claims.push(current)
      current = null
    }
    let offset = 0
    unit.text.split("`").forEach((piece, i) => {
      const at = offset
      offset += piece.length + 1
      if (i % 2 === 1) {
        const unescaped = piece.replaceAll("\\|", "|")
        const names = narrowed.test(unescaped) ? [unescaped] : unescaped.split("|").map((name) => name.trim())
        if (names.length === 1 && aliases.has(names[0])) {
          finish()
          current = { alias: names[0], names: [], line: unit.lineAt(at) }
        } else if (current !== null && names.every((name) => claimType(name) !== undefined)) {
          current.names.push(...names)
        } else finish()
      } else if (current !== null) {
        const rest = piece.replace(/server errors/g, () => {
          current.names.push(...serverErrors)
          return ""
        })
        // Only separators may stand between the names of one list; a table cell ends it.
        if (!/^[\s,:]*(?:(?:is|and)[\s,:]*)*$/.test(rest)) finish()
      }
    })
    finish()
  }
  return claims
}

await rm(outDir, { recursive: true, force: true })
await mkdir(outDir, { recursive: true })

let written = 0
let unchecked = 0
const problems = []
const claims = []
for (const file of await markdownFiles()) {
  const page = relative(root, file).split(sep).join("/")
  const name = page.replace(/\.md$/, "").replaceAll("/", "-")
  const text = await readFile(file, "utf8")
  let n = 0
  for (const block of fencedBlocks(text, page)) {
    if (!checkedLanguages.has(block.language)) continue
    const unknown = block.flags.filter((flag) => !knownFlags.has(flag))
    if (unknown.length > 0) problems.push(`${page}:${block.line}: unknown fence flag(s) ${unknown.join(" ")}`)
    n++
    if (block.flags.includes("nocheck")) {
      unchecked++
      continue
    }
    // `export {}` makes every block a module: its own scope, and top-level `await` is allowed.
    const trailer = `export {} // ${page}, block ${n} (fence on line ${block.line}); generated by test/docs/extract.mjs\n`
    await writeFile(join(outDir, `${name}-${n}.ts`), `${block.code}\n${trailer}`)
    written++
  }
  for (const claim of aliasClaims(text)) claims.push({ ...claim, page })
}

const claimLines = claims.map(({ alias, names, page, line }, i) => {
  const union = [...new Set(names)].map(claimType).join(" | ")
  return `// ${page}:${line}\nexport const claim${i + 1}: Same<M.${alias}, ${union}> = true`
})
await writeFile(
  join(outDir, "api-claims.ts"),
  [
    "// The error and requirement lists the documentation gives for an alias; generated by test/docs/extract.mjs.",
    'import type * as M from "@monocloud/auth-web-js/effect"',
    "type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false",
    ...claimLines,
    "export {}",
    ""
  ].join("\n")
)

if (problems.length > 0) {
  console.error(problems.join("\n"))
  process.exit(1)
}
if (written === 0) {
  console.error("test/docs/extract.mjs: no ts blocks found")
  process.exit(1)
}
console.log(
  `test/docs/extract.mjs: ${written} ts block(s) written to ${relative(root, outDir)}/` +
    (unchecked > 0 ? `, ${unchecked} marked nocheck` : "") +
    `; ${claims.length} error/requirement list(s) in api-claims.ts`
)

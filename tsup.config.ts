import { defineConfig, type Options } from "tsup"

// One output file per source module in both formats, so an app's bundler keeps only the modules it
// uses, and every declaration file keeps its module's name. `dist/cjs/package.json` marks the
// CommonJS tree; the declarations (from `tsc -p tsconfig.build.json`) are copied into both trees.
const perModule: Options = {
  entry: ["src/**/*.ts"],
  bundle: false,
  sourcemap: true,
  target: "es2022",
  platform: "browser",
  dts: false,
  outExtension: () => ({ js: ".js" })
}

export default defineConfig([
  { ...perModule, format: ["esm"], outDir: "dist/esm" },
  { ...perModule, format: ["cjs"], outDir: "dist/cjs" }
])

import { defineConfig } from "tsup"

export default defineConfig({
  entry: {
    index: "src/index.ts",
    effect: "src/effect.ts",
    testing: "src/testing.ts",
    utils: "src/utils.ts"
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: "es2022",
  platform: "browser",
  external: [/^effect(\/.*)?$/, /^@effect\//]
})

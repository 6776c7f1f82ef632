// Lint rules: typescript-eslint's recommended set; formatting is Prettier's job (`npm run format:check`).
import js from "@eslint/js"
import globals from "globals"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "demo/public/", "test/e2e/app/build/", ".tmp/", "bench/.tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }
      ],
      "@typescript-eslint/no-empty-object-type": "off",
      "no-duplicate-imports": ["error", { allowSeparateTypeImports: true }],
      "require-yield": "off"
    }
  }
)

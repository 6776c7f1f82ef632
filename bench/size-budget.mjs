// CI size budget: bundles the promise "typical app" exactly as the bench table does (same source,
// same esbuild options: bench/bundles.mjs) and fails when its gzip -9 size is over budget.
// Builds nothing: run `npm run build` first.
//
// Exit codes: 0 within budget, 1 over budget, 2 the app could not be bundled (dist/ missing or
// broken).

import { TARGETS, bundleApp, promiseTypicalApp } from "./bundles.mjs"

const BUDGET = TARGETS.promiseTypicalBudgetGzip

try {
  const { gzip } = await bundleApp(promiseTypicalApp)
  console.log(`promise typical app: ${gzip} bytes gzip (budget ${BUDGET})`)
  if (gzip > BUDGET) {
    console.error(`size budget exceeded by ${gzip - BUDGET} bytes`)
    process.exitCode = 1
  }
} catch (error) {
  console.error(
    `size budget: could not bundle the promise typical app: ${error instanceof Error ? error.message : String(error)}`
  )
  process.exitCode = 2
}

import { defineConfig } from "vitest/config";

/**
 * Two projects. `unit`: worker threads that keep their module cache from one test file to the next (not isolated),
 * so a module is loaded once per worker instead of once per file — loading modules, not running tests, was most of
 * the unit tests' time. `isolated`: a process per file, for everything with process-wide state: the tests that capture
 * the app's function registrations, and every integration and end-to-end test. (Vitest builds one pool per pool kind
 * for the whole run, so the two projects differ by pool: isolation is a pool option.)
 */
const OWN_PROCESS = [
  "tests/unit/functions/registrations.test.ts",
  "tests/unit/functions/composition.test.ts",
  "tests/unit/functions/debtor-actions/debtor-actions.test.ts",
  "tests/unit/application/webhooks/registrations.test.ts",
  "tests/unit/devhost/invoker.test.ts",
];

export default defineConfig({
  test: {
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    poolOptions: { threads: { isolate: false }, forks: { isolate: true } },
    // The JSON report lets CI print a plain "N passed, N failed" closing line.
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest-report.json" }]],
    projects: [
      {
        extends: true,
        test: { name: "unit", pool: "threads", include: ["tests/unit/**/*.test.ts"], exclude: OWN_PROCESS },
      },
      {
        extends: true,
        test: {
          name: "isolated",
          pool: "forks",
          include: [...OWN_PROCESS, "tests/integration/**/*.test.ts", "tests/e2e/**/*.test.ts"],
        },
      },
    ],
  },
});

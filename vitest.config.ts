import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export const alias = [
  { find: /^~db\//, replacement: fileURLToPath(new URL("./db/", import.meta.url)) },
  { find: /^~\//, replacement: fileURLToPath(new URL("./app/", import.meta.url)) },
];

/**
 * `npm test`: unit tests beside the code (app/**) and database/HTTP tests (tests/**). The database is a
 * fresh one per test file: on the server at DATABASE_URL when it is set, embedded PGlite otherwise.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/fail-on-console-error.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: process.env.CI ? ["default", "junit"] : ["default"],
    outputFile: { junit: "test-results/junit.xml" },
  },
});

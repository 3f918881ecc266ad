import { defineConfig } from "vitest/config";
import { alias } from "./vitest.config";

/** `npm run test:e2e`: Playwright (playwright-core) driving Debian Chromium against a real server. */
export default defineConfig({
  resolve: { alias },
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 120_000,
    // A browser round trip (action, revalidation, SSE) can take seconds on a loaded CI machine.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: "forks",
    reporters: process.env.CI ? ["default", "junit"] : ["default"],
    outputFile: { junit: "test-results/junit-e2e.xml" },
  },
});

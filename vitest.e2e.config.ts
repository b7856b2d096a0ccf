import path from "node:path";
import { defineConfig } from "vitest/config";

/** Browser end-to-end tests: playwright-core driving Debian's /usr/bin/chromium against a real server. */
export default defineConfig({
  resolve: {
    alias: {
      "@": import.meta.dirname,
      "server-only": path.join(import.meta.dirname, "tests/stubs/server-only.ts"),
    },
  },
  test: {
    environment: "node",
    // The security suite's checks of the served app (headers, cookies, sessions) run here too.
    include: ["tests/e2e/**/*.e2e.ts", "tests/security/**/*.e2e.ts"],
    globalSetup: ["tests/e2e/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: "forks",
    // CI retries a failed test once and names every test that needed it (tests/setup/flaky-reporter.ts).
    retry: process.env.CI ? 1 : 0,
    reporters: ["default", "./tests/setup/flaky-reporter.ts"],
    env: { TZ: "UTC" },
  },
});

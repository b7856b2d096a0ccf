import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": import.meta.dirname,
      "server-only": path.join(import.meta.dirname, "tests/stubs/server-only.ts"),
    },
  },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    // .next*: the build folders of NEXT_DIST_DIR=.next-<you> (DEVELOPING) hold node_modules with tests of their own.
    exclude: ["node_modules/**", ".next*/**", ".data/**", "tests/e2e/**"],
    globalSetup: ["tests/setup/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // CI retries a failed test once and names every test that needed it (tests/setup/flaky-reporter.ts).
    retry: process.env.CI ? 1 : 0,
    reporters: ["default", "./tests/setup/flaky-reporter.ts"],
    env: { TZ: "UTC", MANIFOLD_TEST: "1" },
  },
});

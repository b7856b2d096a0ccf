import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Unit tests only: the `*.test.ts` files that sit next to the code. No database and no global setup,
 * so the inner loop runs in seconds (`npm run test:unit`); `npm test` stays the whole suite.
 */
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
    exclude: ["node_modules/**", ".next*/**", ".data/**", "tests/**"],
    env: { TZ: "UTC", MANIFOLD_TEST: "1" },
  },
});

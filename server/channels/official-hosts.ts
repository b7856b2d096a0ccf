import type { PlatformCode } from "./types";

/**
 * The hosts a marketplace's API, token and consent pages live on. An endpoint setting of an account
 * (`settings.baseUrl`, Amazon's `lwaUrl` / `sellerCentralUrl`) is taken only when it is https on one of
 * them: these calls carry the app's own secrets (LWA client secret, partner-key signatures), so a
 * merchant-typed URL there would send them — and the server's network position — wherever it pointed.
 */
const OFFICIAL_HOSTS: Record<PlatformCode, RegExp> = {
  shopify: /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/,
  amazon: /^([a-z0-9-]+\.)*amazon\.(com|ca|com\.mx|com\.br|co\.uk|de|fr|it|es|nl|se|pl|com\.tr|ae|sa|eg|in|co\.jp|com\.au|sg|com\.be)$/,
  shopee: /^([a-z0-9-]+\.)*(shopeemobile\.com|shopee\.cn)$/,
  lazada: /^(api|auth)\.lazada\.(sg|com\.my|co\.th|vn|com\.ph|co\.id|com)$/,
};

/** Account settings that name an endpoint of the platform. */
export const ENDPOINT_SETTINGS = ["baseUrl", "lwaUrl", "sellerCentralUrl"] as const;

export function isOfficialPlatformUrl(platform: PlatformCode, value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const u = new URL(value);
    return u.protocol === "https:" && !u.username && !u.password && !u.port && OFFICIAL_HOSTS[platform].test(u.hostname);
  } catch {
    return false;
  }
}

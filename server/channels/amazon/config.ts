import { isOfficialPlatformUrl } from "../official-hosts";
import type { ChannelAccountRef } from "../types";
import { AMAZON_USAGE_PLANS, sharedAmazonLimiter, type AmazonOperation, type TokenBucketLimiter, type UsagePlan } from "./rate-limiter";

/** How hard to try before giving a failure back to the channels service. */
export type RetryPolicy = {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** First backoff; doubles per attempt, with full jitter, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-request timeout; a timed-out request is retried like a 5xx. */
  timeoutMs: number;
};

const envNumber = (v: string | undefined, fallback: number) => (v && Number(v) > 0 ? Number(v) : fallback);

/**
 * Read at call time, so a deployment (or a test) can tune it without rebuilding connectors:
 * CHANNEL_HTTP_TIMEOUT_MS is the same knob the other connectors use; CHANNEL_RETRY_BASE_MS the first backoff.
 */
function defaultRetry(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  return { maxAttempts: 5, baseDelayMs: envNumber(env.CHANNEL_RETRY_BASE_MS, 1_000), maxDelayMs: 30_000, timeoutMs: envNumber(env.CHANNEL_HTTP_TIMEOUT_MS, 20_000) };
}

/** The developer application (one per Manifold installation), not a seller's secret. */
export type AmazonAppConfig = {
  /** Solution id `amzn1.sp.solution.…` used in the consent URL. */
  applicationId: string;
  /** LWA client credentials. */
  clientId: string;
  clientSecret: string;
  /** Draft apps need `version=beta` on the consent URL. */
  draftApp?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Longest wait for a rate-limit token before giving `rate_limited` back (default 5 s). */
  maxThrottleWaitMs?: number;
  limiter?: TokenBucketLimiter;
  /** Starting plans per operation; Amazon's defaults unless a seller's plan is known to differ. */
  usagePlans?: Partial<Record<AmazonOperation, UsagePlan>>;
  /**
   * getOrders MaxResultsPerPage (1–100). Each order then costs a getOrderItems (and an address) call at
   * 0.5/s, so 50 keeps one page near two minutes — well inside a pull run's heartbeat — while getOrders'
   * one-a-minute restore is never the bottleneck.
   */
  pageSize?: number;
  /** Wall clock, injectable so tests can move it together with a simulator's clock. */
  now?: () => number;
  /** "v0" keeps the deprecated Orders v0 pull (retired 2027-03-27); default Orders 2026-01-01. */
  ordersApi?: "v0" | "2026-01-01";
};

/** Credentials the Amazon simulator accepts out of the box; used by dev and tests when no env is set. */
export const AMAZON_SIMULATOR_APP = {
  applicationId: "amzn1.sp.solution.manifold-sim",
  clientId: "amzn1.application-oa2-client.manifold-sim",
  clientSecret: "manifold-sim-lwa-secret",
} as const;

/** App credentials from the environment; in development without them, the simulator's. */
export function amazonAppConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AmazonAppConfig {
  const { AMAZON_SP_APP_ID, AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET } = env;
  if (AMAZON_SP_APP_ID && AMAZON_LWA_CLIENT_ID && AMAZON_LWA_CLIENT_SECRET) {
    return {
      applicationId: AMAZON_SP_APP_ID,
      clientId: AMAZON_LWA_CLIENT_ID,
      clientSecret: AMAZON_LWA_CLIENT_SECRET,
      draftApp: env.AMAZON_SP_DRAFT_APP === "1",
    };
  }
  return { ...AMAZON_SIMULATOR_APP };
}

export type ResolvedAmazonConfig = Required<Omit<AmazonAppConfig, "retry" | "usagePlans" | "ordersApi">> & {
  ordersApi?: AmazonAppConfig["ordersApi"];
  retry: () => RetryPolicy;
  usagePlans: Record<AmazonOperation, UsagePlan>;
};

export function resolveAmazonConfig(config: AmazonAppConfig): ResolvedAmazonConfig {
  return {
    draftApp: false,
    maxThrottleWaitMs: 5_000,
    limiter: sharedAmazonLimiter,
    pageSize: 50,
    now: Date.now,
    ...config,
    retry: () => ({ ...defaultRetry(), ...config.retry }),
    usagePlans: { ...AMAZON_USAGE_PLANS, ...config.usagePlans },
  };
}

const isAmazonHost = (url: string) => /(^|\.)amazon\.(com|co\.uk|co\.jp|de|fr|it|es|com\.au|sg|ca|com\.mx|com\.br|in|ae|nl|se|pl|com\.tr|sa|eg|com\.be)$/i.test(new URL(url).hostname);

/**
 * SP-API's three regions, each with its own API host, LWA token host and Seller Central consent host
 * ("SP-API endpoints"; "Website authorization workflow"). A seller's marketplaces decide the region:
 * NA = US, CA, MX, BR; EU = UK, DE, FR, IT, ES, NL, SE, PL, TR, AE, SA, EG, IN, BE; FE = JP, AU, SG.
 */
export const AMAZON_REGIONS = {
  NA: { spApi: "https://sellingpartnerapi-na.amazon.com", lwaToken: "https://api.amazon.com/auth/o2/token", sellerCentral: "https://sellercentral.amazon.com" },
  EU: { spApi: "https://sellingpartnerapi-eu.amazon.com", lwaToken: "https://api.amazon.co.uk/auth/o2/token", sellerCentral: "https://sellercentral-europe.amazon.com" },
  FE: { spApi: "https://sellingpartnerapi-fe.amazon.com", lwaToken: "https://api.amazon.co.jp/auth/o2/token", sellerCentral: "https://sellercentral.amazon.co.jp" },
} as const;
export type AmazonRegion = keyof typeof AMAZON_REGIONS;

/** The account's region (`settings.region`: NA, EU or FE; default NA). */
export function amazonRegionOf(settings: Record<string, unknown>): AmazonRegion {
  const r = typeof settings.region === "string" ? settings.region.trim().toUpperCase() : "";
  return r === "EU" || r === "FE" ? r : "NA";
}

/**
 * Where SP-API, LWA and Seller Central are for this account: the account region's hosts
 * (`settings.lwaUrl` / `settings.sellerCentralUrl` override, Amazon hosts only, e.g.
 * sellercentral.amazon.com.au for an Australian seller; a real account's SP-API host is its base URL).
 * A simulator account reaches the same regional hosts through the simulator, which serves each Amazon
 * host at `<base>/<host>` (tests/simulators/amazon): the connector picks hosts the same way for both, and
 * the simulator refuses another region's host as Amazon does.
 */
export function amazonEndpoints(account: ChannelAccountRef) {
  const base = account.baseUrl.replace(/\/+$/, "");
  const s = account.settings as { lwaUrl?: unknown; sellerCentralUrl?: unknown };
  const real = isAmazonHost(base);
  const region = AMAZON_REGIONS[amazonRegionOf(account.settings)];
  // Overrides count only on Amazon's own hosts (rows saved before that rule included).
  const chosen = {
    spApi: real ? base : region.spApi,
    lwaToken: isOfficialPlatformUrl("amazon", s.lwaUrl) ? s.lwaUrl : region.lwaToken,
    sellerCentral: isOfficialPlatformUrl("amazon", s.sellerCentralUrl) ? s.sellerCentralUrl.replace(/\/+$/, "") : region.sellerCentral,
  };
  if (real) return chosen;
  const viaSimulator = (url: string) => {
    const u = new URL(url);
    return `${base}/${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  };
  return { spApi: viaSimulator(chosen.spApi), lwaToken: viaSimulator(chosen.lwaToken), sellerCentral: viaSimulator(chosen.sellerCentral) };
}

/** Marketplace ids configured on the account (`settings.marketplaceIds`), or null to discover them. */
export function configuredMarketplaceIds(account: ChannelAccountRef): string[] | null {
  const ids = (account.settings as { marketplaceIds?: unknown }).marketplaceIds;
  if (Array.isArray(ids) && ids.length > 0 && ids.every((x) => typeof x === "string")) return ids as string[];
  if (typeof ids === "string" && ids.trim()) return ids.split(",").map((x) => x.trim()).filter(Boolean);
  return null;
}

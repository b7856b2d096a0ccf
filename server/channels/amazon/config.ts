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
export function defaultRetry(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
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

export type ResolvedAmazonConfig = Required<Omit<AmazonAppConfig, "retry" | "usagePlans">> & {
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

const isAmazonHost = (url: string) => /(^|\.)amazon\.com$/i.test(new URL(url).hostname);

/**
 * Where LWA and Seller Central are for this account. Real SP-API endpoints use the public LWA host; a
 * simulator serves all three at its base URL. `settings.lwaUrl` / `settings.sellerCentralUrl` override.
 */
export function amazonEndpoints(account: ChannelAccountRef) {
  const base = account.baseUrl.replace(/\/+$/, "");
  const s = account.settings as { lwaUrl?: unknown; sellerCentralUrl?: unknown };
  const real = isAmazonHost(base);
  return {
    spApi: base,
    lwaToken: typeof s.lwaUrl === "string" ? s.lwaUrl : real ? "https://api.amazon.com/auth/o2/token" : `${base}/auth/o2/token`,
    sellerCentral:
      typeof s.sellerCentralUrl === "string"
        ? s.sellerCentralUrl.replace(/\/+$/, "")
        : real
          ? "https://sellercentral.amazon.com"
          : base,
  };
}

/** Marketplace ids configured on the account (`settings.marketplaceIds`), or null to discover them. */
export function configuredMarketplaceIds(account: ChannelAccountRef): string[] | null {
  const ids = (account.settings as { marketplaceIds?: unknown }).marketplaceIds;
  if (Array.isArray(ids) && ids.length > 0 && ids.every((x) => typeof x === "string")) return ids as string[];
  if (typeof ids === "string" && ids.trim()) return ids.split(",").map((x) => x.trim()).filter(Boolean);
  return null;
}

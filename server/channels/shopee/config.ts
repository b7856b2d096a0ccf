import { ChannelError, type ChannelAccountRef } from "../types";

type ShopeeRetryPolicy = {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** Wait after error_rate_limit: Shopee's limits are per second, so one full window. */
  rateLimitWaitMs: number;
  /** Throttle waits per call before giving rate_limited back (they do not count against maxAttempts). */
  maxRateLimitWaits: number;
};

const envNumber = (v: string | undefined, fallback: number) => (v && Number(v) > 0 ? Number(v) : fallback);

/** Read at call time: CHANNEL_HTTP_TIMEOUT_MS (shared by all connectors) and CHANNEL_RETRY_BASE_MS. */
function defaultShopeeRetry(env: NodeJS.ProcessEnv = process.env): ShopeeRetryPolicy {
  return {
    maxAttempts: 5,
    baseDelayMs: envNumber(env.CHANNEL_RETRY_BASE_MS, 1_000),
    maxDelayMs: 30_000,
    timeoutMs: envNumber(env.CHANNEL_HTTP_TIMEOUT_MS, 20_000),
    rateLimitWaitMs: 1_000,
    maxRateLimitWaits: 30,
  };
}

/** The partner app (one per Manifold installation). The partner key signs every call and every push. */
export type ShopeePartnerConfig = {
  partnerId: number;
  partnerKey: string;
  retry?: Partial<ShopeeRetryPolicy>;
  /** get_order_list page_size (1–100). */
  pageSize?: number;
  /** The push callback URL registered in the Shopee console; it is part of the push signature. */
  pushCallbackUrl?: string;
  /** Wall clock (seconds go into every signature); injectable so tests can move it with a simulator. */
  now?: () => number;
};

/** The partner the Shopee simulator knows out of the box; used by dev and tests when no env is set. */
export const SHOPEE_SIMULATOR_PARTNER = {
  partnerId: 2000001,
  partnerKey: "6d616e69666f6c642d73696d2d73686f7065652d706172746e65722d6b6579",
} as const;

export function shopeePartnerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ShopeePartnerConfig {
  const id = Number(env.SHOPEE_PARTNER_ID);
  const pushCallbackUrl = env.SHOPEE_PUSH_CALLBACK_URL || undefined;
  if (Number.isInteger(id) && id > 0 && env.SHOPEE_PARTNER_KEY) {
    return { partnerId: id, partnerKey: env.SHOPEE_PARTNER_KEY, pushCallbackUrl };
  }
  return { ...SHOPEE_SIMULATOR_PARTNER, pushCallbackUrl };
}

export type ResolvedShopeeConfig = Required<Omit<ShopeePartnerConfig, "retry" | "pushCallbackUrl">> & {
  retry: () => ShopeeRetryPolicy;
  pushCallbackUrl: string | null;
};

export function resolveShopeeConfig(config: ShopeePartnerConfig): ResolvedShopeeConfig {
  return {
    pageSize: 100,
    now: Date.now,
    ...config,
    pushCallbackUrl: config.pushCallbackUrl ?? null,
    retry: () => ({ ...defaultShopeeRetry(), ...config.retry }),
  };
}

export const shopeeBase = (account: ChannelAccountRef) => account.baseUrl.replace(/\/+$/, "");

/** The authorized shop's id as Shopee wants it (an integer). */
export function shopIdOf(account: ChannelAccountRef): number {
  const id = Number(account.externalShopId);
  if (!Number.isInteger(id) || id <= 0) throw new ChannelError("invalid_request", "Shopee account has no shop_id yet; authorize it first");
  return id;
}

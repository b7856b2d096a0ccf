import { ChannelError } from "../types";

/** An SP-API usage plan: `rate` requests per second restored into a bucket of `burst`. */
export type UsagePlan = { rate: number; burst: number };

/**
 * Token bucket per (selling partner, operation), the way SP-API meters calls ("Usage plans and rate
 * limits"). A caller takes a token before each request: when one is free it goes at once; when the
 * next token is near (≤ maxWaitMs) it waits for it; otherwise it gets `rate_limited` with the wait, so a
 * pull job can be rescheduled instead of holding a worker for a minute per getOrders call.
 *
 * Waiting callers reserve their token (the level goes negative), so concurrent callers in one process
 * queue up instead of stampeding. The bucket refills at 90% of the plan's rate: requests reach Amazon
 * with jitter, and spacing them exactly 1/rate apart would now and then arrive a hair early. Buckets live in process memory: run one pull per account at a time
 * (the scheduler's singleton key) — the platform's 429 remains the backstop across processes.
 */
const SAFETY = 0.9;

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number; rate: number; burst: number }>();

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  private bucket(key: string, plan: UsagePlan) {
    let b = this.buckets.get(key);
    const now = this.clock();
    if (!b) {
      b = { tokens: plan.burst, updatedAt: now, rate: plan.rate, burst: plan.burst };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(b.burst, b.tokens + ((now - b.updatedAt) / 1000) * b.rate * SAFETY);
      b.updatedAt = now;
    }
    return b;
  }

  /** Take one token, waiting up to `maxWaitMs` for it. */
  async acquire(key: string, plan: UsagePlan, maxWaitMs: number): Promise<void> {
    const b = this.bucket(key, plan);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const waitMs = Math.ceil(((1 - b.tokens) / (b.rate * SAFETY)) * 1000);
    if (waitMs > maxWaitMs) {
      throw new ChannelError("rate_limited", `Amazon ${key.split(":").pop()} quota is used up; next call in ${waitMs} ms`, {
        retryAfterMs: waitMs,
      });
    }
    b.tokens -= 1;
    await this.sleep(waitMs);
  }

  /** The platform said 429: our bucket was optimistic, so start from empty. */
  drain(key: string, plan: UsagePlan) {
    const b = this.bucket(key, plan);
    b.tokens = Math.min(b.tokens, 0);
  }

  /** `x-amzn-RateLimit-Limit`: the rate the platform applies to this seller and app right now. */
  setRate(key: string, plan: UsagePlan, rate: number) {
    if (!Number.isFinite(rate) || rate <= 0) return;
    const b = this.bucket(key, plan);
    b.rate = rate;
  }

  /** For tests and diagnostics. */
  peek(key: string): { tokens: number; rate: number; burst: number } | null {
    const b = this.buckets.get(key);
    return b ? { tokens: b.tokens, rate: b.rate, burst: b.burst } : null;
  }
}

/** Default plans of the operations this connector uses (Orders v0, Listings Items 2021-08-01, Sellers v1). */
export const AMAZON_USAGE_PLANS = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrderItems: { rate: 0.5, burst: 30 },
  getOrderAddress: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  patchListingsItem: { rate: 5, burst: 5 },
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
  /** Orders API 2026-01-01 (orders_2026-01-01.json): one call in three minutes after a burst of 20. */
  searchOrders: { rate: 0.0056, burst: 20 },
  /** Orders v0, restricted: needs a Restricted Data Token. */
  getOrderBuyerInfo: { rate: 0.5, burst: 30 },
  /** Tokens API 2021-03-01 (tokens_2021-03-01.json). */
  createRestrictedDataToken: { rate: 1, burst: 10 },
  /** Finances v0 (financesV0.json; the same 0.5/30 in the docs corpus' SDK copies of it). */
  listFinancialEventGroups: { rate: 0.5, burst: 30 },
  listFinancialEventsByGroupId: { rate: 0.5, burst: 30 },
} as const satisfies Record<string, UsagePlan>;

export type AmazonOperation = keyof typeof AMAZON_USAGE_PLANS;

/** One limiter per process, shared by every connector instance, so buckets survive between calls. */
export const sharedAmazonLimiter = new TokenBucketLimiter();

import { ChannelError, type ChannelAccountRef, type ChannelCredentials } from "../types";
import { shopeeBase, shopIdOf, type ResolvedShopeeConfig } from "./config";
import { shopeeSign } from "./sign";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Every v2 answer: `{ request_id, error, message, warning?, response? }` (token calls put fields at top level). */
export type ShopeeEnvelope<T = unknown> = {
  request_id?: string;
  error?: string;
  message?: string;
  warning?: string;
  response?: T;
} & Record<string, unknown>;

/*
 * The envelope `error` codes this client acts on, each as Shopee's API reference lists it (the
 * error_list of the v2 APIs the connector calls, read in the stored scrapes of open.shopee.com:
 * lazykern/ecommerce-api-docs data/raw/shopee/apis and congminh1254/shopee-sdk schemas/, 2026-08).
 * The HTTP status that comes with each is not documented; codes decide, whatever the status.
 */
/** "Try again later": error_server "Something wrong. Please try later.", error_inner, error_network "Inner http call failed", error_system_busy. */
const TRANSIENT = new Set(["error_server", "error_inner", "error_network", "error_system_busy"]);
/** "Too many requests. You have reached the rate limit. Please try again later." (+ the ads module's tiered codes). */
const THROTTLED = new Set(["error_rate_limit", "ads.rate_limit.exceed_api", "ads.rate_limit.exceed_partner_api", "ads.rate_limit.exceed_shop_api"]);
/**
 * error_limit is two things in the reference: the app's daily call quota ("The total API call number
 * made by your APP has reached the daily API call limit, please try again after 00: 00 (UTC+08:00)")
 * and, in a few APIs, "Core server error.". Only the first is a quota.
 */
const DAILY_QUOTA = (code: string, message: string) => code === "error_limit" && /daily api call limit/i.test(message);
/**
 * error_auth means "Invalid access_token." — but also "No permission to current api." and, in
 * product.update_stock, business refusals ("Total stock must be more than reserved stock."…), which a
 * token refresh would not fix. Only the token message is an expired token.
 */
const EXPIRED_TOKEN = (code: string, message: string) => code === "error_auth" && /invalid access_?token/i.test(message);

/** Milliseconds until the next 00:00 UTC+08:00 (when Shopee resets the daily call quota). */
export function untilShopeeQuotaReset(nowMs: number): number {
  const day = 86_400_000;
  const utc8 = nowMs + 8 * 3_600_000;
  return day - (utc8 % day);
}

/** Map an envelope error to the ChannelError kind the channels service acts on. */
export function shopeeError(operation: string, status: number, body: ShopeeEnvelope, opts: { shopCall: boolean; nowMs?: number }): ChannelError {
  const code = body.error || `HTTP${status}`;
  const message = body.message ?? "";
  const text = `Shopee ${operation}: ${code} ${message}`.trim();
  const o = { status, platformCode: code };
  if (DAILY_QUOTA(code, message)) return new ChannelError("rate_limited", text, { ...o, retryAfterMs: untilShopeeQuotaReset(opts.nowMs ?? Date.now()) });
  if (status === 429 || THROTTLED.has(code)) return new ChannelError("rate_limited", text, o);
  if (status >= 500 || TRANSIENT.has(code)) return new ChannelError("upstream", text, o);
  if (code === "error_sign") return new ChannelError("signature", text, o);
  if (opts.shopCall && EXPIRED_TOKEN(code, message)) return new ChannelError("auth_expired", text, o);
  return new ChannelError("invalid_request", text, o);
}

type ShopeeCall = {
  operation: string;
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Shop APIs carry access_token + shop_id in the query and in the signature; public APIs don't. */
  shop?: { account: ChannelAccountRef; credentials: ChannelCredentials };
};

/**
 * One signed call to Open Platform v2: fresh timestamp and signature on every attempt (they are valid for
 * five minutes) and the envelope's error turned into a ChannelError.
 *
 * Two kinds of retry, budgeted apart:
 *  - failures (5xx, error_server-type codes, timeouts, dropped connections): capped exponential backoff
 *    with jitter, at most `maxAttempts` tries;
 *  - throttling (error_rate_limit, HTTP 429): Shopee's limits are calls per second per partner and per
 *    shop, so waiting less than a second only spends calls the window refuses — wait a full window
 *    (`rateLimitWaitMs`, plus up to a quarter of it as jitter, or Retry-After when sent) and try again,
 *    up to `maxRateLimitWaits` times; these waits do not use up `maxAttempts`. The daily quota
 *    (error_limit) is not retried: it is rate_limited with the wait until 00:00 UTC+8.
 */
export async function shopeeCall<T = unknown>(cfg: ResolvedShopeeConfig, baseUrl: string, call: ShopeeCall): Promise<ShopeeEnvelope<T>> {
  if (call.shop?.credentials.accessTokenExpiresAt && call.shop.credentials.accessTokenExpiresAt.getTime() <= cfg.now()) {
    throw new ChannelError("auth_expired", "Shopee access token has expired", { platformCode: "error_auth" });
  }
  const policy = cfg.retry();
  let failures = 0;
  let throttles = 0;
  let lastError: ChannelError | null = null;
  for (;;) {
    const timestamp = Math.floor(cfg.now() / 1000);
    const url = new URL(baseUrl.replace(/\/+$/, "") + call.path);
    url.searchParams.set("partner_id", String(cfg.partnerId));
    url.searchParams.set("timestamp", String(timestamp));
    if (call.shop) {
      const shopId = shopIdOf(call.shop.account);
      url.searchParams.set("access_token", call.shop.credentials.accessToken);
      url.searchParams.set("shop_id", String(shopId));
      url.searchParams.set(
        "sign",
        shopeeSign({ partnerKey: cfg.partnerKey, partnerId: cfg.partnerId, path: call.path, timestamp, accessToken: call.shop.credentials.accessToken, shopId }),
      );
    } else {
      url.searchParams.set("sign", shopeeSign({ partnerKey: cfg.partnerKey, partnerId: cfg.partnerId, path: call.path, timestamp }));
    }
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));

    let failure: ChannelError;
    try {
      const res = await fetch(url, {
        method: call.method,
        headers: { accept: "application/json", ...(call.body !== undefined ? { "content-type": "application/json" } : {}) },
        body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      let body: ShopeeEnvelope<T>;
      const text = await res.text();
      try {
        body = (text ? JSON.parse(text) : {}) as ShopeeEnvelope<T>;
      } catch {
        body = { error: res.ok ? "error_data" : `HTTP${res.status}`, message: text.slice(0, 200) };
      }
      if (res.ok && !body.error) return body;
      const err = shopeeError(call.operation, res.status, body, { shopCall: Boolean(call.shop), nowMs: cfg.now() });
      if (err.kind === "rate_limited") {
        if (err.opts.retryAfterMs !== undefined) throw err; // the daily quota: not before 00:00 UTC+8
        if (++throttles > policy.maxRateLimitWaits) throw err;
        const retryAfter = Number(res.headers.get("retry-after"));
        const window = policy.rateLimitWaitMs + Math.round(Math.random() * (policy.rateLimitWaitMs / 4));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.max(retryAfter * 1000, window) : window);
        continue;
      }
      if (err.kind !== "upstream") throw err;
      failure = err;
    } catch (e) {
      if (e instanceof ChannelError) throw e;
      const timedOut = (e as Error)?.name === "TimeoutError" || (e as Error)?.name === "AbortError";
      failure = new ChannelError("upstream", `Shopee ${call.operation} ${timedOut ? "timed out" : "unreachable"}: ${(e as Error).message}`, {
        platformCode: timedOut ? "TIMEOUT" : "NETWORK",
      });
    }
    lastError = failure;
    if (++failures >= policy.maxAttempts) break;
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
    await sleep(Math.max(Math.round(policy.baseDelayMs / 2), Math.round(Math.random() * ceiling)));
  }
  throw lastError ?? new ChannelError("upstream", `Shopee ${call.operation} failed`);
}

export const shopCall = <T>(cfg: ResolvedShopeeConfig, account: ChannelAccountRef, credentials: ChannelCredentials, call: Omit<ShopeeCall, "shop">) =>
  shopeeCall<T>(cfg, shopeeBase(account), { ...call, shop: { account, credentials } });

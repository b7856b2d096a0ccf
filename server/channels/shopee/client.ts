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

/** Error codes Shopee uses for "try again later". */
const TRANSIENT = new Set(["error_server", "error_inner", "error_network", "error_system_busy", "error_busi_system_busy"]);
const THROTTLED = new Set(["error_too_frequent", "error_too_many_request", "error_rate_limit"]);
/** Expired and invalid access tokens; the docs say error_auth, the platform has also been seen spelling it this way. */
const TOKEN_ERRORS = new Set(["error_auth", "invalid_acceess_token", "invalid_access_token", "error_token"]);

/** Map an envelope error to the ChannelError kind the channels service acts on. */
export function shopeeError(operation: string, status: number, body: ShopeeEnvelope, opts: { shopCall: boolean }): ChannelError {
  const code = body.error || `HTTP${status}`;
  const text = `Shopee ${operation}: ${code} ${body.message ?? ""}`.trim();
  const o = { status, platformCode: code };
  if (status === 429 || THROTTLED.has(code)) return new ChannelError("rate_limited", text, o);
  if (status >= 500 || TRANSIENT.has(code)) return new ChannelError("upstream", text, o);
  if (code === "error_sign") return new ChannelError("signature", text, o);
  if (opts.shopCall && TOKEN_ERRORS.has(code) && !/permission/i.test(body.message ?? "")) return new ChannelError("auth_expired", text, o);
  return new ChannelError("invalid_request", text, o);
}

export type ShopeeCall = {
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
 * five minutes), retries for throttling, 5xx, error_server-type codes and timeouts with capped
 * exponential backoff, and the envelope's error turned into a ChannelError.
 */
export async function shopeeCall<T = unknown>(cfg: ResolvedShopeeConfig, baseUrl: string, call: ShopeeCall): Promise<ShopeeEnvelope<T>> {
  if (call.shop?.credentials.accessTokenExpiresAt && call.shop.credentials.accessTokenExpiresAt.getTime() <= cfg.now()) {
    throw new ChannelError("auth_expired", "Shopee access token has expired", { platformCode: "error_auth" });
  }
  const policy = cfg.retry();
  let lastError: ChannelError | null = null;
  for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
    if (attempt > 0) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.max(lastError?.opts.retryAfterMs ?? 0, Math.round(policy.baseDelayMs / 2), Math.round(Math.random() * ceiling)));
    }
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

    let res: Response;
    try {
      res = await fetch(url, {
        method: call.method,
        headers: { accept: "application/json", ...(call.body !== undefined ? { "content-type": "application/json" } : {}) },
        body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
    } catch (e) {
      const timedOut = (e as Error)?.name === "TimeoutError" || (e as Error)?.name === "AbortError";
      lastError = new ChannelError("upstream", `Shopee ${call.operation} ${timedOut ? "timed out" : "unreachable"}: ${(e as Error).message}`, {
        platformCode: timedOut ? "TIMEOUT" : "NETWORK",
      });
      continue;
    }
    let body: ShopeeEnvelope<T>;
    const text = await res.text();
    try {
      body = (text ? JSON.parse(text) : {}) as ShopeeEnvelope<T>;
    } catch {
      body = { error: res.ok ? "error_data" : `HTTP${res.status}`, message: text.slice(0, 200) };
    }
    if (res.ok && !body.error) return body;
    const err = shopeeError(call.operation, res.status, body, { shopCall: Boolean(call.shop) });
    if (err.kind === "rate_limited" || err.kind === "upstream") {
      const retryAfter = Number(res.headers.get("retry-after"));
      lastError = Number.isFinite(retryAfter) && retryAfter > 0 ? new ChannelError(err.kind, err.message, { ...err.opts, retryAfterMs: retryAfter * 1000 }) : err;
      continue;
    }
    throw err;
  }
  throw lastError ?? new ChannelError("upstream", `Shopee ${call.operation} failed`);
}

export const shopCall = <T>(cfg: ResolvedShopeeConfig, account: ChannelAccountRef, credentials: ChannelCredentials, call: Omit<ShopeeCall, "shop">) =>
  shopeeCall<T>(cfg, shopeeBase(account), { ...call, shop: { account, credentials } });

import { ChannelError, type ChannelAccountRef, type ChannelCredentials } from "../types";
import { amazonEndpoints, type ResolvedAmazonConfig, type RetryPolicy } from "./config";
import type { AmazonOperation } from "./rate-limiter";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Capped exponential backoff with full jitter (AWS Builders' Library). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.max(Math.round(policy.baseDelayMs / 2), Math.round(random() * ceiling));
}

/** SP-API error body: `{ errors: [{ code, message, details }] }`. */
type SpApiErrors = { errors?: { code?: string; message?: string; details?: string }[] };

function describe(body: unknown, status: number): { code: string; text: string } {
  const first = (body as SpApiErrors | null)?.errors?.[0];
  const code = first?.code ?? `HTTP${status}`;
  const text = [first?.message, first?.details].filter(Boolean).join(" ") || `HTTP ${status}`;
  return { code, text };
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ code: `HTTP${res.status}`, message: text.slice(0, 200) }] };
  }
}

type SpApiRequest = {
  operation: AmazonOperation;
  method: "GET" | "POST" | "PATCH";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The restricted datasets the request asks for (e.g. "includedData=RECIPIENT,BUYER"), if any. */
  restricted?: string;
};

/** A 403 whose text is about the token itself (expired, revoked, malformed), not about what was asked. */
const tokenProblem = (text: string) => /access token|expired|revoked|malformed|invalid token/i.test(text);

/**
 * One SP-API call: takes a token from the operation's bucket, sends `x-amz-access-token` (no SigV4 since
 * 2023-10-02), follows `x-amzn-RateLimit-Limit`, retries 429 / 5xx / timeouts with backoff, and turns
 * every other failure into a `ChannelError` of the right kind.
 */
export async function spApiCall<T>(
  cfg: ResolvedAmazonConfig,
  account: ChannelAccountRef,
  credentials: ChannelCredentials,
  req: SpApiRequest,
): Promise<T> {
  if (credentials.accessTokenExpiresAt && credentials.accessTokenExpiresAt.getTime() <= cfg.now()) {
    // Don't spend a scarce getOrders token on a call that is bound to fail.
    throw new ChannelError("auth_expired", "Amazon access token has expired", { platformCode: "Unauthorized" });
  }
  // The account region's SP-API host (through the simulator for a simulator account).
  const url = new URL(amazonEndpoints(account).spApi + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const plan = cfg.usagePlans[req.operation];
  const bucketKey = `${account.externalShopId ?? account.id}:${req.operation}`;
  const policy = cfg.retry();

  let lastError: ChannelError | null = null;
  for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
    if (attempt > 0) await sleep(Math.max(backoffDelay(attempt - 1, policy), lastError?.opts.retryAfterMs ?? 0));
    await cfg.limiter.acquire(bucketKey, plan, cfg.maxThrottleWaitMs);

    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers: {
          "x-amz-access-token": credentials.accessToken,
          accept: "application/json",
          "user-agent": "Manifold-OMS/0.1 (Language=TypeScript)",
          ...(req.body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
    } catch (e) {
      const timedOut = (e as Error)?.name === "TimeoutError" || (e as Error)?.name === "AbortError";
      lastError = new ChannelError("upstream", `Amazon ${req.operation} ${timedOut ? "timed out" : "unreachable"}: ${(e as Error).message}`);
      continue;
    }

    const limit = res.headers.get("x-amzn-ratelimit-limit");
    if (limit) cfg.limiter.setRate(bucketKey, plan, Number(limit));

    if (res.ok) {
      if (res.status === 204) return null as T;
      return (await readJson(res)) as T;
    }

    const body = await readJson(res);
    const { code, text } = describe(body, res.status);
    if (res.status === 429) {
      cfg.limiter.drain(bucketKey, plan);
      const retryAfter = Number(res.headers.get("retry-after"));
      const rate = Number(limit) || plan.rate;
      lastError = new ChannelError("rate_limited", `Amazon ${req.operation} throttled: ${text}`, {
        status: 429,
        platformCode: code,
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.ceil(1000 / rate),
      });
      if (lastError.opts.retryAfterMs! > cfg.maxThrottleWaitMs) break;
      continue;
    }
    if (res.status >= 500) {
      lastError = new ChannelError("upstream", `Amazon ${req.operation} failed (${res.status}): ${text}`, { status: res.status, platformCode: code });
      continue;
    }
    if (res.status === 403 && !tokenProblem(text) && req.restricted) {
      // Personal data asked for (includedData=RECIPIENT/BUYER) and refused for another reason than the
      // token: the app lacks the restricted role. A new token would be refused the same way, so this is
      // not auth_expired (which refreshes and retries) but a request error that says what is missing.
      throw new ChannelError(
        "invalid_request",
        `Amazon ${req.operation} refused the personal data (${req.restricted}): the app's developer profile lacks the Direct-to-Consumer Shipping role (${text})`,
        { status: 403, platformCode: "MissingRole" },
      );
    }
    if (res.status === 401 || res.status === 403) {
      // 403 Unauthorized covers expired, revoked and malformed tokens: the service refreshes once, and a
      // refresh LWA refuses (invalid_grant) is what marks the authorization revoked.
      throw new ChannelError("auth_expired", `Amazon ${req.operation} refused the access token: ${text}`, {
        status: res.status,
        platformCode: code,
      });
    }
    throw new ChannelError("invalid_request", `Amazon ${req.operation} rejected the request (${res.status} ${code}): ${text}`, {
      status: res.status,
      platformCode: code,
    });
  }
  throw lastError ?? new ChannelError("upstream", `Amazon ${req.operation} failed`);
}

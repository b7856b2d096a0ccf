import { ChannelError } from "./types";

/**
 * HTTP helpers every connector shares: a hard timeout on each request (a marketplace that never answers
 * must not hold a pull forever), and the translation of transport failures into ChannelError kinds.
 */
const httpTimeoutMs = () => Number(process.env.CHANNEL_HTTP_TIMEOUT_MS ?? 20_000);

export async function channelFetch(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
  const { timeoutMs, ...rest } = init;
  try {
    return await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs ?? httpTimeoutMs()) });
  } catch (e) {
    const name = (e as Error)?.name;
    if (name === "TimeoutError" || name === "AbortError") throw new ChannelError("upstream", `request timed out: ${new URL(url).pathname}`, { platformCode: "TIMEOUT" });
    throw new ChannelError("upstream", `network error: ${(e as Error)?.message ?? e}`, { platformCode: "NETWORK" });
  }
}

/** Seconds or an HTTP date, as Retry-After allows; null when absent or unreadable. */
export function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export type RetryPolicy = {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms after which no retry starts (a call's whole budget, waits included): the last error is thrown. */
  deadlineAt?: number;
};

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 500, capMs: 30_000 };

const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Run one marketplace call, retrying what is worth retrying: rate limits wait as long as the platform
 * says (Retry-After / throttle status), 5xx and timeouts back off exponentially with full jitter. Auth
 * and request errors are returned at once — retrying them only burns quota. With `deadlineAt` no retry
 * starts past that moment, so a marketplace that never answers costs at most its budget.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  opts: Partial<RetryPolicy> & { onRetry?: (e: ChannelError, attempt: number, waitMs: number) => void } = {},
): Promise<T> {
  const p = { ...DEFAULT_RETRY, ...opts };
  const sleep = p.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ChannelError) || (e.kind !== "rate_limited" && e.kind !== "upstream") || attempt >= p.maxAttempts) throw e;
      const backoff = Math.floor(Math.random() * Math.min(p.capMs, p.baseMs * 2 ** (attempt - 1)));
      const wait = e.kind === "rate_limited" && e.opts.retryAfterMs !== undefined ? Math.min(p.capMs, e.opts.retryAfterMs + 50) : backoff;
      if (p.deadlineAt !== undefined && Date.now() + wait >= p.deadlineAt) throw e;
      opts.onRetry?.(e, attempt, wait);
      await sleep(wait);
    }
  }
}

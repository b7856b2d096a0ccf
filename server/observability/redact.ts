/**
 * What never reaches a log line: secrets (tokens, passwords, keys, cookies, signatures) and personal
 * data (addresses, phone numbers, e-mail, recipient names). Keys are matched case-insensitively
 * anywhere in the logged object; strings are scrubbed of bearer tokens and key=value secrets.
 */
const SECRET_KEY = /(token|password|passwd|secret|authorization|cookie|api[-_]?key|skey|signature|hmac|credential|private[-_]?key|session)/i;
const PERSONAL_KEY = /(address|phone|mobile|email|recipient|receiver|buyer[-_]?name|consignee|postal|zip)/i;

export const REDACTED = "[redacted]";

const SCRUB: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 " + REDACTED],
  [/((?:access_token|refresh_token|token|password|secret|sign|signature|api_key|apikey|sKey|client_secret)["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi, "$1" + REDACTED],
  [/\bmk_[A-Za-z0-9_-]{8,}/g, REDACTED],
];

export function scrubString(s: string): string {
  let out = s;
  for (const [re, rep] of SCRUB) out = out.replace(re, rep);
  return out;
}

export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubString(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8) return "[deep]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (value instanceof Error) {
    return { type: value.name, message: scrubString(value.message), stack: value.stack ? scrubString(value.stack) : undefined, ...(value.cause ? { cause: redact(value.cause, depth + 1, seen) } : {}) };
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) || PERSONAL_KEY.test(k) ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}

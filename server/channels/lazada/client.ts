import { iopSign } from "../iop/sign";
import { channelFetch, withRetries } from "../http";
import { ChannelError } from "../types";
import type { LazadaAppConfig } from "./config";

/** Every answer: `{ code: "0", data | result, request_id }`, or `{ type, code, message, request_id }` on error. */
export type LazadaEnvelope<T = unknown> = {
  code?: string;
  type?: string;
  message?: string;
  request_id?: string;
  data?: T;
  /** The new fulfilment APIs (pack, rts, document) answer in `result: { success, data, error_code, error_msg }`. */
  result?: { success?: boolean; data?: T; error_code?: string | null; error_msg?: string | null };
} & Record<string, unknown>;

/*
 * Error codes this client acts on, each as a Lazada API reference page lists it (the API JSON of
 * open.lazada.com stored in lazykern/ecommerce-api-docs data/raw/lazada/apis, 2026-08):
 *   IllegalAccessToken "The specified access token is invalid or expired" (seller/get and others);
 *   IncompleteSignature "The request signature does not conform to lazop standards" and
 *   MissingParameter (auth/token/create); IllegalRefreshToken, AUTH_TYPE_UNSUPPORTED (auth/token/refresh);
 *   901 / E901 "The request is too frequent, or the requested functionality is temporarily disabled."
 *   (product/stock/sellable/update; marketplace-apis.md also lists ApiCallLimit).
 * The error categories SYSTEM / ISV / ISP are from the guide "Error messages" (ISP: backend service
 * error, "try again after some time"). Not verified: the HTTP status that accompanies each error (codes
 * decide; ≥500 and 429 only as a fallback) and the length of a throttle window (1 s assumed).
 */
const THROTTLED = new Set(["ApiCallLimit", "AppCallLimit", "901", "E901", "SellerCallLimit"]);

export function lazadaError(operation: string, status: number, body: LazadaEnvelope): ChannelError {
  const code = String(body.code ?? body.result?.error_code ?? `HTTP${status}`);
  const message = body.message ?? body.result?.error_msg ?? "";
  const text = `Lazada ${operation}: ${code} ${message}`.trim();
  const o = { status, platformCode: code };
  if (status === 429 || THROTTLED.has(code)) return new ChannelError("rate_limited", text, { ...o, retryAfterMs: 1_000 });
  if (code === "IncompleteSignature") return new ChannelError("signature", text, o);
  if (code === "IllegalAccessToken") return new ChannelError("auth_expired", text, o);
  if (code === "IllegalRefreshToken" || code === "AUTH_TYPE_UNSUPPORTED") return new ChannelError("auth_revoked", text, o);
  if (status >= 500 || body.type === "ISP" || body.type === "SYSTEM") return new ChannelError("upstream", text, o);
  return new ChannelError("invalid_request", text, o);
}

export type LazadaCall = {
  operation: string;
  method: "GET" | "POST";
  /** API base: a venture host (…/rest) or the auth host. */
  base: string;
  path: string;
  params?: Record<string, string | number | undefined>;
  accessToken?: string;
};

/**
 * One signed call (system params app_key, timestamp in ms, sign_method=sha256, access_token; the sign
 * over the path and every param, fresh on each attempt), GET params in the query, POST params as a form
 * body. Throttling waits and 5xx/ISP failures back off (http.ts withRetries); anything else is thrown.
 */
export async function lazadaCall<T = unknown>(cfg: Required<Pick<LazadaAppConfig, "appKey" | "appSecret" | "now">> & Pick<LazadaAppConfig, "retry">, call: LazadaCall): Promise<LazadaEnvelope<T>> {
  return withRetries(
    async () => {
      const params: Record<string, string> = { app_key: cfg.appKey, timestamp: String(cfg.now()), sign_method: "sha256" };
      if (call.accessToken) params.access_token = call.accessToken;
      for (const [k, v] of Object.entries(call.params ?? {})) if (v !== undefined) params[k] = String(v);
      params.sign = iopSign(cfg.appSecret, { apiPath: call.path, params });
      const form = new URLSearchParams(params);
      const url = `${call.base.replace(/\/+$/, "")}${call.path}`;
      const res =
        call.method === "GET"
          ? await channelFetch(`${url}?${form}`, { headers: { accept: "application/json" } })
          : await channelFetch(url, { method: "POST", headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded;charset=utf-8" }, body: form.toString() });
      const text = await res.text();
      let body: LazadaEnvelope<T>;
      try {
        body = (text ? JSON.parse(text) : {}) as LazadaEnvelope<T>;
      } catch {
        throw new ChannelError(res.status >= 500 ? "upstream" : "invalid_request", `Lazada ${call.operation}: HTTP ${res.status} ${text.slice(0, 200)}`, { status: res.status });
      }
      if (res.ok && String(body.code ?? "0") === "0" && body.result?.success !== false) return body;
      throw lazadaError(call.operation, res.status, body);
    },
    { maxAttempts: cfg.retry?.maxAttempts ?? 6, baseMs: cfg.retry?.baseMs ?? Number(process.env.CHANNEL_RETRY_BASE_MS ?? 500), capMs: cfg.retry?.capMs ?? 30_000 },
  );
}

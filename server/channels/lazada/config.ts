import { ChannelError, type ChannelAccountRef } from "../types";

/** Lazada's six ventures and their API hosts (Lazada guide "Calling parameters": one host per country). */
export const LAZADA_VENTURES = {
  sg: { host: "https://api.lazada.sg/rest", currency: "SGD", country: "SG" },
  my: { host: "https://api.lazada.com.my/rest", currency: "MYR", country: "MY" },
  th: { host: "https://api.lazada.co.th/rest", currency: "THB", country: "TH" },
  vn: { host: "https://api.lazada.vn/rest", currency: "VND", country: "VN" },
  ph: { host: "https://api.lazada.com.ph/rest", currency: "PHP", country: "PH" },
  id: { host: "https://api.lazada.co.id/rest", currency: "IDR", country: "ID" },
} as const;
export type LazadaVenture = keyof typeof LAZADA_VENTURES;
export const LAZADA_VENTURE_CODES = Object.keys(LAZADA_VENTURES) as LazadaVenture[];

/** Token calls go to one host for every country; the consent page lives beside it. */
export const LAZADA_AUTH_HOST = "https://auth.lazada.com/rest";
export const LAZADA_AUTHORIZE_URL = "https://auth.lazada.com/oauth/authorize";

export const isVenture = (v: unknown): v is LazadaVenture => typeof v === "string" && v in LAZADA_VENTURES;

export function ventureOf(account: ChannelAccountRef): LazadaVenture {
  const v = account.settings.venture;
  return isVenture(v) ? v : "my";
}

/** The app (one per Manifold installation): its key and secret sign every call and every push. */
export type LazadaAppConfig = {
  appKey: string;
  appSecret: string;
  /** /orders/get limit (1–100). */
  pageSize?: number;
  now?: () => number;
  retry?: { maxAttempts?: number; baseMs?: number; capMs?: number };
};

/** The app the Lazada simulator knows out of the box; used by dev and tests when no env is set. */
export const LAZADA_SIMULATOR_APP = { appKey: "100801", appSecret: "6d616e69666f6c642d73696d2d6c617a6164612d736563726574" } as const;

export function lazadaAppConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LazadaAppConfig {
  if (env.LAZADA_APP_KEY && env.LAZADA_APP_SECRET) return { appKey: env.LAZADA_APP_KEY, appSecret: env.LAZADA_APP_SECRET };
  return { ...LAZADA_SIMULATOR_APP };
}

/**
 * Where an account's calls go. A real account's base URL is its venture's API host and tokens go to
 * auth.lazada.com; a simulator account's base URL is `<simulator>/<venture>/rest` and its token calls and
 * consent page are on the same simulator (`/auth/rest`, `/oauth/authorize`).
 */
export function lazadaHosts(account: ChannelAccountRef): { api: string; auth: string; authorize: string } {
  const api = account.baseUrl.replace(/\/+$/, "");
  const u = new URL(api);
  if (u.hostname.endsWith(".lazada.sg") || /\.lazada\.(com\.my|co\.th|vn|com\.ph|co\.id)$/.test(u.hostname)) {
    return { api, auth: LAZADA_AUTH_HOST, authorize: LAZADA_AUTHORIZE_URL };
  }
  return { api, auth: `${u.origin}/auth/rest`, authorize: `${u.origin}/oauth/authorize` };
}

/** A simulator account's API base for a venture (used when cross-border authorization adds ventures). */
export function apiBaseForVenture(account: ChannelAccountRef, venture: LazadaVenture): string {
  const { auth } = lazadaHosts(account);
  if (auth === LAZADA_AUTH_HOST) return LAZADA_VENTURES[venture].host;
  return `${new URL(account.baseUrl).origin}/${venture}/rest`;
}

export function sellerIdOf(account: ChannelAccountRef): string {
  if (!account.externalShopId) throw new ChannelError("invalid_request", "Lazada account has no seller_id yet; authorize it first");
  return account.externalShopId;
}

import { createHash } from "node:crypto";
import { ChannelError, type WebhookDelivery } from "../types";
import { verifyShopeePushSignature } from "./sign";

/** Push codes (developer guide "Push Mechanism") and the names the Shopee console gives them. */
const SHOPEE_PUSH_TOPICS: Record<number, string> = {
  1: "shop_authorization_push",
  2: "shop_authorization_canceled_push",
  3: "order_status_push",
  4: "order_trackingno_push",
  5: "shopee_updates",
  6: "banned_item_push",
  7: "item_promotion_push",
  8: "reserved_stock_change_push",
  9: "promotion_update_push",
  10: "webchat_push",
  11: "video_upload_push",
  12: "open_api_authorization_expiry",
  13: "brand_register_result",
  15: "shipping_document_status_push",
};

type ShopeePushBody = {
  shop_id?: number;
  code: number;
  success?: number;
  extra?: string;
  data?: Record<string, unknown>;
  timestamp?: number;
};

/** Header the webhook route adds: the URL Shopee posted to, as this server received it. */
export const CALLBACK_URL_HEADER = "x-manifold-callback-url";

/**
 * Verify a push and read it. Shopee signs `callback_url + "|" + raw_body`, so the URL must be the one
 * registered in the console: `SHOPEE_PUSH_CALLBACK_URL` when set (behind a proxy the request URL differs),
 * else the URL the route saw. Pushes carry no id; a duplicate delivery is byte-identical, so the hash of
 * the raw body is the dedupe key. The payload is a hint (order_sn + status): the order itself is read
 * through the API.
 */
export function verifyShopeePush(args: {
  headers: Headers;
  rawBody: string;
  partnerKey: string;
  callbackUrl: string | null;
}): WebhookDelivery {
  const callbackUrl = args.callbackUrl ?? args.headers.get(CALLBACK_URL_HEADER);
  if (!callbackUrl) throw new ChannelError("invalid_request", "Shopee push: no callback URL to verify against");
  if (!verifyShopeePushSignature({ partnerKey: args.partnerKey, callbackUrl, rawBody: args.rawBody, authorization: args.headers.get("authorization") })) {
    throw new ChannelError("signature", "Shopee push signature does not match");
  }
  let body: ShopeePushBody;
  try {
    body = JSON.parse(args.rawBody) as ShopeePushBody;
  } catch {
    throw new ChannelError("invalid_request", "Shopee push body is not JSON");
  }
  if (typeof body.code !== "number") throw new ChannelError("invalid_request", "Shopee push has no code");
  // Partner-level pushes (e.g. Shopee updates) have no shop.
  const shopId = body.shop_id !== undefined && body.shop_id !== null ? String(body.shop_id) : "";
  return {
    shopId,
    webhookId: createHash("sha256").update(args.rawBody).digest("hex"),
    topic: SHOPEE_PUSH_TOPICS[body.code] ?? `push_${body.code}`,
    payload: body,
    triggeredAt: typeof body.timestamp === "number" ? new Date(body.timestamp * 1000) : null,
  };
}

/** The order a push is about, if any (order status and tracking-number pushes). */
export function pushedOrder(payload: unknown): { orderSn: string; status: string | null; updateTime: Date | null } | null {
  const data = (payload as ShopeePushBody | null)?.data;
  const sn = data?.ordersn ?? data?.order_sn;
  if (typeof sn !== "string" || !sn) return null;
  return {
    orderSn: sn,
    status: typeof data?.status === "string" ? data.status : null,
    updateTime: typeof data?.update_time === "number" ? new Date(data.update_time * 1000) : null,
  };
}

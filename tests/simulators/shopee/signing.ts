import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The simulator's own Shopee Open Platform v2 signing, written from the developer guide (Getting
 * started → "API calls" → Signature calculation, and "Authorization and Authentication"), not from the
 * connector: the simulator must not import the code it checks (server/channels/shopee/*).
 *
 *   Step 1, the base string — concatenate, strictly in this order, without separators:
 *     Public API:   partner_id, api path, timestamp
 *     Shop API:     partner_id, api path, timestamp, access_token, shop_id
 *     Merchant API: partner_id, api path, timestamp, access_token, merchant_id
 *   ("api path" without host, e.g. /api/v2/auth/token/get; timestamp in unix seconds.)
 *   Step 2 — HMAC-SHA256 over the base string keyed with the partner key; "the hexadecimal
 *   all-lowercase hash value is the authentication signature".
 *
 * Push Mechanism → "Push Authorization": base string = callback URL + "|" + raw request body, the
 * same HMAC-SHA256 with the partner key, hex; sent in the `Authorization` header.
 */

export type SimSignedCall =
  | { kind: "public"; partnerId: number | string; path: string; timestamp: number | string }
  | { kind: "shop"; partnerId: number | string; path: string; timestamp: number | string; accessToken: string; shopId: number | string }
  | { kind: "merchant"; partnerId: number | string; path: string; timestamp: number | string; accessToken: string; merchantId: number | string };

export function simBaseString(call: SimSignedCall): string {
  const head = [String(call.partnerId), call.path, String(call.timestamp)];
  if (call.kind === "public") return head.join("");
  if (call.kind === "shop") return [...head, call.accessToken, String(call.shopId)].join("");
  return [...head, call.accessToken, String(call.merchantId)].join("");
}

const hmacHex = (key: string, message: string) => createHmac("sha256", Buffer.from(key, "utf8")).update(Buffer.from(message, "utf8")).digest("hex");

export const simSign = (partnerKey: string, call: SimSignedCall): string => hmacHex(partnerKey, simBaseString(call));

/** The push `Authorization` header Shopee sends with each push. */
export const simPushAuthorization = (partnerKey: string, callbackUrl: string, rawBody: string): string => hmacHex(partnerKey, `${callbackUrl}|${rawBody}`);

/** Does a received `sign` match the expected one (constant time; the gateway accepts lowercase hex). */
export function simSignMatches(received: string, expected: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(received)) return false;
  return timingSafeEqual(Buffer.from(received, "hex"), Buffer.from(expected, "hex"));
}

/** The partner app the simulator knows out of the box (dev and tests use the same one by default). */
export const SIM_SHOPEE_PARTNER = {
  partnerId: 2000001,
  partnerKey: "6d616e69666f6c642d73696d2d73686f7065652d706172746e65722d6b6579",
} as const;

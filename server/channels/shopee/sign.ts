import { createHmac, timingSafeEqual } from "node:crypto";

type SignArgs = {
  partnerKey: string;
  partnerId: number | string;
  path: string;
  timestamp: number;
  accessToken?: string;
  shopId?: number | string;
  merchantId?: number | string;
};

/**
 * Shopee Open Platform v2 signing (developer guide "API calls → Signature calculation").
 * sign = lowercase hex HMAC-SHA256(partner_key, base) where base is the plain concatenation
 *   public API:   partner_id + api_path + timestamp
 *   shop API:     partner_id + api_path + timestamp + access_token + shop_id
 *   merchant API: partner_id + api_path + timestamp + access_token + merchant_id
 * The Shopee simulator has its own implementation (tests/simulators/shopee/signing.ts); both are
 * pinned to the guide's published base strings and to HMACs computed in the test itself
 * (tests/integration/channels-shopee-signing.test.ts) — the guide publishes no partner key with a sign.
 */
export function shopeeBaseString(args: Omit<SignArgs, "partnerKey">): string {
  let base = `${args.partnerId}${args.path}${args.timestamp}`;
  if (args.accessToken !== undefined) {
    const owner = args.shopId ?? args.merchantId;
    if (owner === undefined) throw new Error("shopeeSign: shop or merchant API needs shop_id or merchant_id");
    base += `${args.accessToken}${owner}`;
  }
  return base;
}

export function shopeeSign(args: SignArgs): string {
  return createHmac("sha256", args.partnerKey).update(shopeeBaseString(args), "utf8").digest("hex");
}

/**
 * Push mechanism: header `Authorization = hex HMAC-SHA256(partner_key, callback_url + "|" + raw_body)`.
 * The body must be the raw bytes as received — re-serialised JSON would not match.
 */
export function shopeePushSignature(partnerKey: string, callbackUrl: string, rawBody: string): string {
  return createHmac("sha256", partnerKey).update(`${callbackUrl}|${rawBody}`, "utf8").digest("hex");
}

/** Constant-time comparison of a received push `Authorization` header. */
export function verifyShopeePushSignature(args: {
  partnerKey: string;
  callbackUrl: string;
  rawBody: string;
  authorization: string | null | undefined;
}): boolean {
  const received = (args.authorization ?? "").trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(received)) return false;
  const expected = shopeePushSignature(args.partnerKey, args.callbackUrl, args.rawBody);
  return timingSafeEqual(Buffer.from(received, "hex"), Buffer.from(expected, "hex"));
}

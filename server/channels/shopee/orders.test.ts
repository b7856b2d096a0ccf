import { describe, expect, it } from "vitest";
import { shopeeError } from "./client";
import { decodeCursor, encodeCursor, normalizeShopeeOrder, shopeeStatus, toShopeeSeconds, type ShopeeOrderDetail } from "./orders";
import { pushedOrder, verifyShopeePush } from "./push";
import { shopeePushSignature } from "./sign";

describe("shopeeStatus", () => {
  it.each([
    ["UNPAID", "pending"],
    ["PENDING", "pending"],
    ["READY_TO_SHIP", "unshipped"],
    ["RETRY_SHIP", "unshipped"],
    ["INVOICE_PENDING", "unshipped"],
    ["PROCESSED", "shipped"],
    ["SHIPPED", "shipped"],
    ["TO_CONFIRM_RECEIVE", "shipped"],
    ["TO_RETURN", "shipped"],
    ["COMPLETED", "completed"],
    ["IN_CANCEL", "cancelled"],
    ["CANCELLED", "cancelled"],
    ["NEW_ONE", "pending"],
  ])("%s → %s", (status, expected) => {
    expect(shopeeStatus(status)).toBe(expected);
  });
});

describe("normalizeShopeeOrder", () => {
  const detail: ShopeeOrderDetail = {
    order_sn: "260301ABCDEFGH",
    region: "SG",
    currency: "SGD",
    total_amount: 35.7,
    order_status: "READY_TO_SHIP",
    shipping_carrier: "Seller Own Fleet",
    message_to_seller: "gift wrap",
    create_time: 1772323200,
    update_time: 1772326800,
    buyer_username: "buyer_1",
    recipient_address: { name: "Tan", phone: "6591234567", district: "Central", city: "Singapore", state: "Singapore", region: "SG", zipcode: "238801", full_address: "1 Orchard Road" },
    item_list: [
      { item_id: 11, item_name: "Tee", item_sku: "TEE", model_id: 21, model_name: "White M", model_sku: "TEE-W-M", model_quantity_purchased: 2, model_original_price: 12.9, model_discounted_price: 9.9 },
      { item_id: 11, item_name: "Tee", item_sku: "TEE", model_id: 21, model_name: "White M", model_sku: "TEE-W-M", model_quantity_purchased: 1, model_original_price: 12.9, model_discounted_price: 0 },
      { item_id: 12, item_name: "Bottle", item_sku: "BOTTLE", model_id: 0, model_quantity_purchased: 1, model_original_price: 5.1 },
    ],
  };

  it("reads lines with SKU from the model (else the item), exact prices and unique line ids", () => {
    const n = normalizeShopeeOrder(detail);
    expect(n.lines).toEqual([
      { platformLineId: "11:21", platformSku: "TEE-W-M", title: "Tee — White M", quantity: "2", unitPrice: "9.9", externalListingId: "11:21" },
      // A bundle-deal line comes with discounted price 0: the original price stands.
      { platformLineId: "11:21#2", platformSku: "TEE-W-M", title: "Tee — White M", quantity: "1", unitPrice: "12.9", externalListingId: "11:21" },
      { platformLineId: "12:0", platformSku: "BOTTLE", title: "Bottle", quantity: "1", unitPrice: "5.1", externalListingId: "12:0" },
    ]);
    expect(n.totalAmount).toBe("35.7");
    expect(n.shipping).toMatchObject({ name: "Tan", country: "SG", street: "1 Orchard Road", postcode: "238801", district: "Central" });
    expect(n.remark).toBe("gift wrap");
    expect(n.createdAt.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(n.status).toBe("unshipped");
  });
});

describe("time windows and cursors", () => {
  it("turns [from, to) in ms into Shopee's inclusive seconds", () => {
    expect(toShopeeSeconds(1_000, 5_000)).toEqual({ timeFrom: 1, timeTo: 4 });
    expect(toShopeeSeconds(1_500, 5_001)).toEqual({ timeFrom: 2, timeTo: 5 });
    const fifteenDays = 15 * 86400_000;
    const { timeFrom, timeTo } = toShopeeSeconds(0, fifteenDays);
    expect(timeTo - timeFrom).toBeLessThanOrEqual(15 * 86400);
  });

  it("round-trips the connector cursor and refuses junk", () => {
    expect(decodeCursor(encodeCursor({ w: 123, c: "abc" }))).toEqual({ w: 123, c: "abc" });
    expect(decodeCursor("not-a-cursor")).toBeNull();
  });
});

describe("envelope errors", () => {
  it("maps Shopee's documented error codes to channel error kinds", () => {
    const kind = (status: number, error: string, message = "m", shopCall = true) => shopeeError("op", status, { error, message }, { shopCall }).kind;
    expect(kind(403, "error_sign", "Wrong sign.")).toBe("signature");
    expect(kind(403, "error_auth", "Invalid access_token.")).toBe("auth_expired");
    expect(kind(403, "error_auth", "Invalid access_token.", false)).toBe("invalid_request");
    // error_auth is also a permission refusal and, in update_stock, a business refusal: no token refresh.
    expect(kind(403, "error_auth", "No permission to current api.")).toBe("invalid_request");
    expect(kind(200, "error_auth", "Total stock must be more than reserved stock.")).toBe("invalid_request");
    expect(kind(400, "error_param")).toBe("invalid_request");
    expect(kind(400, "order.order_list_invalid_time")).toBe("invalid_request");
    // The documented throttle code, whatever the HTTP status; a bare 429 too.
    expect(kind(200, "error_rate_limit", "Too many requests. You have reached the rate limit. Please try again later.")).toBe("rate_limited");
    expect(kind(429, "error_rate_limit")).toBe("rate_limited");
    expect(kind(429, "")).toBe("rate_limited");
    expect(kind(200, "ads.rate_limit.exceed_partner_api")).toBe("rate_limited");
    // Codes the reference does not list are not matched as throttling.
    expect(kind(400, "error_too_frequent")).toBe("invalid_request");
    expect(kind(403, "invalid_acceess_token")).toBe("invalid_request");
    expect(kind(200, "error_server", "Something wrong. Please try later.")).toBe("upstream");
    expect(kind(200, "error_system_busy")).toBe("upstream");
    expect(kind(502, "")).toBe("upstream");
    // error_limit: the daily quota (wait until 00:00 UTC+8) — or, in some APIs, "Core server error.".
    const daily = shopeeError("op", 200, { error: "error_limit", message: "The total API call number made by your APP has reached the daily API call limit, please try again after 00: 00 (UTC+08:00)" }, { shopCall: true, nowMs: Date.UTC(2026, 11, 4, 15, 30) });
    expect(daily).toMatchObject({ kind: "rate_limited", opts: { retryAfterMs: 30 * 60_000 } });
    expect(kind(200, "error_limit", "Core server error.")).toBe("invalid_request");
  });
});

describe("push verification", () => {
  const key = "partner-key";
  const url = "https://oms.test/api/webhooks/shopee";
  const raw = JSON.stringify({ shop_id: 600001, code: 3, timestamp: 1772326800, data: { ordersn: "260301ABCDEFGH", status: "READY_TO_SHIP", update_time: 1772326800 } });

  it("accepts a push signed over callback_url|body and reads the order hint", () => {
    const headers = new Headers({ authorization: shopeePushSignature(key, url, raw) });
    const d = verifyShopeePush({ headers, rawBody: raw, partnerKey: key, callbackUrl: url });
    expect(d).toMatchObject({ shopId: "600001", topic: "order_status_push", triggeredAt: new Date(1772326800_000) });
    expect(d.webhookId).toMatch(/^[0-9a-f]{64}$/);
    expect(pushedOrder(d.payload)).toEqual({ orderSn: "260301ABCDEFGH", status: "READY_TO_SHIP", updateTime: new Date(1772326800_000) });
    // A duplicate delivery has the same id; any other body another.
    expect(verifyShopeePush({ headers, rawBody: raw, partnerKey: key, callbackUrl: url }).webhookId).toBe(d.webhookId);
  });

  it("refuses a wrong signature, a signature over another URL, and a missing one", () => {
    const wrongUrl = new Headers({ authorization: shopeePushSignature(key, "https://evil.test/hook", raw) });
    expect(() => verifyShopeePush({ headers: wrongUrl, rawBody: raw, partnerKey: key, callbackUrl: url })).toThrow(expect.objectContaining({ kind: "signature" }));
    expect(() => verifyShopeePush({ headers: new Headers(), rawBody: raw, partnerKey: key, callbackUrl: url })).toThrow(expect.objectContaining({ kind: "signature" }));
    const tampered = raw.replace("READY_TO_SHIP", "CANCELLED");
    const h = new Headers({ authorization: shopeePushSignature(key, url, raw) });
    expect(() => verifyShopeePush({ headers: h, rawBody: tampered, partnerKey: key, callbackUrl: url })).toThrow(expect.objectContaining({ kind: "signature" }));
  });

  it("verifies against the URL the route saw when no callback URL is configured", () => {
    const headers = new Headers({ authorization: shopeePushSignature(key, url, raw), "x-manifold-callback-url": url });
    expect(verifyShopeePush({ headers, rawBody: raw, partnerKey: key, callbackUrl: null }).topic).toBe("order_status_push");
  });
});

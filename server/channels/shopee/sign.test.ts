import { describe, expect, it } from "vitest";
import { shopeeBaseString, shopeePushSignature, shopeeSign, verifyShopeePushSignature } from "./sign";

// Shopee's guide publishes base strings but no partner key with a resulting sign, so the expected
// signatures here were computed independently of this code:
//   printf '%s' "<base string>" | openssl dgst -sha256 -hmac "<partner key>"
// (The published-base-string vectors for both this signer and the simulator's are in
// tests/integration/channels-shopee-signing.test.ts.)
describe("shopeeSign", () => {
  it("signs a shop API call as partner_id + path + timestamp + access_token + shop_id (the guide's example base string)", () => {
    // Base string from the developer guide's shop-API example (the guide gives no key for it; ours is made up):
    const args = { partnerId: 2001887, path: "/api/v2/shop/get_shop_info", timestamp: 1655714431, accessToken: "59777174636562737266615546704c6d", shopId: 14701711 };
    expect(shopeeBaseString(args)).toBe("2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711");
    const sign = shopeeSign({
      partnerKey: "test-partner-key",
      partnerId: 2001887,
      path: "/api/v2/shop/get_shop_info",
      timestamp: 1655714431,
      accessToken: "59777174636562737266615546704c6d",
      shopId: 14701711,
    });
    expect(sign).toBe("faf4a60d51e5807794fd37d18f605d4e8d1370ba96d66245e23d22c77cb6f090");
  });

  it("signs a public API call as partner_id + path + timestamp (the Go demo's partner 2006566 and key; timestamp ours)", () => {
    const sign = shopeeSign({
      partnerKey: "1391fd986fe8ec7569bebed75b0c33ee35eb5a305bed7038657a5cd5f75b1c88",
      partnerId: "2006566",
      path: "/api/v2/shop/auth_partner",
      timestamp: 1657254106,
    });
    expect(sign).toBe("f99e0fc8bba25f54d76c863c7bee2ab6e2d4cd82f38ac08f9b6bf1cba09e9014");
  });

  it("changes with every part of the base string", () => {
    const base = { partnerKey: "k", partnerId: 1, path: "/api/v2/order/get_order_list", timestamp: 100, accessToken: "t", shopId: 9 };
    const s = shopeeSign(base);
    expect(shopeeSign({ ...base, timestamp: 101 })).not.toBe(s);
    expect(shopeeSign({ ...base, path: "/api/v2/order/get_order_detail" })).not.toBe(s);
    expect(shopeeSign({ ...base, accessToken: "u" })).not.toBe(s);
    expect(shopeeSign({ ...base, shopId: 8 })).not.toBe(s);
    expect(shopeeSign({ ...base, partnerKey: "j" })).not.toBe(s);
    expect(s).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a shop call without the shop id", () => {
    expect(() => shopeeSign({ partnerKey: "k", partnerId: 1, path: "/p", timestamp: 1, accessToken: "t" })).toThrow();
  });
});

describe("push signature", () => {
  const callbackUrl = "https://oms.example.com/api/webhooks/shopee";
  const rawBody =
    '{"code":3,"shop_id":14701711,"timestamp":1655714431,"data":{"ordersn":"220620ABCDEF12","status":"READY_TO_SHIP","update_time":1655714431}}';
  const expected = "fc4867c352b2716293b59a117ee9b1a5a7681682a19a4ff9f4e8526c22e94a10";

  it("is hex HMAC-SHA256 of callback_url|raw_body", () => {
    expect(shopeePushSignature("test-partner-key", callbackUrl, rawBody)).toBe(expected);
  });

  it("verifies only the exact body, url and key", () => {
    const ok = { partnerKey: "test-partner-key", callbackUrl, rawBody, authorization: expected };
    expect(verifyShopeePushSignature(ok)).toBe(true);
    expect(verifyShopeePushSignature({ ...ok, authorization: expected.toUpperCase() })).toBe(true);
    expect(verifyShopeePushSignature({ ...ok, rawBody: rawBody.replace("READY_TO_SHIP", "CANCELLED") })).toBe(false);
    expect(verifyShopeePushSignature({ ...ok, callbackUrl: callbackUrl + "/" })).toBe(false);
    expect(verifyShopeePushSignature({ ...ok, partnerKey: "other" })).toBe(false);
    expect(verifyShopeePushSignature({ ...ok, authorization: null })).toBe(false);
    expect(verifyShopeePushSignature({ ...ok, authorization: "abc" })).toBe(false);
  });
});

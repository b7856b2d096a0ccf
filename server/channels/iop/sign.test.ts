import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { iopBaseString, iopPushSignature, iopSign, verifyIopPushSignature } from "./sign";

describe("IOP signature (Lazada / AliExpress)", () => {
  it("builds the guide's example base string: path, then sorted key+value pairs", () => {
    expect(iopBaseString({ apiPath: "/test/api", params: { foo: "1", bar: "2", foo_bar: "3", foobar: "4" } })).toBe("/test/apibar2foo1foo_bar3foobar4");
  });

  it("leaves out sign and empty values, appends the body, and has no path for method-style calls", () => {
    expect(iopBaseString({ apiPath: "/orders/get", params: { sign: "X", limit: "10", empty: "", app_key: "1" } })).toBe("/orders/getapp_key1limit10");
    expect(iopBaseString({ apiPath: null, params: { method: "aliexpress.solution.order.get", app_key: "1" }, body: '{"a":1}' })).toBe('app_key1methodaliexpress.solution.order.get{"a":1}');
  });

  it("is the upper-case hex HMAC-SHA256 of the base string with the app secret", () => {
    const secret = "helloworld";
    const params = { app_key: "123456", timestamp: "1517820392000", sign_method: "sha256", access_token: "abc" };
    const expected = createHmac("sha256", secret).update("/orders/getaccess_tokenabcapp_key123456sign_methodsha256timestamp1517820392000").digest("hex").toUpperCase();
    expect(iopSign(secret, { apiPath: "/orders/get", params })).toBe(expected);
    expect(iopSign(secret, { apiPath: "/orders/get", params })).toMatch(/^[0-9A-F]{64}$/);
  });

  it("verifies a push over app_key + raw body, in either case, and refuses anything else", () => {
    const body = '{"seller_id":"1","message_type":0}';
    const sig = iopPushSignature("100", "s3cret", body);
    expect(verifyIopPushSignature({ appKey: "100", appSecret: "s3cret", rawBody: body, authorization: sig })).toBe(true);
    expect(verifyIopPushSignature({ appKey: "100", appSecret: "s3cret", rawBody: body, authorization: sig.toUpperCase() })).toBe(true);
    expect(verifyIopPushSignature({ appKey: "100", appSecret: "s3cret", rawBody: `${body} `, authorization: sig })).toBe(false);
    expect(verifyIopPushSignature({ appKey: "101", appSecret: "s3cret", rawBody: body, authorization: sig })).toBe(false);
    expect(verifyIopPushSignature({ appKey: "100", appSecret: "s3cret", rawBody: body, authorization: null })).toBe(false);
  });
});

import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The IOP signature shared by Lazada Open Platform and AliExpress's IOP gateway (Lazada guide
 * "Signature algorithm"): every request parameter but `sign` (and byte-array uploads), sorted by name in
 * ASCII order, concatenated as `key1value1key2value2…` with empty values left out; for path-style APIs
 * (`/rest`) the API path is put in front (`/orders/get` + …), for `method=`-style APIs (`/sync`) it is
 * not; a JSON body, when the API takes one, is appended; sign = UPPER_HEX(HMAC-SHA256(app_secret, that)).
 * The guide's example base string, `/test/api` + `bar2foo1foo_bar3foobar4`, is pinned in sign.test.ts.
 */
export function iopBaseString(args: { apiPath: string | null; params: Record<string, string>; body?: string | null }): string {
  const keys = Object.keys(args.params)
    .filter((k) => k !== "sign" && args.params[k] !== undefined && args.params[k] !== "")
    .sort();
  let base = args.apiPath ?? "";
  for (const k of keys) base += `${k}${args.params[k]}`;
  if (args.body) base += args.body;
  return base;
}

export function iopSign(appSecret: string, args: { apiPath: string | null; params: Record<string, string>; body?: string | null }): string {
  return createHmac("sha256", appSecret).update(iopBaseString(args), "utf8").digest("hex").toUpperCase();
}

/**
 * Lazada push messages: header `Authorization = HEX(HMAC-SHA256(app_secret, app_key + raw_body))`
 * ("Push mechanism"). The body must be the bytes as received; hex compared without regard to case.
 */
export function iopPushSignature(appKey: string, appSecret: string, rawBody: string): string {
  return createHmac("sha256", appSecret).update(`${appKey}${rawBody}`, "utf8").digest("hex");
}

export function verifyIopPushSignature(args: { appKey: string; appSecret: string; rawBody: string; authorization: string | null | undefined }): boolean {
  const received = (args.authorization ?? "").trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(received)) return false;
  return timingSafeEqual(Buffer.from(received, "hex"), Buffer.from(iopPushSignature(args.appKey, args.appSecret, args.rawBody), "hex"));
}

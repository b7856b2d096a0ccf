import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { POST as stage } from "@/app/api/orders/attachments/route";
import { GET as download } from "@/app/api/orders/attachments/[attachmentId]/route";
import { GET as exportOrders } from "@/app/api/orders/export/route";
import { GET as exportEntity } from "@/app/api/export/[entity]/route";
import { GET as exportStock } from "@/app/(dashboard)/inventory/export/route";
import { GET as oauthStart } from "@/app/api/oauth/[platform]/start/route";
import { orderAttachments } from "@/db/schema";
import { handleRoute } from "@/server/api/handle-route";
import { DomainError, type DomainErrorCode } from "@/server/errors";
import { closeTestDb, createTestOrg, newApiKey, testDb } from "../helpers/db";
import { orderMerchant } from "./orders-fixtures";

// next-auth cannot load outside Next; these routes are called with API keys (or no credentials).
vi.mock("@/server/auth", () => ({ auth: async () => null }));

afterAll(closeTestDb);

type ErrorBody = { error: { code: string; message: string; fieldErrors: Record<string, string> } };

const get = (url: string, key?: string, headers: Record<string, string> = {}) =>
  new Request(url, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

/** The one map, written out: changing a status is a decision this test makes you state. */
const EXPECTED: Record<DomainErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  INSUFFICIENT_STOCK: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM: 502,
};

describe("handleRoute: one DomainError → HTTP status map for every route handler", () => {
  it.each(Object.entries(EXPECTED) as [DomainErrorCode, number][])("%s is HTTP %i with the translated {error} body", async (code, status) => {
    const key = await newApiKey(await createTestOrg(), "viewer");
    const res = await handleRoute(get("http://x/api/anything", key, { "accept-language": "zh-CN" }), null, async () => {
      throw new DomainError(code, { key: "notFound", params: { entity: "order" } });
    });
    expect(res.status).toBe(status);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code, message: "订单不存在" });
  });

  it("real routes answer with the same statuses: 401 unknown key, 404 other merchant's file or unknown export, 400 bad filter or id", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const other = await newApiKey((await orderMerchant()).org, "operator");
    const form = new FormData();
    form.append("file", new File(["x"], "x.txt", { type: "text/plain" }));
    const staged = (await (await stage(new Request("http://x/api/orders/attachments", { method: "POST", body: form, headers: { authorization: `Bearer ${key}` } }))).json()) as {
      id: string;
    };

    const unknownKey = await exportOrders(get("http://x/api/orders/export?format=csv", "mk_nope"));
    expect(unknownKey.status).toBe(401);
    expect(((await unknownKey.json()) as ErrorBody).error.code).toBe("UNAUTHORIZED");

    const foreign = await download(get(`http://x/api/orders/attachments/${staged.id}`, other), { params: Promise.resolve({ attachmentId: staged.id }) });
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
    const notAnId = await download(get("http://x/api/orders/attachments/nope", key), { params: Promise.resolve({ attachmentId: "nope" }) });
    expect(notAnId.status).toBe(404);

    const unknownExport = await exportEntity(get("http://x/api/export/nothing?format=csv", key), { params: Promise.resolve({ entity: "nothing" }) });
    expect(unknownExport.status).toBe(404);
    const badAccount = await exportEntity(get("http://x/api/export/sku-mappings?format=csv&accountId=x", key, { "accept-language": "en" }), {
      params: Promise.resolve({ entity: "sku-mappings" }),
    });
    expect(badAccount.status).toBe(400);
    expect(((await badAccount.json()) as ErrorBody).error.fieldErrors.accountId).toMatch(/not a valid id/);

    const badDate = await exportOrders(get("http://x/api/orders/export?format=csv&cf=yesterday", key));
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as ErrorBody).error.code).toBe("VALIDATION");

    const badStock = await exportStock(get("http://x/inventory/export?format=csv&warehouseId=nope", key));
    expect(badStock.status).toBe(400);
    const stock = await exportStock(get("http://x/inventory/export?format=csv", key));
    expect(stock.status).toBe(200);
  });

  it("refuses a caller without the route's permission (403, nothing written) and cross-site writes before anything runs", async () => {
    const m = await orderMerchant();
    const viewer = await newApiKey(m.org, "viewer");
    const form = new FormData();
    form.append("file", new File(["x"], "refused.txt", { type: "text/plain" }));
    const refused = await stage(new Request("http://x/api/orders/attachments", { method: "POST", body: form, headers: { authorization: `Bearer ${viewer}`, "accept-language": "en" } }));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("orders.write") });
    const rows = await testDb()
      .select()
      .from(orderAttachments)
      .where(and(eq(orderAttachments.orgId, m.org.orgId), eq(orderAttachments.fileName, "refused.txt")));
    expect(rows).toHaveLength(0);

    // A cookie (no API key) write with a CORS-safelisted content type: refused as cross-site.
    const crossSite = await stage(new Request("http://x/api/orders/attachments", { method: "POST", body: "x", headers: { "content-type": "text/plain" } }));
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as ErrorBody).error.code).toBe("FORBIDDEN");

    // A browser navigation answers with a page, not JSON: the accounts page says why.
    const oauth = await oauthStart(get(`http://x/api/oauth/shopify/start?accountId=${m.org.orgId}`, viewer));
    expect(oauth.status).toBe(303);
    expect(new URL(oauth.headers.get("location")!).searchParams.get("reason")).toBe("oauthForbidden");
  });
});

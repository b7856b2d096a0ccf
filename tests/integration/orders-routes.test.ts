import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as download } from "@/app/api/orders/attachments/[attachmentId]/route";
import { POST as stage } from "@/app/api/orders/attachments/route";
import { POST as attach } from "@/app/api/orders/[id]/attachments/route";
import { GET as exportOrders } from "@/app/api/orders/export/route";
import { POST as open } from "@/app/api/open/route";
import { LocalFileStorage, setStorage } from "@/server/storage";
import { createOrder } from "@/server/services/orders/create-order";
import { closeTestDb, newApiKey } from "../helpers/db";
import { orderMerchant, simpleOrder } from "./orders-fixtures";

// next-auth cannot load outside Next; these routes are called with API keys only.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "manifold-files-"));
  setStorage(new LocalFileStorage(dir));
});
afterAll(async () => {
  setStorage(null);
  await rm(dir, { recursive: true, force: true });
  await closeTestDb();
});

const multipart = (url: string, key: string, file: File | null, headers: Record<string, string> = {}) => {
  const form = new FormData();
  if (file) form.append("file", file);
  return new Request(url, { method: "POST", body: form, headers: { authorization: `Bearer ${key}`, ...headers } });
};

describe("order HTTP routes", () => {
  it("uploads to disk through the storage interface, links on create, downloads, and hides other merchants' files", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const res = await stage(multipart("http://x/api/orders/attachments", key, new File(["%PDF-1.4 发票"], "发票.pdf", { type: "application/pdf" })));
    expect(res.status).toBe(201);
    const staged = (await res.json()) as { id: string; fileName: string; sizeBytes: number };
    expect(staged).toMatchObject({ fileName: "发票.pdf", sizeBytes: Buffer.byteLength("%PDF-1.4 发票") });
    const order = await createOrder(m.ctx, simpleOrder({ attachmentIds: [staged.id] }));

    const later = await attach(multipart(`http://x/api/orders/${order.id}/attachments`, key, new File(["b"], "b.txt")), { params: Promise.resolve({ id: order.id }) });
    expect(later.status).toBe(201);

    const got = await download(new Request(`http://x/api/orders/attachments/${staged.id}`, { headers: { authorization: `Bearer ${key}` } }), {
      params: Promise.resolve({ attachmentId: staged.id }),
    });
    expect(got.status).toBe(200);
    // The type comes from the bytes (a real PDF header), not from the upload's claim.
    expect(got.headers.get("content-type")).toBe("application/pdf");
    expect(got.headers.get("content-disposition")).toContain(encodeURIComponent("发票.pdf"));
    expect(await got.text()).toBe("%PDF-1.4 发票");
    // The bytes are on disk under the merchant's folder.
    expect((await readFile(path.join(dir, m.org.orgId, "orders", staged.id))).toString()).toBe("%PDF-1.4 发票");

    const other = await orderMerchant();
    const otherKey = await newApiKey(other.org, "operator");
    const hidden = await download(new Request(`http://x/api/orders/attachments/${staged.id}`, { headers: { authorization: `Bearer ${otherKey}` } }), {
      params: Promise.resolve({ attachmentId: staged.id }),
    });
    expect(hidden.status).toBe(404);
    const foreign = await attach(multipart(`http://x/api/orders/${order.id}/attachments`, otherKey, new File(["x"], "x.txt")), { params: Promise.resolve({ id: order.id }) });
    expect(foreign.status).toBe(404);
  });

  it("refuses files over 20 MB, missing files, read-only keys and unknown keys with a specific error", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const big = await stage(multipart("http://x/api/orders/attachments", key, new File([new Uint8Array(20 * 1024 * 1024 + 1)], "big.bin")));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { fieldErrors: Record<string, string> } }).error.fieldErrors.file).toMatch(/20 MB/);
    const none = await stage(multipart("http://x/api/orders/attachments", key, null));
    expect(none.status).toBe(400);
    const viewer = await newApiKey(m.org, "viewer");
    expect((await stage(multipart("http://x/api/orders/attachments", viewer, new File(["a"], "a.txt")))).status).toBe(403);
    expect((await stage(multipart("http://x/api/orders/attachments", "mk_nope", new File(["a"], "a.txt")))).status).toBe(401);
  });

  it("exports the filtered list as CSV and XLSX", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "viewer");
    const a = await createOrder(m.ctx, simpleOrder({ remark: "导出A" }));
    const b = await createOrder(m.ctx, simpleOrder({ remark: "导出B" }));
    const csv = await exportOrders(new Request(`http://x/api/orders/export?format=csv&nos=${a.orderNo}`, { headers: { authorization: `Bearer ${key}` } }));
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain(a.orderNo);
    expect(text).not.toContain(b.orderNo);
    expect(text).toContain("待审核 pending");
    const xlsx = await exportOrders(new Request(`http://x/api/orders/export?format=xlsx`, { headers: { authorization: `Bearer ${key}` } }));
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe("PK");
    const bad = await exportOrders(new Request(`http://x/api/orders/export?format=csv&cf=yesterday`, { headers: { authorization: `Bearer ${key}` } }));
    expect(bad.status).toBe(400);
  });

  it("POST /api/open answers the ERP protocol over HTTP", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const res = await open(
      new Request("http://x/api/open", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "route-1" },
        body: JSON.stringify({
          f: "createOrders",
          v: { sKey: key, client_num: "10331", body: [{ options_goods_num: "00021002", orders_price: 1, orders_number: "2" }] },
        }),
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rStatus: 100, rData: [{ orders_num: expect.stringMatching(/^SO-/) }] });
    const bad = await open(new Request("http://x/api/open", { method: "POST", body: "not json" }));
    expect(await bad.json()).toMatchObject({ rStatus: 101 });
  });
});

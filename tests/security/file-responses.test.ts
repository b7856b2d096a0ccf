import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as inboundTemplate } from "@/app/(dashboard)/inbound/lines-template/route";
import { GET as inventoryExport } from "@/app/(dashboard)/inventory/export/route";
import { GET as trackingTemplate } from "@/app/(dashboard)/outbound/tracking-template/route";
import { GET as entityExport } from "@/app/api/export/[entity]/route";
import { POST as attach } from "@/app/api/orders/[id]/attachments/route";
import { GET as download } from "@/app/api/orders/attachments/[attachmentId]/route";
import { POST as stage } from "@/app/api/orders/attachments/route";
import { GET as ordersExport } from "@/app/api/orders/export/route";
import { MAX_ATTACHMENTS_PER_ORDER } from "@/server/services/orders/attachments";
import { createOrder } from "@/server/services/orders/create-order";
import { FILE_ROUTES_OUTSIDE_API } from "@/server/http/security-headers";
import { LocalFileStorage, setStorage } from "@/server/storage";
import { closeTestDb, newApiKey } from "../helpers/db";
import { orderMerchant, simpleOrder } from "../integration/orders-fixtures";

// next-auth cannot load outside Next; these routes are called with API keys.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "manifold-sec-files-"));
  setStorage(new LocalFileStorage(dir));
});
afterAll(async () => {
  setStorage(null);
  await rm(dir, { recursive: true, force: true });
  await closeTestDb();
});

const upload = (url: string, key: string, file: File) => {
  const form = new FormData();
  form.append("file", file);
  return new Request(url, { method: "POST", body: form, headers: { authorization: `Bearer ${key}` } });
};

async function filesOnDisk(): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).length;
}

/** What every file the app serves must carry, whatever produced it. */
function expectFileHeaders(res: Response, label: string) {
  expect(res.status, label).toBe(200);
  expect(res.headers.get("x-content-type-options"), label).toBe("nosniff");
  expect(res.headers.get("content-security-policy"), label).toMatch(/(^|;\s*)sandbox(;|$)/);
  expect(res.headers.get("content-disposition"), label).toMatch(/^attachment;/);
}

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

describe("attachments are served as inert downloads (finding 2)", () => {
  it("serves HTML and SVG uploads as downloads of octet-stream, whatever type the uploader claimed", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const evil = [
      new File(["<html><script>fetch('/api/trpc/account.me')</script></html>"], "invoice.html", {
        type: "text/html",
      }),
      new File(['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'], "logo.svg", {
        type: "image/svg+xml",
      }),
      // A lie: HTML claiming to be a PNG.
      new File(["<script>alert(1)</script>"], "photo.png", { type: "image/png" }),
    ];
    for (const file of evil) {
      const res = await stage(upload("http://x/api/orders/attachments", key, file));
      expect(res.status).toBe(201);
      const staged = (await res.json()) as { id: string; contentType: string };
      expect(staged.contentType, file.name).toBe("application/octet-stream");
      for (const query of ["", "?inline=1"]) {
        const got = await download(
          new Request(`http://x/api/orders/attachments/${staged.id}${query}`, {
            headers: { authorization: `Bearer ${key}` },
          }),
          {
            params: Promise.resolve({ attachmentId: staged.id }),
          },
        );
        expectFileHeaders(got, `${file.name}${query}`);
        expect(got.headers.get("content-type"), file.name).toBe("application/octet-stream");
      }
    }
  });

  it("lets a real raster image (sniffed from its bytes) be shown inline, still sandboxed", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const res = await stage(
      upload(
        "http://x/api/orders/attachments",
        key,
        new File([PNG], "dot.bin", { type: "application/octet-stream" }),
      ),
    );
    const staged = (await res.json()) as { id: string; contentType: string };
    expect(staged.contentType).toBe("image/png");
    const got = await download(
      new Request(`http://x/api/orders/attachments/${staged.id}?inline=1`, {
        headers: { authorization: `Bearer ${key}` },
      }),
      {
        params: Promise.resolve({ attachmentId: staged.id }),
      },
    );
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(got.headers.get("content-disposition")).toMatch(/^inline;/);
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-security-policy")).toMatch(/sandbox/);
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
  });
});

describe("every file route sends the file headers (finding 2)", () => {
  it("exports and templates: attachment, nosniff, CSP sandbox", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "viewer");
    await createOrder(m.ctx, simpleOrder());
    const auth = { headers: { authorization: `Bearer ${key}` } };
    for (const format of ["csv", "xlsx"]) {
      for (const entity of ["products", "customers", "sku-mappings"]) {
        expectFileHeaders(
          await entityExport(new Request(`http://t/api/export/${entity}?format=${format}`, auth), {
            params: Promise.resolve({ entity }),
          }),
          entity,
        );
        expectFileHeaders(
          await entityExport(new Request(`http://t/api/export/${entity}?format=${format}&template=1`, auth), {
            params: Promise.resolve({ entity }),
          }),
          `${entity} template`,
        );
      }
      expectFileHeaders(
        await ordersExport(new Request(`http://t/api/orders/export?format=${format}`, auth)),
        "orders",
      );
      expectFileHeaders(
        await inventoryExport(new Request(`http://t/inventory/export?format=${format}`, auth)),
        "stock",
      );
      expectFileHeaders(
        await trackingTemplate(new Request(`http://t/outbound/tracking-template?format=${format}`)),
        "tracking template",
      );
      expectFileHeaders(
        await inboundTemplate(new Request(`http://t/inbound/lines-template?format=${format}`)),
        "inbound template",
      );
    }
  });
});

describe("a refused upload leaves nothing on disk (finding 12)", () => {
  it("another merchant's order, a missing order and a full order keep the storage folder as it was", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const order = await createOrder(m.ctx, simpleOrder());
    const other = await orderMerchant();
    const otherKey = await newApiKey(other.org, "operator");
    const file = () => new File(["contract"], "c.txt", { type: "text/plain" });
    const to = (id: string, k: string) =>
      attach(upload(`http://x/api/orders/${id}/attachments`, k, file()), { params: Promise.resolve({ id }) });

    const before = await filesOnDisk();
    expect((await to(order.id, otherKey)).status).toBe(404);
    expect((await to("0190c0de-0000-7000-8000-000000000000", key)).status).toBe(404);
    expect(await filesOnDisk()).toBe(before);

    for (let i = 0; i < MAX_ATTACHMENTS_PER_ORDER; i++) expect((await to(order.id, key)).status).toBe(201);
    const full = await filesOnDisk();
    expect(full).toBe(before + MAX_ATTACHMENTS_PER_ORDER);
    expect((await to(order.id, key)).status).toBe(400);
    expect(await filesOnDisk()).toBe(full);
  });
});

describe("the page CSP leaves file routes their own policy (finding 9)", () => {
  it("every route handler outside app/api is listed in FILE_ROUTES_OUTSIDE_API (proxy.ts skips them)", async () => {
    const found: string[] = [];
    const files = (await readdir("app", { recursive: true })).map((f) => `app/${f.split(path.sep).join("/")}`);
    for (const f of files.filter((x) => x.endsWith("/route.ts"))) {
      if (f.startsWith("app/api/")) continue;
      found.push(
        "/" +
          f
            .replace(/^app\//, "")
            .replace(/\/route\.ts$/, "")
            .split("/")
            .filter((s) => !/^\(.*\)$/.test(s))
            .join("/"),
      );
    }
    expect(found.sort()).toEqual([...FILE_ROUTES_OUTSIDE_API].sort());
  });
});

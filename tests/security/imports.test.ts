import { TRPCError } from "@trpc/server";
import { and, count, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { customers, inboundReceiptLines, skuMappings, productionPlans, products } from "@/db/schema";
import { domainErrorPayload, zodErrorPayload } from "@/server/api/error-payload";
import { DomainError } from "@/server/errors";
import { importProducts } from "@/server/services/catalog/import";
import { createReceipt } from "@/server/services/inbound/receipts";
import { closeTestDb, sessionCaller, testDb } from "../helpers/db";
import { orderMerchant } from "../integration/orders-fixtures";

/**
 * Finding 15 (last item): an import whose file is not valid base64 answered "0 rows" — the server
 * decoded what it could of the text and found no data rows. Every import path (products, customers,
 * receipt lines, production plans and work reports, tracking numbers, SKU mappings) must instead say
 * the file is not valid base64 — or, decoded, not a CSV/XLSX file — on `content`, and write nothing.
 */

afterAll(closeTestDb);

async function contentError(p: Promise<unknown>, locale: "zh-CN" | "en" = "en") {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, "the import was accepted").toBeInstanceOf(TRPCError);
  const cause = (e as TRPCError).cause;
  const payload =
    cause instanceof DomainError ? domainErrorPayload(cause, locale) : cause instanceof ZodError ? zodErrorPayload(cause, locale) : null;
  expect(payload, String(e)).not.toBeNull();
  expect((e as TRPCError).code).toBe("BAD_REQUEST");
  return payload!.fieldErrors.content;
}

const b64 = (bytes: string | Buffer) => Buffer.from(bytes).toString("base64");

/** Texts Buffer.from(…, "base64") decodes without complaint into a few garbage bytes. */
const NOT_BASE64 = ["sku,name,price\nX-1,Shirt,1", "not base64!", "SGVsbG8gd29ybGQ", "SGVsbG8=SGVsbG8=", "SGV sbG8=", "SGVsbG8_d29ybGQ-"];
/** Valid base64 of something that is not CSV text: a PNG header, an XLSX (zip) sent as CSV. */
const NOT_CSV = [b64(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xd8, 0x2c, 0x0a])), b64(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0xa1, 0xc3]))];

describe("finding 15: an import with invalid base64 or a file that is not CSV/XLSX", () => {
  it("every import path refuses a file that is not valid base64 on `content`, and writes nothing", async () => {
    const m = await orderMerchant();
    const caller = sessionCaller(m.org.ownerId, m.org.orgId);
    const draft = await createReceipt(m.ctx, { warehouseId: m.sz.id, lines: [{ sku: "00021002", expectedQty: "1" }] });
    const imports = {
      products: (content: string) => caller.products.import({ format: "csv", content, commit: true }),
      customers: (content: string) => caller.customers.import({ format: "csv", content, commit: true }),
      receiptLines: (content: string) => caller.inbound.importLines({ id: draft.id, format: "csv", content, commit: true }),
      plans: (content: string) => caller.production.plans.import({ format: "csv", content, commit: true }),
      workReports: (content: string) => caller.production.workReports.import({ format: "csv", content, commit: true }),
      tracking: (content: string) => caller.outbound.uploadTracking({ format: "csv", content, commit: true }),
      skuMappings: (content: string) => caller.skuMappings.import({ format: "csv", content, commit: true }),
    };
    for (const [path, run] of Object.entries(imports)) {
      for (const content of NOT_BASE64) {
        expect(await contentError(run(content)), `${path}: ${content}`).toBe("The file is not valid base64");
      }
      expect(await contentError(run("not base64!"), "zh-CN"), path).toBe("文件不是有效的 base64 编码");
    }
    // The service refuses it too when called without the router.
    await expect(importProducts(m.ctx, { format: "csv", content: "sku,name,price\nX-1,Shirt,1", commit: true })).rejects.toBeInstanceOf(ZodError);

    const db = testDb();
    const n = async (table: typeof products | typeof customers | typeof productionPlans | typeof skuMappings) =>
      (await db.select({ n: count() }).from(table).where(eq(table.orgId, m.org.orgId)))[0]!.n;
    expect(await n(products)).toBe(4);
    expect(await n(customers)).toBe(1);
    expect(await n(productionPlans)).toBe(0);
    expect(await n(skuMappings)).toBe(0);
    const lines = await db.select().from(inboundReceiptLines).where(and(eq(inboundReceiptLines.orgId, m.org.orgId), eq(inboundReceiptLines.receiptId, draft.id)));
    expect(lines).toHaveLength(1);
  });

  it("a decoded file that is not CSV text, or not an XLSX workbook, is refused as such", async () => {
    const m = await orderMerchant();
    const caller = sessionCaller(m.org.ownerId, m.org.orgId);
    for (const content of NOT_CSV) {
      expect(await contentError(caller.products.import({ format: "csv", content, commit: true }))).toMatch(/not CSV text/);
      expect(await contentError(caller.skuMappings.import({ format: "csv", content, commit: true }), "zh-CN")).toMatch(/不是 CSV 文本/);
    }
    const csv = b64("sku,name,price\nX-1,Shirt,1\n");
    expect(await contentError(caller.products.import({ format: "xlsx", content: csv, commit: true }))).toMatch(/upload CSV or XLSX/);
    // Real files still import: a UTF-8 CSV with its BOM, and an empty base64 file is "empty", not "invalid".
    expect(await caller.products.import({ format: "csv", content: b64("\uFEFFsku,name,price\nX-1,纯棉T恤,1\n"), commit: true })).toMatchObject({ created: 1 });
    expect(await contentError(caller.products.import({ format: "csv", content: "", commit: true }))).toBe("The file is empty");
  });
});

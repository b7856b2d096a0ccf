import { and, eq, inArray, max, sql } from "drizzle-orm";
import { inboundReceiptLines, inboundReceipts, products } from "@/db/schema";
import { InboundImportInput } from "@/lib/validators/inbound";
import { IMPORT_MAX_BYTES } from "@/lib/validators/tabular";
import { inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, type MessageRef } from "@/server/errors";
import { getPrecision, parseDecimalField } from "../_lib/precision";
import { decodeUpload, readTable, type ColumnSpec } from "../_lib/tabular";
import { refreshTotals } from "./receipts";

export const INBOUND_LINE_COLUMNS: ColumnSpec[] = [
  { key: "sku", header: "SKU", aliases: ["系统SKU", "商品编码", "规格商品编码", "options_goods_num"] },
  {
    key: "expectedQty",
    header: "预期数量 Expected qty",
    aliases: ["预期数量", "数量", "入库数量", "qty", "quantity", "expected"],
  },
  { key: "remark", header: "备注 Remark", aliases: ["备注", "remark"] },
];

export type RowError = { row: number; column: string; ref: MessageRef };

const header = (key: string) => INBOUND_LINE_COLUMNS.find((c) => c.key === key)?.header ?? key;

/**
 * Lines of a draft receipt from CSV/XLSX (SKU, expected quantity, remark). Every bad row is reported
 * (row, column, reason) and skipped; with `commit` the valid rest is merged into the draft in one
 * transaction — a SKU already on the receipt gets the file's quantity, new SKUs are appended.
 */
export async function importReceiptLines(ctx: ServiceContext, raw: InboundImportInput) {
  const input = InboundImportInput.parse(raw);
  const { rows } = await readTable(
    input.format,
    decodeUpload(input.content, IMPORT_MAX_BYTES),
    INBOUND_LINE_COLUMNS,
  );
  const precision = await getPrecision(ctx);
  const [receipt] = await ctx.db
    .select({ id: inboundReceipts.id, status: inboundReceipts.status })
    .from(inboundReceipts)
    .where(and(eq(inboundReceipts.id, input.id), eq(inboundReceipts.orgId, ctx.orgId)));
  if (!receipt) throw new DomainError("NOT_FOUND", { key: "notFound", params: { entity: "inboundReceipt" } });
  if (receipt.status !== "draft")
    throw new DomainError("INVALID_TRANSITION", {
      key: "inboundNotDraft",
      params: { status: receipt.status },
    });

  const skus = [...new Set(rows.map((r) => r.sku ?? "").filter(Boolean))];
  const found = skus.length
    ? await ctx.db
        .select({ id: products.id, sku: products.sku, name: products.name, enabled: products.enabled })
        .from(products)
        .where(and(eq(products.orgId, ctx.orgId), inArray(products.sku, skus)))
    : [];
  const bySku = new Map(found.map((p) => [p.sku, p]));
  const errors: RowError[] = [];
  const valid: {
    row: number;
    productId: string;
    sku: string;
    productName: string;
    expectedQty: string;
    remark: string;
  }[] = [];
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const rowNo = i + 2;
    const rowErrors: RowError[] = [];
    const sku = r.sku ?? "";
    const product = bySku.get(sku);
    if (!sku)
      rowErrors.push({
        row: rowNo,
        column: header("sku"),
        ref: { key: "required", params: { field: "sku" } },
      });
    else if (!product)
      rowErrors.push({ row: rowNo, column: header("sku"), ref: { key: "unknownSku", params: { sku } } });
    else if (seen.has(sku))
      rowErrors.push({
        row: rowNo,
        column: header("sku"),
        ref: { key: "duplicateInFile", params: { field: "sku", row: seen.get(sku)! } },
      });
    let qty: string | null = null;
    try {
      qty = parseDecimalField(r.expectedQty ?? "", "expectedQty", precision, "quantity", { positive: true });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const ref = Object.values(e.fieldErrors ?? {})[0] ?? e.messageRef;
      rowErrors.push({
        row: rowNo,
        column: header("expectedQty"),
        ref: { key: ref.key, params: { field: "expectedQty", ...(ref.params ?? {}) } },
      });
    }
    if ((r.remark ?? "").length > 200)
      rowErrors.push({
        row: rowNo,
        column: header("remark"),
        ref: { key: "tooLong", params: { field: "remark" } },
      });
    if (rowErrors.length) {
      errors.push(...rowErrors);
      return;
    }
    seen.set(sku, rowNo);
    valid.push({
      row: rowNo,
      productId: product!.id,
      sku,
      productName: product!.name,
      expectedQty: qty!,
      remark: r.remark ?? "",
    });
  });

  let created = 0;
  let updated = 0;
  if (input.commit && valid.length) {
    await inTransaction(ctx, async (ctx) => {
      // Lock the receipt: it must still be a draft when the lines are written.
      const [locked] = await ctx.db
        .select({ status: inboundReceipts.status })
        .from(inboundReceipts)
        .where(and(eq(inboundReceipts.id, input.id), eq(inboundReceipts.orgId, ctx.orgId)))
        .for("update");
      if (locked?.status !== "draft")
        throw new DomainError("INVALID_TRANSITION", {
          key: "inboundNotDraft",
          params: { status: locked?.status ?? "" },
        });
      const [last] = await ctx.db
        .select({ n: max(inboundReceiptLines.lineNo) })
        .from(inboundReceiptLines)
        .where(and(eq(inboundReceiptLines.orgId, ctx.orgId), eq(inboundReceiptLines.receiptId, input.id)));
      let lineNo = last?.n ?? 0;
      for (let i = 0; i < valid.length; i += 500) {
        const res = await ctx.db
          .insert(inboundReceiptLines)
          .values(
            valid
              .slice(i, i + 500)
              .map(({ row: _r, ...v }) => ({
                ...v,
                orgId: ctx.orgId,
                receiptId: input.id,
                lineNo: ++lineNo,
              })),
          )
          .onConflictDoUpdate({
            target: [inboundReceiptLines.orgId, inboundReceiptLines.receiptId, inboundReceiptLines.productId],
            set: { expectedQty: sql`excluded.expected_qty`, remark: sql`excluded.remark` },
          })
          .returning({ inserted: sql<boolean>`(xmax = 0)` });
        for (const r of res) {
          if (r.inserted) created++;
          else updated++;
        }
      }
      await refreshTotals(ctx, input.id);
    });
  }
  return {
    totalRows: rows.length,
    validRows: valid.length,
    errorRows: new Set(errors.map((e) => e.row)).size,
    created,
    updated,
    committed: input.commit && valid.length > 0,
    errors: errors.sort((a, b) => a.row - b.row),
    preview: rows.slice(0, 20),
  };
}

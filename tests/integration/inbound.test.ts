import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { organizations, stockMovements } from "@/db/schema";
import { DomainError } from "@/server/errors";
import { importReceiptLines } from "@/server/services/inbound/import";
import {
  cancelReceipt,
  createReceipt,
  finishReceipt,
  getReceipt,
  listReceipts,
  receiveReceipt,
  submitReceipt,
  updateReceipt,
} from "@/server/services/inbound/receipts";
import { closeTestDb, createTestOrg, keyCaller, newApiKey, sessionCaller, testDb } from "../helpers/db";
import { level, orderMerchant } from "./orders-fixtures";

afterAll(closeTestDb);

const csv = (rows: string[][]) =>
  Buffer.from("\uFEFF" + rows.map((r) => r.join(",")).join("\n")).toString("base64");

describe("inbound receipts", () => {
  it("draft → submitted → partially received → received, over and short per line, receipt movements each time", async () => {
    const m = await orderMerchant({ stock: {} });
    const draft = await createReceipt(m.ctx, {
      warehouseId: m.yw.id,
      supplier: "义乌针织厂",
      reference: "PO-778",
      expectedDate: "2026-12-01",
      lines: [
        { sku: "00021002", expectedQty: "10" },
        { sku: "00031003", expectedQty: "4.5", remark: "蓝色" },
      ],
    });
    expect(draft).toMatchObject({ status: "draft", totalExpected: "14.5000" });
    expect(draft.receiptNo).toMatch(/^IN-\d{6}-\d{5}$/);
    // A draft cannot be received.
    const { lines } = await getReceipt(m.ctx, draft.id);
    const lineOf = (sku: string) => lines.find((l) => l.sku === sku)!.id;
    await expect(
      receiveReceipt(m.ctx, { id: draft.id, lines: [{ lineId: lineOf("00021002"), qty: "1" }] }),
    ).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await submitReceipt(m.ctx, draft.id);
    await expect(
      updateReceipt(m.ctx, { id: draft.id, warehouseId: m.yw.id, lines: [] }),
    ).rejects.toMatchObject({ code: "INVALID_TRANSITION" });

    const first = await receiveReceipt(m.ctx, {
      id: draft.id,
      lines: [
        { lineId: lineOf("00021002"), qty: "6" },
        { lineId: lineOf("00031003"), qty: "0" },
      ],
    });
    expect(first.status).toBe("partially_received");
    expect((await level(m.org.orgId, m.productId("00021002"), m.yw.id)).onHand.toFixed()).toBe("6");
    const second = await receiveReceipt(m.ctx, {
      id: draft.id,
      remark: "第二车",
      lines: [
        { lineId: lineOf("00021002"), qty: "5" },
        { lineId: lineOf("00031003"), qty: "4.5" },
      ],
    });
    expect(second.status).toBe("received");
    const after = await getReceipt(m.ctx, draft.id);
    expect(after.receipt).toMatchObject({ totalReceived: "15.5000", status: "received" });
    expect(after.lines.map((l) => [l.sku, l.diffQty])).toEqual([
      ["00021002", "1"],
      ["00031003", "0"],
    ]);
    expect(after.events.map((e) => [e.type, e.toStatus])).toEqual([
      ["created", "draft"],
      ["submitted", "submitted"],
      ["received", "partially_received"],
      ["received", "received"],
    ]);
    expect(after.movements.map((mv) => [mv.kind, mv.sku, mv.onHandDelta])).toEqual([
      ["receipt", "00021002", "6.0000"],
      ["receipt", "00021002", "5.0000"],
      ["receipt", "00031003", "4.5000"],
    ]);
    expect((await level(m.org.orgId, m.productId("00021002"), m.yw.id)).onHand.toFixed()).toBe("11");
    // Received is final.
    await expect(
      receiveReceipt(m.ctx, { id: draft.id, lines: [{ lineId: lineOf("00021002"), qty: "1" }] }),
    ).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
  });

  it("finishing short closes a partly received receipt; cancel only before receiving", async () => {
    const m = await orderMerchant({ stock: {} });
    const r = await createReceipt(m.ctx, {
      warehouseId: m.sz.id,
      lines: [{ sku: "00021003", expectedQty: "10" }],
    });
    await submitReceipt(m.ctx, r.id);
    const { lines } = await getReceipt(m.ctx, r.id);
    await receiveReceipt(m.ctx, { id: r.id, lines: [{ lineId: lines[0]!.id, qty: "7" }] });
    await expect(cancelReceipt(m.ctx, { id: r.id, reason: "x" })).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
    });
    const done = await finishReceipt(m.ctx, { id: r.id, reason: "供应商缺货" });
    expect(done.status).toBe("received");
    expect((await getReceipt(m.ctx, r.id)).lines[0]!.diffQty).toBe("-3");

    const other = await createReceipt(m.ctx, {
      warehouseId: m.sz.id,
      lines: [{ sku: "00021003", expectedQty: "1" }],
    });
    await submitReceipt(m.ctx, other.id);
    expect((await cancelReceipt(m.ctx, { id: other.id, reason: "重复" })).status).toBe("cancelled");
  });

  it("refuses bad lines field by field: unknown SKU, repeated SKU, too many decimals (never rounded), nothing received", async () => {
    const m = await orderMerchant({ stock: {} });
    await testDb()
      .update(organizations)
      .set({ quantityDecimals: 2 })
      .where(eq(organizations.id, m.org.orgId));
    const err = await createReceipt(m.ctx, {
      warehouseId: m.sz.id,
      lines: [
        { sku: "NOPE-1", expectedQty: "1" },
        { sku: "00021002", expectedQty: "1.234" },
        { sku: "00021003", expectedQty: "0" },
        { sku: "00021003", expectedQty: "2" },
      ],
    }).catch((e: DomainError) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(Object.keys((err as DomainError).fieldErrors!).sort()).toEqual([
      "lines.0.sku",
      "lines.1.expectedQty",
      "lines.2.expectedQty",
      "lines.3.sku",
    ]);
    expect((err as DomainError).fieldErrors!["lines.1.expectedQty"]).toMatchObject({
      key: "tooManyDecimals",
      params: { scale: 2 },
    });
    expect((await listReceipts(m.ctx, {})).items).toHaveLength(0);

    const r = await createReceipt(m.ctx, {
      warehouseId: m.sz.id,
      lines: [{ sku: "00021002", expectedQty: "3" }],
    });
    await submitReceipt(m.ctx, r.id);
    const { lines } = await getReceipt(m.ctx, r.id);
    await expect(
      receiveReceipt(m.ctx, { id: r.id, lines: [{ lineId: lines[0]!.id, qty: "0" }] }),
    ).rejects.toMatchObject({ messageRef: { key: "nothingReceived" } });
    await expect(
      receiveReceipt(m.ctx, { id: r.id, lines: [{ lineId: lines[0]!.id, qty: "1.001" }] }),
    ).rejects.toMatchObject({
      fieldErrors: { "lines.0.qty": { key: "tooManyDecimals" } },
    });
    // An empty draft cannot be submitted.
    const empty = await createReceipt(m.ctx, { warehouseId: m.sz.id });
    await expect(submitReceipt(m.ctx, empty.id)).rejects.toMatchObject({
      messageRef: { key: "inboundNoLines" },
    });
  });

  it("imports lines from CSV with row-by-row errors and merges the valid rows into the draft", async () => {
    const m = await orderMerchant({ stock: {} });
    const r = await createReceipt(m.ctx, {
      warehouseId: m.sz.id,
      lines: [{ sku: "00021002", expectedQty: "1" }],
    });
    const file = csv([
      ["SKU", "数量", "备注"],
      ["00021002", "8", "补货"],
      ["00021003", "abc", ""],
      ["UNKNOWN", "1", ""],
      ["00031003", "2.5", ""],
      ["00031003", "1", ""],
      ["", "1", ""],
    ]);
    const preview = await importReceiptLines(m.ctx, {
      id: r.id,
      format: "csv",
      content: file,
      commit: false,
    });
    expect(preview).toMatchObject({ totalRows: 6, validRows: 2, errorRows: 4, committed: false });
    expect(preview.errors.map((e) => [e.row, e.column, e.ref.key])).toEqual([
      [3, "预期数量 Expected qty", "decimalFormat"],
      [4, "SKU", "unknownSku"],
      [6, "SKU", "duplicateInFile"],
      [7, "SKU", "required"],
    ]);
    expect((await getReceipt(m.ctx, r.id)).lines).toHaveLength(1);
    const done = await importReceiptLines(m.ctx, { id: r.id, format: "csv", content: file, commit: true });
    expect(done).toMatchObject({ committed: true, created: 1, updated: 1 });
    const after = await getReceipt(m.ctx, r.id);
    expect(after.lines.map((l) => [l.sku, l.expectedQty, l.remark])).toEqual([
      ["00021002", "8.0000", "补货"],
      ["00031003", "2.5000", ""],
    ]);
    expect(after.receipt.totalExpected).toBe("10.5000");
    // Only drafts take imports.
    await submitReceipt(m.ctx, r.id);
    await expect(
      importReceiptLines(m.ctx, { id: r.id, format: "csv", content: file, commit: true }),
    ).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
  });

  it("two receivings of the same receipt at once both count, exactly once each", async () => {
    const m = await orderMerchant({ stock: {} });
    const r = await createReceipt(m.ctx, {
      warehouseId: m.sz.id,
      lines: [{ sku: "00021002", expectedQty: "100" }],
    });
    await submitReceipt(m.ctx, r.id);
    const lineId = (await getReceipt(m.ctx, r.id)).lines[0]!.id;
    await Promise.all(
      Array.from({ length: 10 }, () => receiveReceipt(m.ctx, { id: r.id, lines: [{ lineId, qty: "10" }] })),
    );
    const after = await getReceipt(m.ctx, r.id);
    expect(after.receipt).toMatchObject({ status: "received", totalReceived: "100.0000" });
    const moves = await testDb()
      .select()
      .from(stockMovements)
      .where(and(eq(stockMovements.orgId, m.org.orgId), eq(stockMovements.refId, r.id)));
    expect(moves).toHaveLength(10);
    expect((await level(m.org.orgId, m.productId("00021002"), m.sz.id)).onHand.toFixed()).toBe("100");
  });

  it("another merchant's session and API key get NOT_FOUND for receipts and their actions", async () => {
    const m = await orderMerchant({ stock: {} });
    const r = await createReceipt(m.ctx, {
      warehouseId: m.sz.id,
      lines: [{ sku: "00021002", expectedQty: "1" }],
    });
    const other = await createTestOrg("B");
    for (const caller of [sessionCaller(other.ownerId, other.orgId), keyCaller(await newApiKey(other))]) {
      await expect(caller.inbound.byId({ id: r.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.inbound.submit({ id: r.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.inbound.cancel({ id: r.id, reason: "x" })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(
        caller.inbound.update({ id: r.id, warehouseId: m.sz.id, lines: [] }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        caller.inbound.importLines({
          id: r.id,
          format: "csv",
          content: csv([["SKU", "数量"]]),
          commit: true,
        }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      // Using A's warehouse for B's own receipt is refused too.
      await expect(caller.inbound.create({ warehouseId: m.sz.id, lines: [] })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      expect((await caller.inbound.list({})).items).toEqual([]);
    }
    const own = sessionCaller(m.org.ownerId, m.org.orgId);
    expect((await own.inbound.byId({ id: r.id })).receipt.id).toBe(r.id);
  });
});

import { and, asc, count, eq, ilike, inArray, or, sql } from "drizzle-orm";
import type { z } from "zod";
import {
  inboundReceiptEvents,
  inboundReceiptLines,
  inboundReceipts,
  products,
  users,
  warehouses,
} from "@/db/schema";
import type { InboundStatus } from "@/db/schema/warehouse";
import { COLUMN_MAX, dec, fitsColumn, sumDecimals } from "@/lib/decimal";
import {
  INBOUND_TRANSITIONS,
  InboundCancelInput,
  InboundCreateInput,
  InboundListInput,
  InboundReceiveInput,
  InboundUpdateInput,
  type InboundAction,
} from "@/lib/validators/inbound";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, fieldError, notFound } from "@/server/errors";
import { afterCursor, COUNT_CAP, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { FieldErrorCollector, getPrecision, parseDecimalField } from "../_lib/precision";
import type { Precision } from "@/lib/precision";
import { nextNumber } from "../_lib/numbers";
import { moveStock } from "../inventory/ledger";
import { movementsOfDocument } from "../inventory/stock";
import { likeContains } from "../_lib/like";
import { recordEvent } from "../_lib/events";

/**
 * 入库单: expected goods for a warehouse (supplier, reference, lines of SKU × quantity), received in one
 * or several goes. Each receiving posts `receipt` movements for the actual quantities; over and short
 * are kept per line. Statuses follow INBOUND_TRANSITIONS; every change writes a timeline event.
 */

export type InboundRow = typeof inboundReceipts.$inferSelect;

function assertTransition(action: InboundAction, from: InboundStatus) {
  const to = INBOUND_TRANSITIONS[action][from];
  if (!to?.length)
    throw new DomainError("INVALID_TRANSITION", {
      key: "inboundInvalidTransition",
      params: { action, status: from },
    });
  return to;
}

async function loadReceipt(ctx: ServiceContext, id: string, lock = false) {
  const q = ctx.db
    .select()
    .from(inboundReceipts)
    .where(and(eq(inboundReceipts.id, id), eq(inboundReceipts.orgId, ctx.orgId)));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("inboundReceipt");
  return row;
}

async function assertWarehouse(ctx: ServiceContext, warehouseId: string) {
  const [wh] = await ctx.db
    .select({ id: warehouses.id, enabled: warehouses.enabled })
    .from(warehouses)
    .where(and(eq(warehouses.id, warehouseId), eq(warehouses.orgId, ctx.orgId)));
  if (!wh) throw fieldError("warehouseId", "notFoundField", { entity: "warehouse" });
  if (!wh.enabled) throw fieldError("warehouseId", "warehouseDisabled");
}

type ResolvedLine = {
  productId: string;
  sku: string;
  productName: string;
  expectedQty: string;
  remark: string;
};

/**
 * Resolve line SKUs and quantities at the merchant's precision; every bad line is reported with its
 * index (`lines.3.sku`), a SKU listed twice is an error on its second line.
 */
async function resolveLines(
  ctx: ServiceContext,
  lines: z.output<typeof InboundCreateInput>["lines"],
  precision: Precision,
): Promise<ResolvedLine[]> {
  const errors = new FieldErrorCollector();
  const found = lines.length
    ? await ctx.db
        .select({ id: products.id, sku: products.sku, name: products.name })
        .from(products)
        .where(
          and(eq(products.orgId, ctx.orgId), inArray(products.sku, [...new Set(lines.map((l) => l.sku))])),
        )
    : [];
  const bySku = new Map(found.map((p) => [p.sku, p]));
  const seen = new Map<string, number>();
  const out: ResolvedLine[] = [];
  lines.forEach((l, i) => {
    const qty = errors.run(() =>
      parseDecimalField(l.expectedQty, `lines.${i}.expectedQty`, precision, "quantity", { positive: true }),
    );
    const p = bySku.get(l.sku);
    if (!p) errors.add(`lines.${i}.sku`, "unknownSku", { sku: l.sku });
    else if (seen.has(p.id)) errors.add(`lines.${i}.sku`, "duplicateLine", { line: seen.get(p.id)! + 1 });
    else seen.set(p.id, i);
    if (p && qty)
      out.push({ productId: p.id, sku: p.sku, productName: p.name, expectedQty: qty, remark: l.remark });
  });
  errors.throwIfAny();
  return out;
}

async function replaceLines(ctx: ServiceContext, receiptId: string, lines: ResolvedLine[]) {
  await ctx.db
    .delete(inboundReceiptLines)
    .where(and(eq(inboundReceiptLines.orgId, ctx.orgId), eq(inboundReceiptLines.receiptId, receiptId)));
  for (let i = 0; i < lines.length; i += 500) {
    await ctx.db
      .insert(inboundReceiptLines)
      .values(
        lines.slice(i, i + 500).map((l, j) => ({ ...l, orgId: ctx.orgId, receiptId, lineNo: i + j + 1 })),
      );
  }
  await refreshTotals(ctx, receiptId);
}

/**
 * The receipt's totals from its lines. Each line fits numeric(18,4) but their sum may not: then a field
 * error on the lines (the caller's transaction rolls back), never PostgreSQL's overflow as a 500.
 */
export async function refreshTotals(ctx: ServiceContext, receiptId: string) {
  const [sums] = await ctx.db.execute<{ e: string | null; r: string | null }>(sql`
    select sum(expected_qty)::text e, sum(received_qty)::text r from ${inboundReceiptLines}
     where org_id = ${ctx.orgId} and receipt_id = ${receiptId}`);
  const expected = sums?.e ?? "0";
  const received = sums?.r ?? "0";
  if (!fitsColumn(expected)) throw fieldError("lines", "documentQuantityTooLarge", { max: COLUMN_MAX });
  if (!fitsColumn(received)) throw fieldError("lines", "documentQuantityTooLarge", { max: COLUMN_MAX });
  await ctx.db.execute(sql`
    update ${inboundReceipts} r
       set total_expected = ${expected}::numeric, total_received = ${received}::numeric, updated_at = now(), version = r.version + 1
     where r.id = ${receiptId} and r.org_id = ${ctx.orgId}`);
}

export async function createReceipt(ctx: ServiceContext, raw: InboundCreateInput) {
  const input = InboundCreateInput.parse(raw);
  const precision = await getPrecision(ctx);
  return inTransaction(ctx, async (ctx) => {
    await assertWarehouse(ctx, input.warehouseId);
    const lines = await resolveLines(ctx, input.lines, precision);
    const receiptNo = await nextNumber(ctx, "inbound");
    const [row] = await ctx.db
      .insert(inboundReceipts)
      .values({
        orgId: ctx.orgId,
        receiptNo,
        warehouseId: input.warehouseId,
        supplier: input.supplier,
        reference: input.reference,
        expectedDate: input.expectedDate ?? null,
        remark: input.remark,
        createdBy: actorUserId(ctx),
      })
      .returning();
    await replaceLines(ctx, row!.id, lines);
    await recordEvent(ctx, "inbound", row!.id, { type: "created", to: "draft" });
    return loadReceipt(ctx, row!.id);
  });
}

/** Edit a draft: header and the whole line list. */
export async function updateReceipt(ctx: ServiceContext, raw: InboundUpdateInput) {
  const { id, ...input } = InboundUpdateInput.parse(raw);
  const precision = await getPrecision(ctx);
  return inTransaction(ctx, async (ctx) => {
    const current = await loadReceipt(ctx, id, true);
    if (current.status !== "draft")
      throw new DomainError("INVALID_TRANSITION", {
        key: "inboundNotDraft",
        params: { status: current.status },
      });
    await assertWarehouse(ctx, input.warehouseId);
    const lines = await resolveLines(ctx, input.lines, precision);
    await ctx.db
      .update(inboundReceipts)
      .set({
        warehouseId: input.warehouseId,
        supplier: input.supplier,
        reference: input.reference,
        expectedDate: input.expectedDate ?? null,
        remark: input.remark,
      })
      .where(and(eq(inboundReceipts.id, id), eq(inboundReceipts.orgId, ctx.orgId)));
    await replaceLines(ctx, id, lines);
    await recordEvent(ctx, "inbound", id, { type: "edited" });
    return loadReceipt(ctx, id);
  });
}

async function setStatus(
  ctx: ServiceContext,
  current: InboundRow,
  to: InboundStatus,
  extra: Partial<InboundRow> = {},
) {
  const [row] = await ctx.db
    .update(inboundReceipts)
    .set({ ...extra, status: to, version: current.version + 1 })
    .where(
      and(
        eq(inboundReceipts.id, current.id),
        eq(inboundReceipts.orgId, ctx.orgId),
        eq(inboundReceipts.status, current.status),
      ),
    )
    .returning();
  if (!row) throw new DomainError("CONFLICT", { key: "changedMeanwhile" });
  return row;
}

export async function submitReceipt(ctx: ServiceContext, id: string) {
  return inTransaction(ctx, async (ctx) => {
    const current = await loadReceipt(ctx, id, true);
    const [to] = assertTransition("submit", current.status);
    const [n] = await ctx.db
      .select({ n: count() })
      .from(inboundReceiptLines)
      .where(and(eq(inboundReceiptLines.orgId, ctx.orgId), eq(inboundReceiptLines.receiptId, id)));
    if (!n?.n)
      throw new DomainError(
        "VALIDATION",
        { key: "inboundNoLines" },
        { fieldErrors: { lines: { key: "inboundNoLines" } } },
      );
    const row = await setStatus(ctx, current, to!, { submittedAt: new Date() });
    await recordEvent(ctx, "inbound", id, { type: "submitted", from: current.status, to: to! });
    return row;
  });
}

export async function cancelReceipt(ctx: ServiceContext, raw: z.input<typeof InboundCancelInput>) {
  const input = InboundCancelInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const current = await loadReceipt(ctx, input.id, true);
    const [to] = assertTransition("cancel", current.status);
    const row = await setStatus(ctx, current, to!, { cancelledAt: new Date() });
    await recordEvent(ctx, "inbound", input.id, {
      type: "cancelled",
      from: current.status,
      to: to!,
      reason: input.reason || null,
    });
    return row;
  });
}

/** Close a partly received receipt: what has not arrived is not coming (shortage stays on the lines). */
export async function finishReceipt(ctx: ServiceContext, raw: z.input<typeof InboundCancelInput>) {
  const input = InboundCancelInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const current = await loadReceipt(ctx, input.id, true);
    const [to] = assertTransition("finish", current.status);
    const row = await setStatus(ctx, current, to!, { receivedAt: new Date() });
    await recordEvent(ctx, "inbound", input.id, {
      type: "finished_short",
      from: current.status,
      to: to!,
      reason: input.reason || null,
    });
    return row;
  });
}

/**
 * Record one receiving: actual quantities per line post `receipt` movements into the receipt's
 * warehouse and add to the lines' received quantities (more than expected is allowed and shown as
 * over). The receipt becomes received once every line has at least its expected quantity.
 */
export async function receiveReceipt(ctx: ServiceContext, raw: InboundReceiveInput) {
  const input = InboundReceiveInput.parse(raw);
  const precision = await getPrecision(ctx);
  const errors = new FieldErrorCollector();
  const qtys = input.lines.map((l, i) => ({
    lineId: l.lineId,
    qty: errors.run(() => parseDecimalField(l.qty, `lines.${i}.qty`, precision, "quantity")) ?? "0",
  }));
  errors.throwIfAny();
  const wanted = qtys.filter((q) => dec(q.qty).gt(0));
  if (wanted.length === 0)
    throw new DomainError(
      "VALIDATION",
      { key: "nothingReceived" },
      { fieldErrors: { lines: { key: "nothingReceived" } } },
    );
  return inTransaction(ctx, async (ctx) => {
    const current = await loadReceipt(ctx, input.id, true);
    assertTransition("receive", current.status);
    const lines = await ctx.db
      .select()
      .from(inboundReceiptLines)
      .where(and(eq(inboundReceiptLines.orgId, ctx.orgId), eq(inboundReceiptLines.receiptId, current.id)));
    const byId = new Map(lines.map((l) => [l.id, l]));
    const received: { sku: string; qty: string }[] = [];
    for (const [i, q] of qtys.entries()) {
      if (!dec(q.qty).gt(0)) continue;
      const line = byId.get(q.lineId);
      if (!line) throw fieldError(`lines.${i}.lineId`, "notFoundField", { entity: "inboundLine" });
      line.receivedQty = dec(line.receivedQty).plus(q.qty).toFixed();
      if (!fitsColumn(line.receivedQty)) throw fieldError(`lines.${i}.qty`, "receivedTooLarge", { max: COLUMN_MAX });
      await ctx.db
        .update(inboundReceiptLines)
        .set({ receivedQty: sql`${inboundReceiptLines.receivedQty} + ${q.qty}::numeric` })
        .where(and(eq(inboundReceiptLines.id, line.id), eq(inboundReceiptLines.orgId, ctx.orgId)));
      await moveStock(ctx, {
        productId: line.productId,
        warehouseId: current.warehouseId,
        kind: "receipt",
        onHandDelta: q.qty,
        field: `lines.${i}.qty`,
        refType: "inbound",
        refId: current.id,
        refNo: current.receiptNo,
        reason: input.remark || null,
      });
      received.push({ sku: line.sku, qty: q.qty });
    }
    const complete = lines.every((l) => dec(l.receivedQty).gte(l.expectedQty));
    const to: InboundStatus = complete ? "received" : "partially_received";
    const row = await setStatus(ctx, current, to, complete ? { receivedAt: new Date() } : {});
    await refreshTotals(ctx, current.id);
    await recordEvent(ctx, "inbound", current.id, {
      type: "received",
      from: current.status,
      to,
      reason: input.remark || null,
      details: { lines: received, total: sumDecimals(received.map((r) => r.qty)).toFixed() },
    });
    return { ...row, status: to };
  });
}

const LIST_SORT = sql`${inboundReceipts.createdAt}`;

export async function listReceipts(ctx: ServiceContext, raw: z.input<typeof InboundListInput>) {
  const input = InboundListInput.parse(raw);
  const filters = and(
    eq(inboundReceipts.orgId, ctx.orgId),
    input.status ? eq(inboundReceipts.status, input.status) : undefined,
    input.warehouseId ? eq(inboundReceipts.warehouseId, input.warehouseId) : undefined,
    input.search
      ? or(
          ilike(inboundReceipts.receiptNo, likeContains(input.search)),
          ilike(inboundReceipts.supplier, likeContains(input.search)),
          ilike(inboundReceipts.reference, likeContains(input.search)),
        )
      : undefined,
  );
  const rows = await ctx.db
    .select({
      id: inboundReceipts.id,
      receiptNo: inboundReceipts.receiptNo,
      status: inboundReceipts.status,
      warehouseId: inboundReceipts.warehouseId,
      warehouseCode: warehouses.code,
      warehouseName: warehouses.name,
      supplier: inboundReceipts.supplier,
      reference: inboundReceipts.reference,
      expectedDate: inboundReceipts.expectedDate,
      totalExpected: inboundReceipts.totalExpected,
      totalReceived: inboundReceipts.totalReceived,
      createdAt: inboundReceipts.createdAt,
      sortKey: sql<string>`${inboundReceipts.createdAt}::text`,
    })
    .from(inboundReceipts)
    .innerJoin(warehouses, eq(warehouses.id, inboundReceipts.warehouseId))
    .where(and(filters, afterCursor(LIST_SORT, inboundReceipts.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(LIST_SORT, inboundReceipts.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit, (r) => r.sortKey);
  const total = await countCapped(ctx, inboundReceipts, filters);
  return {
    items: page.items.map(({ sortKey: _s, ...r }) => r),
    nextCursor: page.nextCursor,
    total: total,
  };
}

/** Counts per status for the list tabs (capped like every count). */
export async function receiptStatusCounts(ctx: ServiceContext) {
  const rows = await ctx.db.execute<{ status: string; n: number }>(sql`
    select status, count(*)::int n from (
      select status from ${inboundReceipts} where org_id = ${ctx.orgId} and status <> 'received' and status <> 'cancelled' limit ${COUNT_CAP + 1}
    ) s group by status`);
  return Object.fromEntries(
    (rows as unknown as { status: string; n: number }[]).map((r) => [r.status, r.n]),
  ) as Partial<Record<InboundStatus, number>>;
}

/** Header, lines with over/short, the timeline and the stock movements the receipt posted. */
export async function getReceipt(ctx: ServiceContext, id: string) {
  const receipt = await loadReceipt(ctx, id);
  const [wh] = await ctx.db
    .select({ code: warehouses.code, name: warehouses.name })
    .from(warehouses)
    .where(eq(warehouses.id, receipt.warehouseId));
  const lines = await ctx.db
    .select()
    .from(inboundReceiptLines)
    .where(and(eq(inboundReceiptLines.orgId, ctx.orgId), eq(inboundReceiptLines.receiptId, id)))
    .orderBy(asc(inboundReceiptLines.lineNo));
  const events = await ctx.db
    .select({
      id: inboundReceiptEvents.id,
      type: inboundReceiptEvents.type,
      fromStatus: inboundReceiptEvents.fromStatus,
      toStatus: inboundReceiptEvents.toStatus,
      reason: inboundReceiptEvents.reason,
      details: inboundReceiptEvents.details,
      actorLabel: inboundReceiptEvents.actorLabel,
      actorName: users.name,
      createdAt: inboundReceiptEvents.createdAt,
    })
    .from(inboundReceiptEvents)
    .leftJoin(users, eq(users.id, inboundReceiptEvents.actorUserId))
    .where(and(eq(inboundReceiptEvents.orgId, ctx.orgId), eq(inboundReceiptEvents.receiptId, id)))
    .orderBy(asc(inboundReceiptEvents.createdAt), asc(inboundReceiptEvents.id));
  const movements = await movementsOfDocument(ctx, "inbound", id);
  return {
    receipt: { ...receipt, warehouseCode: wh?.code ?? "", warehouseName: wh?.name ?? "" },
    lines: lines.map((l) => ({ ...l, diffQty: dec(l.receivedQty).minus(l.expectedQty).toFixed() })),
    events,
    movements,
  };
}

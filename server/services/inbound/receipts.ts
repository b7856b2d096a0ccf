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
import { dec, sumDecimals } from "@/lib/decimal";
import {
  INBOUND_TRANSITIONS,
  InboundCancelInput,
  InboundCreateInput,
  InboundListInput,
  InboundReceiveInput,
  InboundUpdateInput,
  type InboundAction,
} from "@/lib/validators/inbound";
import { actorLabel, actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, fieldError, notFound } from "@/server/errors";
import { afterCursor, cappedCount, COUNT_CAP, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { FieldErrorCollector, getPrecision, parseDecimalField, type Precision } from "../_lib/precision";
import { nextDocNumber } from "../inventory/doc-numbers";
import { moveStock } from "../inventory/ledger";
import { likeTerm, movementsOfDocument } from "../inventory/stock";

/**
 * 入库单: expected goods for a warehouse (supplier, reference, lines of SKU × quantity), received in one
 * or several goes. Each receiving posts `receipt` movements for the actual quantities; over and short
 * are kept per line. Statuses follow INBOUND_TRANSITIONS; every change writes a timeline event.
 */

export type InboundRow = typeof inboundReceipts.$inferSelect;

async function recordEvent(
  ctx: ServiceContext,
  receiptId: string,
  e: {
    type: string;
    from?: InboundStatus | null;
    to?: InboundStatus | null;
    reason?: string | null;
    details?: Record<string, unknown>;
  },
) {
  await ctx.db.insert(inboundReceiptEvents).values({
    orgId: ctx.orgId,
    receiptId,
    type: e.type,
    fromStatus: e.from ?? null,
    toStatus: e.to ?? null,
    reason: e.reason ?? null,
    details: e.details ?? null,
    actorUserId: actorUserId(ctx),
    actorLabel: actorLabel(ctx),
  });
}

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

export async function refreshTotals(ctx: ServiceContext, receiptId: string) {
  await ctx.db.execute(sql`
    update ${inboundReceipts} r
       set total_expected = coalesce(s.e, 0), total_received = coalesce(s.r, 0), updated_at = now(), version = r.version + 1
      from (select sum(expected_qty) e, sum(received_qty) r from ${inboundReceiptLines}
             where org_id = ${ctx.orgId} and receipt_id = ${receiptId}) s
     where r.id = ${receiptId} and r.org_id = ${ctx.orgId}`);
}

export async function createReceipt(ctx: ServiceContext, raw: InboundCreateInput) {
  const input = InboundCreateInput.parse(raw);
  const precision = await getPrecision(ctx.db, ctx.orgId);
  return inTransaction(ctx, async (tx) => {
    await assertWarehouse(tx, input.warehouseId);
    const lines = await resolveLines(tx, input.lines, precision);
    const receiptNo = await nextDocNumber(tx.db, ctx.orgId, "inbound");
    const [row] = await tx.db
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
    await replaceLines(tx, row!.id, lines);
    await recordEvent(tx, row!.id, { type: "created", to: "draft" });
    return loadReceipt(tx, row!.id);
  });
}

/** Edit a draft: header and the whole line list. */
export async function updateReceipt(ctx: ServiceContext, raw: InboundUpdateInput) {
  const { id, ...input } = InboundUpdateInput.parse(raw);
  const precision = await getPrecision(ctx.db, ctx.orgId);
  return inTransaction(ctx, async (tx) => {
    const current = await loadReceipt(tx, id, true);
    if (current.status !== "draft")
      throw new DomainError("INVALID_TRANSITION", {
        key: "inboundNotDraft",
        params: { status: current.status },
      });
    await assertWarehouse(tx, input.warehouseId);
    const lines = await resolveLines(tx, input.lines, precision);
    await tx.db
      .update(inboundReceipts)
      .set({
        warehouseId: input.warehouseId,
        supplier: input.supplier,
        reference: input.reference,
        expectedDate: input.expectedDate ?? null,
        remark: input.remark,
      })
      .where(and(eq(inboundReceipts.id, id), eq(inboundReceipts.orgId, ctx.orgId)));
    await replaceLines(tx, id, lines);
    await recordEvent(tx, id, { type: "edited" });
    return loadReceipt(tx, id);
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
  return inTransaction(ctx, async (tx) => {
    const current = await loadReceipt(tx, id, true);
    const [to] = assertTransition("submit", current.status);
    const [n] = await tx.db
      .select({ n: count() })
      .from(inboundReceiptLines)
      .where(and(eq(inboundReceiptLines.orgId, ctx.orgId), eq(inboundReceiptLines.receiptId, id)));
    if (!n?.n)
      throw new DomainError(
        "VALIDATION",
        { key: "inboundNoLines" },
        { fieldErrors: { lines: { key: "inboundNoLines" } } },
      );
    const row = await setStatus(tx, current, to!, { submittedAt: new Date() });
    await recordEvent(tx, id, { type: "submitted", from: current.status, to: to! });
    return row;
  });
}

export async function cancelReceipt(ctx: ServiceContext, raw: z.input<typeof InboundCancelInput>) {
  const input = InboundCancelInput.parse(raw);
  return inTransaction(ctx, async (tx) => {
    const current = await loadReceipt(tx, input.id, true);
    const [to] = assertTransition("cancel", current.status);
    const row = await setStatus(tx, current, to!, { cancelledAt: new Date() });
    await recordEvent(tx, input.id, {
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
  return inTransaction(ctx, async (tx) => {
    const current = await loadReceipt(tx, input.id, true);
    const [to] = assertTransition("finish", current.status);
    const row = await setStatus(tx, current, to!, { receivedAt: new Date() });
    await recordEvent(tx, input.id, {
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
  const precision = await getPrecision(ctx.db, ctx.orgId);
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
  return inTransaction(ctx, async (tx) => {
    const current = await loadReceipt(tx, input.id, true);
    assertTransition("receive", current.status);
    const lines = await tx.db
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
      await tx.db
        .update(inboundReceiptLines)
        .set({ receivedQty: sql`${inboundReceiptLines.receivedQty} + ${q.qty}::numeric` })
        .where(and(eq(inboundReceiptLines.id, line.id), eq(inboundReceiptLines.orgId, ctx.orgId)));
      await moveStock(tx.db, ctx, {
        productId: line.productId,
        warehouseId: current.warehouseId,
        kind: "receipt",
        onHandDelta: q.qty,
        refType: "inbound",
        refId: current.id,
        refNo: current.receiptNo,
        reason: input.remark || null,
      });
      received.push({ sku: line.sku, qty: q.qty });
    }
    const complete = lines.every((l) => dec(l.receivedQty).gte(l.expectedQty));
    const to: InboundStatus = complete ? "received" : "partially_received";
    const row = await setStatus(tx, current, to, complete ? { receivedAt: new Date() } : {});
    await refreshTotals(tx, current.id);
    await recordEvent(tx, current.id, {
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
          ilike(inboundReceipts.receiptNo, likeTerm(input.search)),
          ilike(inboundReceipts.supplier, likeTerm(input.search)),
          ilike(inboundReceipts.reference, likeTerm(input.search)),
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
  const [total] = await ctx.db
    .select({ n: count() })
    .from(sql`(select 1 from ${inboundReceipts} where ${filters} limit ${COUNT_CAP + 1}) c`);
  return {
    items: page.items.map(({ sortKey: _s, ...r }) => r),
    nextCursor: page.nextCursor,
    total: cappedCount(total?.n ?? 0),
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

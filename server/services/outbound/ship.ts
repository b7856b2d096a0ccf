import { and, eq, inArray, notInArray, or, sql } from "drizzle-orm";
import { orderLines, outboundOrderLines, outboundOrders } from "@/db/schema";
import type { OutboundStatus } from "@/db/schema/warehouse";
import { dec } from "@/lib/decimal";
import { RESERVED_STATUSES } from "@/lib/orders/status";
import {
  BulkShipInput,
  PackInput,
  ShipInput,
  TrackingUploadInput,
  carrierText,
  trackingText,
} from "@/lib/validators/outbound";
import { IMPORT_MAX_BYTES } from "@/lib/validators/tabular";
import { inTransaction, type ServiceContext, type TxContext } from "@/server/context";
import { DomainError, type FieldErrors, type MessageRef } from "@/server/errors";
import { FieldErrorCollector, getPrecision, parseDecimalField } from "../_lib/precision";
import { decodeUpload, readTable, type ColumnSpec } from "../_lib/tabular";
import { recordShippingFreight } from "../finance/freight";
import { moveStock } from "../inventory/ledger";
import { transitionOrder } from "../orders/transitions";
import { enqueue } from "../outbox/outbox";
import { TOPICS } from "../outbox/topics";
import { applyOutboundStatus, lockForShipping, outboundLines, outboundTransition, type OutboundRow } from "./internal";

function assertOrderShippable(order: { status: string; orderNo: string } | undefined) {
  if (!order || !RESERVED_STATUSES.includes(order.status as (typeof RESERVED_STATUSES)[number])) {
    throw new DomainError("INVALID_TRANSITION", {
      key: "orderNotShippable",
      params: { orderNo: order?.orderNo ?? "", status: order?.status ?? "" },
    });
  }
}

/**
 * Ship one outbound order whose order and row are locked: its reservation becomes a `shipment`
 * movement (on hand and reserved both go down), the order lines' shipped quantities go up, the row
 * records carrier and tracking number, `order.shipped` is enqueued for the marketplace push, and when
 * this was the order's last outbound order still open, the order itself moves to `shipped`.
 */
async function shipLocked(ctx: TxContext, row: OutboundRow, carrier: string, trackingNumber: string, freight: Pick<ShipInput, "freight" | "freightCurrency"> = {}) {
  const to = outboundTransition(row, "ship");
  const lines = await outboundLines(ctx, row.id);
  for (const l of lines) {
    const q = dec(l.quantity);
    await moveStock(ctx, {
      productId: l.productId,
      warehouseId: row.warehouseId,
      kind: "shipment",
      onHandDelta: q.neg().toFixed(),
      reservedDelta: q.neg().toFixed(),
      refType: "outbound",
      refId: row.id,
      refNo: row.outboundNo,
    });
    await ctx.db
      .update(orderLines)
      .set({ shippedQty: sql`${orderLines.shippedQty} + ${q.toFixed()}::numeric` })
      .where(and(eq(orderLines.id, l.orderLineId), eq(orderLines.orgId, ctx.orgId)));
  }
  const shipped = await applyOutboundStatus(ctx, row, "ship", to, {
    patch: { carrier, trackingNumber, shippedAt: new Date() },
    details: { carrier, trackingNumber, skippedPack: row.status !== "packed" ? true : undefined },
  });
  // 物流成本 entered with the shipment (finance staff): a freight charge of the order, in this transaction.
  await recordShippingFreight(ctx, row, { amount: freight.freight, currency: freight.freightCurrency });
  await enqueue(ctx, {
    topic: TOPICS.orderShipped,
    payload: { orderId: row.orderId, outboundId: row.id, carrier, trackingNumber },
  });
  const open = await ctx.db
    .select({ id: outboundOrders.id })
    .from(outboundOrders)
    .where(
      and(
        eq(outboundOrders.orgId, ctx.orgId),
        eq(outboundOrders.orderId, row.orderId),
        notInArray(outboundOrders.status, ["shipped", "cancelled"] satisfies OutboundStatus[]),
      ),
    )
    .limit(1);
  if (open.length === 0) await transitionOrder(ctx, { orderId: row.orderId, action: "ship" });
  return shipped;
}

export async function shipOutbound(ctx: ServiceContext, raw: ShipInput) {
  const input = ShipInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const locked = await lockForShipping(ctx, [input.id]);
    const row = locked.rows.get(input.id)!;
    outboundTransition(row, "ship");
    assertOrderShippable(locked.orders.get(row.orderId));
    return shipLocked(ctx, row, input.carrier, input.trackingNumber, input);
  });
}

/** Ship several outbound orders at once, all or nothing; every row that cannot ship is reported. */
export async function bulkShip(ctx: ServiceContext, raw: BulkShipInput) {
  const input = BulkShipInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const locked = await lockForShipping(
      ctx,
      input.items.map((i) => i.id),
    );
    const errors: FieldErrors = {};
    input.items.forEach((item, i) => {
      const row = locked.rows.get(item.id)!;
      const ref = shippableRef(row, locked.orders.get(row.orderId));
      if (ref) errors[`items.${i}.id`] = ref;
    });
    const failed = Object.entries(errors);
    if (failed.length) {
      const [, first] = failed[0]!;
      throw new DomainError("INVALID_TRANSITION", first, { fieldErrors: errors });
    }
    const shipped: OutboundRow[] = [];
    for (const item of input.items)
      shipped.push(await shipLocked(ctx, locked.rows.get(item.id)!, item.carrier, item.trackingNumber, item));
    return { shipped: shipped.length, rows: shipped };
  });
}

/** Why a row cannot ship now, as a message, or null when it can. */
function shippableRef(
  row: OutboundRow,
  order: { status: string; orderNo: string } | undefined,
): MessageRef | null {
  if (row.status === "pending_audit") return { key: "outboundNotAudited", params: { no: row.outboundNo } };
  try {
    outboundTransition(row, "ship");
    assertOrderShippable(order);
  } catch (e) {
    if (e instanceof DomainError) return e.messageRef;
    throw e;
  }
  return null;
}

/** 打包: confirm the packed quantity of every line; any difference is refused line by line. */
export async function packOutbound(ctx: ServiceContext, raw: PackInput) {
  const input = PackInput.parse(raw);
  const precision = await getPrecision(ctx);
  return inTransaction(ctx, async (ctx) => {
    const locked = await lockForShipping(ctx, [input.id]);
    const row = locked.rows.get(input.id)!;
    const to = outboundTransition(row, "pack");
    const lines = await outboundLines(ctx, row.id);
    const errors = new FieldErrorCollector();
    const packed = new Map<string, string>();
    input.lines.forEach((l, i) => {
      const line = lines.find((x) => x.id === l.lineId);
      if (!line) return errors.add(`lines.${i}.packedQty`, "notFoundField", { entity: "outboundLine" });
      const qty = errors.run(() =>
        parseDecimalField(l.packedQty, `lines.${i}.packedQty`, precision, "quantity"),
      );
      if (qty === undefined) return;
      if (!dec(qty).eq(line.quantity))
        errors.add(`lines.${i}.packedQty`, "packedMismatch", {
          sku: line.sku,
          expected: dec(line.quantity).toFixed(),
          packed: qty,
        });
      else packed.set(line.id, qty);
    });
    lines.forEach((line) => {
      if (!input.lines.some((l) => l.lineId === line.id))
        errors.add(`line.${line.id}`, "packLineMissing", { sku: line.sku });
    });
    errors.throwIfAny();
    for (const [lineId, qty] of packed) {
      await ctx.db
        .update(outboundOrderLines)
        .set({ packedQty: qty })
        .where(and(eq(outboundOrderLines.id, lineId), eq(outboundOrderLines.orgId, ctx.orgId)));
    }
    return applyOutboundStatus(ctx, row, "pack", to, {
      patch: { packedAt: new Date() },
      details: { lines: lines.map((l) => ({ sku: l.sku, qty: packed.get(l.id) })) },
    });
  });
}

// ─── Tracking numbers by file ───────────────────────────────────────────────────────────────────

export const TRACKING_COLUMNS: ColumnSpec[] = [
  {
    key: "orderNo",
    header: "订单号 Order no.",
    aliases: ["订单号", "出库单号", "单号", "系统订单号", "order", "orderno", "outboundno", "order number"],
  },
  {
    key: "trackingNumber",
    header: "跟踪号 Tracking no.",
    aliases: ["跟踪号", "运单号", "物流单号", "快递单号", "tracking", "trackingno", "trackingnumber"],
  },
  { key: "carrier", header: "物流公司 Carrier", aliases: ["物流公司", "快递公司", "承运商", "carrier"] },
];

export type TrackingRowError = { row: number; column: string; ref: MessageRef };

const colHeader = (key: string) => TRACKING_COLUMNS.find((c) => c.key === key)?.header ?? key;

/**
 * Tracking numbers from CSV/XLSX: order number (or outbound number) → tracking number, with a carrier
 * column or the default carrier. Every row is checked (known number, one open outbound order, audited,
 * tracking format, no duplicates) and reported by row and column; with `commit`, the valid rows are
 * shipped in one transaction.
 */
export async function uploadTracking(ctx: ServiceContext, raw: TrackingUploadInput) {
  const input = TrackingUploadInput.parse(raw);
  const { rows } = await readTable(
    input.format,
    decodeUpload(input.content, IMPORT_MAX_BYTES),
    TRACKING_COLUMNS,
  );
  const numbers = [...new Set(rows.map((r) => r.orderNo ?? "").filter(Boolean))];
  const candidates = numbers.length
    ? await ctx.db
        .select({
          id: outboundOrders.id,
          outboundNo: outboundOrders.outboundNo,
          orderNo: outboundOrders.orderNo,
          status: outboundOrders.status,
        })
        .from(outboundOrders)
        .where(
          and(
            eq(outboundOrders.orgId, ctx.orgId),
            or(inArray(outboundOrders.outboundNo, numbers), inArray(outboundOrders.orderNo, numbers)),
          ),
        )
    : [];
  const errors: TrackingRowError[] = [];
  const valid: { row: number; id: string; outboundNo: string; carrier: string; trackingNumber: string }[] =
    [];
  const seenNo = new Map<string, number>();
  rows.forEach((r, i) => {
    const rowNo = i + 2;
    const rowErrors: TrackingRowError[] = [];
    const no = r.orderNo ?? "";
    let target: (typeof candidates)[number] | undefined;
    if (!no)
      rowErrors.push({
        row: rowNo,
        column: colHeader("orderNo"),
        ref: { key: "required", params: { field: "orderNo" } },
      });
    else {
      const byOutbound = candidates.filter((c) => c.outboundNo === no);
      const byOrder = candidates.filter((c) => c.orderNo === no && c.status !== "cancelled");
      const matches = byOutbound.length ? byOutbound : byOrder;
      if (matches.length === 0)
        rowErrors.push({
          row: rowNo,
          column: colHeader("orderNo"),
          ref: { key: "orderNoUnknown", params: { no } },
        });
      else if (matches.length > 1) {
        rowErrors.push({
          row: rowNo,
          column: colHeader("orderNo"),
          ref: {
            key: "orderSplitUseOutbound",
            params: { no, outbounds: matches.map((m) => m.outboundNo).join(", ") },
          },
        });
      } else {
        target = matches[0]!;
        if (seenNo.has(target.id))
          rowErrors.push({
            row: rowNo,
            column: colHeader("orderNo"),
            ref: { key: "duplicateInFile", params: { field: "orderNo", row: seenNo.get(target.id)! } },
          });
        else if (target.status === "pending_audit")
          rowErrors.push({
            row: rowNo,
            column: colHeader("orderNo"),
            ref: { key: "outboundNotAudited", params: { no } },
          });
        else if (target.status === "shipped")
          rowErrors.push({
            row: rowNo,
            column: colHeader("orderNo"),
            ref: { key: "outboundAlreadyShipped", params: { no } },
          });
        else if (target.status === "cancelled")
          rowErrors.push({
            row: rowNo,
            column: colHeader("orderNo"),
            ref: { key: "outboundCancelled", params: { no } },
          });
      }
    }
    const tracking = trackingText.safeParse(r.trackingNumber ?? "");
    if (!tracking.success) {
      rowErrors.push({
        row: rowNo,
        column: colHeader("trackingNumber"),
        ref: { key: tracking.error.issues[0]?.message ?? "required", params: { field: "trackingNumber" } },
      });
    }
    const carrier = carrierText.safeParse(r.carrier || input.defaultCarrier || "");
    if (!carrier.success)
      rowErrors.push({
        row: rowNo,
        column: colHeader("carrier"),
        ref: { key: "carrierRequired", params: { field: "carrier" } },
      });
    if (rowErrors.length || !target || !tracking.success || !carrier.success) {
      errors.push(...rowErrors);
      return;
    }
    seenNo.set(target.id, rowNo);
    valid.push({
      row: rowNo,
      id: target.id,
      outboundNo: target.outboundNo,
      carrier: carrier.data,
      trackingNumber: tracking.data,
    });
  });
  let shipped = 0;
  if (input.commit && valid.length) {
    const res = await bulkShip(ctx, {
      items: valid.map((v) => ({ id: v.id, carrier: v.carrier, trackingNumber: v.trackingNumber })),
    });
    shipped = res.shipped;
  }
  return {
    totalRows: rows.length,
    validRows: valid.length,
    errorRows: new Set(errors.map((e) => e.row)).size,
    created: shipped,
    updated: 0,
    committed: input.commit && valid.length > 0,
    errors: errors.sort((a, b) => a.row - b.row),
    preview: valid
      .slice(0, 20)
      .map((v) => ({
        row: String(v.row),
        outboundNo: v.outboundNo,
        carrier: v.carrier,
        trackingNumber: v.trackingNumber,
      })),
  };
}

import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import {
  orderLines,
  orders,
  outboundOrderLines,
  outboundOrders,
  returnLines,
  returns,
  warehouses,
} from "@/db/schema";
import type { ReturnStatus } from "@/db/schema/warehouse";
import { dec, sumDecimals } from "@/lib/decimal";
import {
  CancelReturnInput,
  CreateReturnInput,
  InspectReturnInput,
  RETURN_TRANSITIONS,
  ReceiveReturnInput,
  ReturnableInput,
  type ReturnAction,
} from "@/lib/validators/returns";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, fieldError, notFound } from "@/server/errors";
import { FieldErrorCollector, getPrecision, parseDecimalField } from "../_lib/precision";
import { nextNumber } from "../_lib/numbers";
import { moveStock } from "../inventory/ledger";
import { recordEvent } from "../_lib/events";
import { loadReturn, type ReturnRow } from "./internal";

/**
 * 退货 (RMA) against a shipped order or one of its outbound orders. The returnable quantity of an
 * order line is what shipped minus what is already on a (not cancelled) return; it is claimed with a
 * guarded UPDATE on the order line when the return is requested, so two returns entered at the same
 * time can never together exceed what shipped. On inspection each line is restocked (a `return`
 * movement into a chosen warehouse) or scrapped.
 */

export type { ReturnRow } from "./internal";

function transition(row: Pick<ReturnRow, "status" | "returnNo">, action: ReturnAction): ReturnStatus {
  const to = RETURN_TRANSITIONS[action][row.status];
  if (!to)
    throw new DomainError("INVALID_TRANSITION", {
      key: "returnInvalidTransition",
      params: { no: row.returnNo, status: row.status, action },
    });
  return to;
}


async function applyStatus(
  ctx: ServiceContext,
  row: ReturnRow,
  action: ReturnAction,
  to: ReturnStatus,
  patch: Partial<ReturnRow>,
  e: { reason?: string | null; details?: Record<string, unknown> } = {},
) {
  const [updated] = await ctx.db
    .update(returns)
    .set({ ...patch, status: to, version: row.version + 1 })
    .where(and(eq(returns.id, row.id), eq(returns.orgId, ctx.orgId), eq(returns.version, row.version)))
    .returning();
  if (!updated) throw new DomainError("CONFLICT", { key: "changedMeanwhile" });
  await recordEvent(ctx, "return", row.id, {
    type: action,
    from: row.status,
    to,
    reason: e.reason,
    details: e.details,
  });
  return updated;
}

/**
 * The order (found by id, order number or outbound number) and its lines with shipped, already
 * returned and still returnable quantities — restricted to one outbound order's lines when given.
 */
export async function returnableLines(ctx: ServiceContext, raw: z.input<typeof ReturnableInput>) {
  const input = ReturnableInput.parse(raw);
  let orderId = input.orderId;
  let outboundId = input.outboundId ?? null;
  if (!orderId && outboundId) {
    const [ob] = await ctx.db
      .select({ orderId: outboundOrders.orderId })
      .from(outboundOrders)
      .where(and(eq(outboundOrders.id, outboundId), eq(outboundOrders.orgId, ctx.orgId)));
    if (!ob) throw notFound("outboundOrder");
    orderId = ob.orderId;
  }
  if (!orderId && input.number) {
    const [byOrder] = await ctx.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.orgId, ctx.orgId), eq(orders.orderNo, input.number)));
    if (byOrder) orderId = byOrder.id;
    else {
      const [ob] = await ctx.db
        .select({ id: outboundOrders.id, orderId: outboundOrders.orderId })
        .from(outboundOrders)
        .where(and(eq(outboundOrders.orgId, ctx.orgId), eq(outboundOrders.outboundNo, input.number)));
      if (!ob) throw fieldError("number", "orderNoUnknown", { no: input.number });
      orderId = ob.orderId;
      outboundId = ob.id;
    }
  }
  const [order] = await ctx.db
    .select({
      id: orders.id,
      orderNo: orders.orderNo,
      status: orders.status,
      recipientName: orders.recipientName,
      buyerCompany: orders.buyerCompany,
    })
    .from(orders)
    .where(and(eq(orders.id, orderId!), eq(orders.orgId, ctx.orgId)));
  if (!order) throw notFound("order");
  let lineIds: string[] | null = null;
  let outbound: { id: string; outboundNo: string; status: string; warehouseId: string } | null = null;
  // An outbound order always has lines; `inArray` with an empty list would match nothing anyway.
  if (outboundId) {
    const [ob] = await ctx.db
      .select({
        id: outboundOrders.id,
        outboundNo: outboundOrders.outboundNo,
        status: outboundOrders.status,
        warehouseId: outboundOrders.warehouseId,
      })
      .from(outboundOrders)
      .where(
        and(
          eq(outboundOrders.id, outboundId),
          eq(outboundOrders.orgId, ctx.orgId),
          eq(outboundOrders.orderId, order.id),
        ),
      );
    if (!ob) throw notFound("outboundOrder");
    outbound = ob;
    lineIds = (
      await ctx.db
        .select({ id: outboundOrderLines.orderLineId })
        .from(outboundOrderLines)
        .where(and(eq(outboundOrderLines.orgId, ctx.orgId), eq(outboundOrderLines.outboundId, ob.id)))
    ).map((l) => l.id);
  }
  const lines = await ctx.db
    .select({
      id: orderLines.id,
      lineNo: orderLines.lineNo,
      productId: orderLines.productId,
      sku: orderLines.sku,
      productName: orderLines.productName,
      quantity: orderLines.quantity,
      shippedQty: orderLines.shippedQty,
      returnedQty: orderLines.returnedQty,
      warehouseId: orderLines.warehouseId,
    })
    .from(orderLines)
    .where(
      and(
        eq(orderLines.orgId, ctx.orgId),
        eq(orderLines.orderId, order.id),
        lineIds ? inArray(orderLines.id, lineIds) : undefined,
      ),
    )
    .orderBy(asc(orderLines.lineNo));
  return {
    order,
    outbound,
    lines: lines.map((l) => ({ ...l, returnableQty: dec(l.shippedQty).minus(l.returnedQty).toFixed() })),
  };
}

/**
 * Request a return: lines with quantities at the merchant's precision, each no more than shipped minus
 * already returned (claimed atomically on the order line). All bad lines are reported at once.
 */
export async function createReturn(ctx: ServiceContext, raw: CreateReturnInput) {
  const input = CreateReturnInput.parse(raw);
  const precision = await getPrecision(ctx);
  const errors = new FieldErrorCollector();
  const qtys = input.lines.map((l, i) =>
    errors.run(() =>
      parseDecimalField(l.quantity, `lines.${i}.quantity`, precision, "quantity", { positive: true }),
    ),
  );
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (seen.has(l.orderLineId)) errors.add(`lines.${i}.orderLineId`, "duplicateLine", { line: i + 1 });
    seen.add(l.orderLineId);
  });
  errors.throwIfAny();
  return inTransaction(ctx, async (ctx) => {
    const [order] = await ctx.db
      .select({ id: orders.id, orderNo: orders.orderNo })
      .from(orders)
      .where(and(eq(orders.id, input.orderId), eq(orders.orgId, ctx.orgId)));
    if (!order) throw notFound("order");
    let allowedLines: Set<string> | null = null;
    if (input.outboundId) {
      const [ob] = await ctx.db
        .select({
          id: outboundOrders.id,
          status: outboundOrders.status,
          outboundNo: outboundOrders.outboundNo,
        })
        .from(outboundOrders)
        .where(
          and(
            eq(outboundOrders.id, input.outboundId),
            eq(outboundOrders.orgId, ctx.orgId),
            eq(outboundOrders.orderId, order.id),
          ),
        );
      if (!ob) throw notFound("outboundOrder");
      if (ob.status !== "shipped")
        throw fieldError("outboundId", "returnOutboundNotShipped", { no: ob.outboundNo });
      allowedLines = new Set(
        (
          await ctx.db
            .select({ id: outboundOrderLines.orderLineId })
            .from(outboundOrderLines)
            .where(and(eq(outboundOrderLines.orgId, ctx.orgId), eq(outboundOrderLines.outboundId, ob.id)))
        ).map((l) => l.id),
      );
    }
    const lines = await ctx.db
      .select()
      .from(orderLines)
      .where(and(eq(orderLines.orgId, ctx.orgId), eq(orderLines.orderId, order.id)));
    const byId = new Map(lines.map((l) => [l.id, l]));
    const lineErrors = new FieldErrorCollector();
    const claimed: { line: (typeof lines)[number]; qty: string; remark: string }[] = [];
    for (const [i, l] of input.lines.entries()) {
      const line = byId.get(l.orderLineId);
      if (!line || (allowedLines && !allowedLines.has(line.id))) {
        lineErrors.add(`lines.${i}.orderLineId`, "returnLineNotOnOrder");
        continue;
      }
      const qty = qtys[i]!;
      // The guard: never more than shipped minus what other returns already claimed.
      const [ok] = await ctx.db
        .update(orderLines)
        .set({ returnedQty: sql`${orderLines.returnedQty} + ${qty}::numeric` })
        .where(
          and(
            eq(orderLines.id, line.id),
            eq(orderLines.orgId, ctx.orgId),
            sql`${orderLines.returnedQty} + ${qty}::numeric <= ${orderLines.shippedQty}`,
          ),
        )
        .returning({ id: orderLines.id });
      if (!ok) {
        const [now] = await ctx.db
          .select({ shipped: orderLines.shippedQty, returned: orderLines.returnedQty })
          .from(orderLines)
          .where(eq(orderLines.id, line.id));
        lineErrors.add(`lines.${i}.quantity`, "returnExceedsShipped", {
          sku: line.sku,
          max: dec(now!.shipped).minus(now!.returned).toFixed(),
          shipped: dec(now!.shipped).toFixed(),
        });
        continue;
      }
      claimed.push({ line, qty, remark: l.remark });
    }
    lineErrors.throwIfAny();
    const returnNo = await nextNumber(ctx, "return");
    const [row] = await ctx.db
      .insert(returns)
      .values({
        orgId: ctx.orgId,
        returnNo,
        orderId: order.id,
        orderNo: order.orderNo,
        outboundId: input.outboundId ?? null,
        reason: input.reason,
        platformRef: input.platformRef,
        remark: input.remark,
        totalQty: sumDecimals(claimed.map((c) => c.qty)).toFixed(),
        createdBy: actorUserId(ctx),
      })
      .returning();
    await ctx.db.insert(returnLines).values(
      claimed.map((c, i) => ({
        orgId: ctx.orgId,
        returnId: row!.id,
        orderLineId: c.line.id,
        lineNo: i + 1,
        productId: c.line.productId,
        sku: c.line.sku,
        productName: c.line.productName,
        quantity: c.qty,
        remark: c.remark,
      })),
    );
    await recordEvent(ctx, "return", row!.id, { type: "requested", to: "requested", reason: input.reason });
    return row!;
  });
}

async function linesOfReturn(ctx: ServiceContext, returnId: string) {
  return ctx.db
    .select()
    .from(returnLines)
    .where(and(eq(returnLines.orgId, ctx.orgId), eq(returnLines.returnId, returnId)))
    .orderBy(asc(returnLines.lineNo));
}

/** Give an order line's claimed returnable quantity back (cancelled return, less received than asked). */
async function unclaim(ctx: ServiceContext, orderLineId: string, qty: string) {
  if (!dec(qty).gt(0)) return;
  await ctx.db
    .update(orderLines)
    .set({ returnedQty: sql`${orderLines.returnedQty} - ${qty}::numeric` })
    .where(and(eq(orderLines.id, orderLineId), eq(orderLines.orgId, ctx.orgId)));
}

/**
 * Goods arrived: record what actually came back per line (at most what was requested). What did not
 * come back becomes returnable again.
 */
export async function receiveReturn(ctx: ServiceContext, raw: ReceiveReturnInput) {
  const input = ReceiveReturnInput.parse(raw);
  const precision = await getPrecision(ctx);
  return inTransaction(ctx, async (ctx) => {
    const row = await loadReturn(ctx, input.id, true);
    const to = transition(row, "receive");
    const lines = await linesOfReturn(ctx, row.id);
    const errors = new FieldErrorCollector();
    const received = new Map<string, string>();
    input.lines.forEach((l, i) => {
      const line = lines.find((x) => x.id === l.lineId);
      if (!line) return errors.add(`lines.${i}.receivedQty`, "notFoundField", { entity: "returnLine" });
      const qty = errors.run(() =>
        parseDecimalField(l.receivedQty, `lines.${i}.receivedQty`, precision, "quantity"),
      );
      if (qty === undefined) return;
      if (dec(qty).gt(line.quantity))
        errors.add(`lines.${i}.receivedQty`, "receivedExceedsRequested", {
          max: dec(line.quantity).toFixed(),
        });
      else received.set(line.id, qty);
    });
    for (const line of lines)
      if (!input.lines.some((l) => l.lineId === line.id))
        errors.add(`line.${line.id}`, "packLineMissing", { sku: line.sku });
    errors.throwIfAny();
    if ([...received.values()].every((q) => dec(q).isZero()))
      throw new DomainError(
        "VALIDATION",
        { key: "nothingReceived" },
        { fieldErrors: { lines: { key: "nothingReceived" } } },
      );
    for (const line of lines) {
      const qty = received.get(line.id)!;
      await ctx.db
        .update(returnLines)
        .set({ receivedQty: qty })
        .where(and(eq(returnLines.id, line.id), eq(returnLines.orgId, ctx.orgId)));
      await unclaim(ctx, line.orderLineId, dec(line.quantity).minus(qty).toFixed());
    }
    return applyStatus(
      ctx,
      row,
      "receive",
      to,
      { receivedAt: new Date() },
      {
        details: {
          lines: lines.map((l) => ({ sku: l.sku, requested: l.quantity, received: received.get(l.id) })),
        },
      },
    );
  });
}

/**
 * Inspection: each received line is restocked into a chosen (enabled) warehouse — a `return`
 * movement — or scrapped (the goods never re-enter stock). One transaction for all lines.
 */
export async function inspectReturn(ctx: ServiceContext, raw: InspectReturnInput) {
  const input = InspectReturnInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const row = await loadReturn(ctx, input.id, true);
    const to = transition(row, "inspect");
    const lines = await linesOfReturn(ctx, row.id);
    const whIds = [...new Set(input.lines.map((l) => l.warehouseId).filter((w): w is string => !!w))];
    const whs = whIds.length
      ? await ctx.db
          .select({ id: warehouses.id, enabled: warehouses.enabled })
          .from(warehouses)
          .where(and(eq(warehouses.orgId, ctx.orgId), inArray(warehouses.id, whIds)))
      : [];
    const errors = new FieldErrorCollector();
    input.lines.forEach((l, i) => {
      if (!lines.some((x) => x.id === l.lineId))
        errors.add(`lines.${i}.disposition`, "notFoundField", { entity: "returnLine" });
      if (l.disposition === "restock") {
        const wh = whs.find((w) => w.id === l.warehouseId);
        if (!l.warehouseId) errors.add(`lines.${i}.warehouseId`, "restockWarehouseRequired");
        else if (!wh) errors.add(`lines.${i}.warehouseId`, "notFoundField", { entity: "warehouse" });
        else if (!wh.enabled) errors.add(`lines.${i}.warehouseId`, "warehouseDisabled");
      }
    });
    for (const line of lines)
      if (!input.lines.some((l) => l.lineId === line.id))
        errors.add(`line.${line.id}`, "packLineMissing", { sku: line.sku });
    errors.throwIfAny();
    const summary: { sku: string; qty: string; disposition: string }[] = [];
    for (const [i, l] of input.lines.entries()) {
      const line = lines.find((x) => x.id === l.lineId)!;
      const qty = line.receivedQty ?? "0";
      await ctx.db
        .update(returnLines)
        .set({
          disposition: l.disposition,
          restockWarehouseId: l.disposition === "restock" ? l.warehouseId! : null,
        })
        .where(and(eq(returnLines.id, line.id), eq(returnLines.orgId, ctx.orgId)));
      if (l.disposition === "restock" && dec(qty).gt(0)) {
        await moveStock(ctx, {
          productId: line.productId,
          warehouseId: l.warehouseId!,
          kind: "return",
          onHandDelta: qty,
          field: `lines.${i}.warehouseId`,
          refType: "return",
          refId: row.id,
          refNo: row.returnNo,
          reason: row.reason,
        });
      }
      summary.push({ sku: line.sku, qty, disposition: l.disposition });
    }
    return applyStatus(ctx, row, "inspect", to, { inspectedAt: new Date() }, { details: { lines: summary } });
  });
}

export async function closeReturn(ctx: ServiceContext, id: string) {
  return inTransaction(ctx, async (ctx) => {
    const row = await loadReturn(ctx, id, true);
    const to = transition(row, "close");
    return applyStatus(ctx, row, "close", to, { closedAt: new Date() });
  });
}

/** Cancel a requested return; its quantities become returnable again. */
export async function cancelReturn(ctx: ServiceContext, raw: z.input<typeof CancelReturnInput>) {
  const input = CancelReturnInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const row = await loadReturn(ctx, input.id, true);
    const to = transition(row, "cancel");
    for (const line of await linesOfReturn(ctx, row.id)) await unclaim(ctx, line.orderLineId, line.quantity);
    return applyStatus(ctx, row, "cancel", to, { cancelledAt: new Date() }, { reason: input.reason });
  });
}

export { getReturn, listReturns, returnsOfOrder } from "./queries";

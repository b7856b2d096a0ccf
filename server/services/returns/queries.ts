/** Reads of returns (RMA): the list and one return with its lines, events and movements. */
import { and, asc, eq, ilike, or, sql } from "drizzle-orm";
import type { z } from "zod";
import {
  orderLines,
  outboundOrders,
  returnEvents,
  returnLines,
  returns,
  users,
  warehouses,
} from "@/db/schema";
import {
  ReturnListInput,
  } from "@/lib/validators/returns";
import { type ServiceContext } from "@/server/context";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { movementsOfDocument } from "../inventory/stock";
import { likeContains } from "../_lib/like";
import { loadReturn } from "./internal";

const SORT = sql`${returns.createdAt}`;

export async function listReturns(ctx: ServiceContext, raw: z.input<typeof ReturnListInput>) {
  const input = ReturnListInput.parse(raw);
  const filters = and(
    eq(returns.orgId, ctx.orgId),
    input.status ? eq(returns.status, input.status) : undefined,
    input.orderId ? eq(returns.orderId, input.orderId) : undefined,
    input.search
      ? or(
          ilike(returns.returnNo, likeContains(input.search)),
          ilike(returns.orderNo, likeContains(input.search)),
          ilike(returns.platformRef, likeContains(input.search)),
        )
      : undefined,
  );
  const rows = await ctx.db
    .select({
      id: returns.id,
      returnNo: returns.returnNo,
      orderId: returns.orderId,
      orderNo: returns.orderNo,
      outboundId: returns.outboundId,
      status: returns.status,
      reason: returns.reason,
      platformRef: returns.platformRef,
      totalQty: returns.totalQty,
      createdAt: returns.createdAt,
      sortKey: sql<string>`${returns.createdAt}::text`,
      lines: sql<{ sku: string; quantity: string; disposition: string | null }[]>`(
        select coalesce(jsonb_agg(jsonb_build_object('sku', l.sku, 'quantity', l.quantity::text, 'disposition', l.disposition) order by l.line_no), '[]'::jsonb)
          from ${returnLines} l where l.org_id = ${returns.orgId} and l.return_id = ${returns.id})`,
    })
    .from(returns)
    .where(and(filters, afterCursor(SORT, returns.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(SORT, returns.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit, (r) => r.sortKey);
  const total = await countCapped(ctx, returns, filters);
  return {
    items: page.items.map(({ sortKey: _s, ...r }) => r),
    nextCursor: page.nextCursor,
    total: total,
  };
}

export async function getReturn(ctx: ServiceContext, id: string) {
  const row = await loadReturn(ctx, id);
  const lines = await ctx.db
    .select({
      id: returnLines.id,
      lineNo: returnLines.lineNo,
      orderLineId: returnLines.orderLineId,
      productId: returnLines.productId,
      sku: returnLines.sku,
      productName: returnLines.productName,
      quantity: returnLines.quantity,
      receivedQty: returnLines.receivedQty,
      disposition: returnLines.disposition,
      restockWarehouseId: returnLines.restockWarehouseId,
      restockWarehouseCode: warehouses.code,
      remark: returnLines.remark,
      shippedWarehouseId: orderLines.warehouseId,
    })
    .from(returnLines)
    .innerJoin(orderLines, eq(orderLines.id, returnLines.orderLineId))
    .leftJoin(warehouses, eq(warehouses.id, returnLines.restockWarehouseId))
    .where(and(eq(returnLines.orgId, ctx.orgId), eq(returnLines.returnId, id)))
    .orderBy(asc(returnLines.lineNo));
  const events = await ctx.db
    .select({
      id: returnEvents.id,
      type: returnEvents.type,
      fromStatus: returnEvents.fromStatus,
      toStatus: returnEvents.toStatus,
      reason: returnEvents.reason,
      details: returnEvents.details,
      actorLabel: returnEvents.actorLabel,
      actorName: users.name,
      createdAt: returnEvents.createdAt,
    })
    .from(returnEvents)
    .leftJoin(users, eq(users.id, returnEvents.actorUserId))
    .where(and(eq(returnEvents.orgId, ctx.orgId), eq(returnEvents.returnId, id)))
    .orderBy(asc(returnEvents.createdAt), asc(returnEvents.id));
  const [outbound] = row.outboundId
    ? await ctx.db
        .select({ outboundNo: outboundOrders.outboundNo })
        .from(outboundOrders)
        .where(eq(outboundOrders.id, row.outboundId))
    : [];
  return {
    return: { ...row, outboundNo: outbound?.outboundNo ?? null },
    lines,
    events,
    movements: await movementsOfDocument(ctx, "return", id),
  };
}

/** The returns of one order, for the order page. */
export async function returnsOfOrder(ctx: ServiceContext, orderId: string) {
  return (await listReturns(ctx, { orderId, limit: 100 })).items;
}

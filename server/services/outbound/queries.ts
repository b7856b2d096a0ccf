import { platformLogisticsOffered } from "./platform-logistics";
import { and, asc, eq, ilike, ne, or, sql } from "drizzle-orm";
import {
  orders,
  outboundEvents,
  outboundOrderLines,
  outboundOrders,
  pickBatches,
  stockLocations,
  users,
  warehouses,
} from "@/db/schema";
import type { OutboundStatus } from "@/db/schema/warehouse";
import { OutboundListInput } from "@/lib/validators/outbound";
import type { ServiceContext } from "@/server/context";
import { afterCursor, cappedCount, COUNT_CAP, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { movementsOfDocument } from "../inventory/stock";
import { likeContains } from "../_lib/like";
import { loadOutbound } from "./internal";

const SORT = sql`${outboundOrders.createdAt}`;

/**
 * 出库订单 list: status tab, warehouse, pick batch, order, "with exceptions", and a search over outbound
 * no., order no., tracking no. and recipient; newest first, keyset paged, capped total. Each row carries
 * the order's recipient, address summary and delivery method, and its audit exceptions.
 */
export async function listOutbound(ctx: ServiceContext, raw: OutboundListInput) {
  const input = OutboundListInput.parse(raw);
  const term = input.search ? likeContains(input.search) : null;
  const filters = and(
    eq(outboundOrders.orgId, ctx.orgId),
    input.status ? eq(outboundOrders.status, input.status) : undefined,
    input.warehouseId ? eq(outboundOrders.warehouseId, input.warehouseId) : undefined,
    input.pickBatchId ? eq(outboundOrders.pickBatchId, input.pickBatchId) : undefined,
    input.orderId ? eq(outboundOrders.orderId, input.orderId) : undefined,
    input.withExceptions ? sql`jsonb_array_length(${outboundOrders.auditExceptions}) > 0` : undefined,
    term
      ? or(
          ilike(outboundOrders.outboundNo, term),
          ilike(outboundOrders.orderNo, term),
          ilike(outboundOrders.trackingNumber, term),
          ilike(orders.recipientName, term),
        )
      : undefined,
  );
  const rows = await ctx.db
    .select({
      id: outboundOrders.id,
      outboundNo: outboundOrders.outboundNo,
      orderId: outboundOrders.orderId,
      orderNo: outboundOrders.orderNo,
      orderStatus: orders.status,
      status: outboundOrders.status,
      warehouseId: outboundOrders.warehouseId,
      warehouseCode: warehouses.code,
      totalQty: outboundOrders.totalQty,
      auditExceptions: outboundOrders.auditExceptions,
      lastAuditAt: outboundOrders.lastAuditAt,
      carrier: outboundOrders.carrier,
      trackingNumber: outboundOrders.trackingNumber,
      pickBatchId: outboundOrders.pickBatchId,
      batchNo: pickBatches.batchNo,
      recipientName: orders.recipientName,
      recipientPhone: orders.recipientPhone,
      country: orders.country,
      province: orders.province,
      city: orders.city,
      postcode: orders.postcode,
      deliveryMethod: orders.deliveryMethod,
      remark: orders.remark,
      createdAt: outboundOrders.createdAt,
      shippedAt: outboundOrders.shippedAt,
      sortKey: sql<string>`${outboundOrders.createdAt}::text`,
      lines: sql<{ sku: string; quantity: string }[]>`(
        select coalesce(jsonb_agg(jsonb_build_object('sku', l.sku, 'quantity', l.quantity::text) order by l.line_no), '[]'::jsonb)
          from ${outboundOrderLines} l where l.org_id = ${outboundOrders.orgId} and l.outbound_id = ${outboundOrders.id})`,
    })
    .from(outboundOrders)
    .innerJoin(orders, eq(orders.id, outboundOrders.orderId))
    .innerJoin(warehouses, eq(warehouses.id, outboundOrders.warehouseId))
    .leftJoin(pickBatches, eq(pickBatches.id, outboundOrders.pickBatchId))
    .where(and(filters, afterCursor(SORT, outboundOrders.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(SORT, outboundOrders.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit, (r) => r.sortKey);
  const total = await countCapped(ctx, sql`${outboundOrders} inner join ${orders} on ${orders.id} = ${outboundOrders.orderId}`, filters);
  return {
    items: page.items.map(({ sortKey: _s, ...r }) => r),
    nextCursor: page.nextCursor,
    total: total,
  };
}

/** Counts for the status tabs (each capped), plus how many pending rows carry exceptions. */
export async function outboundStatusCounts(ctx: ServiceContext, opts: { warehouseId?: string } = {}) {
  const rows = await ctx.db.execute<{ status: string; n: number; exceptions: number }>(sql`
    select s.status, (select count(*)::int from (
             select 1 from ${outboundOrders} o where o.org_id = ${ctx.orgId} and o.status = s.status
               ${opts.warehouseId ? sql`and o.warehouse_id = ${opts.warehouseId}` : sql``} limit ${COUNT_CAP + 1}) c) n,
           (select count(*)::int from (
             select 1 from ${outboundOrders} o where o.org_id = ${ctx.orgId} and o.status = s.status
               ${opts.warehouseId ? sql`and o.warehouse_id = ${opts.warehouseId}` : sql``}
               and jsonb_array_length(o.audit_exceptions) > 0 limit ${COUNT_CAP + 1}) c) exceptions
      from (values ('pending_audit'), ('audited'), ('picking'), ('packed'), ('shipped'), ('cancelled')) s(status)`);
  const out = {} as Record<OutboundStatus, { count: number; capped: boolean }>;
  let exceptions = 0;
  for (const r of rows as unknown as { status: OutboundStatus; n: number; exceptions: number }[]) {
    out[r.status] = cappedCount(r.n);
    if (r.status === "pending_audit") exceptions = r.exceptions;
  }
  return { byStatus: out, pendingWithExceptions: exceptions };
}

/** An outbound order's page: header with the order's address, lines (with bin), movements, timeline. */
export async function getOutbound(ctx: ServiceContext, id: string) {
  const row = await loadOutbound(ctx, id);
  const [order] = await ctx.db
    .select({
      id: orders.id,
      orderNo: orders.orderNo,
      status: orders.status,
      buyerCompany: orders.buyerCompany,
      recipientName: orders.recipientName,
      recipientPhone: orders.recipientPhone,
      country: orders.country,
      province: orders.province,
      city: orders.city,
      district: orders.district,
      street: orders.street,
      postcode: orders.postcode,
      deliveryMethod: orders.deliveryMethod,
      remark: orders.remark,
    })
    .from(orders)
    .where(and(eq(orders.id, row.orderId), eq(orders.orgId, ctx.orgId)));
  const [wh] = await ctx.db
    .select({ code: warehouses.code, name: warehouses.name })
    .from(warehouses)
    .where(eq(warehouses.id, row.warehouseId));
  const [batch] = row.pickBatchId
    ? await ctx.db
        .select({ id: pickBatches.id, batchNo: pickBatches.batchNo })
        .from(pickBatches)
        .where(eq(pickBatches.id, row.pickBatchId))
    : [];
  const lines = await ctx.db
    .select({
      id: outboundOrderLines.id,
      lineNo: outboundOrderLines.lineNo,
      productId: outboundOrderLines.productId,
      sku: outboundOrderLines.sku,
      productName: outboundOrderLines.productName,
      quantity: outboundOrderLines.quantity,
      packedQty: outboundOrderLines.packedQty,
      location: stockLocations.location,
    })
    .from(outboundOrderLines)
    .leftJoin(
      stockLocations,
      and(
        eq(stockLocations.orgId, outboundOrderLines.orgId),
        eq(stockLocations.productId, outboundOrderLines.productId),
        eq(stockLocations.warehouseId, row.warehouseId),
      ),
    )
    .where(and(eq(outboundOrderLines.orgId, ctx.orgId), eq(outboundOrderLines.outboundId, id)))
    .orderBy(asc(outboundOrderLines.lineNo));
  const events = await ctx.db
    .select({
      id: outboundEvents.id,
      type: outboundEvents.type,
      fromStatus: outboundEvents.fromStatus,
      toStatus: outboundEvents.toStatus,
      reason: outboundEvents.reason,
      details: outboundEvents.details,
      actorLabel: outboundEvents.actorLabel,
      actorName: users.name,
      createdAt: outboundEvents.createdAt,
    })
    .from(outboundEvents)
    .leftJoin(users, eq(users.id, outboundEvents.actorUserId))
    .where(and(eq(outboundEvents.orgId, ctx.orgId), eq(outboundEvents.outboundId, id)))
    .orderBy(asc(outboundEvents.createdAt), asc(outboundEvents.id));
  const movements = await movementsOfDocument(ctx, "outbound", id);
  // The reservation was made by the order's approval; show it with the outbound's own movements.
  const orderMovements = (await movementsOfDocument(ctx, "order", row.orderId)).filter(
    (m) => m.warehouseCode === wh?.code,
  );
  const siblings = await ctx.db
    .select({ id: outboundOrders.id, outboundNo: outboundOrders.outboundNo, status: outboundOrders.status })
    .from(outboundOrders)
    .where(
      and(
        eq(outboundOrders.orgId, ctx.orgId),
        eq(outboundOrders.orderId, row.orderId),
        ne(outboundOrders.id, id),
      ),
    );
  const platformLogistics = await platformLogisticsOffered(ctx, row.orderId);
  return {
    platformLogistics,
    outbound: {
      ...row,
      warehouseCode: wh?.code ?? "",
      warehouseName: wh?.name ?? "",
      batchNo: batch?.batchNo ?? null,
    },
    order: order!,
    lines,
    events,
    movements: [...orderMovements, ...movements].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
    ),
    siblings,
  };
}

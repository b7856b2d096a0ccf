import { and, asc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import {
  orders,
  outboundOrderLines,
  outboundOrders,
  pickBatches,
  stockLocations,
  users,
  warehouses,
} from "@/db/schema";
import { dec } from "@/lib/decimal";
import { CreatePickBatchInput, PickBatchListInput } from "@/lib/validators/outbound";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { nextNumber } from "../_lib/numbers";
import { applyOutboundStatus, lockOutbounds, outboundTransition } from "./internal";

/**
 * 拣货: audited outbound orders of one warehouse go into a pick batch and move to picking; the batch's
 * pick list sums each SKU over its orders, sorted by bin location then SKU, for one walk through the
 * warehouse.
 */
export async function createPickBatch(ctx: ServiceContext, raw: z.input<typeof CreatePickBatchInput>) {
  const input = CreatePickBatchInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const rows = await lockOutbounds(ctx, input.ids);
    if (rows.length !== new Set(input.ids).size) throw notFound("outboundOrder");
    for (const r of rows) outboundTransition(r, "pick");
    const warehouseIds = new Set(rows.map((r) => r.warehouseId));
    if (warehouseIds.size > 1)
      throw new DomainError(
        "VALIDATION",
        { key: "pickBatchOneWarehouse" },
        { fieldErrors: { ids: { key: "pickBatchOneWarehouse" } } },
      );
    const batchNo = await nextNumber(ctx, "pickBatch");
    const [batch] = await ctx.db
      .insert(pickBatches)
      .values({
        orgId: ctx.orgId,
        batchNo,
        warehouseId: rows[0]!.warehouseId,
        orderCount: rows.length,
        createdBy: actorUserId(ctx),
      })
      .returning();
    for (const r of rows) {
      await applyOutboundStatus(ctx, r, "pick", "picking", {
        patch: { pickBatchId: batch!.id },
        details: { batchNo },
      });
    }
    return batch!;
  });
}

export async function listPickBatches(ctx: ServiceContext, raw: z.input<typeof PickBatchListInput>) {
  const input = PickBatchListInput.parse(raw);
  const filters = and(
    eq(pickBatches.orgId, ctx.orgId),
    input.warehouseId ? eq(pickBatches.warehouseId, input.warehouseId) : undefined,
  );
  const sort = sql`${pickBatches.createdAt}`;
  const rows = await ctx.db
    .select({
      id: pickBatches.id,
      batchNo: pickBatches.batchNo,
      warehouseCode: warehouses.code,
      warehouseName: warehouses.name,
      orderCount: pickBatches.orderCount,
      createdAt: pickBatches.createdAt,
      createdByName: users.name,
      sortKey: sql<string>`${pickBatches.createdAt}::text`,
      openCount: sql<number>`(select count(*)::int from ${outboundOrders} o where o.org_id = ${pickBatches.orgId} and o.pick_batch_id = ${pickBatches.id} and o.status = 'picking')`,
    })
    .from(pickBatches)
    .innerJoin(warehouses, eq(warehouses.id, pickBatches.warehouseId))
    .leftJoin(users, eq(users.id, pickBatches.createdBy))
    .where(and(filters, afterCursor(sort, pickBatches.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(sort, pickBatches.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit, (r) => r.sortKey);
  const total = await countCapped(ctx, pickBatches, filters);
  return {
    items: page.items.map(({ sortKey: _s, ...r }) => r),
    nextCursor: page.nextCursor,
    total: total,
  };
}

/**
 * The printable pick list of a batch: per SKU the bin location, the total to pick and how it splits
 * over the batch's orders; sorted by location (unassigned last), then SKU. Cancelled orders drop out.
 */
export async function getPickList(ctx: ServiceContext, batchId: string) {
  const [batch] = await ctx.db
    .select({
      id: pickBatches.id,
      batchNo: pickBatches.batchNo,
      warehouseId: pickBatches.warehouseId,
      warehouseCode: warehouses.code,
      warehouseName: warehouses.name,
      createdAt: pickBatches.createdAt,
      createdByName: users.name,
    })
    .from(pickBatches)
    .innerJoin(warehouses, eq(warehouses.id, pickBatches.warehouseId))
    .leftJoin(users, eq(users.id, pickBatches.createdBy))
    .where(and(eq(pickBatches.id, batchId), eq(pickBatches.orgId, ctx.orgId)));
  if (!batch) throw notFound("pickBatch");
  const lines = await ctx.db
    .select({
      outboundId: outboundOrders.id,
      outboundNo: outboundOrders.outboundNo,
      orderNo: outboundOrders.orderNo,
      status: outboundOrders.status,
      recipientName: orders.recipientName,
      productId: outboundOrderLines.productId,
      sku: outboundOrderLines.sku,
      productName: outboundOrderLines.productName,
      quantity: outboundOrderLines.quantity,
      location: stockLocations.location,
    })
    .from(outboundOrderLines)
    .innerJoin(outboundOrders, eq(outboundOrders.id, outboundOrderLines.outboundId))
    .innerJoin(orders, eq(orders.id, outboundOrders.orderId))
    .leftJoin(
      stockLocations,
      and(
        eq(stockLocations.orgId, outboundOrders.orgId),
        eq(stockLocations.warehouseId, outboundOrders.warehouseId),
        eq(stockLocations.productId, outboundOrderLines.productId),
      ),
    )
    .where(
      and(
        eq(outboundOrders.orgId, ctx.orgId),
        eq(outboundOrders.pickBatchId, batchId),
        sql`${outboundOrders.status} <> 'cancelled'`,
      ),
    )
    .orderBy(
      sql`${stockLocations.location} asc nulls last`,
      asc(outboundOrderLines.sku),
      asc(outboundOrders.outboundNo),
    );
  type Item = {
    productId: string;
    sku: string;
    productName: string;
    location: string | null;
    total: string;
    orders: { outboundNo: string; orderNo: string; quantity: string }[];
  };
  const items: Item[] = [];
  for (const l of lines) {
    let item = items.find((i) => i.productId === l.productId);
    if (!item) {
      item = {
        productId: l.productId,
        sku: l.sku,
        productName: l.productName,
        location: l.location,
        total: "0",
        orders: [],
      };
      items.push(item);
    }
    item.total = dec(item.total).plus(l.quantity).toFixed();
    item.orders.push({ outboundNo: l.outboundNo, orderNo: l.orderNo, quantity: l.quantity });
  }
  const outbounds = [
    ...new Map(
      lines.map((l) => [
        l.outboundId,
        {
          id: l.outboundId,
          outboundNo: l.outboundNo,
          orderNo: l.orderNo,
          status: l.status,
          recipientName: l.recipientName,
        },
      ]),
    ).values(),
  ].sort((a, b) => a.outboundNo.localeCompare(b.outboundNo));
  return { batch, items, outbounds };
}

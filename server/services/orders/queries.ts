import { and, asc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { z } from "zod";
import {
  customers,
  orderAttachments,
  orderEvents,
  orderLines,
  orderStatusCounts,
  organizations,
  orders,
  products,
  users,
  warehouses,
} from "@/db/schema";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/config";
import { ORDER_ACTIONS, ORDER_STATUSES, canDo, holdsReservation, type OrderAction, type OrderStatus } from "@/lib/orders/status";
import { OrderListInput, type OrderFilterInput } from "@/lib/validators/orders";
import type { ServiceContext } from "@/server/context";
import { notFound } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { getPrecision } from "../_lib/precision";
import { likeContains, likePrefix } from "../_lib/like";

type Filter = z.output<typeof OrderListInput>["filter"];


/** Keyset sort columns: each is NOT NULL (delivery date via coalesce) and paired with the id. */
const SORTS = {
  created: { col: orders.createdAt as unknown as SQL, text: sql<string>`${orders.createdAt}::text` },
  orderNo: { col: orders.orderNo as unknown as SQL, text: sql<string>`${orders.orderNo}` },
  deliveryDate: { col: sql`coalesce(${orders.deliveryDate}, '0001-01-01'::date)`, text: sql<string>`coalesce(${orders.deliveryDate}, '0001-01-01'::date)::text` },
  total: { col: orders.discountTotal as unknown as SQL, text: sql<string>`${orders.discountTotal}::text` },
} as const;

/**
 * WHERE clause of the order list. Every branch leads with org_id, so the (org_id, status, created_at,
 * id) and (org_id, created_at, id) indexes serve the usual lists; recipient search uses the trigram
 * indexes; dates are days in the merchant's time zone.
 */
export async function orderFilterSql(ctx: ServiceContext, f: Filter): Promise<SQL> {
  let tz = DEFAULT_TIME_ZONE;
  if (f.createdFrom || f.createdTo) {
    const [org] = await ctx.db.select({ tz: organizations.timezone }).from(organizations).where(eq(organizations.id, ctx.orgId));
    tz = org?.tz ?? tz;
  }
  const conds: (SQL | undefined)[] = [eq(orders.orgId, ctx.orgId)];
  if (f.status) conds.push(eq(orders.status, f.status));
  if (f.orderNos?.length) conds.push(inArray(orders.orderNo, f.orderNos.map((n) => n.toUpperCase())));
  if (f.orderNo) conds.push(sql`${orders.orderNo} like ${likePrefix(f.orderNo.toUpperCase())}`);
  if (f.clientNum) {
    const [c] = await ctx.db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.orgId, ctx.orgId), eq(customers.clientNum, f.clientNum)));
    conds.push(c ? eq(orders.customerId, c.id) : sql`false`);
  }
  if (f.source) conds.push(eq(orders.source, f.source));
  if (f.createdFrom) conds.push(sql`${orders.createdAt} >= (${f.createdFrom}::date)::timestamp at time zone ${tz}`);
  if (f.createdTo) conds.push(sql`${orders.createdAt} < (${f.createdTo}::date + 1)::timestamp at time zone ${tz}`);
  if (f.deliveryFrom) conds.push(gte(orders.deliveryDate, f.deliveryFrom));
  if (f.deliveryTo) conds.push(lte(orders.deliveryDate, f.deliveryTo));
  if (f.recipient) {
    const term = likeContains(f.recipient);
    conds.push(or(ilike(orders.recipientName, term), ilike(orders.recipientPhone, term)));
  }
  if (f.country) conds.push(eq(orders.country, f.country));
  return and(...conds)!;
}

export const orderListColumns = {
  id: orders.id,
  orderNo: orders.orderNo,
  status: orders.status,
  source: orders.source,
  clientNum: orders.clientNum,
  buyerCompany: orders.buyerCompany,
  recipientName: orders.recipientName,
  recipientPhone: orders.recipientPhone,
  country: orders.country,
  province: orders.province,
  city: orders.city,
  district: orders.district,
  street: orders.street,
  deliveryMethod: orders.deliveryMethod,
  deliveryDate: orders.deliveryDate,
  freight: orders.freight,
  linesTotal: orders.linesTotal,
  discountTotal: orders.discountTotal,
  totalQty: orders.totalQty,
  specialPrice: orders.specialPrice,
  remark: orders.remark,
  createdAt: orders.createdAt,
};

/** One page of the order list (keyset, no OFFSET) with a total capped at 10,000. */
export async function listOrders(ctx: ServiceContext, raw: OrderListInput) {
  const input = OrderListInput.parse(raw);
  const sort = SORTS[input.sort];
  const where = await orderFilterSql(ctx, input.filter);
  // A status tab (or the whole list) with no other filter: the exact count is in the trigger-kept
  // counters, so no rows are counted; any other filter gets a count capped at COUNT_CAP.
  const statusOnly = Object.entries(input.filter).every(([k, v]) => k === "status" || v == null || v === "" || (Array.isArray(v) && v.length === 0));
  const [rows, total] = await Promise.all([
    ctx.db
      .select({ ...orderListColumns, sortKey: sort.text })
      .from(orders)
      .where(and(where, afterCursor(sort.col, orders.id, input.dir, decodeCursor(input.cursor))))
      .orderBy(...orderByKeyset(sort.col, orders.id, input.dir))
      .limit(input.limit + 1),
    statusOnly
      ? orderStatusCountsOf(ctx).then((c) => ({ count: c[input.filter.status ?? "all"], capped: false }))
      : countCapped(ctx, orders, where),
  ]);
  const page = toPage(rows, input.limit, (r) => r.sortKey);
  const ids = page.items.map((r) => r.id);
  const lineCounts = ids.length
    ? await ctx.db
        .select({ orderId: orderLines.orderId, n: sql<number>`count(*)::int` })
        .from(orderLines)
        .where(and(eq(orderLines.orgId, ctx.orgId), inArray(orderLines.orderId, ids)))
        .groupBy(orderLines.orderId)
    : [];
  const linesOf = new Map(lineCounts.map((l) => [l.orderId, l.n]));
  return {
    ...page,
    items: page.items.map(({ sortKey: _s, ...r }) => ({ ...r, lineCount: linesOf.get(r.id) ?? 0 })),
    total,
  };
}

export type OrderListItem = Awaited<ReturnType<typeof listOrders>>["items"][number];

/** Exact order counts per status for the list tabs, from the trigger-maintained counters. */
export async function orderStatusCountsOf(ctx: ServiceContext): Promise<Record<OrderStatus | "all", number>> {
  const rows = await ctx.db
    .select({ status: orderStatusCounts.status, n: sql<string>`sum(${orderStatusCounts.n})` })
    .from(orderStatusCounts)
    .where(eq(orderStatusCounts.orgId, ctx.orgId))
    .groupBy(orderStatusCounts.status);
  const out = Object.fromEntries([...ORDER_STATUSES, "all"].map((s) => [s, 0])) as Record<OrderStatus | "all", number>;
  for (const r of rows) {
    const n = Number(r.n);
    if ((ORDER_STATUSES as readonly string[]).includes(r.status)) out[r.status] = n;
    out.all += n;
  }
  return out;
}

/** What a person may do with an order in its status (pages show only these). */
export function availableActions(order: { status: OrderStatus }): (OrderAction | "edit" | "copy")[] {
  const people: OrderAction[] = ["approve", "close", "freeze", "unfreeze", "void"];
  const out: (OrderAction | "edit" | "copy")[] = ORDER_ACTIONS.filter((a) => people.includes(a) && canDo(a, order.status));
  if (order.status === "pending") out.unshift("edit");
  out.push("copy");
  return out;
}

/** Everything the order page shows: header, lines, attachments, timeline, and the allowed actions. */
export async function getOrderDetail(ctx: ServiceContext, orderId: string) {
  const source = alias(orders, "copied_from");
  const [row] = await ctx.db
    .select({
      order: orders,
      customerName: customers.companyName,
      warehouseCode: warehouses.code,
      warehouseName: warehouses.name,
      copiedFromNo: source.orderNo,
    })
    .from(orders)
    .leftJoin(customers, eq(customers.id, orders.customerId))
    .leftJoin(warehouses, eq(warehouses.id, orders.warehouseId))
    .leftJoin(source, and(eq(source.id, orders.copiedFromId), eq(source.orgId, orders.orgId)))
    .where(and(eq(orders.id, orderId), eq(orders.orgId, ctx.orgId)));
  if (!row) throw notFound("order");
  const lineWarehouse = alias(warehouses, "line_warehouse");
  const [lines, attachments, events, precision] = await Promise.all([
    ctx.db
      .select({
        line: orderLines,
        unit: products.unit,
        warehouseCode: lineWarehouse.code,
      })
      .from(orderLines)
      .innerJoin(products, eq(products.id, orderLines.productId))
      .leftJoin(lineWarehouse, eq(lineWarehouse.id, orderLines.warehouseId))
      .where(and(eq(orderLines.orgId, ctx.orgId), eq(orderLines.orderId, orderId)))
      .orderBy(asc(orderLines.lineNo)),
    ctx.db
      .select({
        id: orderAttachments.id,
        fileName: orderAttachments.fileName,
        contentType: orderAttachments.contentType,
        sizeBytes: orderAttachments.sizeBytes,
        createdAt: orderAttachments.createdAt,
      })
      .from(orderAttachments)
      .where(and(eq(orderAttachments.orgId, ctx.orgId), eq(orderAttachments.orderId, orderId)))
      .orderBy(asc(orderAttachments.createdAt)),
    ctx.db
      .select({
        id: orderEvents.id,
        type: orderEvents.type,
        fromStatus: orderEvents.fromStatus,
        toStatus: orderEvents.toStatus,
        reason: orderEvents.reason,
        changes: orderEvents.changes,
        actorLabel: orderEvents.actorLabel,
        actorName: users.name,
        createdAt: orderEvents.createdAt,
      })
      .from(orderEvents)
      .leftJoin(users, eq(users.id, orderEvents.actorUserId))
      .where(and(eq(orderEvents.orgId, ctx.orgId), eq(orderEvents.orderId, orderId)))
      .orderBy(asc(orderEvents.createdAt), asc(orderEvents.id)),
    getPrecision(ctx),
  ]);
  return {
    ...row.order,
    customerName: row.customerName,
    warehouseCode: row.warehouseCode,
    warehouseName: row.warehouseName,
    copiedFromNo: row.copiedFromNo,
    holdsReservation: holdsReservation(row.order),
    lines: lines.map((l) => ({ ...l.line, unit: l.unit, warehouseCode: l.warehouseCode })),
    attachments,
    events,
    actions: availableActions(row.order),
    precision,
  };
}

export type OrderDetail = Awaited<ReturnType<typeof getOrderDetail>>;

/** Orders by number, creation window (ISO timestamps) and/or status: what the open API's getOrders filters on. */
export type OrderWindowFilter = { orderNos?: string[] | null; createdFrom?: string | null; createdTo?: string | null; status?: OrderStatus | null };

function orderWindowSql(ctx: ServiceContext, f: OrderWindowFilter) {
  return and(
    eq(orders.orgId, ctx.orgId),
    f.orderNos?.length ? inArray(orders.orderNo, f.orderNos) : undefined,
    f.createdFrom ? gte(orders.createdAt, new Date(f.createdFrom)) : undefined,
    f.createdTo ? lte(orders.createdAt, new Date(f.createdTo)) : undefined,
    f.status ? eq(orders.status, f.status) : undefined,
  )!;
}

/**
 * Orders matching the filter with their lines, oldest first, and their number capped at 10,000. Paged
 * by cursor; `offset` exists only for the open API's page numbers and callers bound it
 * (offset + limit ≤ 10,000).
 */
export async function ordersWithLines(ctx: ServiceContext, filter: OrderWindowFilter, opts: { limit: number; offset?: number; cursor?: string | null }) {
  const where = orderWindowSql(ctx, filter);
  const cursor = decodeCursor(opts.cursor);
  const [rows, total] = await Promise.all([
    ctx.db
      .select({ order: orders, sortKey: sql<string>`${orders.createdAt}::text` })
      .from(orders)
      .where(and(where, afterCursor(orders.createdAt, orders.id, "asc", cursor)))
      .orderBy(...orderByKeyset(orders.createdAt, orders.id, "asc"))
      .limit(opts.limit + 1)
      .offset(opts.offset ?? 0),
    countCapped(ctx, orders, where),
  ]);
  const page = toPage(
    rows.map((r) => ({ ...r.order, sortKey: r.sortKey })),
    opts.limit,
    (r) => r.sortKey,
  );
  const ids = page.items.map((o) => o.id);
  const lines = ids.length
    ? await ctx.db
        .select()
        .from(orderLines)
        .where(and(eq(orderLines.orgId, ctx.orgId), inArray(orderLines.orderId, ids)))
        .orderBy(asc(orderLines.orderId), asc(orderLines.lineNo))
    : [];
  return {
    ...page,
    items: page.items.map((o) => ({ ...o, lines: lines.filter((l) => l.orderId === o.id) })),
    total,
  };
}

export type { OrderFilterInput };

import { and, asc, eq, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { numberSequences, orderEvents, orderLines, organizations, orders, outbox } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { ORDER_TRANSITIONS, RESERVED_STATUSES, type OrderAction, type OrderStatus } from "@/lib/orders/status";
import { actorLabel, actorUserId, type ServiceContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { INVENTORY_CHANGED, releaseStock } from "../inventory/ledger";
import type { Precision } from "../_lib/precision";

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/** The order row, locked until the transaction ends; another merchant's order is NOT_FOUND. */
export async function lockOrder(ctx: ServiceContext, orderId: string): Promise<OrderRow> {
  const [row] = await ctx.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.orgId, ctx.orgId)))
    .for("update");
  if (!row) throw notFound("order");
  return row;
}

export async function linesOf(ctx: ServiceContext, orderId: string): Promise<OrderLineRow[]> {
  return ctx.db
    .select()
    .from(orderLines)
    .where(and(eq(orderLines.orgId, ctx.orgId), eq(orderLines.orderId, orderId)))
    .orderBy(asc(orderLines.lineNo));
}

export async function recordOrderEvent(
  ctx: ServiceContext,
  e: { orderId: string; type: string; fromStatus?: OrderStatus | null; toStatus?: OrderStatus | null; reason?: string | null; changes?: FieldChanges | null },
) {
  await ctx.db.insert(orderEvents).values({
    orgId: ctx.orgId,
    orderId: e.orderId,
    type: e.type,
    fromStatus: e.fromStatus ?? null,
    toStatus: e.toStatus ?? null,
    reason: e.reason ?? null,
    changes: e.changes && Object.keys(e.changes).length ? e.changes : null,
    actorUserId: actorUserId(ctx),
    actorLabel: actorLabel(ctx),
  });
}

/** Whether stock is currently reserved for the order (directly, or held while frozen). */
export function holdsReservation(order: Pick<OrderRow, "status" | "statusBeforeFreeze">): boolean {
  if (RESERVED_STATUSES.includes(order.status)) return true;
  return order.status === "frozen" && !!order.statusBeforeFreeze && RESERVED_STATUSES.includes(order.statusBeforeFreeze);
}

/** The status an action leads to from any status (for error messages), when it is always the same. */
function targetOf(action: OrderAction): OrderStatus | "previous" | null {
  const targets = [...new Set(Object.values(ORDER_TRANSITIONS[action]))];
  return targets.length === 1 ? (targets[0] ?? null) : null;
}

export function invalidTransition(order: Pick<OrderRow, "status" | "orderNo">, action: OrderAction) {
  const to = targetOf(action);
  return new DomainError(
    "INVALID_TRANSITION",
    { key: "invalidTransition", params: { action, from: order.status, orderNo: order.orderNo } },
    { details: { from: order.status, to, action, orderNo: order.orderNo } },
  );
}

/**
 * Where `action` takes the order, from the one transition table; refused moves throw INVALID_TRANSITION.
 * A frozen order may only be voided if voiding was allowed where it was frozen (a scheduled order
 * cannot escape "never once scheduled" by being frozen first).
 */
export function resolveTransition(order: OrderRow, action: OrderAction): OrderStatus {
  const next = ORDER_TRANSITIONS[action][order.status];
  if (!next) throw invalidTransition(order, action);
  if (next === "previous") {
    if (!order.statusBeforeFreeze) throw invalidTransition(order, action);
    return order.statusBeforeFreeze;
  }
  if (order.status === "frozen" && action !== "unfreeze" && order.statusBeforeFreeze) {
    if (!ORDER_TRANSITIONS[action][order.statusBeforeFreeze]) throw invalidTransition({ ...order, status: order.statusBeforeFreeze }, action);
  }
  return next;
}

/** Give back what is still reserved for the order's lines (quantity not yet shipped). */
export async function releaseOrderReservation(ctx: ServiceContext, order: OrderRow, reason: string) {
  const lines = await linesOf(ctx, order.id);
  const toRelease = lines
    .filter((l) => l.warehouseId)
    .map((l) => ({ productId: l.productId, warehouseId: l.warehouseId!, qty: dec(l.quantity).minus(l.shippedQty).toFixed() }))
    .filter((l) => dec(l.qty).gt(0));
  if (toRelease.length === 0) return;
  await releaseStock(ctx.db, ctx, toRelease, { refType: "order", refId: order.id, refNo: order.orderNo, reason });
}

/**
 * Move the order to `to`: status, freeze bookkeeping, timestamps, version, and the timeline event, all
 * in the caller's transaction (the row must already be locked).
 */
export async function applyStatusChange(
  ctx: ServiceContext,
  order: OrderRow,
  action: OrderAction,
  to: OrderStatus,
  reason: string | null,
): Promise<OrderRow> {
  const now = new Date();
  const patch: Partial<typeof orders.$inferInsert> = {
    status: to,
    version: order.version + 1,
    statusBeforeFreeze: action === "freeze" ? order.status : action === "unfreeze" ? null : order.statusBeforeFreeze,
    statusReason: reason ?? (action === "unfreeze" ? null : order.statusReason),
  };
  if (action === "approve") patch.approvedAt = now;
  if (action === "ship") patch.shippedAt = now;
  if (action === "complete") patch.completedAt = now;
  if (action === "close" || action === "void") patch.closedAt = now;
  const [row] = await ctx.db
    .update(orders)
    .set(patch)
    .where(and(eq(orders.id, order.id), eq(orders.orgId, ctx.orgId), eq(orders.version, order.version)))
    .returning();
  if (!row) throw new DomainError("CONFLICT", { key: "orderChanged" });
  await recordOrderEvent(ctx, { orderId: order.id, type: action, fromStatus: order.status, toStatus: to, reason });
  return row;
}

export type OrderSettings = Precision & { timezone: string };

export async function orderSettings(db: DbExecutor, orgId: string): Promise<OrderSettings> {
  const [row] = await db
    .select({
      amountDecimals: organizations.amountDecimals,
      priceDecimals: organizations.priceDecimals,
      quantityDecimals: organizations.quantityDecimals,
      timezone: organizations.timezone,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!row) throw notFound("organization");
  return row;
}

/** YYMMDD of `at` in the merchant's time zone. */
/** Formatters are costly to build (about 0.2 ms each); one per time zone is kept. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

export function dayStamp(at: Date, timezone: string): string {
  let format = dayFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "2-digit", month: "2-digit", day: "2-digit" });
    dayFormats.set(timezone, format);
  }
  const parts = format.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  return `${get("year")}${get("month")}${get("day")}`;
}

/**
 * Next order number `SO-YYMMDD-00001` from the merchant's daily counter in `number_sequences`. The
 * upsert locks the day's counter row until the caller's transaction ends, so two orders never get the
 * same number, and a rolled-back order gives its number back: numbers have no gaps. The price is that
 * concurrent creations of one merchant take turns on this row until they commit, so callers take the
 * number as late as they can (see `assignOrderNo`).
 */
export async function nextOrderNo(db: DbExecutor, orgId: string, timezone: string, at = new Date()): Promise<string> {
  const period = dayStamp(at, timezone);
  const [row] = await db
    .insert(numberSequences)
    .values({ orgId, name: "order", period, value: 1 })
    .onConflictDoUpdate({
      target: [numberSequences.orgId, numberSequences.name, numberSequences.period],
      set: { value: sql`${numberSequences.value} + 1` },
    })
    .returning({ value: numberSequences.value });
  return `SO-${period}-${String(row!.value).padStart(5, "0")}`;
}

/** A placeholder number, unique per order and visible to no one (replaced before commit). */
export const provisionalOrderNo = (id: string) => `~${id}`;

/**
 * Give a just-inserted order its real number. Called as the last write before commit (or before the
 * approval of a `stock_up` order, whose stock movements carry the number), so the day's counter row is
 * locked only for the end of the transaction.
 */
export async function assignOrderNo(ctx: ServiceContext, order: OrderRow, timezone: string): Promise<OrderRow> {
  const orderNo = await nextOrderNo(ctx.db, ctx.orgId, timezone, order.createdAt);
  const [row] = await ctx.db
    .update(orders)
    .set({ orderNo })
    .where(and(eq(orders.id, order.id), eq(orders.orgId, ctx.orgId)))
    .returning();
  return row!;
}

/**
 * "Inventory changed" outbox events for the order's SKUs (002: sync every warehouse's stock of the
 * ordered goods), one statement for all SKUs, debounced like `enqueue` (a pending event per SKU absorbs
 * the next). Keys go in sorted order so concurrent writers never wait on each other in a cycle.
 */
export async function emitOrderStockChanged(ctx: ServiceContext, productIds: Iterable<string>) {
  const ids = [...new Set(productIds)].sort();
  if (ids.length === 0) return;
  await ctx.db
    .insert(outbox)
    .values(ids.map((productId) => ({ orgId: ctx.orgId, topic: INVENTORY_CHANGED, dedupeKey: productId, payload: { productId } })))
    .onConflictDoNothing({
      target: [outbox.orgId, outbox.topic, outbox.dedupeKey],
      where: sql`status = 'pending' and dedupe_key is not null`,
    });
}

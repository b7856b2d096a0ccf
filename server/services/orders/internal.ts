import { and, asc, eq } from "drizzle-orm";
import { orderLines, orders } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { ORDER_TRANSITIONS, type OrderAction, type OrderStatus } from "@/lib/orders/status";
import { type ServiceContext, type TxContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { releaseStock } from "../inventory/ledger";
import { nextNumber } from "../_lib/numbers";
import { enqueueMany } from "../outbox/outbox";
import { TOPICS } from "../outbox/topics";
import { recordEvent } from "../_lib/events";

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
export async function releaseOrderReservation(ctx: TxContext, order: OrderRow, reason: string) {
  const lines = await linesOf(ctx, order.id);
  const toRelease = lines
    .filter((l) => l.warehouseId)
    .map((l) => ({ productId: l.productId, warehouseId: l.warehouseId!, qty: dec(l.quantity).minus(l.shippedQty).toFixed() }))
    .filter((l) => dec(l.qty).gt(0));
  if (toRelease.length === 0) return;
  await releaseStock(ctx, toRelease, { refType: "order", refId: order.id, refNo: order.orderNo, reason });
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
  await recordEvent(ctx, "order", order.id, { type: action, from: order.status, to: to, reason });
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

/** A placeholder number, unique per order and visible to no one (replaced before commit). */
export const provisionalOrderNo = (id: string) => `~${id}`;

/**
 * Give a just-inserted order its real number. Called as the last write before commit (or before the
 * approval of a `stock_up` order, whose stock movements carry the number), so the day's counter row is
 * locked only for the end of the transaction.
 */
export async function assignOrderNo(ctx: TxContext, order: OrderRow): Promise<OrderRow> {
  const orderNo = await nextNumber(ctx, "order", order.createdAt);
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
export async function emitOrderStockChanged(ctx: TxContext, productIds: Iterable<string>) {
  await enqueueMany(ctx, [...new Set(productIds)].map((productId) => ({ topic: TOPICS.inventoryChanged, dedupeKey: productId, payload: { productId } })));
}

import { and, asc, eq, inArray } from "drizzle-orm";
import { orders, outboundOrderLines, outboundOrders } from "@/db/schema";
import type { OutboundStatus } from "@/db/schema/warehouse";
import { OUTBOUND_TRANSITIONS, type OutboundAction } from "@/lib/validators/outbound";
import { type ServiceContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { recordEvent } from "../_lib/events";

export type OutboundRow = typeof outboundOrders.$inferSelect;
export type OutboundLineRow = typeof outboundOrderLines.$inferSelect;

export async function loadOutbound(ctx: ServiceContext, id: string, lock = false): Promise<OutboundRow> {
  const q = ctx.db
    .select()
    .from(outboundOrders)
    .where(and(eq(outboundOrders.id, id), eq(outboundOrders.orgId, ctx.orgId)));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("outboundOrder");
  return row;
}

/** Several outbound orders locked in id order (so concurrent bulk actions cannot deadlock). */
export async function lockOutbounds(ctx: ServiceContext, ids: string[]): Promise<OutboundRow[]> {
  if (ids.length === 0) return [];
  return ctx.db
    .select()
    .from(outboundOrders)
    .where(and(eq(outboundOrders.orgId, ctx.orgId), inArray(outboundOrders.id, [...new Set(ids)])))
    .orderBy(asc(outboundOrders.id))
    .for("update");
}

export async function outboundLines(ctx: ServiceContext, outboundId: string): Promise<OutboundLineRow[]> {
  return ctx.db
    .select()
    .from(outboundOrderLines)
    .where(and(eq(outboundOrderLines.orgId, ctx.orgId), eq(outboundOrderLines.outboundId, outboundId)))
    .orderBy(asc(outboundOrderLines.lineNo));
}

export function outboundTransition(
  row: Pick<OutboundRow, "status" | "outboundNo">,
  action: OutboundAction,
): OutboundStatus {
  const to = OUTBOUND_TRANSITIONS[action][row.status];
  if (!to) {
    throw new DomainError(
      "INVALID_TRANSITION",
      { key: "outboundInvalidTransition", params: { no: row.outboundNo, status: row.status, action } },
      { details: { from: row.status, action, outboundNo: row.outboundNo } },
    );
  }
  return to;
}

/**
 * Move a locked outbound order to `to` (guarded by its current status and version), with the timeline
 * event. Extra columns (timestamps, carrier…) are set in the same UPDATE.
 */
export async function applyOutboundStatus(
  ctx: ServiceContext,
  row: OutboundRow,
  action: OutboundAction,
  to: OutboundStatus,
  opts: {
    patch?: Partial<typeof outboundOrders.$inferInsert>;
    reason?: string | null;
    details?: Record<string, unknown> | null;
  } = {},
): Promise<OutboundRow> {
  const [updated] = await ctx.db
    .update(outboundOrders)
    .set({ ...opts.patch, status: to, version: row.version + 1 })
    .where(
      and(
        eq(outboundOrders.id, row.id),
        eq(outboundOrders.orgId, ctx.orgId),
        eq(outboundOrders.version, row.version),
      ),
    )
    .returning();
  if (!updated) throw new DomainError("CONFLICT", { key: "changedMeanwhile" });
  await recordEvent(ctx, "outbound", row.id, {
    type: action,
    from: row.status,
    to,
    reason: opts.reason,
    details: opts.details,
  });
  return updated;
}

/**
 * Lock the orders of some outbound orders, then the outbound orders, both in id order. Every
 * warehouse path takes order → outbound, like the approval (which locks the order and then creates
 * its outbound orders), so they never deadlock against each other.
 */
export async function lockForShipping(ctx: ServiceContext, ids: string[]) {
  const unique = [...new Set(ids)];
  const heads = await ctx.db
    .select({ id: outboundOrders.id, orderId: outboundOrders.orderId })
    .from(outboundOrders)
    .where(and(eq(outboundOrders.orgId, ctx.orgId), inArray(outboundOrders.id, unique)));
  if (heads.length !== unique.length) throw notFound("outboundOrder");
  const orderIds = [...new Set(heads.map((h) => h.orderId))].sort();
  const lockedOrders = await ctx.db
    .select({
      id: orders.id,
      status: orders.status,
      orderNo: orders.orderNo,
      statusBeforeFreeze: orders.statusBeforeFreeze,
    })
    .from(orders)
    .where(and(eq(orders.orgId, ctx.orgId), inArray(orders.id, orderIds)))
    .orderBy(asc(orders.id))
    .for("update");
  const rows = await ctx.db
    .select()
    .from(outboundOrders)
    .where(and(eq(outboundOrders.orgId, ctx.orgId), inArray(outboundOrders.id, unique)))
    .orderBy(asc(outboundOrders.id))
    .for("update");
  return { orders: new Map(lockedOrders.map((o) => [o.id, o])), rows: new Map(rows.map((r) => [r.id, r])) };
}

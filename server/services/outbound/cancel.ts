import { and, eq, inArray, notInArray } from "drizzle-orm";
import { orderLines, outboundOrders } from "@/db/schema";
import type { OutboundStatus } from "@/db/schema/warehouse";
import { RESERVED_STATUSES, type OrderStatus } from "@/lib/orders/status";
import { CancelOutboundInput } from "@/lib/validators/outbound";
import { inTransaction, type ServiceContext } from "@/server/context";
import { releaseStock } from "../inventory/ledger";
import { transitionOrder } from "../orders/transitions";
import { applyOutboundStatus, outboundLines, outboundTransition, recordOutboundEvent } from "./internal";
import { lockForShipping } from "./ship";

const OPEN: OutboundStatus[] = ["pending_audit", "audited", "picking", "packed"];

const holdsReservation = (o: { status: string; statusBeforeFreeze: string | null }) =>
  RESERVED_STATUSES.includes(o.status as OrderStatus) ||
  (o.status === "frozen" &&
    !!o.statusBeforeFreeze &&
    RESERVED_STATUSES.includes(o.statusBeforeFreeze as OrderStatus));

/**
 * Cancel an outbound order (with a reason): its reservation is released and its order lines no longer
 * point at the warehouse, so the order's own release (close/void) will not give the stock back twice.
 * When it was the order's last open outbound order, the order follows: `shipped` if another of its
 * outbound orders already shipped, otherwise `closed` with the same reason — an approved order never
 * sits in stock_up without stock reserved for it.
 */
export async function cancelOutbound(ctx: ServiceContext, raw: CancelOutboundInput) {
  const input = CancelOutboundInput.parse(raw);
  return inTransaction(ctx, async (tx) => {
    const locked = await lockForShipping(tx, [input.id]);
    const row = locked.rows.get(input.id)!;
    const order = locked.orders.get(row.orderId)!;
    const to = outboundTransition(row, "cancel");
    const lines = await outboundLines(tx, row.id);
    const reserved = holdsReservation(order);
    if (reserved) {
      await releaseStock(
        tx.db,
        tx,
        lines.map((l) => ({ productId: l.productId, warehouseId: row.warehouseId, qty: l.quantity })),
        { refType: "outbound", refId: row.id, refNo: row.outboundNo, reason: input.reason },
      );
      await tx.db
        .update(orderLines)
        .set({ warehouseId: null })
        .where(
          and(
            eq(orderLines.orgId, ctx.orgId),
            inArray(
              orderLines.id,
              lines.map((l) => l.orderLineId),
            ),
          ),
        );
    }
    const cancelled = await applyOutboundStatus(tx, row, "cancel", to, {
      patch: { cancelledAt: new Date(), statusReason: input.reason },
      reason: input.reason,
      details: { released: reserved },
    });
    if (reserved) {
      const siblings = await tx.db
        .select({ status: outboundOrders.status })
        .from(outboundOrders)
        .where(and(eq(outboundOrders.orgId, ctx.orgId), eq(outboundOrders.orderId, row.orderId)));
      if (!siblings.some((s) => OPEN.includes(s.status))) {
        const anyShipped = siblings.some((s) => s.status === "shipped");
        await transitionOrder(tx, {
          orderId: row.orderId,
          action: anyShipped ? "ship" : "close",
          reason: input.reason,
        });
      }
    }
    return cancelled;
  });
}

/**
 * For the order side: when an order is closed or voided (and releases its own reservation), its open
 * outbound orders are cancelled with the same reason — without touching stock. Call it in the order's
 * transaction.
 */
export async function cancelOutboundsOfOrder(tx: ServiceContext, orderId: string, reason: string | null) {
  const open = await tx.db
    .select()
    .from(outboundOrders)
    .where(
      and(
        eq(outboundOrders.orgId, tx.orgId),
        eq(outboundOrders.orderId, orderId),
        notInArray(outboundOrders.status, ["shipped", "cancelled"]),
      ),
    )
    .for("update");
  for (const row of open) {
    await tx.db
      .update(outboundOrders)
      .set({ status: "cancelled", cancelledAt: new Date(), statusReason: reason, version: row.version + 1 })
      .where(and(eq(outboundOrders.id, row.id), eq(outboundOrders.orgId, tx.orgId)));
    await recordOutboundEvent(tx, row.id, {
      type: "order_closed",
      from: row.status,
      to: "cancelled",
      reason,
    });
  }
  return open.length;
}

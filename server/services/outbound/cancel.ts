import { and, eq, inArray } from "drizzle-orm";
import { orderLines, outboundOrders } from "@/db/schema";
import type { OutboundStatus } from "@/db/schema/warehouse";
import { holdsReservation } from "@/lib/orders/status";
import { CancelOutboundInput } from "@/lib/validators/outbound";
import { inTransaction, type ServiceContext } from "@/server/context";
import { releaseStock } from "../inventory/ledger";
import { transitionOrder } from "../orders/transitions";
import { applyOutboundStatus, lockForShipping, outboundLines, outboundTransition } from "./internal";

const OPEN: OutboundStatus[] = ["pending_audit", "audited", "picking", "packed"];

/**
 * Cancel an outbound order (with a reason): its reservation is released and its order lines no longer
 * point at the warehouse, so the order's own release (close/void) will not give the stock back twice.
 * When it was the order's last open outbound order, the order follows: `shipped` if another of its
 * outbound orders already shipped, otherwise `closed` with the same reason — an approved order never
 * sits in stock_up without stock reserved for it.
 */
export async function cancelOutbound(ctx: ServiceContext, raw: CancelOutboundInput) {
  const input = CancelOutboundInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const locked = await lockForShipping(ctx, [input.id]);
    const row = locked.rows.get(input.id)!;
    const order = locked.orders.get(row.orderId)!;
    const to = outboundTransition(row, "cancel");
    const lines = await outboundLines(ctx, row.id);
    const reserved = holdsReservation(order);
    if (reserved) {
      await releaseStock(
        ctx,
        lines.map((l) => ({ productId: l.productId, warehouseId: row.warehouseId, qty: l.quantity })),
        { refType: "outbound", refId: row.id, refNo: row.outboundNo, reason: input.reason },
      );
      await ctx.db
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
    const cancelled = await applyOutboundStatus(ctx, row, "cancel", to, {
      patch: { cancelledAt: new Date(), statusReason: input.reason },
      reason: input.reason,
      details: { released: reserved },
    });
    if (reserved) {
      const siblings = await ctx.db
        .select({ status: outboundOrders.status })
        .from(outboundOrders)
        .where(and(eq(outboundOrders.orgId, ctx.orgId), eq(outboundOrders.orderId, row.orderId)));
      if (!siblings.some((s) => OPEN.includes(s.status))) {
        const anyShipped = siblings.some((s) => s.status === "shipped");
        await transitionOrder(ctx, {
          orderId: row.orderId,
          action: anyShipped ? "ship" : "close",
          reason: input.reason,
        });
      }
    }
    return cancelled;
  });
}

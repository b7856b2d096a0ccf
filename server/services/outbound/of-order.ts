import { and, eq, notInArray } from "drizzle-orm";
import { outboundOrders } from "@/db/schema";
import type { TxContext } from "@/server/context";
import { recordEvent } from "../_lib/events";

/**
 * For the order side: when an order is closed or voided (and releases its own reservation), its open
 * outbound orders are cancelled with the same reason — without touching stock. Call it in the order's
 * transaction.
 */
export async function cancelOutboundsOfOrder(ctx: TxContext, orderId: string, reason: string | null) {
  const open = await ctx.db
    .select()
    .from(outboundOrders)
    .where(
      and(
        eq(outboundOrders.orgId, ctx.orgId),
        eq(outboundOrders.orderId, orderId),
        notInArray(outboundOrders.status, ["shipped", "cancelled"]),
      ),
    )
    .for("update");
  for (const row of open) {
    await ctx.db
      .update(outboundOrders)
      .set({ status: "cancelled", cancelledAt: new Date(), statusReason: reason, version: row.version + 1 })
      .where(and(eq(outboundOrders.id, row.id), eq(outboundOrders.orgId, ctx.orgId)));
    await recordEvent(ctx, "outbound", row.id, {
      type: "order_closed",
      from: row.status,
      to: "cancelled",
      reason,
    });
  }
  return open.length;
}

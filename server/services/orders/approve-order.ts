import { and, eq } from "drizzle-orm";
import { orderLines } from "@/db/schema";
import { type Decimal, dec } from "@/lib/decimal";
import { inTransaction, type ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { pickWarehouse, reserveStock } from "../inventory/ledger";
import { createOutboundForOrder } from "../outbound/create";
import { applyStatusChange, linesOf, lockOrder, resolveTransition, type OrderRow } from "./internal";

/**
 * 审核: reserve stock for every line and move the order to `stock_up`, in one transaction (the caller's,
 * when there is one). Each SKU is reserved in the order's warehouse, or — when the order names none —
 * in the warehouse `pickWarehouse` chooses for the SKU's whole quantity (the default one when it can
 * serve it). Reservations are guarded UPDATEs, so concurrent approvals can never oversell; on any
 * shortage nothing is reserved and the INSUFFICIENT_STOCK error lists every short SKU with the
 * requested and available quantities.
 */
export async function approveOrder(ctx: ServiceContext, input: { orderId: string }): Promise<OrderRow> {
  return inTransaction(ctx, async (ctx) => {
    const order = await lockOrder(ctx, input.orderId);
    const to = resolveTransition(order, "approve");
    const lines = await linesOf(ctx, order.id);

    const qtyBySku = new Map<string, Decimal>();
    for (const l of lines) qtyBySku.set(l.productId, (qtyBySku.get(l.productId) ?? dec(0)).plus(l.quantity));
    const warehouseOf = new Map<string, string>();
    for (const [productId, qty] of qtyBySku) {
      const wh = order.warehouseId ?? (await pickWarehouse(ctx, productId, qty.toFixed()));
      if (!wh) throw new DomainError("CONFLICT", { key: "noWarehouse" });
      warehouseOf.set(productId, wh);
    }

    await reserveStock(
      ctx,
      lines.flatMap((l) => {
        const warehouseId = warehouseOf.get(l.productId);
        return warehouseId ? [{ productId: l.productId, warehouseId, qty: l.quantity }] : [];
      }),
      { refType: "order", refId: order.id, refNo: order.orderNo, reason: "approve" },
    );
    for (const l of lines) {
      const warehouseId = warehouseOf.get(l.productId) ?? null;
      await ctx.db
        .update(orderLines)
        .set({ warehouseId })
        .where(and(eq(orderLines.id, l.id), eq(orderLines.orgId, ctx.orgId)));
    }

    // Outbound orders (one per warehouse the lines are reserved in), in this same transaction.
    await createOutboundForOrder(ctx, order);

    return applyStatusChange(ctx, order, "approve", to, null);
  });
}

import { and, asc, eq, isNotNull, ne } from "drizzle-orm";
import { orderLines, outboundOrderLines, outboundOrders, warehouses } from "@/db/schema";
import { sumDecimals } from "@/lib/decimal";
import type { TxContext } from "@/server/context";
import { nextNumber } from "../_lib/numbers";
import { type OutboundRow } from "./internal";
import { recordEvent } from "../_lib/events";

/**
 * Create the outbound orders of an order that was just approved: one per warehouse its lines are
 * reserved in (`order_lines.warehouse_id`, set by the approval), each pending 审核. Must run in the
 * approval's transaction, after the reservation, so an approved order always has its outbound orders.
 * Idempotent: an order that already has live (not cancelled) outbound orders gets no new ones.
 */
export async function createOutboundForOrder(
  tx: TxContext,
  order: { id: string; orderNo: string },
): Promise<OutboundRow[]> {
  const [existing] = await tx.db
    .select({ id: outboundOrders.id })
    .from(outboundOrders)
    .where(
      and(
        eq(outboundOrders.orgId, tx.orgId),
        eq(outboundOrders.orderId, order.id),
        ne(outboundOrders.status, "cancelled"),
      ),
    )
    .limit(1);
  if (existing) return [];
  const lines = await tx.db
    .select()
    .from(orderLines)
    .where(
      and(
        eq(orderLines.orgId, tx.orgId),
        eq(orderLines.orderId, order.id),
        isNotNull(orderLines.warehouseId),
      ),
    )
    .orderBy(asc(orderLines.lineNo));
  const byWarehouse = new Map<string, typeof lines>();
  for (const l of lines) {
    const list = byWarehouse.get(l.warehouseId!) ?? [];
    list.push(l);
    byWarehouse.set(l.warehouseId!, list);
  }
  // Warehouses in code order, so a split order's outbound numbers follow a stable order.
  const codes = new Map(
    (
      await tx.db
        .select({ id: warehouses.id, code: warehouses.code })
        .from(warehouses)
        .where(eq(warehouses.orgId, tx.orgId))
    ).map((w) => [w.id, w.code]),
  );
  const warehouseIds = [...byWarehouse.keys()].sort((a, b) =>
    (codes.get(a) ?? a).localeCompare(codes.get(b) ?? b),
  );
  const created: OutboundRow[] = [];
  for (const warehouseId of warehouseIds) {
    const whLines = byWarehouse.get(warehouseId)!;
    const outboundNo = await nextNumber(tx, "outbound");
    const [row] = await tx.db
      .insert(outboundOrders)
      .values({
        orgId: tx.orgId,
        outboundNo,
        orderId: order.id,
        orderNo: order.orderNo,
        warehouseId,
        totalQty: sumDecimals(whLines.map((l) => l.quantity)).toFixed(),
      })
      .returning();
    await tx.db.insert(outboundOrderLines).values(
      whLines.map((l, i) => ({
        orgId: tx.orgId,
        outboundId: row!.id,
        orderLineId: l.id,
        lineNo: i + 1,
        productId: l.productId,
        sku: l.sku,
        productName: l.productName,
        quantity: l.quantity,
      })),
    );
    await recordEvent(tx, "outbound", row!.id, {
      type: "created",
      to: "pending_audit",
      details: { orderNo: order.orderNo, split: warehouseIds.length > 1 ? warehouseIds.length : undefined },
    });
    created.push(row!);
  }
  return created;
}

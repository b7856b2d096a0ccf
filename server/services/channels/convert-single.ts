import { and, eq, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { platformOrders, type PlatformOrderBlocker } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { inSavepoint, systemContext, type TxContext } from "@/server/context";
import { recordEvent } from "../_lib/events";
import type { MerchantSettings } from "../_lib/settings";
import { createConvertedOrder } from "../orders/create-order";
import {
  availableByProduct,
  blockedSkusOf,
  blockerFromError,
  blockersChanged,
  linesByOrder,
  loadMappings,
  planOrder,
  systemOrderInput,
  type ConvertResult,
  type PlatformOrderRow,
} from "./convert-shared";

/**
 * Convert already claimed platform orders one by one through the orders service (createOrder with its
 * approval, reservation and outbound orders), each in a savepoint so a failure rolls back only that
 * order. Also the batch path's fallback when a batch would go short of stock.
 */
export async function convertClaimedSingly(ctx: TxContext, orders: PlatformOrderRow[], settings: MerchantSettings): Promise<ConvertResult> {
  const { db: tx, orgId } = ctx;
  const result: ConvertResult = { converted: 0, blocked: 0, skipped: 0, orderIds: [] };
  if (orders.length === 0) return result;
  const { lines, linesOf } = await linesByOrder(ctx, orders);
  const mappingOf = await loadMappings(ctx, orders, lines);
  const productIds = [...new Set([...mappingOf.values()].flat().map((m) => m.productId))];
  const available = await availableByProduct(ctx, productIds);

  for (const po of orders) {
    const plan = planOrder(po, linesOf.get(po.id) ?? [], mappingOf, available);
    if ("blockers" in plan) {
      await recordBlockers(tx, po, plan.blockers);
      result.blocked++;
      continue;
    }
    try {
      const order = await inSavepoint(ctx, (sp) => createConvertedOrder(sp, systemOrderInput(po, plan.lines, settings.priceDecimals)));
      await tx
        .update(platformOrders)
        .set({ state: "processed", orderId: order.id, orderNo: order.orderNo, blockers: [], blockedSkus: [], blockedAt: null, convertAttempts: sql`${platformOrders.convertAttempts} + 1` })
        .where(and(eq(platformOrders.id, po.id), eq(platformOrders.orgId, orgId)));
      await recordEvent(ctx, "platformOrder", po.id, { type: "converted", from: "pending", to: "processed", reason: order.orderNo });
      // Reserved stock is no longer available to the next order of this chunk.
      for (const l of plan.lines) available.set(l.productId, (available.get(l.productId) ?? dec(0)).minus(order.status === "pending" ? 0 : l.quantity));
      result.converted++;
      result.orderIds.push(order.id);
    } catch (e) {
      await recordBlockers(tx, po, [blockerFromError(e)]);
      result.blocked++;
    }
  }
  return result;
}

async function recordBlockers(tx: DbExecutor, po: PlatformOrderRow, blockers: PlatformOrderBlocker[]) {
  await tx
    .update(platformOrders)
    .set({ blockers, blockedSkus: blockedSkusOf(blockers), blockedAt: po.blockedAt ?? new Date(), convertAttempts: sql`${platformOrders.convertAttempts} + 1` })
    .where(and(eq(platformOrders.id, po.id), eq(platformOrders.orgId, po.orgId)));
  if (blockersChanged(po, blockers)) {
    await recordEvent(systemContext(tx, po.orgId, "channels"), "platformOrder", po.id, { type: "blocked", from: "pending", to: "pending", blockers });
  }
}

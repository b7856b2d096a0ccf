import { holdsReservation, type OrderAction } from "@/lib/orders/status";
import { inTransaction, type ServiceContext } from "@/server/context";
import { fieldError } from "@/server/errors";
import { cancelOutboundsOfOrder } from "../outbound/of-order";
import { approveOrder } from "./approve-order";
import { applyStatusChange, lockOrder, releaseOrderReservation, resolveTransition, type OrderRow } from "./internal";

export type { OrderRow } from "./internal";

/** Actions that need a reason from the person taking them (the timeline shows it). */
const REASON_REQUIRED: readonly OrderAction[] = ["freeze", "void"];

/**
 * Move an order through the one transition table (`lib/orders/status.ts`): locks the order row
 * (FOR UPDATE), refuses an illegal move with INVALID_TRANSITION (details: from, to, action), applies the
 * side effects that belong to the move, bumps `version` and writes an `order_events` row. Runs in the
 * caller's transaction when there is one.
 *
 * Side effects: `approve` reserves stock (see approveOrder); `close`/`void` of an order that holds a
 * reservation releases what is not yet shipped; `unfreeze` returns to the status before the freeze.
 * Production calls it with `schedule`/`unschedule`, the warehouse with `ship`, channels with `complete`.
 */
export async function transitionOrder(
  ctx: ServiceContext,
  input: { orderId: string; action: OrderAction; reason?: string | null },
): Promise<OrderRow> {
  const reason = input.reason?.trim() || null;
  if (REASON_REQUIRED.includes(input.action) && !reason) throw fieldError("reason", "reasonRequired");
  if (input.action === "approve") return approveOrder(ctx, { orderId: input.orderId });
  return inTransaction(ctx, async (ctx) => {
    const order = await lockOrder(ctx, input.orderId);
    const to = resolveTransition(order, input.action);
    if ((input.action === "close" || input.action === "void") && holdsReservation(order)) {
      await releaseOrderReservation(ctx, order, input.action);
      // Its open outbound orders go with it (their stock was just released above).
      await cancelOutboundsOfOrder(ctx, order.id, reason ?? input.action);
    }
    return applyStatusChange(ctx, order, input.action, to, reason);
  });
}

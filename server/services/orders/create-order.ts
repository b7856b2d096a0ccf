import { and, eq, inArray, isNull } from "drizzle-orm";
import { orderAttachments, orderLines, orders } from "@/db/schema";
import { can } from "@/lib/permissions";
import type { OrderSource } from "@/lib/orders/status";
import { ConvertedOrderInput, CreateOrderInput, type ConvertedOrderParsed, type CreateOrderParsed } from "@/lib/validators/orders";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { conflict, fieldError, forbidden, isUniqueViolation } from "@/server/errors";
import { approveOrder } from "./approve-order";
import { resolveContent, type ResolvedContent } from "./content";
import { newId } from "@/db/schema/_columns";
import { merchantSettings } from "../_lib/settings";
import { assignOrderNo, emitOrderStockChanged, provisionalOrderNo, type FieldChanges, type OrderRow } from "./internal";
import { recordEvent } from "../_lib/events";

export type { OrderRow } from "./internal";

/**
 * Create an order from the form, the open API, tRPC or a platform order (channels, in its own
 * transaction). Everything is checked first (customer, address, delivery method, SKUs, precision) and
 * nothing is written unless all of it is right. Then, in one transaction: the order number, the order
 * and its lines, staged attachments linked, the `created` event, an `inventory.changed` outbox event for
 * its SKUs (002: sync every warehouse's stock of the ordered goods), and with `status: "stock_up"` the
 * approval with its stock reservation — all or nothing.
 */
export async function createOrder(ctx: ServiceContext, raw: CreateOrderInput): Promise<OrderRow> {
  const input = CreateOrderInput.parse(raw);
  return createParsedOrder(ctx, input, { source: input.source, platformOrderId: null });
}

/**
 * The conversion's way in (server/services/channels/convert.ts), never a request's: the platform order
 * was claimed by the caller — this merchant's, pending, locked — before its content was built.
 */
export async function createConvertedOrder(ctx: ServiceContext, raw: ConvertedOrderInput): Promise<OrderRow> {
  const input = ConvertedOrderInput.parse(raw);
  return createParsedOrder(ctx, input, { source: "platform", platformOrderId: input.platformOrderId });
}

async function createParsedOrder(ctx: ServiceContext, input: ConvertedOrderParsed | CreateOrderParsed, meta: { source: OrderSource; platformOrderId: string | null }): Promise<OrderRow> {
  if (input.status === "stock_up" && !can(ctx.role, "orders.approve")) throw forbidden("orders.approve");
  return inTransaction(ctx, async (ctx) => {
    const settings = await merchantSettings(ctx);
    const content = await resolveContent(ctx, input, settings);
    const draft = await insertOrder(ctx, content, meta);
    await linkStagedAttachments(ctx, draft.id, input.attachmentIds);
    await recordEvent(ctx, "order", draft.id, { type: "created", to: "pending", reason: meta.source });
    // The number before any outbox event: a transaction holding the day's counter row must never wait
    // for another's pending-event key while that one waits for the counter (40P01 under concurrent
    // capture). Every capture takes the counter first, then event keys (sorted), so they queue instead.
    const order = await assignOrderNo(ctx, draft);
    await emitOrderStockChanged(ctx, content.lines.map((l) => l.productId));
    if (input.status === "stock_up") return approveOrder(ctx, { orderId: order.id });
    return order;
  });
}

/**
 * Insert the order and its lines under a provisional number; used by create and copy, which then call
 * `assignOrderNo` as late as they can.
 */
export async function insertOrder(
  ctx: ServiceContext,
  content: ResolvedContent,
  meta: { source: OrderSource; platformOrderId?: string | null; copiedFromId?: string | null },
): Promise<OrderRow> {
  const { lines, ...header } = content;
  const id = newId();
  let order: OrderRow;
  try {
    [order] = (await ctx.db
      .insert(orders)
      .values({
        ...header,
        id,
        orgId: ctx.orgId,
        orderNo: provisionalOrderNo(id),
        source: meta.source,
        status: "pending",
        platformOrderId: meta.platformOrderId ?? null,
        copiedFromId: meta.copiedFromId ?? null,
        createdBy: actorUserId(ctx),
      })
      .returning()) as [OrderRow];
  } catch (e) {
    if (isUniqueViolation(e, "orders_org_platform_order_uq")) throw conflict("platformOrderId", "platformOrderConverted");
    throw e;
  }
  await ctx.db.insert(orderLines).values(lines.map((l) => ({ ...l, orgId: ctx.orgId, orderId: order.id })));
  return order;
}

/** Link files uploaded on the form before the order existed; only the merchant's own staged files. */
async function linkStagedAttachments(ctx: ServiceContext, orderId: string, ids: string[]) {
  if (ids.length === 0) return;
  const linked = await ctx.db
    .update(orderAttachments)
    .set({ orderId })
    .where(and(eq(orderAttachments.orgId, ctx.orgId), inArray(orderAttachments.id, ids), isNull(orderAttachments.orderId)))
    .returning({ id: orderAttachments.id, fileName: orderAttachments.fileName });
  if (linked.length !== new Set(ids).size) throw fieldError("attachmentIds", "attachmentUnknown");
}

/** Field-by-field differences between two versions of an order's header, for the timeline. */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>, keys: string[]): FieldChanges {
  const changes: FieldChanges = {};
  for (const k of keys) {
    const a = before[k] ?? null;
    const b = after[k] ?? null;
    if (String(a) !== String(b)) changes[k] = { from: a, to: b };
  }
  return changes;
}

import { and, eq, inArray, isNull } from "drizzle-orm";
import { orderAttachments, orderLines, orders } from "@/db/schema";
import { can } from "@/lib/permissions";
import { CreateOrderInput, type CreateOrderParsed } from "@/lib/validators/orders";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { conflict, fieldError, forbidden, isUniqueViolation } from "@/server/errors";
import { approveOrder } from "./approve-order";
import { resolveContent, type ResolvedContent } from "./content";
import { newId } from "@/db/schema/_columns";
import { assignOrderNo, emitOrderStockChanged, orderSettings, provisionalOrderNo, recordOrderEvent, type FieldChanges, type OrderRow } from "./internal";

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
  if (input.status === "stock_up" && !can(ctx.role, "orders.approve")) throw forbidden("orders.approve");
  return inTransaction(ctx, async (tx) => {
    const settings = await orderSettings(tx.db, tx.orgId);
    const content = await resolveContent(tx, input, settings);
    const draft = await insertOrder(tx, content, {
      source: input.source,
      platformOrderId: input.source === "platform" ? (input.platformOrderId ?? null) : null,
    });
    await linkStagedAttachments(tx, draft.id, input.attachmentIds);
    await recordOrderEvent(tx, { orderId: draft.id, type: "created", toStatus: "pending", reason: input.source });
    await emitOrderStockChanged(tx, content.lines.map((l) => l.productId));
    const order = await assignOrderNo(tx, draft, settings.timezone);
    if (input.status === "stock_up") return approveOrder(tx, { orderId: order.id });
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
  meta: { source: CreateOrderParsed["source"]; platformOrderId?: string | null; copiedFromId?: string | null },
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

import { and, eq, inArray, isNull } from "drizzle-orm";
import { orderAttachments, orderLines, orders } from "@/db/schema";
import { can } from "@/lib/permissions";
import { CreateOrderInput, type CreateOrderParsed } from "@/lib/validators/orders";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { conflict, fieldError, forbidden, isUniqueViolation } from "@/server/errors";
import { emitInventoryChanged } from "../inventory/ledger";
import { approveOrder } from "./approve-order";
import { resolveContent, type ResolvedContent } from "./content";
import { nextOrderNo, orderSettings, recordOrderEvent, type FieldChanges, type OrderRow } from "./internal";

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
    const order = await insertOrder(tx, content, {
      source: input.source,
      platformOrderId: input.source === "platform" ? (input.platformOrderId ?? null) : null,
      timezone: settings.timezone,
    });
    await linkStagedAttachments(tx, order.id, input.attachmentIds);
    await recordOrderEvent(tx, { orderId: order.id, type: "created", toStatus: "pending", reason: input.source });
    await emitInventoryChanged(tx.db, tx.orgId, content.lines.map((l) => l.productId));
    if (input.status === "stock_up") return approveOrder(tx, { orderId: order.id });
    return order;
  });
}

/** Insert the order and its lines with a fresh number; used by create and copy. */
export async function insertOrder(
  ctx: ServiceContext,
  content: ResolvedContent,
  meta: { source: CreateOrderParsed["source"]; platformOrderId?: string | null; copiedFromId?: string | null; timezone: string },
): Promise<OrderRow> {
  const { lines, ...header } = content;
  const orderNo = await nextOrderNo(ctx.db, ctx.orgId, meta.timezone);
  let order: OrderRow;
  try {
    [order] = (await ctx.db
      .insert(orders)
      .values({
        ...header,
        orgId: ctx.orgId,
        orderNo,
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

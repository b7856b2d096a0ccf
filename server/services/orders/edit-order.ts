import { and, eq } from "drizzle-orm";
import { orderAttachments, orderLines, orders } from "@/db/schema";
import { UpdateOrderInput } from "@/lib/validators/orders";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { resolveContent } from "./content";
import { diffFields, insertOrder } from "./create-order";
import { merchantSettings } from "../_lib/settings";
import { assignOrderNo, emitOrderStockChanged, linesOf, lockOrder, type OrderLineRow, type OrderRow } from "./internal";
import { recordEvent } from "../_lib/events";

/** Header fields whose changes the timeline shows. */
export const TRACKED_FIELDS = [
  "clientNum",
  "buyerCompany",
  "addressId",
  "recipientName",
  "recipientPhone",
  "country",
  "province",
  "city",
  "district",
  "street",
  "postcode",
  "deliveryMethod",
  "warehouseId",
  "deliveryDate",
  "freight",
  "remark",
  "agreementType",
  "agreedTotalQty",
  "processingType",
  "agreedTotalAmount",
  "linesTotal",
  "totalQty",
  "discountTotal",
  "specialPrice",
] as const;

const lineSummary = (l: Pick<OrderLineRow, "sku" | "quantity" | "unitPrice" | "lineType" | "remark">) =>
  `${l.sku} × ${l.quantity} @ ${l.unitPrice}${l.lineType === "gift" ? " (gift)" : ""}${l.remark ? ` — ${l.remark}` : ""}`;

/**
 * Edit a pending order (only pending orders can change: once approved, stock is reserved for exactly
 * these lines). With `version`, an edit based on an outdated copy is refused (CONFLICT) instead of
 * overwriting someone else's change. The timeline gets the field-by-field differences.
 */
export async function updateOrder(ctx: ServiceContext, raw: UpdateOrderInput): Promise<OrderRow> {
  const { orderId, version, ...content } = UpdateOrderInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const before = await lockOrder(ctx, orderId);
    if (before.status !== "pending") {
      throw new DomainError("INVALID_TRANSITION", { key: "editOnlyPending", params: { from: before.status } }, {
        details: { from: before.status, to: before.status, action: "edit" },
      });
    }
    if (version !== undefined && version !== before.version) throw new DomainError("CONFLICT", { key: "orderChanged" });
    const oldLines = await linesOf(ctx, orderId);
    const resolved = await resolveContent(ctx, content, await merchantSettings(ctx));
    const { lines, ...header } = resolved;
    const [after] = await ctx.db
      .update(orders)
      .set({ ...header, version: before.version + 1 })
      .where(and(eq(orders.id, orderId), eq(orders.orgId, ctx.orgId)))
      .returning();
    await ctx.db.delete(orderLines).where(and(eq(orderLines.orgId, ctx.orgId), eq(orderLines.orderId, orderId)));
    await ctx.db.insert(orderLines).values(lines.map((l) => ({ ...l, orgId: ctx.orgId, orderId })));

    const changes = diffFields(before, after!, [...TRACKED_FIELDS]);
    const oldSummary = oldLines.map(lineSummary);
    const newLines = await linesOf(ctx, orderId);
    const newSummary = newLines.map(lineSummary);
    if (oldSummary.join("\n") !== newSummary.join("\n")) changes.lines = { from: oldSummary, to: newSummary };
    await recordEvent(ctx, "order", orderId, { type: "updated", from: "pending", to: "pending", changes });
    await emitOrderStockChanged(ctx, [...oldLines, ...newLines].map((l) => l.productId));
    return after!;
  });
}

/**
 * 复制订单: a new pending order with the same content (customer, address as it was on the order,
 * delivery, agreement terms, lines, attachments), checked against today's master data (a product
 * disabled since is refused). Both orders' timelines record the copy.
 */
export async function copyOrder(ctx: ServiceContext, input: { orderId: string }): Promise<OrderRow> {
  return inTransaction(ctx, async (ctx) => {
    const source = await lockOrder(ctx, input.orderId);
    const lines = await linesOf(ctx, source.id);
    const settings = await merchantSettings(ctx);
    const hasAddress = !!source.street;
    const content = await resolveContent(
      ctx,
      {
        clientNum: source.clientNum,
        buyerCompany: source.buyerCompany,
        addressId: null,
        address: hasAddress
          ? {
              recipientName: source.recipientName,
              recipientPhone: source.recipientPhone,
              country: source.country,
              province: source.province,
              city: source.city,
              district: source.district,
              street: source.street,
              postcode: source.postcode,
            }
          : null,
        deliveryMethod: source.deliveryMethod,
        warehouseId: source.warehouseId,
        deliveryDate: source.deliveryDate,
        freight: source.freight,
        discountTotal: source.specialPrice ? source.discountTotal : null,
        remark: source.remark,
        agreementType: source.agreementType,
        agreedTotalQty: source.agreedTotalQty,
        processingType: source.processingType,
        agreedTotalAmount: source.agreedTotalAmount,
        lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, lineType: l.lineType, remark: l.remark })),
      },
      settings,
    );
    content.addressId = source.addressId;
    const draft = await insertOrder(ctx, content, { source: "manual", copiedFromId: source.id });

    const copy = await assignOrderNo(ctx, draft);
    const files = await ctx.db
      .select()
      .from(orderAttachments)
      .where(and(eq(orderAttachments.orgId, ctx.orgId), eq(orderAttachments.orderId, source.id)));
    if (files.length) {
      // The stored file is shared; it is deleted only when no attachment row points at it any more.
      await ctx.db.insert(orderAttachments).values(
        files.map(({ id: _id, createdAt: _c, ...f }) => ({ ...f, orderId: copy.id, uploadedBy: actorUserId(ctx) })),
      );
    }
    await recordEvent(ctx, "order", copy.id, { type: "created", to: "pending", reason: "copy", changes: { copiedFrom: { from: null, to: source.orderNo } } });
    await recordEvent(ctx, "order", source.id, { type: "copied", from: source.status, to: source.status, changes: { copiedTo: { from: null, to: copy.orderNo } } });
    await emitOrderStockChanged(ctx, content.lines.map((l) => l.productId));
    return copy;
  });
}

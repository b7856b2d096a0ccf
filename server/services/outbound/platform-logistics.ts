import { and, asc, eq } from "drizzle-orm";
import { channelAccounts, orderAttachments, outboundOrders, platformOrderLines, platformOrders } from "@/db/schema";
import { connectorFor } from "@/server/channels/registry";
import { ChannelError } from "@/server/channels/types";
import type { OrgScope, ServiceContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { getAccountRow, withAccountCredentials } from "../channels/accounts";
import { addAttachment } from "../orders/attachments";

/**
 * 物流面单 — platform-arranged logistics (Lazada): for an outbound order of a marketplace order whose
 * platform ships it, book the shipment with the platform's carrier (it assigns carrier and tracking
 * number), fetch the AWB label and keep it as one of the order's attachments (the storage interface),
 * so the ship dialog fills in the platform's tracking number and the label prints from the outbound
 * page. Idempotent: asked again, the platform's booking and the stored label are reused. Shipping the
 * outbound then hands the parcel over (the ship-back: Lazada's ready-to-ship).
 */
async function platformOrderOf(ctx: OrgScope, orderId: string) {
  const [po] = await ctx.db
    .select({ id: platformOrders.id, platformOrderId: platformOrders.platformOrderId, raw: platformOrders.raw, accountId: platformOrders.accountId, platform: channelAccounts.platform })
    .from(platformOrders)
    .innerJoin(channelAccounts, and(eq(channelAccounts.orgId, platformOrders.orgId), eq(channelAccounts.id, platformOrders.accountId)))
    .where(and(eq(platformOrders.orgId, ctx.orgId), eq(platformOrders.orderId, orderId)))
    .limit(1);
  return po ?? null;
}

/** Whether the outbound's order ships with its platform's logistics (the ship dialog offers 平台取号). */
export async function platformLogisticsOffered(ctx: OrgScope, orderId: string): Promise<string | null> {
  const po = await platformOrderOf(ctx, orderId);
  const connector = po ? connectorFor(po.platform) : null;
  return po && connector?.arrangeShipment && connector.shippingLabel ? po.platform : null;
}

export async function arrangePlatformLogistics(ctx: ServiceContext, outboundId: string) {
  const [ob] = await ctx.db
    .select({ id: outboundOrders.id, orderId: outboundOrders.orderId, status: outboundOrders.status, outboundNo: outboundOrders.outboundNo })
    .from(outboundOrders)
    .where(and(eq(outboundOrders.orgId, ctx.orgId), eq(outboundOrders.id, outboundId)));
  if (!ob) throw notFound("outbound");
  if (ob.status === "shipped" || ob.status === "cancelled") throw new DomainError("INVALID_TRANSITION", { key: "platformLogisticsClosed", params: { no: ob.outboundNo, status: ob.status } });
  const po = await platformOrderOf(ctx, ob.orderId);
  const connector = po ? connectorFor(po.platform) : null;
  if (!po || !connector?.arrangeShipment || !connector.shippingLabel) throw new DomainError("VALIDATION", { key: "platformLogisticsNotOffered" });
  const lines = await ctx.db
    .select({ platformLineId: platformOrderLines.platformLineId, quantity: platformOrderLines.quantity })
    .from(platformOrderLines)
    .where(and(eq(platformOrderLines.orgId, ctx.orgId), eq(platformOrderLines.platformOrderId, po.id)))
    .orderBy(asc(platformOrderLines.platformLineId));
  const account = await getAccountRow(ctx, po.accountId);
  const order = { platformOrderId: po.platformOrderId, raw: po.raw };
  let booked: { carrier: string; trackingNumber: string };
  let label: { fileName: string; data: Buffer };
  try {
    booked = await withAccountCredentials(ctx, account, (ref, credentials) => connector.arrangeShipment!({ account: ref, credentials, order, lines }));
    label = await withAccountCredentials(ctx, account, (ref, credentials) => connector.shippingLabel!({ account: ref, credentials, order }));
  } catch (e) {
    if (e instanceof ChannelError && e.kind === "invalid_request") throw new DomainError("CONFLICT", { key: "platformLogisticsRefused", params: { message: e.message.slice(0, 200) } });
    throw e;
  }
  // One stored label per booking: the same file name (the platform's order) is reused, not added again.
  const [existing] = await ctx.db
    .select({ id: orderAttachments.id })
    .from(orderAttachments)
    .where(and(eq(orderAttachments.orgId, ctx.orgId), eq(orderAttachments.orderId, ob.orderId), eq(orderAttachments.fileName, label.fileName)))
    .limit(1);
  const labelAttachmentId = existing?.id ?? (await addAttachment(ctx, ob.orderId, { fileName: label.fileName, contentType: "application/pdf", data: label.data })).id;
  return { platform: po.platform, carrier: booked.carrier, trackingNumber: booked.trackingNumber, labelAttachmentId };
}

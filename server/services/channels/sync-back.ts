import { and, eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { channelAccounts, channelListings, platformOrderLines, platformOrders, skuMappings } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { connectorFor } from "@/server/channels/registry";
import { ChannelError } from "@/server/channels/types";
import { inTransaction, systemContext, type OrgScope, type ServiceContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { recordEvent } from "../_lib/events";
import { enqueue, enqueueMany, RetryLater, type OutboxEvent } from "../outbox/outbox";
import { payloadOf, TOPICS } from "../outbox/topics";
import { getAccountRow, withAccountCredentials } from "./accounts";
import { availableByProduct } from "./convert-shared";

/** Outbox handlers act for the merchant of their event, as the channels system. */
const handlerContext = (event: OutboxEvent, db: DbExecutor) => systemContext(db, event.orgId, "channels");

/** Retryable platform trouble becomes RetryLater (the outbox backs off); anything else is final. */
function retryable(e: unknown): never {
  if (e instanceof ChannelError && (e.kind === "rate_limited" || e.kind === "upstream")) {
    throw new RetryLater(e.message, e.opts.retryAfterMs ?? 5_000);
  }
  throw e;
}

// ------------------------------------------------------------------------------------ ship-back

/**
 * `order.shipped` (from the warehouse, in the shipping transaction): remember carrier + tracking on the
 * platform order and queue the push. Orders that did not come from a platform are ignored.
 */
export async function onOrderShipped(event: OutboxEvent, db: DbExecutor) {
  const p = payloadOf(event, TOPICS.orderShipped);
  if (!p.orderId) return { ignored: "no orderId" };
  const [po] = await db
    .select({ id: platformOrders.id, state: platformOrders.state })
    .from(platformOrders)
    .where(and(eq(platformOrders.orgId, event.orgId), eq(platformOrders.orderId, p.orderId)));
  if (!po) return { ignored: "not a platform order" };
  await db
    .update(platformOrders)
    .set({ carrier: p.carrier ?? null, trackingNumber: p.trackingNumber ?? null, shipPushStatus: "queued", shipPushError: null })
    .where(eq(platformOrders.id, po.id));
  await enqueue(handlerContext(event, db), { topic: TOPICS.pushShipment, dedupeKey: po.id, payload: { platformOrderId: po.id } });
  return { queued: po.id };
}

/**
 * 平台发货: push carrier + tracking to the platform. Idempotent: the connector finds a fulfillment with
 * the same tracking number and returns it; a platform order already pushed is skipped.
 */
export async function pushShipment(ctx: ServiceContext, platformOrderId: string) {
  const { db, orgId } = ctx;
  const [po] = await db.select().from(platformOrders).where(and(eq(platformOrders.id, platformOrderId), eq(platformOrders.orgId, orgId)));
  if (!po) return { ignored: "gone" };
  if (po.shipPushStatus === "pushed") return { already: true };
  if (!po.trackingNumber) {
    await db.update(platformOrders).set({ shipPushStatus: "failed", shipPushError: "no tracking number" }).where(eq(platformOrders.id, po.id));
    return { failed: "no tracking number" };
  }
  const account = await getAccountRow(ctx, po.accountId);
  const connector = connectorFor(account.platform);
  if (!connector) return { ignored: "no connector" };
  const lines = await db
    .select({ platformLineId: platformOrderLines.platformLineId, quantity: platformOrderLines.quantity })
    .from(platformOrderLines)
    .where(and(eq(platformOrderLines.orgId, orgId), eq(platformOrderLines.platformOrderId, po.id)));
  let remoteId: string | null = null;
  try {
    const r = await withAccountCredentials(ctx, account, (ref, credentials) =>
      connector.pushShipment({ account: ref, credentials, order: { platformOrderId: po.platformOrderId, raw: po.raw }, shipment: { carrier: po.carrier ?? "", trackingNumber: po.trackingNumber!, lines } }),
    );
    remoteId = r.remoteId;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    await db.update(platformOrders).set({ shipPushStatus: "failed", shipPushError: msg.slice(0, 500) }).where(eq(platformOrders.id, po.id));
    retryable(e);
  }
  await inTransaction(ctx, async ({ db: tx }) => {
    const moved = po.state === "processed" || po.state === "pending";
    await tx
      .update(platformOrders)
      .set({ shipPushStatus: "pushed", shipPushError: null, shipPushedAt: new Date(), ...(moved ? { state: "marked_shipped" as const } : {}) })
      .where(eq(platformOrders.id, po.id));
    await recordEvent(systemContext(tx, orgId, "channels"), "platformOrder", po.id, {
      type: "ship_pushed",
      from: po.state,
      to: moved ? "marked_shipped" : po.state,
      reason: `${po.carrier ?? ""} ${po.trackingNumber}${remoteId ? ` (${remoteId})` : ""}`.trim(),
    });
  });
  return { pushed: po.id, remoteId };
}

export async function onPushShipment(event: OutboxEvent, db: DbExecutor) {
  const p = payloadOf(event, TOPICS.pushShipment);
  if (!p.platformOrderId) return { ignored: "no platformOrderId" };
  return pushShipment(handlerContext(event, db), p.platformOrderId);
}

// ------------------------------------------------------------------------------------ stock push

/**
 * `inventory.changed` {productId}: every listing whose mapping uses the product (alone or in a bundle)
 * gets one debounced push event; the push reads the stock as it is when it runs.
 */
export async function onInventoryChanged(event: OutboxEvent, db: DbExecutor) {
  const { productId } = payloadOf(event, TOPICS.inventoryChanged);
  if (!productId) return { ignored: "no productId" };
  const listings = await db
    .selectDistinct({ accountId: skuMappings.accountId, platformSku: skuMappings.platformSku })
    .from(skuMappings)
    .innerJoin(channelAccounts, and(eq(channelAccounts.id, skuMappings.accountId), eq(channelAccounts.orgId, skuMappings.orgId)))
    .where(and(eq(skuMappings.orgId, event.orgId), eq(skuMappings.productId, productId), eq(channelAccounts.status, "enabled")));
  await enqueueMany(
    handlerContext(event, db),
    listings.map((l) => ({ topic: TOPICS.pushStock, dedupeKey: `${l.accountId}:${l.platformSku}`, payload: l })),
  );
  return { listings: listings.length };
}

/** Available to sell for a platform SKU: for a bundle, the fewest complete sets its components allow. */
export async function listingQuantity(ctx: OrgScope, accountId: string, platformSku: string): Promise<number | null> {
  const { db, orgId } = ctx;
  const comps = await db
    .select({ productId: skuMappings.productId, quantity: skuMappings.quantity })
    .from(skuMappings)
    .where(and(eq(skuMappings.orgId, orgId), eq(skuMappings.accountId, accountId), eq(skuMappings.platformSku, platformSku)));
  if (comps.length === 0) return null;
  const avail = await availableByProduct(ctx, comps.map((c) => c.productId));
  let sets: number | null = null;
  for (const c of comps) {
    const q = dec(c.quantity);
    const n = q.isZero() ? Infinity : Math.max(0, dec(avail.get(c.productId) ?? 0).div(q).floor().toNumber());
    sets = sets === null ? n : Math.min(sets, n);
  }
  return sets === null || !Number.isFinite(sets) ? 0 : sets;
}

export async function pushStock(ctx: ServiceContext, accountId: string, platformSku: string, opts: { force?: boolean } = {}) {
  const { db, orgId } = ctx;
  const account = await getAccountRow(ctx, accountId);
  if (account.status !== "enabled") return { skipped: `account ${account.status}` };
  const connector = connectorFor(account.platform);
  if (!connector) return { skipped: "no connector" };
  const qty = await listingQuantity(ctx, accountId, platformSku);
  if (qty === null) return { skipped: "no mapping" };
  await db.insert(channelListings).values({ orgId, accountId, platformSku }).onConflictDoNothing();
  const [listing] = await db
    .select()
    .from(channelListings)
    .where(and(eq(channelListings.orgId, orgId), eq(channelListings.accountId, accountId), eq(channelListings.platformSku, platformSku)));
  // Idempotent: the platform already shows this quantity.
  if (!opts.force && listing!.lastPushStatus === "ok" && listing!.lastPushedQty === qty) return { unchanged: qty };
  try {
    await withAccountCredentials(ctx, account, (ref, credentials) =>
      connector.pushStock({ account: ref, credentials, listing: { platformSku, externalListingId: listing!.externalListingId }, quantity: qty }),
    );
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    await db
      .update(channelListings)
      .set({ lastPushAt: new Date(), lastPushStatus: "failed", lastPushError: msg.slice(0, 500) })
      .where(eq(channelListings.id, listing!.id));
    retryable(e);
  }
  await db
    .update(channelListings)
    .set({ lastPushAt: new Date(), lastPushStatus: "ok", lastPushError: null, lastPushedQty: qty })
    .where(eq(channelListings.id, listing!.id));
  return { pushed: qty };
}

export async function onPushStock(event: OutboxEvent, db: DbExecutor) {
  const p = payloadOf(event, TOPICS.pushStock);
  if (!p.accountId || !p.platformSku) return { ignored: "no listing" };
  return pushStock(handlerContext(event, db), p.accountId, p.platformSku);
}

/** Queue a stock push for every mapped listing of these platform SKUs (after a mapping change). */
export async function queueStockPush(ctx: OrgScope, accountId: string, platformSkus: string[]) {
  await enqueueMany(
    ctx,
    platformSkus.map((platformSku) => ({ topic: TOPICS.pushStock, dedupeKey: `${accountId}:${platformSku}`, payload: { accountId, platformSku } })),
  );
}

/**
 * 打印面单: the platform's shipping label (AWB) of a platform order its logistics ship (Lazada: after
 * the ship-back packed it). A platform without labels, or an order not packed yet, is a clear refusal.
 */
export async function shippingLabelOf(ctx: ServiceContext, platformOrderId: string): Promise<{ fileName: string; data: Buffer }> {
  const [po] = await ctx.db.select().from(platformOrders).where(and(eq(platformOrders.id, platformOrderId), eq(platformOrders.orgId, ctx.orgId)));
  if (!po) throw notFound("platformOrder");
  const account = await getAccountRow(ctx, po.accountId);
  const connector = connectorFor(account.platform);
  if (!connector?.shippingLabel) throw new DomainError("VALIDATION", { key: "labelNotOffered" });
  try {
    return await withAccountCredentials(ctx, account, (ref, credentials) => connector.shippingLabel!({ account: ref, credentials, order: { platformOrderId: po.platformOrderId, raw: po.raw } }));
  } catch (e) {
    if (e instanceof ChannelError && e.kind === "invalid_request") throw new DomainError("CONFLICT", { key: "labelNotReady", params: { message: e.message.slice(0, 200) } });
    throw e;
  }
}

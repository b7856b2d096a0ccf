import { and, eq, inArray } from "drizzle-orm";
import type { Db, DbExecutor } from "@/db";
import { channelAccounts, channelListings, platformOrderEvents, platformOrderLines, platformOrders, skuMappings } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { connectorFor } from "@/server/channels/registry";
import { ChannelError } from "@/server/channels/types";
import { enqueue, RetryLater, type OutboxEvent } from "../outbox/outbox";
import { getAccountRow, withAccountCredentials } from "./accounts";
import { availableByProduct } from "./convert";

/** Outbox topics this module consumes and produces. */
export const ORDER_SHIPPED = "order.shipped";
export const PUSH_SHIPMENT = "channels.push_shipment";
export const INVENTORY_CHANGED = "inventory.changed";
export const PUSH_STOCK = "channels.push_stock";

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
  const p = event.payload as { orderId?: string; carrier?: string; trackingNumber?: string };
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
  await enqueue(db, { orgId: event.orgId, topic: PUSH_SHIPMENT, dedupeKey: po.id, payload: { platformOrderId: po.id } });
  return { queued: po.id };
}

/**
 * 平台发货: push carrier + tracking to the platform. Idempotent: the connector finds a fulfillment with
 * the same tracking number and returns it; a platform order already pushed is skipped.
 */
export async function pushShipment(db: Db, orgId: string, platformOrderId: string) {
  const [po] = await db.select().from(platformOrders).where(and(eq(platformOrders.id, platformOrderId), eq(platformOrders.orgId, orgId)));
  if (!po) return { ignored: "gone" };
  if (po.shipPushStatus === "pushed") return { already: true };
  if (!po.trackingNumber) {
    await db.update(platformOrders).set({ shipPushStatus: "failed", shipPushError: "no tracking number" }).where(eq(platformOrders.id, po.id));
    return { failed: "no tracking number" };
  }
  const account = await getAccountRow(db, orgId, po.accountId);
  const connector = connectorFor(account.platform);
  if (!connector) return { ignored: "no connector" };
  const lines = await db
    .select({ platformLineId: platformOrderLines.platformLineId, quantity: platformOrderLines.quantity })
    .from(platformOrderLines)
    .where(and(eq(platformOrderLines.orgId, orgId), eq(platformOrderLines.platformOrderId, po.id)));
  let remoteId: string | null = null;
  try {
    const r = await withAccountCredentials(db, account, (ref, credentials) =>
      connector.pushShipment({ account: ref, credentials, order: { platformOrderId: po.platformOrderId, raw: po.raw }, shipment: { carrier: po.carrier ?? "", trackingNumber: po.trackingNumber!, lines } }),
    );
    remoteId = r.remoteId;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    await db.update(platformOrders).set({ shipPushStatus: "failed", shipPushError: msg.slice(0, 500) }).where(eq(platformOrders.id, po.id));
    retryable(e);
  }
  await db.transaction(async (tx) => {
    const moved = po.state === "processed" || po.state === "pending";
    await tx
      .update(platformOrders)
      .set({ shipPushStatus: "pushed", shipPushError: null, shipPushedAt: new Date(), ...(moved ? { state: "marked_shipped" as const } : {}) })
      .where(eq(platformOrders.id, po.id));
    await tx.insert(platformOrderEvents).values({
      orgId,
      platformOrderId: po.id,
      type: "ship_pushed",
      fromState: po.state,
      toState: moved ? "marked_shipped" : po.state,
      reason: `${po.carrier ?? ""} ${po.trackingNumber}${remoteId ? ` (${remoteId})` : ""}`.trim(),
      actorLabel: "system:channels",
    });
  });
  return { pushed: po.id, remoteId };
}

export async function onPushShipment(event: OutboxEvent, db: DbExecutor) {
  const p = event.payload as { platformOrderId: string };
  return pushShipment(db as Db, event.orgId, p.platformOrderId);
}

// ------------------------------------------------------------------------------------ stock push

/**
 * `inventory.changed` {productId}: every listing whose mapping uses the product (alone or in a bundle)
 * gets one debounced push event; the push reads the stock as it is when it runs.
 */
export async function onInventoryChanged(event: OutboxEvent, db: DbExecutor) {
  const productId = (event.payload as { productId?: string }).productId;
  if (!productId) return { ignored: "no productId" };
  const listings = await db
    .selectDistinct({ accountId: skuMappings.accountId, platformSku: skuMappings.platformSku })
    .from(skuMappings)
    .innerJoin(channelAccounts, and(eq(channelAccounts.id, skuMappings.accountId), eq(channelAccounts.orgId, skuMappings.orgId)))
    .where(and(eq(skuMappings.orgId, event.orgId), eq(skuMappings.productId, productId), eq(channelAccounts.status, "enabled")));
  for (const l of listings) {
    await enqueue(db, { orgId: event.orgId, topic: PUSH_STOCK, dedupeKey: `${l.accountId}:${l.platformSku}`, payload: l });
  }
  return { listings: listings.length };
}

/** Available to sell for a platform SKU: for a bundle, the fewest complete sets its components allow. */
export async function listingQuantity(db: DbExecutor, orgId: string, accountId: string, platformSku: string): Promise<number | null> {
  const comps = await db
    .select({ productId: skuMappings.productId, quantity: skuMappings.quantity })
    .from(skuMappings)
    .where(and(eq(skuMappings.orgId, orgId), eq(skuMappings.accountId, accountId), eq(skuMappings.platformSku, platformSku)));
  if (comps.length === 0) return null;
  const avail = await availableByProduct(db, orgId, comps.map((c) => c.productId));
  let sets: number | null = null;
  for (const c of comps) {
    const q = dec(c.quantity);
    const n = q.isZero() ? Infinity : Math.max(0, dec(avail.get(c.productId) ?? 0).div(q).floor().toNumber());
    sets = sets === null ? n : Math.min(sets, n);
  }
  return sets === null || !Number.isFinite(sets) ? 0 : sets;
}

export async function pushStock(db: Db, orgId: string, accountId: string, platformSku: string, opts: { force?: boolean } = {}) {
  const account = await getAccountRow(db, orgId, accountId);
  if (account.status !== "enabled") return { skipped: `account ${account.status}` };
  const connector = connectorFor(account.platform);
  if (!connector) return { skipped: "no connector" };
  const qty = await listingQuantity(db, orgId, accountId, platformSku);
  if (qty === null) return { skipped: "no mapping" };
  await db.insert(channelListings).values({ orgId, accountId, platformSku }).onConflictDoNothing();
  const [listing] = await db
    .select()
    .from(channelListings)
    .where(and(eq(channelListings.orgId, orgId), eq(channelListings.accountId, accountId), eq(channelListings.platformSku, platformSku)));
  // Idempotent: the platform already shows this quantity.
  if (!opts.force && listing!.lastPushStatus === "ok" && listing!.lastPushedQty === qty) return { unchanged: qty };
  try {
    await withAccountCredentials(db, account, (ref, credentials) =>
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
  const p = event.payload as { accountId: string; platformSku: string };
  return pushStock(db as Db, event.orgId, p.accountId, p.platformSku);
}

/** Queue a stock push for every mapped listing of these platform SKUs (after a mapping change). */
export async function queueStockPush(db: DbExecutor, orgId: string, accountId: string, platformSkus: string[]) {
  for (const platformSku of platformSkus) {
    await enqueue(db, { orgId, topic: PUSH_STOCK, dedupeKey: `${accountId}:${platformSku}`, payload: { accountId, platformSku } });
  }
}

/** Last push result per listing, for the mapping page. */
export async function listingStatus(db: DbExecutor, orgId: string, keys: { accountId: string; platformSku: string }[]) {
  if (keys.length === 0) return [];
  return db
    .select()
    .from(channelListings)
    .where(and(eq(channelListings.orgId, orgId), inArray(channelListings.accountId, [...new Set(keys.map((k) => k.accountId))]), inArray(channelListings.platformSku, [...new Set(keys.map((k) => k.platformSku))])));
}


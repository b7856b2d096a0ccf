import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, DbExecutor } from "@/db";
import { channelListings, platformOrderLines, platformOrders, type PlatformOrderState } from "@/db/schema";
import { checkDecimal } from "@/lib/decimal";
import type { NormalizedOrder } from "@/server/channels/types";
import { systemContext, type ServiceContext } from "@/server/context";
import { recordEvents, type DocumentEvent } from "../_lib/events";
import type { ChannelAccountRow } from "./accounts";

export type IngestFailure = { platformOrderId: string; error: string };
export type IngestResult = {
  created: number;
  updated: number;
  unchanged: number;
  failed: IngestFailure[];
  /** Platform orders (our ids) that are new or changed, for conversion and status follow-up. */
  touched: { id: string; inserted: boolean; previousStatus: string | null; status: string }[];
};

const clip = (s: string | null | undefined, n: number) => (s ?? "").slice(0, n);

/** Refuse what the database would refuse, per order, so one bad order never fails its page. */
export function validateOrder(o: NormalizedOrder): string | null {
  if (!o.platformOrderId || o.platformOrderId.length > 200) return "missing or too long platform order id";
  if (Number.isNaN(o.createdAt?.getTime?.()) || Number.isNaN(o.updatedAt?.getTime?.())) return "invalid timestamps";
  if (!checkDecimal(o.totalAmount || "0", 4, { allowNegative: false }).ok) return `invalid total ${o.totalAmount}`;
  if (!Array.isArray(o.lines)) return "no lines";
  for (const l of o.lines) {
    const q = checkDecimal(l.quantity, 4);
    if (!q.ok || Number(l.quantity) <= 0) return `invalid quantity ${l.quantity} for ${l.platformSku}`;
    if (!checkDecimal(l.unitPrice || "0", 4).ok) return `invalid price ${l.unitPrice} for ${l.platformSku}`;
  }
  return null;
}

export const itemsSummary = (o: NormalizedOrder) => o.lines.map((l) => `${l.platformSku || "?"}*${Number(l.quantity)}`).join(" ");

function orderValues(account: ChannelAccountRow, o: NormalizedOrder, now: Date) {
  return {
    orgId: account.orgId,
    accountId: account.id,
    platform: account.platform,
    platformOrderId: o.platformOrderId,
    platformOrderNo: clip(o.platformOrderNo || o.platformOrderId, 200),
    platformStatus: clip(o.platformStatus, 200),
    normalizedStatus: o.status,
    currency: clip(o.currency, 10),
    totalAmount: checkDecimal(o.totalAmount || "0", 4).ok ? o.totalAmount || "0" : "0",
    buyerName: clip(o.buyerName, 200),
    buyerEmail: o.buyerEmail ? clip(o.buyerEmail, 200) : null,
    recipientName: clip(o.shipping.name, 200),
    recipientPhone: clip(o.shipping.phone, 60),
    country: clip(o.shipping.country, 60),
    province: clip(o.shipping.province, 100),
    city: clip(o.shipping.city, 100),
    district: clip(o.shipping.district, 100),
    street: clip(o.shipping.street, 500),
    postcode: clip(o.shipping.postcode, 20),
    shippingMethod: clip(o.shippingMethod, 100),
    remark: clip(o.remark, 2000),
    itemsSummary: clip(itemsSummary(o), 2000),
    platformCreatedAt: o.createdAt,
    platformUpdatedAt: o.updatedAt,
    pulledAt: now,
    syncedAt: now,
    raw: o.raw ?? {},
    // A first sight of an order cancelled or already shipped elsewhere is kept for reference only.
    state: (o.status === "cancelled" ? "voided" : o.status === "shipped" || o.status === "completed" ? "marked_shipped" : "pending") as PlatformOrderState,
  };
}

const set = (col: string) => sql.raw(`excluded.${col}`);

/**
 * Upsert one page of orders in one transaction: a multi-row INSERT … ON CONFLICT on (merchant, account,
 * platform order id), which updates only when the platform's `updated_at` moved forward — so duplicate
 * webhooks, overlapping pull windows and concurrent pulls of the same window never duplicate an order
 * and never roll a newer state back to an older one. Lines are replaced for changed orders. Orders the
 * database refuses are retried one by one in savepoints, so one bad order never blocks the page.
 */
export async function ingestOrders(ctx: ServiceContext & { db: Db }, account: ChannelAccountRow, input: NormalizedOrder[]): Promise<IngestResult> {
  const { db } = ctx;
  const result: IngestResult = { created: 0, updated: 0, unchanged: 0, failed: [], touched: [] };
  // Latest version of each order in this page, sorted so concurrent upserts lock rows in one order.
  const byId = new Map<string, NormalizedOrder>();
  for (const o of input) {
    const err = validateOrder(o);
    if (err) {
      result.failed.push({ platformOrderId: String(o?.platformOrderId ?? "?"), error: err });
      continue;
    }
    const prev = byId.get(o.platformOrderId);
    if (!prev || prev.updatedAt < o.updatedAt) byId.set(o.platformOrderId, o);
  }
  const orders = [...byId.values()].sort((a, b) => (a.platformOrderId < b.platformOrderId ? -1 : 1));
  if (orders.length === 0) return result;
  try {
    await db.transaction(async (tx) => {
      const r = await upsertBatch(tx, account, orders);
      Object.assign(result, { created: r.created, updated: r.updated, unchanged: r.unchanged, touched: r.touched });
    });
  } catch {
    // Find the culprit(s): each order alone, in a savepoint of one transaction.
    const r2: IngestResult = { created: 0, updated: 0, unchanged: 0, failed: [], touched: [] };
    await db.transaction(async (tx) => {
      for (const o of orders) {
        try {
          const r = await tx.transaction((sp) => upsertBatch(sp, account, [o]));
          r2.created += r.created;
          r2.updated += r.updated;
          r2.unchanged += r.unchanged;
          r2.touched.push(...r.touched);
        } catch (e) {
          r2.failed.push({ platformOrderId: o.platformOrderId, error: e instanceof Error ? e.message.slice(0, 300) : String(e) });
        }
      }
    });
    Object.assign(result, { created: r2.created, updated: r2.updated, unchanged: r2.unchanged, touched: r2.touched, failed: [...result.failed, ...r2.failed] });
  }
  return result;
}

async function upsertBatch(tx: DbExecutor, account: ChannelAccountRow, orders: NormalizedOrder[]) {
  const now = new Date();
  const ids = orders.map((o) => o.platformOrderId);
  const before = await tx
    .select({ platformOrderId: platformOrders.platformOrderId, normalizedStatus: platformOrders.normalizedStatus })
    .from(platformOrders)
    .where(and(eq(platformOrders.orgId, account.orgId), eq(platformOrders.accountId, account.id), inArray(platformOrders.platformOrderId, ids)));
  const prevStatus = new Map(before.map((b) => [b.platformOrderId, b.normalizedStatus]));

  const rows = await tx
    .insert(platformOrders)
    .values(orders.map((o) => orderValues(account, o, now)))
    .onConflictDoUpdate({
      target: [platformOrders.orgId, platformOrders.accountId, platformOrders.platformOrderId],
      set: {
        platformOrderNo: set("platform_order_no"),
        platformStatus: set("platform_status"),
        normalizedStatus: set("normalized_status"),
        currency: set("currency"),
        totalAmount: set("total_amount"),
        buyerName: set("buyer_name"),
        buyerEmail: set("buyer_email"),
        recipientName: set("recipient_name"),
        recipientPhone: set("recipient_phone"),
        country: set("country"),
        province: set("province"),
        city: set("city"),
        district: set("district"),
        street: set("street"),
        postcode: set("postcode"),
        shippingMethod: set("shipping_method"),
        remark: set("remark"),
        itemsSummary: set("items_summary"),
        platformCreatedAt: set("platform_created_at"),
        platformUpdatedAt: set("platform_updated_at"),
        raw: set("raw"),
        syncedAt: now,
        updatedAt: now,
      },
      setWhere: sql`${platformOrders.platformUpdatedAt} < excluded.platform_updated_at`,
    })
    .returning({ id: platformOrders.id, platformOrderId: platformOrders.platformOrderId, inserted: sql<boolean>`(xmax = 0)` });

  const byPid = new Map(orders.map((o) => [o.platformOrderId, o]));
  const updatedIds = rows.filter((r) => !r.inserted).map((r) => r.id);
  if (updatedIds.length) {
    await tx.delete(platformOrderLines).where(and(eq(platformOrderLines.orgId, account.orgId), inArray(platformOrderLines.platformOrderId, updatedIds)));
  }
  const lines = rows.flatMap((r) =>
    byPid.get(r.platformOrderId)!.lines.map((l, i) => ({
      orgId: account.orgId,
      platformOrderId: r.id,
      lineNo: i + 1,
      platformLineId: clip(l.platformLineId || String(i + 1), 200),
      platformSku: clip(l.platformSku, 120),
      title: clip(l.title, 500),
      quantity: l.quantity,
      unitPrice: l.unitPrice || "0",
      externalListingId: l.externalListingId ?? null,
    })),
  );
  for (let i = 0; i < lines.length; i += 2000) await tx.insert(platformOrderLines).values(lines.slice(i, i + 2000));

  // Learn listings (platform SKU → the platform's listing id) for stock push.
  const listings = new Map<string, string>();
  for (const l of lines) if (l.platformSku && l.externalListingId) listings.set(l.platformSku, l.externalListingId);
  if (listings.size) {
    await tx
      .insert(channelListings)
      .values([...listings].sort().map(([platformSku, externalListingId]) => ({ orgId: account.orgId, accountId: account.id, platformSku, externalListingId })))
      .onConflictDoUpdate({
        target: [channelListings.orgId, channelListings.accountId, channelListings.platformSku],
        set: { externalListingId: set("external_listing_id") },
        setWhere: sql`${channelListings.externalListingId} is distinct from excluded.external_listing_id`,
      });
  }

  const events = rows.flatMap((r): (DocumentEvent<"platformOrder"> & { documentId: string })[] => {
    const o = byPid.get(r.platformOrderId)!;
    const prev = prevStatus.get(r.platformOrderId) ?? null;
    if (r.inserted) return [{ documentId: r.id, type: "imported", to: orderValues(account, o, now).state, reason: o.platformStatus }];
    if (prev !== o.status) return [{ documentId: r.id, type: "platform_status", from: prev, to: o.status, reason: o.platformStatus }];
    return [];
  });
  await recordEvents(systemContext(tx, account.orgId, account.platform), "platformOrder", events);

  const created = rows.filter((r) => r.inserted).length;
  return {
    created,
    updated: rows.length - created,
    unchanged: orders.length - rows.length,
    touched: rows.map((r) => ({ id: r.id, inserted: r.inserted, previousStatus: prevStatus.get(r.platformOrderId) ?? null, status: byPid.get(r.platformOrderId)!.status })),
  };
}

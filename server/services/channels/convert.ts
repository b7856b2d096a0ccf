import { and, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import type { Db, DbExecutor, Tx } from "@/db";
import {
  channelAccounts,
  platformOrderEvents,
  platformOrderLines,
  platformOrders,
  products,
  skuMappings,
  stockLevels,
  warehouses,
  type PlatformOrderBlocker,
} from "@/db/schema";
import { dec, roundTo, type Decimal } from "@/lib/decimal";
import type { CreateOrderInput } from "@/lib/validators/orders";
import { actorLabel, type Actor, type ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { translate } from "@/lib/i18n/translate";
import { createOrder } from "../orders/create-order";
import { orderSettings, type OrderSettings } from "../orders/internal";
import { convertChunkBatch } from "./convert-batch";

/** A platform order as conversion reads it: every column but the raw payload (large, and not needed). */
export type PlatformOrderRow = Omit<typeof platformOrders.$inferSelect, "raw">;
const { raw: _raw, ...claimColumns } = getTableColumns(platformOrders);
export type LineRow = typeof platformOrderLines.$inferSelect;

export type ConvertResult = { converted: number; blocked: number; skipped: number; orderIds: string[] };

type Mapping = { productId: string; sku: string; enabled: boolean; price: string; quantity: string };
export type SystemLine = { sku: string; productId: string; quantity: Decimal; amount: Decimal };

/** How many platform orders one batch transaction converts (a pull page is 50–250). */
export const BATCH_CHUNK = 500;

/**
 * 转为系统订单: platform orders → system orders through the SKU mapping (bundles expand into their
 * components). Orders that cannot be converted keep `pending` with every reason recorded on the row
 * (unmapped SKU, disabled product, no stock — 001's blockers); the next pull, or a mapping change,
 * retries them.
 *
 * Two paths with the same outcome (tests/integration/channels-convert-batch.test.ts proves it row by
 * row): several orders go through the batch path (convert-batch.ts: one transaction per chunk of up to
 * 500, multi-row inserts, one guarded stock UPDATE per SKU × warehouse); a single order goes through the
 * orders service's createOrder in a savepoint (`mode: "single"` forces it). Rows are claimed with FOR
 * UPDATE SKIP LOCKED either way, so concurrent converters never convert one platform order twice (the
 * unique (org, platform_order_id) on orders is the backstop).
 */
export async function convertPlatformOrders(
  db: Db,
  orgId: string,
  ids: string[],
  actor: Actor,
  opts: { chunk?: number; mode?: "auto" | "batch" | "single" } = {},
): Promise<ConvertResult> {
  const result: ConvertResult = { converted: 0, blocked: 0, skipped: 0, orderIds: [] };
  const unique = [...new Set(ids)];
  if (unique.length === 0) return result;
  const mode = opts.mode === "single" || (opts.mode !== "batch" && unique.length === 1) ? "single" : "batch";
  const chunk = opts.chunk ?? (mode === "batch" ? BATCH_CHUNK : 100);
  const settings = await orderSettings(db, orgId);
  for (let i = 0; i < unique.length; i += chunk) {
    const part = unique.slice(i, i + chunk);
    const r = mode === "batch" ? await convertChunkBatch(db, orgId, part, actor, settings) : await convertChunkSingly(db, orgId, part, actor, settings);
    result.converted += r.converted;
    result.blocked += r.blocked;
    result.skipped += r.skipped;
    result.orderIds.push(...r.orderIds);
  }
  return result;
}

/**
 * Lock the convertible platform orders among `ids` (pending, not converted, account importing, the
 * platform status one that converts), skipping rows another converter holds. Sorted by id.
 */
export async function claimConvertible(tx: DbExecutor, orgId: string, ids: string[]): Promise<PlatformOrderRow[]> {
  const claimed = await tx
    .select({ po: claimColumns })
    .from(platformOrders)
    .innerJoin(channelAccounts, and(eq(channelAccounts.id, platformOrders.accountId), eq(channelAccounts.orgId, platformOrders.orgId)))
    .where(
      and(
        eq(platformOrders.orgId, orgId),
        inArray(platformOrders.id, ids),
        eq(platformOrders.state, "pending"),
        isNull(platformOrders.orderId),
        eq(channelAccounts.importEnabled, true),
      ),
    )
    .orderBy(platformOrders.id)
    .for("update", { of: platformOrders, skipLocked: true });
  return claimed.map((c) => c.po).filter((o) => o.normalizedStatus === "pending" || o.normalizedStatus === "unshipped");
}

/** Lines of some platform orders, grouped by platform order, in line order. */
export async function linesByOrder(tx: DbExecutor, orgId: string, orders: PlatformOrderRow[]) {
  const lines = await tx
    .select()
    .from(platformOrderLines)
    .where(and(eq(platformOrderLines.orgId, orgId), inArray(platformOrderLines.platformOrderId, orders.map((o) => o.id))))
    .orderBy(platformOrderLines.platformOrderId, platformOrderLines.lineNo);
  const linesOf = new Map<string, LineRow[]>();
  for (const l of lines) {
    const list = linesOf.get(l.platformOrderId);
    if (list) list.push(l);
    else linesOf.set(l.platformOrderId, [l]);
  }
  return { lines, linesOf };
}

/** The single path: one chunk in one transaction, each order through createOrder in its own savepoint. */
async function convertChunkSingly(db: Db, orgId: string, ids: string[], actor: Actor, settings: OrderSettings): Promise<ConvertResult> {
  return db.transaction(async (tx) => {
    const orders = await claimConvertible(tx, orgId, ids);
    const r = await convertClaimedSingly(tx, orgId, orders, actor, settings);
    return { ...r, skipped: ids.length - orders.length };
  });
}

/**
 * Convert already claimed platform orders one by one through the orders service (createOrder with its
 * approval, reservation and outbound orders), each in a savepoint so a failure rolls back only that
 * order. Also the batch path's fallback when a batch would go short of stock.
 */
export async function convertClaimedSingly(tx: Tx, orgId: string, orders: PlatformOrderRow[], actor: Actor, settings: OrderSettings): Promise<ConvertResult> {
  const result: ConvertResult = { converted: 0, blocked: 0, skipped: 0, orderIds: [] };
  if (orders.length === 0) return result;
  const { lines, linesOf } = await linesByOrder(tx, orgId, orders);
  const mappingOf = await loadMappings(tx, orgId, orders, lines);
  const productIds = [...new Set([...mappingOf.values()].flat().map((m) => m.productId))];
  const available = await availableByProduct(tx, orgId, productIds);

  const ctx: ServiceContext = { db: tx, orgId, role: "admin", actor };
  for (const po of orders) {
    const plan = planOrder(po, linesOf.get(po.id) ?? [], mappingOf, available, settings.priceDecimals);
    if ("blockers" in plan) {
      await recordBlockers(tx, po, plan.blockers);
      result.blocked++;
      continue;
    }
    try {
      const order = await tx.transaction((sp) => createOrder({ ...ctx, db: sp }, systemOrderInput(po, plan.lines, settings.priceDecimals)));
      await tx
        .update(platformOrders)
        .set({ state: "processed", orderId: order.id, orderNo: order.orderNo, blockers: [], blockedSkus: [], blockedAt: null, convertAttempts: sql`${platformOrders.convertAttempts} + 1` })
        .where(and(eq(platformOrders.id, po.id), eq(platformOrders.orgId, orgId)));
      await tx.insert(platformOrderEvents).values({ orgId, platformOrderId: po.id, type: "converted", fromState: "pending", toState: "processed", reason: order.orderNo, actorLabel: actorLabel({ actor }) });
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

export async function loadMappings(tx: DbExecutor, orgId: string, orders: PlatformOrderRow[], lines: LineRow[]) {
  const skus = [...new Set(lines.map((l) => l.platformSku).filter(Boolean))];
  const accountIds = [...new Set(orders.map((o) => o.accountId))];
  const rows = skus.length
    ? await tx
        .select({ accountId: skuMappings.accountId, platformSku: skuMappings.platformSku, productId: skuMappings.productId, quantity: skuMappings.quantity, sku: products.sku, enabled: products.enabled, price: products.price })
        .from(skuMappings)
        .innerJoin(products, and(eq(products.id, skuMappings.productId), eq(products.orgId, skuMappings.orgId)))
        .where(and(eq(skuMappings.orgId, orgId), inArray(skuMappings.accountId, accountIds), inArray(skuMappings.platformSku, skus)))
        .orderBy(skuMappings.platformSku, products.sku)
    : [];
  const map = new Map<string, Mapping[]>();
  for (const r of rows) {
    const k = `${r.accountId}|${r.platformSku}`;
    map.set(k, [...(map.get(k) ?? []), { productId: r.productId, sku: r.sku, enabled: r.enabled, price: r.price, quantity: r.quantity }]);
  }
  return map;
}

/** Available (on hand − reserved) per product over enabled warehouses. */
export async function availableByProduct(tx: DbExecutor, orgId: string, productIds: string[]) {
  const out = new Map<string, Decimal>();
  if (productIds.length === 0) return out;
  const rows = await tx
    .select({ productId: stockLevels.productId, available: sql<string>`sum(${stockLevels.onHand} - ${stockLevels.reserved})::text` })
    .from(stockLevels)
    .innerJoin(warehouses, and(eq(warehouses.id, stockLevels.warehouseId), eq(warehouses.enabled, true)))
    .where(and(eq(stockLevels.orgId, orgId), inArray(stockLevels.productId, productIds)))
    .groupBy(stockLevels.productId);
  for (const r of rows) out.set(r.productId, dec(r.available ?? 0));
  return out;
}

export function planOrder(
  po: PlatformOrderRow,
  lines: LineRow[],
  mappingOf: Map<string, Mapping[]>,
  available: Map<string, Decimal>,
  priceScale: number,
): { lines: SystemLine[] } | { blockers: PlatformOrderBlocker[] } {
  const blockers: PlatformOrderBlocker[] = [];
  const out: SystemLine[] = [];
  if (lines.length === 0) blockers.push({ kind: "invalid", detail: "no lines" });
  for (const l of lines) {
    const maps = mappingOf.get(`${po.accountId}|${l.platformSku}`);
    if (!l.platformSku || !maps?.length) {
      blockers.push({ kind: "unmapped_sku", platformSku: l.platformSku });
      continue;
    }
    for (const m of maps) if (!m.enabled) blockers.push({ kind: "disabled_product", platformSku: l.platformSku, sku: m.sku });
    // The platform line's amount is spread over a bundle's components by their list price.
    const lineAmount = dec(l.quantity).times(l.unitPrice);
    const weights = maps.map((m) => dec(m.price).times(m.quantity));
    const totalWeight = weights.reduce((a, w) => a.plus(w), dec(0));
    maps.forEach((m, i) => {
      const share = totalWeight.isZero() ? lineAmount.div(maps.length) : lineAmount.times(weights[i]!).div(totalWeight);
      out.push({ sku: m.sku, productId: m.productId, quantity: dec(l.quantity).times(m.quantity), amount: share });
    });
  }
  const need = new Map<string, { sku: string; qty: Decimal }>();
  for (const l of out) {
    const cur = need.get(l.productId);
    need.set(l.productId, { sku: l.sku, qty: (cur?.qty ?? dec(0)).plus(l.quantity) });
  }
  for (const [productId, n] of need) {
    const have = available.get(productId) ?? dec(0);
    if (have.lt(n.qty)) blockers.push({ kind: "no_stock", sku: n.sku, detail: `${n.qty.toFixed()} > ${have.toFixed()}` });
  }
  void priceScale;
  return blockers.length ? { blockers } : { lines: out };
}

export function systemOrderInput(po: PlatformOrderRow, lines: SystemLine[], priceScale: number): CreateOrderInput {
  const remark = [`${po.platform} ${po.platformOrderNo}`, po.shippingMethod && `shipping: ${po.shippingMethod}`, po.remark].filter(Boolean).join(" · ");
  return {
    source: "platform",
    platformOrderId: po.id,
    // 001: an order the platform already has as paid/unshipped goes straight to processing (approved).
    status: po.normalizedStatus === "unshipped" ? "stock_up" : "pending",
    buyerCompany: po.buyerName.slice(0, 200),
    address: {
      recipientName: (po.recipientName || po.buyerName || "-").slice(0, 100),
      recipientPhone: (po.recipientPhone || "-").slice(0, 40),
      country: (po.country || "-").slice(0, 60),
      province: po.province.slice(0, 60),
      city: po.city.slice(0, 60),
      district: po.district.slice(0, 60),
      street: (po.street || "-").slice(0, 300),
      postcode: po.postcode.slice(0, 20),
    },
    remark: remark.slice(0, 1000),
    lines: lines.map((l) => ({
      sku: l.sku,
      quantity: l.quantity.toFixed(),
      unitPrice: roundTo(l.quantity.isZero() ? 0 : l.amount.div(l.quantity), priceScale),
    })),
  };
}

export function blockerFromError(e: unknown): PlatformOrderBlocker {
  if (e instanceof DomainError) {
    if (e.code === "INSUFFICIENT_STOCK") return { kind: "no_stock", detail: translate("en", `errors.${e.messageRef.key}`, e.messageRef.params ?? {}) };
    const fields = Object.entries(e.fieldErrors ?? {})
      .map(([f, ref]) => `${f}: ${translate("en", `errors.${ref.key}`, { field: f, ...(ref.params ?? {}) })}`)
      .join("; ");
    return { kind: "invalid", detail: fields || translate("en", `errors.${e.messageRef.key}`, e.messageRef.params ?? {}) };
  }
  return { kind: "error", detail: e instanceof Error ? e.message.slice(0, 300) : String(e) };
}

/** Platform SKUs (and system SKUs) named by blockers, so a mapping change finds the orders it unblocks. */
export const blockedSkusOf = (blockers: PlatformOrderBlocker[]) => [...new Set(blockers.flatMap((b) => [b.platformSku, b.sku]).filter((s): s is string => !!s))];

/** A `blocked` event is written only when the reasons differ from those already on the row. */
export const blockersChanged = (po: Pick<PlatformOrderRow, "blockers">, blockers: PlatformOrderBlocker[]) => JSON.stringify(po.blockers) !== JSON.stringify(blockers);

export const blockerReason = (blockers: PlatformOrderBlocker[]) =>
  blockers
    .map((b) => [b.kind, b.platformSku ?? b.sku, b.detail].filter(Boolean).join(" "))
    .join("; ")
    .slice(0, 1000);

async function recordBlockers(tx: DbExecutor, po: PlatformOrderRow, blockers: PlatformOrderBlocker[]) {
  await tx
    .update(platformOrders)
    .set({ blockers, blockedSkus: blockedSkusOf(blockers), blockedAt: po.blockedAt ?? new Date(), convertAttempts: sql`${platformOrders.convertAttempts} + 1` })
    .where(and(eq(platformOrders.id, po.id), eq(platformOrders.orgId, po.orgId)));
  if (blockersChanged(po, blockers)) {
    await tx.insert(platformOrderEvents).values({
      orgId: po.orgId,
      platformOrderId: po.id,
      type: "blocked",
      fromState: "pending",
      toState: "pending",
      reason: blockerReason(blockers),
      actorLabel: "system:channels",
    });
  }
}

/** Pending, unconverted platform orders of an account (or those blocked by some platform SKUs). */
export async function pendingIds(db: DbExecutor, orgId: string, where: { accountId?: string; skus?: string[]; blockedOnly?: boolean; limit?: number }) {
  const rows = await db
    .select({ id: platformOrders.id })
    .from(platformOrders)
    .where(
      and(
        eq(platformOrders.orgId, orgId),
        eq(platformOrders.state, "pending"),
        isNull(platformOrders.orderId),
        where.accountId ? eq(platformOrders.accountId, where.accountId) : undefined,
        where.blockedOnly ? sql`${platformOrders.blockedAt} is not null` : undefined,
        where.skus?.length ? sql`${platformOrders.blockedSkus} && array[${sql.join(where.skus.map((s) => sql`${s}`), sql`, `)}]::text[]` : undefined,
      ),
    )
    .orderBy(platformOrders.pulledAt)
    .limit(where.limit ?? 1000);
  return rows.map((r) => r.id);
}

import { and, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import { ZodError } from "zod";
import { channelAccounts, platformOrderLines, platformOrders, products, skuMappings, stockLevels, warehouses, type PlatformOrderBlocker } from "@/db/schema";
import { dec, roundTo, type Decimal } from "@/lib/decimal";
import type { ConvertedOrderInput } from "@/lib/validators/orders";
import type { OrgScope, TxContext } from "@/server/context";
import { DomainError } from "@/server/errors";

/*
 * What both conversion paths (convert-single.ts: one order at a time through createOrder; and
 * convert-batch.ts: a chunk in a few multi-row statements) read and decide the same way: the claim, the
 * lines and SKU mappings, the stock a blocker compares with, the plan of an order (or its blockers) and
 * the order input it becomes.
 */

/** A platform order as conversion reads it: every column but the raw payload (large, and not needed). */
export type PlatformOrderRow = Omit<typeof platformOrders.$inferSelect, "raw">;
const { raw: _raw, ...claimColumns } = getTableColumns(platformOrders);
export type LineRow = typeof platformOrderLines.$inferSelect;

export type ConvertResult = { converted: number; blocked: number; skipped: number; orderIds: string[] };

type Mapping = { productId: string; sku: string; enabled: boolean; price: string; quantity: string };
export type SystemLine = { sku: string; productId: string; quantity: Decimal; amount: Decimal };

/**
 * Lock the convertible platform orders among `ids` (pending, not converted, account importing, the
 * platform status one that converts), skipping rows another converter holds. Sorted by id.
 */
export async function claimConvertible(ctx: TxContext, ids: string[]): Promise<PlatformOrderRow[]> {
  const { db: tx, orgId } = ctx;
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
export async function linesByOrder(ctx: OrgScope, orders: PlatformOrderRow[]) {
  const { db: tx, orgId } = ctx;
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

export async function loadMappings(ctx: OrgScope, orders: PlatformOrderRow[], lines: LineRow[]) {
  const { db: tx, orgId } = ctx;
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
export async function availableByProduct(ctx: OrgScope, productIds: string[]) {
  const { db: tx, orgId } = ctx;
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
): { lines: SystemLine[] } | { blockers: PlatformOrderBlocker[] } {
  const blockers: PlatformOrderBlocker[] = [];
  const out: SystemLine[] = [];
  if (lines.length === 0) blockers.push({ kind: "invalid", reasons: [{ key: "platformOrderNoLines" }] });
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
    if (have.lt(n.qty)) blockers.push({ kind: "no_stock", sku: n.sku, reasons: [{ key: "stockShort", params: { requested: n.qty.toFixed(), available: have.toFixed() } }] });
  }
  return blockers.length ? { blockers } : { lines: out };
}

export function systemOrderInput(po: PlatformOrderRow, lines: SystemLine[], priceScale: number): ConvertedOrderInput {
  const remark = [`${po.platform} ${po.platformOrderNo}`, po.shippingMethod && `shipping: ${po.shippingMethod}`, po.remark].filter(Boolean).join(" · ");
  return {
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

/** A refused conversion as a blocker: the error's message keys are kept, to be translated where shown. */
export function blockerFromError(e: unknown): PlatformOrderBlocker {
  if (e instanceof DomainError) {
    if (e.code === "INSUFFICIENT_STOCK") return { kind: "no_stock", reasons: [e.messageRef] };
    const fields = Object.entries(e.fieldErrors ?? {}).map(([path, ref]) => ({ key: ref.key, params: { ...(ref.params ?? {}), field: path.split(".").pop() ?? path } }));
    return { kind: "invalid", reasons: fields.length ? fields : [e.messageRef] };
  }
  // The order input's own checks (zod): their messages are keys under `errors.` too.
  if (e instanceof ZodError) return { kind: "error", reasons: e.issues.slice(0, 5).map((i) => ({ key: i.message, params: { field: String(i.path.at(-1) ?? "") } })) };
  return { kind: "error", detail: e instanceof Error ? e.message.slice(0, 300) : String(e) };
}

/** Platform SKUs (and system SKUs) named by blockers, so a mapping change finds the orders it unblocks. */
export const blockedSkusOf = (blockers: PlatformOrderBlocker[]) => [...new Set(blockers.flatMap((b) => [b.platformSku, b.sku]).filter((s): s is string => !!s))];

/** JSON with object keys sorted: jsonb gives keys back in its own order, so plain JSON.stringify never matches. */
const canonical = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

/** A `blocked` event is written only when the reasons differ from those already on the row. */
export const blockersChanged = (po: Pick<PlatformOrderRow, "blockers">, blockers: PlatformOrderBlocker[]) => canonical(po.blockers) !== canonical(blockers);

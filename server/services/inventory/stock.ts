import { and, asc, count, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { products, stockLevels, stockLocations, stockMovements, users, warehouses } from "@/db/schema";
import {
  MovementListInput,
  MovementSeriesInput,
  SetLocationInput,
  StockListInput,
} from "@/lib/validators/inventory";
import type { ServiceContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { afterCursor, cappedCount, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { stockFor } from "./ledger";
import { likeContains } from "../_lib/like";

const onHandCol = sql<string>`coalesce(${stockLevels.onHand}, 0)`;
const reservedCol = sql<string>`coalesce(${stockLevels.reserved}, 0)`;
const availableCol = sql<string>`(coalesce(${stockLevels.onHand}, 0) - coalesce(${stockLevels.reserved}, 0))`;

function stockFilters(ctx: ServiceContext, input: z.output<typeof StockListInput>): SQL | undefined {
  const statusCond =
    input.status === "out"
      ? sql`${availableCol} <= 0`
      : input.status === "in_stock"
        ? sql`${availableCol} > 0`
        : input.status === "low"
          ? sql`${products.lowStockThreshold} is not null and ${availableCol} < ${products.lowStockThreshold}`
          : undefined;
  return and(
    eq(products.orgId, ctx.orgId),
    input.search
      ? or(
          ilike(products.sku, likeContains(input.search)),
          ilike(products.name, likeContains(input.search)),
          ilike(products.barcode, likeContains(input.search)),
        )
      : undefined,
    input.includeUnstocked ? undefined : sql`${stockLevels.productId} is not null`,
    statusCond,
  );
}

/**
 * Stock per SKU × warehouse with on hand, reserved, available and the SKU's low-stock threshold,
 * filtered server-side and paged by (SKU, warehouse code) — no OFFSET. Pairs that never had stock are
 * listed only on request (as zero). Totals cover every row matching the filters.
 */
export async function listStock(ctx: ServiceContext, raw: StockListInput) {
  const input = StockListInput.parse(raw);
  const whJoin = and(
    eq(warehouses.orgId, products.orgId),
    input.warehouseId ? eq(warehouses.id, input.warehouseId) : eq(warehouses.enabled, true),
  );
  const levelJoin = and(
    eq(stockLevels.orgId, products.orgId),
    eq(stockLevels.productId, products.id),
    eq(stockLevels.warehouseId, warehouses.id),
  );
  const filters = stockFilters(ctx, input);
  const rows = await ctx.db
    .select({
      productId: products.id,
      sku: products.sku,
      name: products.name,
      spec: products.spec,
      unit: products.unit,
      enabled: products.enabled,
      lowStockThreshold: products.lowStockThreshold,
      warehouseId: warehouses.id,
      warehouseCode: warehouses.code,
      warehouseName: warehouses.name,
      onHand: sql<string>`${onHandCol}::text`,
      reserved: sql<string>`${reservedCol}::text`,
      available: sql<string>`${availableCol}::text`,
      location: stockLocations.location,
      updatedAt: stockLevels.updatedAt,
    })
    .from(products)
    .innerJoin(warehouses, whJoin)
    .leftJoin(stockLevels, levelJoin)
    .leftJoin(
      stockLocations,
      and(
        eq(stockLocations.orgId, products.orgId),
        eq(stockLocations.productId, products.id),
        eq(stockLocations.warehouseId, warehouses.id),
      ),
    )
    .where(and(filters, afterCursor(products.sku, warehouses.code, "asc", decodeCursor(input.cursor))))
    .orderBy(asc(products.sku), asc(warehouses.code))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r, id: r.warehouseCode, key: `${r.productId}:${r.warehouseId}` })),
    input.limit,
    (r) => r.sku,
  );
  const [agg] = await ctx.db
    .select({
      rows: count(),
      onHand: sql<string>`coalesce(sum(${onHandCol}), 0)::text`,
      reserved: sql<string>`coalesce(sum(${reservedCol}), 0)::text`,
      available: sql<string>`coalesce(sum(${availableCol}), 0)::text`,
      low: sql<number>`count(*) filter (where ${products.lowStockThreshold} is not null and ${availableCol} < ${products.lowStockThreshold})::int`,
      out: sql<number>`count(*) filter (where ${availableCol} <= 0)::int`,
    })
    .from(products)
    .innerJoin(warehouses, whJoin)
    .leftJoin(stockLevels, levelJoin)
    .where(filters);
  const byWarehouse = await ctx.db
    .select({
      warehouseId: warehouses.id,
      warehouseCode: warehouses.code,
      onHand: sql<string>`coalesce(sum(${onHandCol}), 0)::text`,
      reserved: sql<string>`coalesce(sum(${reservedCol}), 0)::text`,
      available: sql<string>`coalesce(sum(${availableCol}), 0)::text`,
    })
    .from(products)
    .innerJoin(warehouses, whJoin)
    .leftJoin(stockLevels, levelJoin)
    .where(filters)
    .groupBy(warehouses.id, warehouses.code)
    .orderBy(asc(warehouses.code));
  return {
    items: page.items.map(({ id: _id, ...r }) => r),
    nextCursor: page.nextCursor,
    total: cappedCount(agg?.rows ?? 0),
    byWarehouse,
    totals: {
      onHand: agg?.onHand ?? "0",
      reserved: agg?.reserved ?? "0",
      available: agg?.available ?? "0",
      lowCount: agg?.low ?? 0,
      outCount: agg?.out ?? 0,
    },
  };
}

/** One SKU: product facts and its balance and location in every warehouse (enabled, or holding stock). */
export async function getProductStock(ctx: ServiceContext, productId: string) {
  const [product] = await ctx.db
    .select()
    .from(products)
    .where(and(eq(products.id, productId), eq(products.orgId, ctx.orgId)));
  if (!product) throw notFound("product");
  const levels = await ctx.db
    .select({
      warehouseId: warehouses.id,
      warehouseCode: warehouses.code,
      warehouseName: warehouses.name,
      warehouseEnabled: warehouses.enabled,
      onHand: sql<string>`${onHandCol}::text`,
      reserved: sql<string>`${reservedCol}::text`,
      available: sql<string>`${availableCol}::text`,
      location: stockLocations.location,
    })
    .from(warehouses)
    .leftJoin(
      stockLevels,
      and(
        eq(stockLevels.orgId, warehouses.orgId),
        eq(stockLevels.warehouseId, warehouses.id),
        eq(stockLevels.productId, productId),
      ),
    )
    .leftJoin(
      stockLocations,
      and(
        eq(stockLocations.orgId, warehouses.orgId),
        eq(stockLocations.warehouseId, warehouses.id),
        eq(stockLocations.productId, productId),
      ),
    )
    .where(
      and(
        eq(warehouses.orgId, ctx.orgId),
        or(eq(warehouses.enabled, true), sql`${stockLevels.productId} is not null`),
      ),
    )
    .orderBy(desc(warehouses.isDefault), asc(warehouses.code));
  return { product, levels };
}

const MOVEMENT_SORT = sql`${stockMovements.createdAt}`;

/**
 * The movement journal, newest first: every change with its document, user and time. Filter by SKU,
 * warehouse, kind, or a SKU / document number search.
 */
export async function listMovements(ctx: ServiceContext, raw: z.input<typeof MovementListInput>) {
  const input = MovementListInput.parse(raw);
  const filters = and(
    eq(stockMovements.orgId, ctx.orgId),
    input.productId ? eq(stockMovements.productId, input.productId) : undefined,
    input.warehouseId ? eq(stockMovements.warehouseId, input.warehouseId) : undefined,
    input.kind ? eq(stockMovements.kind, input.kind) : undefined,
    input.search
      ? or(ilike(products.sku, likeContains(input.search)), ilike(stockMovements.refNo, likeContains(input.search)))
      : undefined,
  );
  const rows = await ctx.db
    .select({
      id: stockMovements.id,
      createdAt: stockMovements.createdAt,
      sortKey: sql<string>`${stockMovements.createdAt}::text`,
      productId: stockMovements.productId,
      sku: products.sku,
      productName: products.name,
      warehouseId: stockMovements.warehouseId,
      warehouseCode: warehouses.code,
      kind: stockMovements.kind,
      onHandDelta: stockMovements.onHandDelta,
      reservedDelta: stockMovements.reservedDelta,
      refType: stockMovements.refType,
      refId: stockMovements.refId,
      refNo: stockMovements.refNo,
      reason: stockMovements.reason,
      userName: users.name,
    })
    .from(stockMovements)
    .innerJoin(
      products,
      and(eq(products.id, stockMovements.productId), eq(products.orgId, stockMovements.orgId)),
    )
    .innerJoin(
      warehouses,
      and(eq(warehouses.id, stockMovements.warehouseId), eq(warehouses.orgId, stockMovements.orgId)),
    )
    .leftJoin(users, eq(users.id, stockMovements.createdBy))
    .where(and(filters, afterCursor(MOVEMENT_SORT, stockMovements.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(MOVEMENT_SORT, stockMovements.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit, (r) => r.sortKey);
  const total = await countCapped(ctx, sql`${stockMovements} inner join ${products} on ${products.id} = ${stockMovements.productId}`, filters);
  return {
    items: page.items.map(({ sortKey: _s, ...r }) => r),
    nextCursor: page.nextCursor,
    total: total,
  };
}

/** Movements of a document (an outbound order, a receipt, a return…), oldest first. */
export async function movementsOfDocument(ctx: ServiceContext, refType: string, refId: string) {
  return ctx.db
    .select({
      id: stockMovements.id,
      createdAt: stockMovements.createdAt,
      sku: products.sku,
      warehouseCode: warehouses.code,
      kind: stockMovements.kind,
      onHandDelta: stockMovements.onHandDelta,
      reservedDelta: stockMovements.reservedDelta,
      refNo: stockMovements.refNo,
      reason: stockMovements.reason,
      userName: users.name,
    })
    .from(stockMovements)
    .innerJoin(products, eq(products.id, stockMovements.productId))
    .innerJoin(warehouses, eq(warehouses.id, stockMovements.warehouseId))
    .leftJoin(users, eq(users.id, stockMovements.createdBy))
    .where(
      and(
        eq(stockMovements.orgId, ctx.orgId),
        eq(stockMovements.refType, refType),
        eq(stockMovements.refId, refId),
      ),
    )
    .orderBy(asc(stockMovements.createdAt), asc(stockMovements.id))
    .limit(1000);
}

/**
 * Balance after each of a SKU's latest movements, per warehouse — the data of the stock-over-time chart.
 * Running sums cover the whole history, so the points are true balances even when older ones are cut.
 */
export async function movementSeries(ctx: ServiceContext, raw: z.input<typeof MovementSeriesInput>) {
  const input = MovementSeriesInput.parse(raw);
  const rows = await ctx.db.execute<{
    at: string;
    warehouse_id: string;
    on_hand: string;
    reserved: string;
  }>(sql`
    select * from (
      select ${stockMovements.createdAt}::text as at, ${stockMovements.warehouseId} as warehouse_id, ${stockMovements.id} as id,
             sum(${stockMovements.onHandDelta}) over w as on_hand,
             sum(${stockMovements.reservedDelta}) over w as reserved
        from ${stockMovements}
       where ${stockMovements.orgId} = ${ctx.orgId} and ${stockMovements.productId} = ${input.productId}
             ${input.warehouseId ? sql`and ${stockMovements.warehouseId} = ${input.warehouseId}` : sql``}
      window w as (partition by ${stockMovements.warehouseId} order by ${stockMovements.createdAt}, ${stockMovements.id})
    ) s order by at desc, id desc limit ${input.points}`);
  return (rows as unknown as { at: string; warehouse_id: string; on_hand: string; reserved: string }[])
    .map((r) => ({
      at: new Date(r.at).toISOString(),
      warehouseId: r.warehouse_id,
      onHand: String(r.on_hand),
      reserved: String(r.reserved),
    }))
    .reverse();
}

/** Set (or clear, with an empty string) the bin location of a SKU in a warehouse. */
export async function setLocation(ctx: ServiceContext, raw: SetLocationInput) {
  const input = SetLocationInput.parse(raw);
  await assertProductAndWarehouse(ctx, input.productId, input.warehouseId);
  if (!input.location) {
    await ctx.db
      .delete(stockLocations)
      .where(
        and(
          eq(stockLocations.orgId, ctx.orgId),
          eq(stockLocations.productId, input.productId),
          eq(stockLocations.warehouseId, input.warehouseId),
        ),
      );
    return { location: null };
  }
  await ctx.db
    .insert(stockLocations)
    .values({
      orgId: ctx.orgId,
      productId: input.productId,
      warehouseId: input.warehouseId,
      location: input.location,
    })
    .onConflictDoUpdate({
      target: [stockLocations.orgId, stockLocations.warehouseId, stockLocations.productId],
      set: { location: input.location, updatedAt: new Date() },
    });
  return { location: input.location };
}

export async function assertProductAndWarehouse(ctx: ServiceContext, productId: string, warehouseId: string) {
  const [p] = await ctx.db
    .select({ id: products.id, sku: products.sku, name: products.name })
    .from(products)
    .where(and(eq(products.id, productId), eq(products.orgId, ctx.orgId)));
  if (!p) throw notFound("product");
  const [w] = await ctx.db
    .select({ id: warehouses.id, code: warehouses.code, enabled: warehouses.enabled })
    .from(warehouses)
    .where(and(eq(warehouses.id, warehouseId), eq(warehouses.orgId, ctx.orgId)));
  if (!w) throw notFound("warehouse");
  return { product: p, warehouse: w };
}

/**
 * Balances of some SKUs in every warehouse holding them, by SKU then warehouse code (the open API's
 * getStock). An unknown SKU is a field error on `skus` naming every unknown one.
 */
export async function stockOfSkus(ctx: ServiceContext, input: { skus: string[] }) {
  const skus = [...new Set(input.skus)];
  const found = await ctx.db
    .select({ id: products.id, sku: products.sku })
    .from(products)
    .where(and(eq(products.orgId, ctx.orgId), inArray(products.sku, skus)));
  const unknown = skus.filter((s) => !found.some((f) => f.sku === s));
  if (unknown.length) {
    const params = { sku: unknown.join(", ") };
    throw new DomainError("NOT_FOUND", { key: "skuUnknown", params }, { fieldErrors: { skus: { key: "skuUnknown", params } } });
  }
  const [rows, whs] = await Promise.all([
    stockFor(ctx, found.map((f) => f.id)),
    ctx.db.select({ id: warehouses.id, code: warehouses.code }).from(warehouses).where(eq(warehouses.orgId, ctx.orgId)),
  ]);
  const skuOf = new Map(found.map((f) => [f.id, f.sku]));
  const codeOf = new Map(whs.map((w) => [w.id, w.code]));
  return rows
    .map((r) => ({ sku: skuOf.get(r.productId)!, warehouse: codeOf.get(r.warehouseId) ?? r.warehouseId, onHand: r.onHand, reserved: r.reserved, available: r.available }))
    .sort((a, b) => (a.sku + a.warehouse < b.sku + b.warehouse ? -1 : 1));
}

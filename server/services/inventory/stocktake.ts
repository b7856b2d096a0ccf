import { and, asc, count, eq, ilike, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { z } from "zod";
import { products, stockLevels, stocktakeEvents, stocktakeLines, stocktakes, users, warehouses } from "@/db/schema";
import { dec } from "@/lib/decimal";
import {
  StocktakeAddLinesInput,
  StocktakeCountInput,
  StocktakeCreateInput,
  StocktakeLinesInput,
  StocktakeListInput,
  STOCKTAKE_TRANSITIONS,
  type StocktakeAction,
} from "@/lib/validators/inventory";
import type { StocktakeStatus } from "@/db/schema/warehouse";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, notFound, type FieldErrors } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { FieldErrorCollector, getPrecision, parseDecimalField } from "../_lib/precision";
import { nextNumber } from "../_lib/numbers";
import { lockStockLevels, moveStock } from "./ledger";
import { likeContains } from "../_lib/like";
import { recordEvent } from "../_lib/events";

type StocktakeRow = typeof stocktakes.$inferSelect;

/**
 * 盘点: count what is on the shelves of one warehouse, review the differences against the books, and
 * post them as one batch of `stocktake` movements (one transaction, balances locked while posting).
 */

export async function createStocktake(ctx: ServiceContext, raw: z.input<typeof StocktakeCreateInput>) {
  const input = StocktakeCreateInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const [wh] = await ctx.db
      .select({ id: warehouses.id })
      .from(warehouses)
      .where(and(eq(warehouses.id, input.warehouseId), eq(warehouses.orgId, ctx.orgId)));
    if (!wh) throw notFound("warehouse");
    const stocktakeNo = await nextNumber(ctx, "stocktake");
    const [row] = await ctx.db
      .insert(stocktakes)
      .values({
        orgId: ctx.orgId,
        stocktakeNo,
        warehouseId: input.warehouseId,
        remark: input.remark,
        createdBy: actorUserId(ctx),
      })
      .returning();
    await recordEvent(ctx, "stocktake", row!.id, { type: "created", to: "counting", reason: input.remark || null });
    if (input.scope === "stocked") {
      // Every SKU that has (or had) a balance in the warehouse; ids are UUID v7 from the app.
      const stocked = await ctx.db
        .select({ productId: products.id, sku: products.sku, productName: products.name })
        .from(stockLevels)
        .innerJoin(
          products,
          and(eq(products.id, stockLevels.productId), eq(products.orgId, stockLevels.orgId)),
        )
        .where(and(eq(stockLevels.orgId, ctx.orgId), eq(stockLevels.warehouseId, input.warehouseId)));
      for (let i = 0; i < stocked.length; i += 1000) {
        await ctx.db
          .insert(stocktakeLines)
          .values(stocked.slice(i, i + 1000).map((p) => ({ ...p, orgId: ctx.orgId, stocktakeId: row!.id })));
      }
    }
    return row!;
  });
}

export async function listStocktakes(ctx: ServiceContext, raw: z.input<typeof StocktakeListInput>) {
  const input = StocktakeListInput.parse(raw);
  const filters = and(
    eq(stocktakes.orgId, ctx.orgId),
    input.status ? eq(stocktakes.status, input.status) : undefined,
    input.warehouseId ? eq(stocktakes.warehouseId, input.warehouseId) : undefined,
  );
  const sort = sql`${stocktakes.createdAt}`;
  const rows = await ctx.db
    .select({
      id: stocktakes.id,
      stocktakeNo: stocktakes.stocktakeNo,
      status: stocktakes.status,
      warehouseId: stocktakes.warehouseId,
      warehouseCode: warehouses.code,
      warehouseName: warehouses.name,
      remark: stocktakes.remark,
      createdAt: stocktakes.createdAt,
      postedAt: stocktakes.postedAt,
      sortKey: sql<string>`${stocktakes.createdAt}::text`,
      lineCount: sql<number>`(select count(*)::int from ${stocktakeLines} sl where sl.org_id = ${stocktakes.orgId} and sl.stocktake_id = ${stocktakes.id})`,
      countedCount: sql<number>`(select count(*)::int from ${stocktakeLines} sl where sl.org_id = ${stocktakes.orgId} and sl.stocktake_id = ${stocktakes.id} and sl.counted_qty is not null)`,
    })
    .from(stocktakes)
    .innerJoin(warehouses, eq(warehouses.id, stocktakes.warehouseId))
    .where(and(filters, afterCursor(sort, stocktakes.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(sort, stocktakes.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit, (r) => r.sortKey);
  const total = await countCapped(ctx, stocktakes, filters);
  return {
    items: page.items.map(({ sortKey: _s, ...r }) => r),
    nextCursor: page.nextCursor,
    total: total,
  };
}

async function loadStocktake(ctx: ServiceContext, id: string, lock = false) {
  const q = ctx.db
    .select()
    .from(stocktakes)
    .where(and(eq(stocktakes.id, id), eq(stocktakes.orgId, ctx.orgId)));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("stocktake");
  return row;
}

const notCounting = (status: string) =>
  new DomainError("INVALID_TRANSITION", { key: "stocktakeNotCounting", params: { status } });

/** Where `action` takes the stocktake, from the one transition table; anything else is refused. */
function stocktakeTransition(st: StocktakeRow, action: StocktakeAction): StocktakeStatus {
  const to = STOCKTAKE_TRANSITIONS[action][st.status];
  if (!to) throw notCounting(st.status);
  return to;
}

/** Header with warehouse and progress (lines, counted, with a difference against on hand now). */
export async function getStocktake(ctx: ServiceContext, id: string) {
  const st = await loadStocktake(ctx, id);
  const [wh] = await ctx.db
    .select({ code: warehouses.code, name: warehouses.name })
    .from(warehouses)
    .where(eq(warehouses.id, st.warehouseId));
  const [creator] = st.createdBy
    ? await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, st.createdBy))
    : [];
  const [stats] = await ctx.db
    .select({
      lines: count(),
      counted: sql<number>`count(${stocktakeLines.countedQty})::int`,
      differences: sql<number>`count(*) filter (where ${stocktakeLines.countedQty} is not null and ${stocktakeLines.countedQty} <> ${differenceBase(st.status)})::int`,
      gain: sql<string>`coalesce(sum(greatest(${stocktakeLines.countedQty} - ${differenceBase(st.status)}, 0)), 0)::text`,
      loss: sql<string>`coalesce(sum(greatest(${differenceBase(st.status)} - ${stocktakeLines.countedQty}, 0)), 0)::text`,
    })
    .from(stocktakeLines)
    .leftJoin(levelJoinTable, levelJoin(st.warehouseId))
    .where(and(eq(stocktakeLines.orgId, ctx.orgId), eq(stocktakeLines.stocktakeId, id)));
  const events = await ctx.db
    .select()
    .from(stocktakeEvents)
    .where(and(eq(stocktakeEvents.orgId, ctx.orgId), eq(stocktakeEvents.stocktakeId, id)))
    .orderBy(asc(stocktakeEvents.createdAt), asc(stocktakeEvents.id));
  return {
    ...st,
    events,
    warehouseCode: wh?.code ?? "",
    warehouseName: wh?.name ?? "",
    createdByName: creator?.name ?? null,
    stats: stats!,
  };
}

const levelJoinTable = stockLevels;
const levelJoin = (warehouseId: string) =>
  and(
    eq(stockLevels.orgId, stocktakeLines.orgId),
    eq(stockLevels.productId, stocktakeLines.productId),
    eq(stockLevels.warehouseId, warehouseId),
  );

/** While counting, differences are against on hand now; once posted, against on hand at posting. */
const differenceBase = (status: string) =>
  status === "posted"
    ? sql`coalesce(${stocktakeLines.systemQty}, 0)`
    : sql`coalesce(${stockLevels.onHand}, 0)`;

/** The count sheet, by SKU, with on hand now (or at posting) and the difference; keyset paged. */
export async function listStocktakeLines(ctx: ServiceContext, raw: z.input<typeof StocktakeLinesInput>) {
  const input = StocktakeLinesInput.parse(raw);
  const st = await loadStocktake(ctx, input.id);
  const base = differenceBase(st.status);
  const filters = and(
    eq(stocktakeLines.orgId, ctx.orgId),
    eq(stocktakeLines.stocktakeId, st.id),
    input.view === "uncounted" ? isNull(stocktakeLines.countedQty) : undefined,
    input.view === "counted" ? isNotNull(stocktakeLines.countedQty) : undefined,
    input.view === "differences"
      ? sql`${stocktakeLines.countedQty} is not null and ${stocktakeLines.countedQty} <> ${base}`
      : undefined,
    input.search
      ? or(
          ilike(stocktakeLines.sku, likeContains(input.search)),
          ilike(stocktakeLines.productName, likeContains(input.search)),
        )
      : undefined,
  );
  const rows = await ctx.db
    .select({
      id: stocktakeLines.id,
      productId: stocktakeLines.productId,
      sku: stocktakeLines.sku,
      productName: stocktakeLines.productName,
      countedQty: stocktakeLines.countedQty,
      systemQty: sql<string>`${base}::text`,
      reserved: sql<string>`coalesce(${stockLevels.reserved}, 0)::text`,
      differenceQty: sql<
        string | null
      >`case when ${stocktakeLines.countedQty} is null then null else (${stocktakeLines.countedQty} - ${base})::text end`,
      countedAt: stocktakeLines.countedAt,
    })
    .from(stocktakeLines)
    .leftJoin(stockLevels, levelJoin(st.warehouseId))
    .where(
      and(filters, afterCursor(stocktakeLines.sku, stocktakeLines.id, "asc", decodeCursor(input.cursor))),
    )
    .orderBy(asc(stocktakeLines.sku), asc(stocktakeLines.id))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit, (r) => r.sku);
  const total = await countCapped(ctx, sql`${stocktakeLines} left join ${stockLevels} on ${levelJoin(st.warehouseId)}`, filters);
  return { ...page, total };
}

/** Add SKUs to the count sheet by code; unknown codes are reported all at once. */
export async function addStocktakeLines(ctx: ServiceContext, raw: z.input<typeof StocktakeAddLinesInput>) {
  const input = StocktakeAddLinesInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const st = await loadStocktake(ctx, input.id, true);
    if (st.status !== "counting") throw notCounting(st.status);
    const skus = [...new Set(input.skus)];
    const found = await ctx.db
      .select({ id: products.id, sku: products.sku, name: products.name })
      .from(products)
      .where(and(eq(products.orgId, ctx.orgId), inArray(products.sku, skus)));
    const missing = skus.filter((s) => !found.some((f) => f.sku === s));
    if (missing.length) {
      throw new DomainError(
        "VALIDATION",
        { key: "unknownSkus", params: { skus: missing.join(", "), field: "skus" } },
        {
          fieldErrors: { skus: { key: "unknownSkus", params: { skus: missing.join(", ") } } },
        },
      );
    }
    const inserted = await ctx.db
      .insert(stocktakeLines)
      .values(
        found.map((p) => ({
          orgId: ctx.orgId,
          stocktakeId: st.id,
          productId: p.id,
          sku: p.sku,
          productName: p.name,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: stocktakeLines.id });
    await touch(ctx, st.id);
    return { added: inserted.length };
  });
}

/** Save counted quantities (null clears a count). Every bad quantity is reported with its line. */
export async function recordCounts(ctx: ServiceContext, raw: StocktakeCountInput) {
  const input = StocktakeCountInput.parse(raw);
  const precision = await getPrecision(ctx);
  const errors = new FieldErrorCollector();
  const values = input.counts.map((c, i) => ({
    lineId: c.lineId,
    countedQty:
      c.countedQty === null || c.countedQty === ""
        ? null
        : (errors.run(() =>
            parseDecimalField(c.countedQty, `counts.${i}.countedQty`, precision, "quantity"),
          ) ?? null),
  }));
  errors.throwIfAny();
  return inTransaction(ctx, async (ctx) => {
    const st = await loadStocktake(ctx, input.id, true);
    if (st.status !== "counting") throw notCounting(st.status);
    let updated = 0;
    for (const v of values) {
      const res = await ctx.db
        .update(stocktakeLines)
        .set({ countedQty: v.countedQty, countedAt: v.countedQty === null ? null : new Date() })
        .where(
          and(
            eq(stocktakeLines.id, v.lineId),
            eq(stocktakeLines.orgId, ctx.orgId),
            eq(stocktakeLines.stocktakeId, st.id),
          ),
        )
        .returning({ id: stocktakeLines.id });
      if (res.length === 0) throw notFound("stocktakeLine");
      updated += res.length;
    }
    await touch(ctx, st.id);
    return { updated };
  });
}

async function touch(ctx: ServiceContext, id: string) {
  await ctx.db
    .update(stocktakes)
    .set({ updatedAt: new Date() })
    .where(and(eq(stocktakes.id, id), eq(stocktakes.orgId, ctx.orgId)));
}

/**
 * Post the counted lines: lock their balances, record the book quantity, and move the difference as
 * `stocktake` movements — all in one transaction. A count below what is reserved for orders is refused
 * (listing every such SKU): those orders must be cancelled or reallocated first.
 */
export async function postStocktake(ctx: ServiceContext, id: string) {
  return inTransaction(ctx, async (ctx) => {
    const st = await loadStocktake(ctx, id, true);
    const to = stocktakeTransition(st, "post");
    const lines = await ctx.db
      .select()
      .from(stocktakeLines)
      .where(
        and(
          eq(stocktakeLines.orgId, ctx.orgId),
          eq(stocktakeLines.stocktakeId, st.id),
          isNotNull(stocktakeLines.countedQty),
        ),
      );
    if (lines.length === 0) throw new DomainError("VALIDATION", { key: "stocktakeNothingCounted" });
    const levels = await lockStockLevels(
      ctx,
      st.warehouseId,
      lines.map((l) => l.productId),
    );
    const below: FieldErrors = {};
    const short: string[] = [];
    for (const l of lines) {
      const level = levels.get(l.productId)!;
      if (dec(l.countedQty!).lt(level.reserved)) {
        below[`line.${l.id}`] = {
          key: "countBelowReserved",
          params: { sku: l.sku, reserved: dec(level.reserved).toFixed() },
        };
        short.push(`${l.sku} ${dec(l.countedQty!).toFixed()} < ${dec(level.reserved).toFixed()}`);
      }
    }
    if (short.length) {
      throw new DomainError(
        "CONFLICT",
        { key: "countBelowReservedList", params: { lines: short.join("; ") } },
        { fieldErrors: below },
      );
    }
    let gain = dec(0);
    let loss = dec(0);
    let changed = 0;
    for (const l of lines) {
      const level = levels.get(l.productId)!;
      const diff = dec(l.countedQty!).minus(level.onHand);
      await ctx.db
        .update(stocktakeLines)
        .set({ systemQty: level.onHand, differenceQty: diff.toFixed() })
        .where(and(eq(stocktakeLines.id, l.id), eq(stocktakeLines.orgId, ctx.orgId)));
      if (diff.isZero()) continue;
      changed++;
      if (diff.gt(0)) gain = gain.plus(diff);
      else loss = loss.minus(diff);
      await moveStock(ctx, {
        productId: l.productId,
        warehouseId: st.warehouseId,
        kind: "stocktake",
        onHandDelta: diff.toFixed(),
        refType: "stocktake",
        refId: st.id,
        refNo: st.stocktakeNo,
        reason: st.remark || null,
      });
    }
    const [row] = await ctx.db
      .update(stocktakes)
      .set({ status: to, postedAt: new Date(), postedBy: actorUserId(ctx) })
      .where(and(eq(stocktakes.id, st.id), eq(stocktakes.orgId, ctx.orgId)))
      .returning();
    await recordEvent(ctx, "stocktake", st.id, { type: "post", from: st.status, to, details: { counted: lines.length, changed, gain: gain.toFixed(), loss: loss.toFixed() } });
    return { stocktake: row!, counted: lines.length, changed, gain: gain.toFixed(), loss: loss.toFixed() };
  });
}

export async function cancelStocktake(ctx: ServiceContext, id: string) {
  return inTransaction(ctx, async (ctx) => {
    const st = await loadStocktake(ctx, id, true);
    const to = stocktakeTransition(st, "cancel");
    const [row] = await ctx.db
      .update(stocktakes)
      .set({ status: to, cancelledAt: new Date() })
      .where(and(eq(stocktakes.id, st.id), eq(stocktakes.orgId, ctx.orgId)))
      .returning();
    await recordEvent(ctx, "stocktake", st.id, { type: "cancel", from: st.status, to });
    return row!;
  });
}

import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { products, stockLevels, stockMovements, warehouses } from "@/db/schema";
import type { MovementKind } from "@/lib/inventory/movements";
import { newId } from "@/db/schema/_columns";
import { COLUMN_MAX, type Decimal, dec, fitsColumn } from "@/lib/decimal";
import { actorUserId, type OrgScope, type TxContext } from "@/server/context";
import { DomainError, fieldError } from "@/server/errors";
import { enqueueMany } from "../outbox/outbox";
import { TOPICS } from "../outbox/topics";

/**
 * The stock ledger. Every function here must run inside the caller's transaction, so that the balance
 * row, the movement row and the outbox event commit together with the document that caused them.
 */

export type StockRef = { refType: string; refId?: string | null; refNo?: string | null; reason?: string | null };
/**
 * `field`: where the caller's form has this quantity (`lines.3.qty`, `quantity`), so a balance that would
 * not fit numeric(18,4) is a field error there.
 */
export type StockLine = { productId: string; warehouseId: string; qty: string; field?: string };
export type Shortage = { productId: string; sku?: string; warehouseId: string; requested: string; available: string };

/** One pending "inventory changed" event per SKU (debounced) for stock push and ERP sync. */
export async function emitInventoryChanged(ctx: TxContext, productIds: Iterable<string>) {
  await enqueueMany(ctx, [...new Set(productIds)].map((productId) => ({ topic: TOPICS.inventoryChanged, dedupeKey: productId, payload: { productId } })));
}

async function ensureLevel(ctx: TxContext, productId: string, warehouseId: string) {
  await ctx.db.insert(stockLevels).values({ orgId: ctx.orgId, productId, warehouseId }).onConflictDoNothing();
}

async function recordMovement(
  ctx: TxContext,
  m: { productId: string; warehouseId: string; kind: MovementKind; onHandDelta?: string; reservedDelta?: string } & StockRef,
) {
  await ctx.db.insert(stockMovements).values({
    orgId: ctx.orgId,
    productId: m.productId,
    warehouseId: m.warehouseId,
    kind: m.kind,
    onHandDelta: m.onHandDelta ?? "0",
    reservedDelta: m.reservedDelta ?? "0",
    refType: m.refType,
    refId: m.refId ?? null,
    refNo: m.refNo ?? null,
    reason: m.reason ?? null,
    createdBy: actorUserId(ctx),
  });
}

/**
 * A movement whose quantity, or the balance it leads to, would not fit numeric(18,4): a field error on the
 * caller's quantity naming the SKU and warehouse — checked before the statement, never PostgreSQL's
 * "numeric field overflow" as a 500.
 */
async function stockTooLarge(ctx: OrgScope, l: { productId: string; warehouseId: string; field?: string }) {
  const [p] = await ctx.db.select({ sku: products.sku }).from(products).where(and(eq(products.orgId, ctx.orgId), eq(products.id, l.productId)));
  const [w] = await ctx.db.select({ code: warehouses.code }).from(warehouses).where(and(eq(warehouses.orgId, ctx.orgId), eq(warehouses.id, l.warehouseId)));
  return fieldError(l.field ?? "quantity", "stockTooLarge", { sku: p?.sku ?? l.productId, warehouse: w?.code ?? l.warehouseId, max: COLUMN_MAX });
}

/** The column's bound, as SQL, for guarded UPDATEs (a result past it matches no row instead of failing). */
const MAX_SQL = sql.raw(`${COLUMN_MAX}::numeric`);

/** Sum quantities per (product, warehouse) and sort, so locks are always taken in the same order. */
function aggregate<T extends StockLine>(lines: T[]) {
  const map = new Map<string, { productId: string; warehouseId: string; qty: Decimal; field?: string }>();
  for (const l of lines) {
    const k = `${l.productId}|${l.warehouseId}`;
    const cur = map.get(k);
    if (cur) cur.qty = cur.qty.plus(l.qty);
    else map.set(k, { productId: l.productId, warehouseId: l.warehouseId, qty: dec(l.qty), field: l.field });
  }
  return [...map.values()].sort((a, b) => (a.productId + a.warehouseId < b.productId + b.warehouseId ? -1 : 1));
}

/**
 * Reserve stock for several lines at once, all or nothing. Each (SKU, warehouse) is one guarded UPDATE
 * (`on_hand - reserved >= qty`) — no read-then-write, so concurrent reservations can never oversell.
 * Lines of the same SKU are summed first. On any shortage the error lists every short line (and the
 * caller's transaction rolls back what was reserved). The UPDATE and its movement row are one statement
 * per line and the debounced outbox events one statement for all lines, so a hot SKU's row lock is held
 * for as few round trips as possible.
 */
export async function reserveStock(ctx: TxContext, lines: StockLine[], ref: StockRef) {
  const wanted = aggregate(lines).filter((l) => l.qty.gt(0));
  // Reserved never exceeds on hand (the guard below), so only the summed quantity itself can be too big.
  for (const l of wanted) if (!fitsColumn(l.qty)) throw await stockTooLarge(ctx, l);
  const shortages: Shortage[] = [];
  for (const l of wanted) {
    const qty = l.qty.toFixed();
    const rows = await ctx.db.execute<{ n: number }>(sql`
      with upd as (
        update ${stockLevels}
           set reserved = reserved + ${qty}::numeric, updated_at = now()
         where org_id = ${ctx.orgId} and product_id = ${l.productId} and warehouse_id = ${l.warehouseId}
           and on_hand - reserved >= ${qty}::numeric
        returning product_id
      ), mv as (
        insert into ${stockMovements} (id, org_id, product_id, warehouse_id, kind, on_hand_delta, reserved_delta, ref_type, ref_id, ref_no, reason, created_by)
        select ${newId()}::uuid, ${ctx.orgId}::uuid, product_id, ${l.warehouseId}::uuid, 'reservation', 0, ${qty}::numeric,
               ${ref.refType}::text, ${ref.refId ?? null}::uuid, ${ref.refNo ?? null}::text, ${ref.reason ?? null}::text, ${actorUserId(ctx)}::uuid
          from upd
      )
      select count(*)::int as n from upd`);
    if (Number((rows as unknown as { n: number }[])[0]?.n ?? 0) === 0) {
      const [level] = await ctx.db
        .select({ available: sql<string>`${stockLevels.onHand} - ${stockLevels.reserved}` })
        .from(stockLevels)
        .where(and(eq(stockLevels.orgId, ctx.orgId), eq(stockLevels.productId, l.productId), eq(stockLevels.warehouseId, l.warehouseId)));
      shortages.push({ productId: l.productId, warehouseId: l.warehouseId, requested: qty, available: dec(level?.available ?? 0).toFixed() });
    }
  }
  if (shortages.length) throw await insufficientStock(ctx, shortages);
  await emitInventoryChanged(ctx, wanted.map((l) => l.productId));
}

/**
 * Reserve for many documents at once (the batch conversion), in a handful of statements whatever their
 * number: the (SKU, warehouse) rows of the summed quantities are locked in key order and checked; if any
 * has less available than asked, nothing is written and the shortages are returned (the caller decides:
 * the batch falls back to one document at a time). Otherwise ONE guarded UPDATE reserves the sums, one
 * multi-row insert writes a movement per item (with its own reference) and one statement the debounced
 * outbox events — the rows reserveStock would write for each item.
 */
export async function reserveStockMany(
  ctx: TxContext,
  items: { productId: string; warehouseId: string; qty: string; ref: StockRef }[],
): Promise<{ shortages: Shortage[] }> {
  const wanted = aggregate(items).filter((l) => l.qty.gt(0));
  if (wanted.length === 0) return { shortages: [] };
  const keys = sql`${JSON.stringify(wanted.map((k) => ({ product_id: k.productId, warehouse_id: k.warehouseId, qty: k.qty.toFixed() })))}::jsonb`;
  const locked = (await ctx.db.execute(sql`
    select s.product_id, s.warehouse_id, (s.on_hand - s.reserved)::text as available from ${stockLevels} s
     where s.org_id = ${ctx.orgId}
       and (s.product_id, s.warehouse_id) in (select k.product_id, k.warehouse_id from jsonb_to_recordset(${keys}) as k(product_id uuid, warehouse_id uuid))
     order by s.product_id, s.warehouse_id
       for update`)) as unknown as { product_id: string; warehouse_id: string; available: string }[];
  const availableOfKey = new Map(locked.map((r) => [`${r.product_id}|${r.warehouse_id}`, dec(r.available)]));
  const shortages = wanted
    .map((l) => ({ l, available: availableOfKey.get(`${l.productId}|${l.warehouseId}`) ?? dec(0) }))
    .filter(({ l, available }) => available.lt(l.qty))
    .map(({ l, available }) => ({ productId: l.productId, warehouseId: l.warehouseId, requested: l.qty.toFixed(), available: available.toFixed() }));
  if (shortages.length) return { shortages };
  const updated = (await ctx.db.execute(sql`
    update ${stockLevels} s
       set reserved = s.reserved + k.qty, updated_at = now()
      from jsonb_to_recordset(${keys}) as k(product_id uuid, warehouse_id uuid, qty numeric)
     where s.org_id = ${ctx.orgId} and s.product_id = k.product_id and s.warehouse_id = k.warehouse_id
       and s.on_hand - s.reserved >= k.qty
    returning s.product_id`)) as unknown as unknown[];
  if (updated.length !== wanted.length) throw new Error("stock rows changed under their lock");
  const createdBy = actorUserId(ctx);
  const movements = items
    .filter((i) => dec(i.qty).gt(0))
    .map((i) => ({
      orgId: ctx.orgId,
      productId: i.productId,
      warehouseId: i.warehouseId,
      kind: "reservation" as const,
      onHandDelta: "0",
      reservedDelta: dec(i.qty).toFixed(),
      refType: i.ref.refType,
      refId: i.ref.refId ?? null,
      refNo: i.ref.refNo ?? null,
      reason: i.ref.reason ?? null,
      createdBy,
    }));
  for (let i = 0; i < movements.length; i += 1000) await ctx.db.insert(stockMovements).values(movements.slice(i, i + 1000));
  await emitInventoryChanged(ctx, wanted.map((l) => l.productId));
  return { shortages: [] };
}

/**
 * pickWarehouse's choice over candidates already read (enabled warehouses, the default first, then by
 * code, each with what it has available): the default when it can serve `qty`, else the one with the most
 * that can, else the default (so the shortage is reported against it); null without a warehouse.
 */
export function chooseWarehouse<W extends { id: string; isDefault: boolean }>(candidates: W[], availableIn: (w: W) => Decimal.Value, qty: Decimal.Value): W | null {
  const def = candidates.find((w) => w.isDefault) ?? candidates[0];
  if (!def) return null;
  if (dec(availableIn(def)).gte(qty)) return def;
  const best = candidates.filter((w) => dec(availableIn(w)).gte(qty)).sort((a, b) => dec(availableIn(b)).cmp(availableIn(a)))[0];
  return best ?? def;
}

/** An INSUFFICIENT_STOCK error naming each short SKU and warehouse with requested and available. */
export async function insufficientStock(ctx: OrgScope, shortages: Shortage[]) {
  const { db, orgId } = ctx;
  const skus = await db
    .select({ id: products.id, sku: products.sku })
    .from(products)
    .where(and(eq(products.orgId, orgId), inArray(products.id, shortages.map((s) => s.productId))));
  const whs = await db
    .select({ id: warehouses.id, code: warehouses.code })
    .from(warehouses)
    .where(and(eq(warehouses.orgId, orgId), inArray(warehouses.id, shortages.map((s) => s.warehouseId))));
  const skuOf = new Map(skus.map((s) => [s.id, s.sku]));
  const whOf = new Map(whs.map((w) => [w.id, w.code]));
  const detailed = shortages.map((s) => ({ ...s, sku: skuOf.get(s.productId) ?? s.productId, warehouse: whOf.get(s.warehouseId) ?? s.warehouseId }));
  return new DomainError(
    "INSUFFICIENT_STOCK",
    { key: "insufficientStock", params: { lines: detailed.map((d) => `${d.sku}@${d.warehouse} ${d.requested}>${d.available}`).join("; ") } },
    { details: { shortages: detailed } },
  );
}

/** Give reserved stock back (order closed, voided, outbound cancelled). */
export async function releaseStock(ctx: TxContext, lines: StockLine[], ref: StockRef) {
  const wanted = aggregate(lines).filter((l) => l.qty.gt(0));
  for (const l of wanted) if (!fitsColumn(l.qty)) throw new DomainError("CONFLICT", { key: "releaseExceedsReserved" });
  for (const l of wanted) {
    const qty = l.qty.toFixed();
    const updated = await ctx.db
      .update(stockLevels)
      .set({ reserved: sql`${stockLevels.reserved} - ${qty}::numeric`, updatedAt: new Date() })
      .where(
        and(
          eq(stockLevels.orgId, ctx.orgId),
          eq(stockLevels.productId, l.productId),
          eq(stockLevels.warehouseId, l.warehouseId),
          sql`${stockLevels.reserved} >= ${qty}::numeric`,
        ),
      )
      .returning({ productId: stockLevels.productId });
    if (updated.length === 0) throw new DomainError("CONFLICT", { key: "releaseExceedsReserved" });
    await recordMovement(ctx, { ...ref, productId: l.productId, warehouseId: l.warehouseId, kind: "release", reservedDelta: dec(qty).neg().toFixed() });
  }
  await emitInventoryChanged(ctx, wanted.map((l) => l.productId));
}

/**
 * Change on-hand stock: receipts, returns and openings add; shipments (which also consume their
 * reservation), scrap and negative adjustments take away. Never lets on-hand fall below what is
 * reserved, or below zero.
 */
export async function moveStock(
  ctx: TxContext,
  m: { productId: string; warehouseId: string; kind: MovementKind; onHandDelta: string; reservedDelta?: string; field?: string } & StockRef,
) {
  const onHandDelta = dec(m.onHandDelta);
  const reservedDelta = dec(m.reservedDelta ?? 0);
  if (onHandDelta.isZero() && reservedDelta.isZero()) return;
  if (!fitsColumn(onHandDelta) || !fitsColumn(reservedDelta)) throw await stockTooLarge(ctx, m);
  await ensureLevel(ctx, m.productId, m.warehouseId);
  const updated = await ctx.db
    .update(stockLevels)
    .set({
      onHand: sql`${stockLevels.onHand} + ${onHandDelta.toFixed()}::numeric`,
      reserved: sql`${stockLevels.reserved} + ${reservedDelta.toFixed()}::numeric`,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(stockLevels.orgId, ctx.orgId),
        eq(stockLevels.productId, m.productId),
        eq(stockLevels.warehouseId, m.warehouseId),
        sql`${stockLevels.onHand} + ${onHandDelta.toFixed()}::numeric >= ${stockLevels.reserved} + ${reservedDelta.toFixed()}::numeric`,
        sql`${stockLevels.reserved} + ${reservedDelta.toFixed()}::numeric >= 0`,
        // On hand ≥ reserved ≥ 0 after the move, so on hand within the column bound keeps both in it.
        sql`${stockLevels.onHand} + ${onHandDelta.toFixed()}::numeric <= ${MAX_SQL}`,
      ),
    )
    .returning({ productId: stockLevels.productId });
  if (updated.length === 0) {
    const [level] = await ctx.db
      .select({ onHand: stockLevels.onHand })
      .from(stockLevels)
      .where(and(eq(stockLevels.orgId, ctx.orgId), eq(stockLevels.productId, m.productId), eq(stockLevels.warehouseId, m.warehouseId)));
    if (!fitsColumn(dec(level?.onHand ?? 0).plus(onHandDelta))) throw await stockTooLarge(ctx, m);
    throw await insufficientStock(ctx, [
      { productId: m.productId, warehouseId: m.warehouseId, requested: onHandDelta.neg().toFixed(), available: await availableOf(ctx, m.productId, m.warehouseId) },
    ]);
  }
  await recordMovement(ctx, { ...m, onHandDelta: onHandDelta.toFixed(), reservedDelta: reservedDelta.toFixed() });
  await emitInventoryChanged(ctx, [m.productId]);
}

async function availableOf(ctx: OrgScope, productId: string, warehouseId: string) {
  const { db, orgId } = ctx;
  const [row] = await db
    .select({ available: sql<string>`${stockLevels.onHand} - ${stockLevels.reserved}` })
    .from(stockLevels)
    .where(and(eq(stockLevels.orgId, orgId), eq(stockLevels.productId, productId), eq(stockLevels.warehouseId, warehouseId)));
  return dec(row?.available ?? 0).toFixed();
}

export type StockRow = { productId: string; warehouseId: string; onHand: string; reserved: string; available: string };

/** Balances of some SKUs in every warehouse that has a row for them. */
export async function stockFor(ctx: OrgScope, productIds: string[]): Promise<StockRow[]> {
  const { db, orgId } = ctx;
  if (productIds.length === 0) return [];
  return db
    .select({
      productId: stockLevels.productId,
      warehouseId: stockLevels.warehouseId,
      onHand: stockLevels.onHand,
      reserved: stockLevels.reserved,
      available: sql<string>`(${stockLevels.onHand} - ${stockLevels.reserved})::text`,
    })
    .from(stockLevels)
    .where(and(eq(stockLevels.orgId, orgId), inArray(stockLevels.productId, productIds)));
}

/**
 * Choose a warehouse for a line without one: the default warehouse when it has enough available,
 * else the enabled warehouse with the most available that has enough, else the default (so the
 * shortage is reported against it).
 */
export async function pickWarehouse(ctx: OrgScope, productId: string, qty: string): Promise<string | null> {
  const { db, orgId } = ctx;
  const rows = await db
    .select({
      id: warehouses.id,
      isDefault: warehouses.isDefault,
      available: sql<string>`coalesce(${stockLevels.onHand} - ${stockLevels.reserved}, 0)`,
    })
    .from(warehouses)
    .leftJoin(
      stockLevels,
      and(eq(stockLevels.warehouseId, warehouses.id), eq(stockLevels.productId, productId), eq(stockLevels.orgId, orgId)),
    )
    .where(and(eq(warehouses.orgId, orgId), eq(warehouses.enabled, true)))
    .orderBy(desc(warehouses.isDefault), asc(warehouses.code));
  return chooseWarehouse(rows, (r) => r.available, qty)?.id ?? null;
}

/**
 * Lock the balance rows of some SKUs in one warehouse (creating missing ones at zero) and return them,
 * in product order so concurrent callers take the locks in the same order. For decisions that must see
 * a balance that cannot change until the transaction ends, such as posting a stocktake's counted
 * quantities as differences.
 */
export async function lockStockLevels(
  ctx: TxContext,
  warehouseId: string,
  productIds: string[],
): Promise<Map<string, { onHand: string; reserved: string }>> {
  const { db: tx, orgId } = ctx;
  const ids = [...new Set(productIds)].sort();
  if (ids.length === 0) return new Map();
  await tx
    .insert(stockLevels)
    .values(ids.map((productId) => ({ orgId, productId, warehouseId })))
    .onConflictDoNothing();
  const rows = await tx
    .select({ productId: stockLevels.productId, onHand: stockLevels.onHand, reserved: stockLevels.reserved })
    .from(stockLevels)
    .where(and(eq(stockLevels.orgId, orgId), eq(stockLevels.warehouseId, warehouseId), inArray(stockLevels.productId, ids)))
    .orderBy(asc(stockLevels.productId))
    .for("update");
  return new Map(rows.map((r) => [r.productId, { onHand: r.onHand, reserved: r.reserved }]));
}

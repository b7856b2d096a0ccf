import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { outbox, products, stockLevels, stockMovements, warehouses, type MovementKind } from "@/db/schema";
import { newId } from "@/db/schema/_columns";
import { type Decimal, dec } from "@/lib/decimal";
import { actorUserId, type ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { enqueue } from "../outbox/outbox";

/**
 * The stock ledger. Every function here must run inside the caller's transaction, so that the balance
 * row, the movement row and the outbox event commit together with the document that caused them.
 */

export type StockRef = { refType: string; refId?: string | null; refNo?: string | null; reason?: string | null };
export type Shortage = { productId: string; sku?: string; warehouseId: string; requested: string; available: string };

export const INVENTORY_CHANGED = "inventory.changed";

/** One pending "inventory changed" event per SKU (debounced) for stock push and ERP sync. */
export async function emitInventoryChanged(tx: DbExecutor, orgId: string, productIds: Iterable<string>) {
  for (const productId of new Set(productIds)) {
    await enqueue(tx, { orgId, topic: INVENTORY_CHANGED, dedupeKey: productId, payload: { productId } });
  }
}

async function ensureLevel(tx: DbExecutor, orgId: string, productId: string, warehouseId: string) {
  await tx.insert(stockLevels).values({ orgId, productId, warehouseId }).onConflictDoNothing();
}

async function recordMovement(
  tx: DbExecutor,
  ctx: Pick<ServiceContext, "orgId" | "actor">,
  m: { productId: string; warehouseId: string; kind: MovementKind; onHandDelta?: string; reservedDelta?: string } & StockRef,
) {
  await tx.insert(stockMovements).values({
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

/** Sum quantities per (product, warehouse) and sort, so locks are always taken in the same order. */
function aggregate<T extends { productId: string; warehouseId: string; qty: string }>(lines: T[]) {
  const map = new Map<string, { productId: string; warehouseId: string; qty: Decimal }>();
  for (const l of lines) {
    const k = `${l.productId}|${l.warehouseId}`;
    const cur = map.get(k);
    if (cur) cur.qty = cur.qty.plus(l.qty);
    else map.set(k, { productId: l.productId, warehouseId: l.warehouseId, qty: dec(l.qty) });
  }
  return [...map.values()].sort((a, b) => (a.productId + a.warehouseId < b.productId + b.warehouseId ? -1 : 1));
}

/**
 * Reserve stock for several lines at once, all or nothing. Each (SKU, warehouse) is one guarded UPDATE
 * (`on_hand - reserved >= qty`) — no read-then-write, so concurrent reservations can never oversell.
 * Lines of the same SKU are summed first. On any shortage the error lists every short line (and the
 * caller's transaction rolls back what was reserved). The UPDATE, its movement row and the debounced
 * outbox event are one statement per line, so a hot SKU's row lock is held for as little as possible.
 */
export async function reserveStock(
  tx: DbExecutor,
  ctx: Pick<ServiceContext, "orgId" | "actor">,
  lines: { productId: string; warehouseId: string; qty: string }[],
  ref: StockRef,
) {
  const wanted = aggregate(lines).filter((l) => l.qty.gt(0));
  const shortages: Shortage[] = [];
  for (const l of wanted) {
    const qty = l.qty.toFixed();
    const rows = await tx.execute<{ n: number }>(sql`
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
      ), ev as (
        insert into ${outbox} (id, org_id, topic, dedupe_key, payload)
        select ${newId()}::uuid, ${ctx.orgId}::uuid, ${INVENTORY_CHANGED}::text, product_id::text, jsonb_build_object('productId', product_id)
          from upd
        on conflict (org_id, topic, dedupe_key) where status = 'pending' and dedupe_key is not null do nothing
      )
      select count(*)::int as n from upd`);
    if (Number((rows as unknown as { n: number }[])[0]?.n ?? 0) === 0) {
      const [level] = await tx
        .select({ available: sql<string>`${stockLevels.onHand} - ${stockLevels.reserved}` })
        .from(stockLevels)
        .where(and(eq(stockLevels.orgId, ctx.orgId), eq(stockLevels.productId, l.productId), eq(stockLevels.warehouseId, l.warehouseId)));
      shortages.push({ productId: l.productId, warehouseId: l.warehouseId, requested: qty, available: dec(level?.available ?? 0).toFixed() });
    }
  }
  if (shortages.length) throw await insufficientStock(tx, ctx.orgId, shortages);
}

/** An INSUFFICIENT_STOCK error naming each short SKU and warehouse with requested and available. */
export async function insufficientStock(tx: DbExecutor, orgId: string, shortages: Shortage[]) {
  const skus = await tx
    .select({ id: products.id, sku: products.sku })
    .from(products)
    .where(and(eq(products.orgId, orgId), inArray(products.id, shortages.map((s) => s.productId))));
  const whs = await tx
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
export async function releaseStock(
  tx: DbExecutor,
  ctx: Pick<ServiceContext, "orgId" | "actor">,
  lines: { productId: string; warehouseId: string; qty: string }[],
  ref: StockRef,
) {
  const wanted = aggregate(lines).filter((l) => l.qty.gt(0));
  for (const l of wanted) {
    const qty = l.qty.toFixed();
    const updated = await tx
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
    await recordMovement(tx, ctx, { ...ref, productId: l.productId, warehouseId: l.warehouseId, kind: "release", reservedDelta: dec(qty).neg().toFixed() });
  }
  await emitInventoryChanged(tx, ctx.orgId, wanted.map((l) => l.productId));
}

/**
 * Change on-hand stock: receipts, returns and openings add; shipments (which also consume their
 * reservation), scrap and negative adjustments take away. Never lets on-hand fall below what is
 * reserved, or below zero.
 */
export async function moveStock(
  tx: DbExecutor,
  ctx: Pick<ServiceContext, "orgId" | "actor">,
  m: { productId: string; warehouseId: string; kind: MovementKind; onHandDelta: string; reservedDelta?: string } & StockRef,
) {
  const onHandDelta = dec(m.onHandDelta);
  const reservedDelta = dec(m.reservedDelta ?? 0);
  if (onHandDelta.isZero() && reservedDelta.isZero()) return;
  await ensureLevel(tx, ctx.orgId, m.productId, m.warehouseId);
  const updated = await tx
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
      ),
    )
    .returning({ productId: stockLevels.productId });
  if (updated.length === 0) {
    throw await insufficientStock(tx, ctx.orgId, [
      { productId: m.productId, warehouseId: m.warehouseId, requested: onHandDelta.neg().toFixed(), available: await availableOf(tx, ctx.orgId, m.productId, m.warehouseId) },
    ]);
  }
  await recordMovement(tx, ctx, { ...m, onHandDelta: onHandDelta.toFixed(), reservedDelta: reservedDelta.toFixed() });
  await emitInventoryChanged(tx, ctx.orgId, [m.productId]);
}

async function availableOf(tx: DbExecutor, orgId: string, productId: string, warehouseId: string) {
  const [row] = await tx
    .select({ available: sql<string>`${stockLevels.onHand} - ${stockLevels.reserved}` })
    .from(stockLevels)
    .where(and(eq(stockLevels.orgId, orgId), eq(stockLevels.productId, productId), eq(stockLevels.warehouseId, warehouseId)));
  return dec(row?.available ?? 0).toFixed();
}

export type StockRow = { productId: string; warehouseId: string; onHand: string; reserved: string; available: string };

/** Balances of some SKUs in every warehouse that has a row for them. */
export async function stockFor(db: DbExecutor, orgId: string, productIds: string[]): Promise<StockRow[]> {
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
export async function pickWarehouse(db: DbExecutor, orgId: string, productId: string, qty: string): Promise<string | null> {
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
  const def = rows.find((r) => r.isDefault) ?? rows[0];
  if (!def) return null;
  if (dec(def.available).gte(qty)) return def.id;
  const best = rows.filter((r) => dec(r.available).gte(qty)).sort((a, b) => dec(b.available).cmp(a.available))[0];
  return (best ?? def).id;
}

/**
 * Lock the balance rows of some SKUs in one warehouse (creating missing ones at zero) and return them,
 * in product order so concurrent callers take the locks in the same order. For decisions that must see
 * a balance that cannot change until the transaction ends, such as posting a stocktake's counted
 * quantities as differences.
 */
export async function lockStockLevels(
  tx: DbExecutor,
  orgId: string,
  warehouseId: string,
  productIds: string[],
): Promise<Map<string, { onHand: string; reserved: string }>> {
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

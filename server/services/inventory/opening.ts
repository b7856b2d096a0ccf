import { and, eq, inArray } from "drizzle-orm";
import { products, stockMovements, warehouses } from "@/db/schema";
import type { TxContext } from "@/server/context";
import { moveStock } from "./ledger";

/**
 * Opening balances by SKU code and warehouse code. Idempotent: a SKU × warehouse that already has an
 * opening movement is left alone.
 */
export async function seedOpeningStock(ctx: TxContext, rows: { sku: string; warehouse: string; qty: string }[]) {
  const { db: tx, orgId } = ctx;
  const prods = await tx.select({ id: products.id, sku: products.sku }).from(products).where(and(eq(products.orgId, orgId), inArray(products.sku, rows.map((r) => r.sku))));
  const whs = await tx.select({ id: warehouses.id, code: warehouses.code }).from(warehouses).where(and(eq(warehouses.orgId, orgId), inArray(warehouses.code, rows.map((r) => r.warehouse))));
  for (const r of rows) {
    const productId = prods.find((p) => p.sku === r.sku)?.id;
    const warehouseId = whs.find((w) => w.code === r.warehouse)?.id;
    if (!productId || !warehouseId) continue;
    const [existing] = await tx
      .select({ id: stockMovements.id })
      .from(stockMovements)
      .where(and(eq(stockMovements.orgId, orgId), eq(stockMovements.productId, productId), eq(stockMovements.warehouseId, warehouseId), eq(stockMovements.kind, "opening")))
      .limit(1);
    if (existing) continue;
    await moveStock(ctx, { productId, warehouseId, kind: "opening", onHandDelta: r.qty, refType: "opening", reason: "opening balance" });
  }
}

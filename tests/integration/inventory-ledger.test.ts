import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { products, stockLevels, stockMovements } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { moveStock, releaseStock, reserveStock } from "@/server/services/inventory/ledger";
import { inTransaction } from "@/server/context";
import { createWarehouse } from "@/server/services/catalog/warehouses";
import { DomainError } from "@/server/errors";
import { closeTestDb, createTestOrg, svcCtx, testDb, uid } from "../helpers/db";

afterAll(closeTestDb);

async function setup(stock: string) {
  const org = await createTestOrg();
  const ctx = svcCtx(org);
  const wh = await createWarehouse(ctx, { code: "W1", name: "Main" });
  const [p] = await testDb().insert(products).values({ orgId: org.orgId, sku: uid("S"), name: "P" }).returning();
  await inTransaction(ctx, (tx) =>
    moveStock(tx, { productId: p!.id, warehouseId: wh.id, kind: "opening", onHandDelta: stock, refType: "opening" }),
  );
  return { org, ctx, productId: p!.id, warehouseId: wh.id };
}

async function balance(orgId: string, productId: string) {
  const [level] = await testDb().select().from(stockLevels).where(sql`${stockLevels.orgId} = ${orgId} and ${stockLevels.productId} = ${productId}`);
  const [sums] = await testDb()
    .select({ onHand: sql<string>`sum(${stockMovements.onHandDelta})`, reserved: sql<string>`sum(${stockMovements.reservedDelta})` })
    .from(stockMovements)
    .where(sql`${stockMovements.orgId} = ${orgId} and ${stockMovements.productId} = ${productId}`);
  return { level: level!, sums: sums! };
}

describe("stock ledger", () => {
  it("200 concurrent reservations of one SKU with stock for 100: exactly 100 succeed, available 0", async () => {
    const { ctx, productId, warehouseId, org } = await setup("100");
    const attempts = Array.from({ length: 200 }, (_, i) =>
      inTransaction(ctx, (tx) => reserveStock(tx, [{ productId, warehouseId, qty: "1" }], { refType: "test", refNo: `R${i}` }))
        .then(() => "ok" as const)
        .catch((e) => {
          if (e instanceof DomainError && e.code === "INSUFFICIENT_STOCK") return "short" as const;
          throw e;
        }),
    );
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r === "ok")).toHaveLength(100);
    const { level, sums } = await balance(org.orgId, productId);
    expect(dec(level.onHand).minus(level.reserved).toFixed()).toBe("0");
    expect(dec(sums.onHand).eq(level.onHand)).toBe(true);
    expect(dec(sums.reserved).eq(level.reserved)).toBe(true);
  });

  it("sums lines of the same SKU before checking (no oversell through duplicate lines)", async () => {
    const { ctx, productId, warehouseId } = await setup("5");
    await expect(
      inTransaction(ctx, (tx) =>
        reserveStock(
          tx,
          [
            { productId, warehouseId, qty: "3" },
            { productId, warehouseId, qty: "3" },
          ],
          { refType: "test" },
        ),
      ),
    ).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
  });

  it("refuses to ship or adjust below what is reserved, and releases what was reserved", async () => {
    const { ctx, productId, warehouseId, org } = await setup("10");
    await inTransaction(ctx, (tx) => reserveStock(tx, [{ productId, warehouseId, qty: "4.5" }], { refType: "test" }));
    await expect(
      inTransaction(ctx, (tx) => moveStock(tx, { productId, warehouseId, kind: "adjustment", onHandDelta: "-6", refType: "adjust" })),
    ).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    await inTransaction(ctx, (tx) => releaseStock(tx, [{ productId, warehouseId, qty: "4.5" }], { refType: "test" }));
    const { level, sums } = await balance(org.orgId, productId);
    expect(dec(level.reserved).isZero()).toBe(true);
    expect(dec(sums.reserved).isZero()).toBe(true);
    expect(dec(level.onHand).eq(10)).toBe(true);
  });
});

import { and, eq, sql } from "drizzle-orm";
import { customerAddresses, customers, orderEvents, orders, outbox, products, stockLevels } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { inTransaction, type ServiceContext } from "@/server/context";
import { createWarehouse } from "@/server/services/catalog/warehouses";
import { moveStock } from "@/server/services/inventory/ledger";
import { createTestOrg, svcCtx, testDb, type TestOrg } from "../helpers/db";

/**
 * A merchant shaped like the demo one: SKUs 00021002/00021003/00031003 (+ a disabled one), warehouses
 * WH-SZ (default) and WH-YW, customer 10331 with two addresses, and opening stock.
 */
export async function orderMerchant(opts: { stock?: Record<string, { sz?: string; yw?: string }> } = {}) {
  const org = await createTestOrg();
  const ctx = svcCtx(org);
  const db = testDb();
  const sz = await createWarehouse(ctx, { code: "WH-SZ", name: "深圳主仓", isDefault: true });
  const yw = await createWarehouse(ctx, { code: "WH-YW", name: "义乌分仓" });
  const skus = ["00021002", "00021003", "00031003", "00099999"];
  const prods = await db
    .insert(products)
    .values(skus.map((sku) => ({ orgId: org.orgId, sku, name: `P${sku}`, price: "10", enabled: sku !== "00099999" })))
    .returning();
  const productId = (sku: string) => prods.find((p) => p.sku === sku)!.id;
  const [customer] = await db
    .insert(customers)
    .values({ orgId: org.orgId, clientNum: "10331", companyName: "杭州示例服饰有限公司" })
    .returning();
  const addrs = await db
    .insert(customerAddresses)
    .values([
      { orgId: org.orgId, customerId: customer!.id, recipient: "王小明", phone: "13800000000", province: "浙江省", city: "杭州市", district: "西湖区", street: "文三路 90 号", isDefault: true },
      { orgId: org.orgId, customerId: customer!.id, recipient: "李仓管", phone: "13900000000", province: "江苏省", city: "苏州市", district: "吴中区", street: "金山路 18 号", isDefault: false },
    ])
    .returning();
  const stock = opts.stock ?? { "00021002": { sz: "100", yw: "40" }, "00021003": { sz: "100", yw: "40" }, "00031003": { sz: "100" } };
  await inTransaction(ctx, async (tx) => {
    for (const [sku, s] of Object.entries(stock)) {
      if (s.sz) await moveStock(tx, { productId: productId(sku), warehouseId: sz.id, kind: "opening", onHandDelta: s.sz, refType: "opening" });
      if (s.yw) await moveStock(tx, { productId: productId(sku), warehouseId: yw.id, kind: "opening", onHandDelta: s.yw, refType: "opening" });
    }
  });
  return {
    org,
    ctx,
    sz,
    yw,
    customer: customer!,
    defaultAddress: addrs.find((a) => a.isDefault)!,
    otherAddress: addrs.find((a) => !a.isDefault)!,
    productId,
  };
}

export type OrderMerchant = Awaited<ReturnType<typeof orderMerchant>>;

export async function level(orgId: string, productId: string, warehouseId: string) {
  const [row] = await testDb()
    .select()
    .from(stockLevels)
    .where(and(eq(stockLevels.orgId, orgId), eq(stockLevels.productId, productId), eq(stockLevels.warehouseId, warehouseId)));
  return { onHand: dec(row?.onHand ?? 0), reserved: dec(row?.reserved ?? 0), available: dec(row?.onHand ?? 0).minus(row?.reserved ?? 0) };
}

export async function orderCount(org: TestOrg) {
  const [r] = await testDb().select({ n: sql<number>`count(*)::int` }).from(orders).where(eq(orders.orgId, org.orgId));
  return r!.n;
}

export async function eventsOf(ctx: ServiceContext, orderId: string) {
  return testDb()
    .select()
    .from(orderEvents)
    .where(and(eq(orderEvents.orgId, ctx.orgId), eq(orderEvents.orderId, orderId)))
    .orderBy(orderEvents.createdAt, orderEvents.id);
}

export async function outboxTopics(orgId: string) {
  return testDb().select().from(outbox).where(eq(outbox.orgId, orgId));
}

export const simpleOrder = (over: Record<string, unknown> = {}) => ({
  clientNum: "10331",
  lines: [
    { sku: "00021002", quantity: "2", unitPrice: "11.5" },
    { sku: "00031003", quantity: "1", unitPrice: "89" },
  ],
  ...over,
});

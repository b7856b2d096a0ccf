import { and, eq } from "drizzle-orm";
import { customers, deliveryMethods, products, warehouses } from "@/db/schema";
import type { ServiceContext } from "@/server/context";
import { countCapped } from "../_lib/keyset";

/** The merchant's master data at a glance (home dashboard): capped counts, never a full scan. */
export async function masterDataOverview(ctx: ServiceContext) {
  const [productsTotal, productsEnabled, customersTotal, warehousesRows, methodsEnabled] = await Promise.all([
    countCapped(ctx, products, eq(products.orgId, ctx.orgId)),
    countCapped(ctx, products, and(eq(products.orgId, ctx.orgId), eq(products.enabled, true))),
    countCapped(ctx, customers, eq(customers.orgId, ctx.orgId)),
    ctx.db
      .select({ enabled: warehouses.enabled, isDefault: warehouses.isDefault, name: warehouses.name })
      .from(warehouses)
      .where(eq(warehouses.orgId, ctx.orgId)),
    countCapped(ctx, deliveryMethods, and(eq(deliveryMethods.orgId, ctx.orgId), eq(deliveryMethods.enabled, true))),
  ]);
  return {
    products: { total: productsTotal, enabled: productsEnabled },
    customers: { total: customersTotal },
    warehouses: {
      total: warehousesRows.length,
      enabled: warehousesRows.filter((w) => w.enabled).length,
      defaultName: warehousesRows.find((w) => w.isDefault)?.name ?? null,
    },
    deliveryMethods: { enabled: methodsEnabled },
  };
}

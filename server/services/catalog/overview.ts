import { and, count, eq, sql, type SQL } from "drizzle-orm";
import type { AnyPgTable } from "drizzle-orm/pg-core";
import { customers, deliveryMethods, products, warehouses } from "@/db/schema";
import type { ServiceContext } from "@/server/context";
import { cappedCount, COUNT_CAP, type CappedCount } from "../_lib/keyset";

async function capped(ctx: ServiceContext, table: AnyPgTable, where: SQL | undefined): Promise<CappedCount> {
  const [row] = await ctx.db.select({ n: count() }).from(sql`(select 1 from ${table} where ${where} limit ${COUNT_CAP + 1}) as capped`);
  return cappedCount(row?.n ?? 0);
}

/** The merchant's master data at a glance (home dashboard): capped counts, never a full scan. */
export async function masterDataOverview(ctx: ServiceContext) {
  const [productsTotal, productsEnabled, customersTotal, warehousesRows, methodsEnabled] = await Promise.all([
    capped(ctx, products, eq(products.orgId, ctx.orgId)),
    capped(ctx, products, and(eq(products.orgId, ctx.orgId), eq(products.enabled, true))),
    capped(ctx, customers, eq(customers.orgId, ctx.orgId)),
    ctx.db
      .select({ enabled: warehouses.enabled, isDefault: warehouses.isDefault, name: warehouses.name })
      .from(warehouses)
      .where(eq(warehouses.orgId, ctx.orgId)),
    capped(ctx, deliveryMethods, and(eq(deliveryMethods.orgId, ctx.orgId), eq(deliveryMethods.enabled, true))),
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

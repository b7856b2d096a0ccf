import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { orders } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { financeDashboard } from "@/server/services/finance/dashboard";
import { listOrderProfit, orderProfitTotals } from "@/server/services/finance/profit";
import { closeTestDb, createTestUser, keyCaller, newApiKey, sessionCaller, testDb } from "../helpers/db";
import { A, B, financeMerchant } from "./finance-fixtures";
import { orderMerchant } from "./orders-fixtures";

afterAll(closeTestDb);

/** The list's totals row, in the dashboard's shape (the fields both report). */
async function listTotals(ctx: Parameters<typeof orderProfitTotals>[0], f: Parameters<typeof orderProfitTotals>[1]) {
  const { reportingCurrency: _r, capped: _c, ...t } = await orderProfitTotals(ctx, f);
  return t;
}

const sum = (rows: { profit: string }[], field: "profit" | "sales" | "refunds" = "profit") =>
  rows.reduce((s, r) => s.plus((r as Record<string, string>)[field]!), dec(0)).toFixed(2);

/** The fixture's manual order moved to Wednesday 2021-06-02 (noon in the merchant's time zone), the others today. */
async function dashboardMerchant() {
  const f = await financeMerchant();
  await testDb()
    .update(orders)
    .set({ createdAt: new Date("2021-06-02T04:00:00Z") })
    .where(and(eq(orders.orgId, f.m.org.orgId), eq(orders.id, f.o1.id)));
  return f;
}

describe("finance dashboard", () => {
  it("totals, periods, shops, platforms, SKUs and countries agree with the order-profit list for the same filters", async () => {
    const { m, o1, usAccount } = await dashboardMerchant();
    const today = (await listOrderProfit(m.ctx, { limit: 1 })).items[0]!.day;
    expect((await listOrderProfit(m.ctx, {})).items.find((p) => p.orderId === o1.id)!.day).toBe("2021-06-02");

    const all = await financeDashboard(m.ctx, {});
    expect(all.reportingCurrency).toBe("CNY");
    expect(all.total.totals).toEqual(await listTotals(m.ctx, {}));
    // Hand-computed (finance.test.ts): revenue 406.17 + shipping 43.62; refunds 10.00 on order 1's return.
    expect(all.total).toMatchObject({
      orders: 2,
      missingRateOrders: 1,
      sales: "449.79",
      refunds: "10.00",
      profit: "320.25",
      margin: "72.82",
      refundRate: "2.22", // 10.00 / 449.79
      returnedOrders: 1,
      returnRate: "50.00",
    });

    // Every breakdown but SKU partitions the orders: its rows add up to the total.
    for (const rows of [all.series, all.byShop, all.byPlatform, all.byCountry]) {
      expect(sum(rows)).toBe(all.total.profit);
      expect(sum(rows, "sales")).toBe(all.total.sales);
      expect(rows.reduce((n, r) => n + r.orders + r.missingRateOrders, 0)).toBe(3);
    }
    expect(all.series.map((r) => [r.key, r.profit])).toEqual([
      ["2021-06-02", (await listTotals(m.ctx, { from: "2021-06-02", to: "2021-06-02" })).profit],
      [today, (await listTotals(m.ctx, { from: today, to: today })).profit],
    ]);
    expect(all.byPlatform.map((r) => [r.key, r.profit])).toEqual([
      ["shopify", (await listTotals(m.ctx, { platform: "shopify" })).profit],
      ["manual", (await listTotals(m.ctx, { platform: "manual" })).profit],
    ]);
    const us = all.byShop.find((r) => r.key === usAccount.id)!;
    expect(us.totals).toEqual(await listTotals(m.ctx, { accountId: usAccount.id }));
    expect(all.byShop.find((r) => r.key === "")).toMatchObject({ label: null, orders: 1, profit: (await listTotals(m.ctx, { platform: "manual" })).profit });

    // A SKU row is the list filtered by that SKU (an order with both SKUs counts under each), with its units.
    expect(all.skuCount).toBe(2);
    expect(all.bySku.map((r) => r.key)).toEqual([B, A]);
    for (const [sku, units] of [
      [B, "6"],
      [A, "3"],
    ] as const) {
      const row = all.bySku.find((r) => r.key === sku)!;
      expect(row.totals).toEqual(await listTotals(m.ctx, { sku }));
      expect(row.units).toBe(units); // A: order 3 (no EUR rate) is out of every sum
    }

    // Weeks are named by their Monday, months by YYYY-MM.
    const weeks = await financeDashboard(m.ctx, { granularity: "week" });
    expect(weeks.series[0]!.key).toBe("2021-05-31");
    expect(weeks.series[0]!.totals).toEqual(await listTotals(m.ctx, { from: "2021-05-31", to: "2021-06-06" }));
    const months = await financeDashboard(m.ctx, { granularity: "month" });
    expect(months.series.map((r) => r.key)).toEqual(["2021-06", today.slice(0, 7)]);
    expect(sum(months.series)).toBe(all.total.profit);

    // Date range and shop filters: the same totals as the list with the same filters.
    for (const f of [{ from: "2021-06-01", to: "2021-06-30" }, { from: today }, { to: "2021-01-01" }, { accountId: usAccount.id }, { accountId: usAccount.id, to: "2021-12-31" }]) {
      const d = await financeDashboard(m.ctx, f);
      expect(d.total.totals).toEqual(await listTotals(m.ctx, f));
    }
    const june = await financeDashboard(m.ctx, { from: "2021-06-01", to: "2021-06-30" });
    expect(june.total).toMatchObject({ orders: 1, missingRateOrders: 0, returnedOrders: 1, returnRate: "100.00" });
    expect(june.byPlatform.map((r) => r.key)).toEqual(["manual"]);
    const shopOnly = await financeDashboard(m.ctx, { accountId: usAccount.id });
    expect(shopOnly.total).toMatchObject({ orders: 1, refunds: "0.00", returnedOrders: 0, refundRate: "0.00" });
    expect(shopOnly.bySku.map((r) => r.key)).toEqual([B]);
  });

  it("through the router: finance staff only; another merchant sees nothing (session and API key)", async () => {
    const { m } = await dashboardMerchant();
    const finance = sessionCaller(await createTestUser(m.org.orgId, "finance"), m.org.orgId);
    const warehouse = sessionCaller(await createTestUser(m.org.orgId, "warehouse"), m.org.orgId);
    expect((await finance.finance.dashboard({ granularity: "month" })).total.profit).toBe("320.25");
    await expect(warehouse.finance.dashboard({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(finance.finance.dashboard({ from: "2024-13-01" })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const other = await orderMerchant();
    for (const caller of [sessionCaller(other.org.ownerId, other.org.orgId), keyCaller(await newApiKey(other.org, "admin"))]) {
      const d = await caller.finance.dashboard({});
      expect(d.total).toMatchObject({ orders: 0, missingRateOrders: 0, sales: "0.00", profit: "0.00", margin: null, returnRate: null });
      expect([d.series, d.byShop, d.byPlatform, d.bySku, d.byCountry]).toEqual([[], [], [], [], []]);
    }
  });
});

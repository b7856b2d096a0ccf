import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { orderLines, orders, organizations, outboundOrders } from "@/db/schema";
import { type Decimal, dec } from "@/lib/decimal";
import { refreshAllFinanceFacts } from "@/server/jobs/finance";
import { addOrderCharge, deleteOrderCharge } from "@/server/services/finance/charges";
import { setSkuCost } from "@/server/services/finance/costs";
import { pendingFacts, refreshFinanceFacts } from "@/server/services/finance/facts";
import { listOrderProfit, orderProfit, orderProfitTotals, type OrderProfit } from "@/server/services/finance/profit";
import { setExchangeRate } from "@/server/services/finance/rates";
import { setReportingCurrency } from "@/server/services/finance/settings";
import { financeDashboard } from "@/server/services/finance/dashboard";
import { createOrder } from "@/server/services/orders/create-order";
import { transitionOrder } from "@/server/services/orders/transitions";
import { bulkAudit } from "@/server/services/outbound/audit";
import { shipOutbound } from "@/server/services/outbound/ship";
import { createReturn, getReturn, inspectReturn, receiveReturn } from "@/server/services/returns/returns";
import { closeTestDb, testDb } from "../helpers/db";
import { A, B, financeMerchant } from "./finance-fixtures";
import { simpleOrder, type OrderMerchant } from "./orders-fixtures";

afterAll(closeTestDb);

const FIGURES = ["itemsRevenue", "shipping", "refunds", "platformFees", "productCost", "freight", "packaging", "otherCosts", "profit"] as const;
const COLS = ["items_revenue", "shipping", "refunds", "platform_fees", "product_cost", "freight", "packaging", "other_costs", "profit"] as const;
const n4 = (v: string | null) => (v === null ? null : dec(v).toFixed(4));

/** Every order's profit computed on the fly now (the one computation), the voided and closed left out. */
async function computedNow(m: OrderMerchant): Promise<OrderProfit[]> {
  const rows = await testDb().execute<{ id: string; status: string }>(sql`select id, status from orders where org_id = ${m.org.orgId} order by id`);
  const out: OrderProfit[] = [];
  for (const r of rows) if (r.status !== "voided" && r.status !== "closed") out.push(await orderProfit(m.ctx, r.id));
  return out;
}

type Bucket = { orders: number; missing: number; returned: number; units: Decimal; figures: Decimal[]; rates: Record<string, number> };

function bucketsOf(profits: OrderProfit[], keyOf: (p: OrderProfit) => string[], unitsOf?: (p: OrderProfit, key: string) => string) {
  const m = new Map<string, Bucket>();
  for (const p of profits) {
    for (const k of keyOf(p)) {
      let b = m.get(k);
      if (!b) m.set(k, (b = { orders: 0, missing: 0, returned: 0, units: dec(0), figures: FIGURES.map(() => dec(0)), rates: {} }));
      if (p.profit === null) {
        b.missing++;
        continue;
      }
      b.orders++;
      if (p.refundReturns.length) b.returned++;
      if (unitsOf) b.units = b.units.plus(unitsOf(p, k));
      FIGURES.forEach((f, i) => (b.figures[i] = b.figures[i]!.plus(p[f]!)));
      for (const r of p.ratesUsed) b.rates[`${r.currency} ${r.rateDate}`] = (b.rates[`${r.currency} ${r.rateDate}`] ?? 0) + 1;
    }
  }
  return Object.fromEntries(
    [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, b]) => [k, { orders: b.orders, missing: b.missing, returned: b.returned, units: b.units.toFixed(4), figures: b.figures.map((d) => d.toFixed(4)), rates: b.rates }]),
  );
}

async function storedBuckets(table: string, keyCols: string[], withUnits: boolean, orgId: string) {
  const rows = await testDb().execute<Record<string, string | number | Record<string, number> | null>>(
    sql.raw(`select ${keyCols.map((c) => `${c}::text as ${c}`).join(", ")}, orders, missing_rate_orders, returned_orders, ${withUnits ? "units" : "0 as units"}, ${COLS.join(", ")}, rates
             from ${table} where org_id = '${orgId}'`),
  );
  return Object.fromEntries(
    [...rows]
      .map((r) => [keyCols.map((c) => r[c]).join("|"), { orders: r.orders, missing: r.missing_rate_orders, returned: r.returned_orders, units: dec(r.units as string).toFixed(4), figures: COLS.map((c) => dec((r[c] as string) ?? 0).toFixed(4)), rates: r.rates }] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

const skuUnits = (p: OrderProfit) => {
  const u = new Map<string, Decimal>();
  for (const l of p.lines) u.set(l.sku, (u.get(l.sku) ?? dec(0)).plus(l.quantity));
  return u;
};

/** After the refresh, every stored figure equals the computation: per order, per day, per day × SKU and per month × SKU. */
async function expectStoredEqualsComputed(m: OrderMerchant) {
  await refreshFinanceFacts(m.ctx);
  expect(await pendingFacts(m.ctx)).toBe(0);
  const computed = await computedNow(m);
  const facts = await testDb().execute<Record<string, string | null | boolean | string[]>>(sql`
    select order_id::text as "orderId", day::text as day, account_id::text as "accountId", platform, country, currency, margin::text as margin, returned, missing_rates as "missingRates", ${sql.raw(
      COLS.map((c) => `${c}::text as ${c}`).join(", "),
    )}
    from order_profit_facts where org_id = ${m.org.orgId} order by order_id`);
  expect([...facts]).toEqual(
    computed.map((p) => ({
      orderId: p.orderId,
      day: p.day,
      accountId: p.accountId,
      platform: p.platform,
      country: p.country,
      currency: p.currency,
      margin: p.margin,
      returned: p.refundReturns.length > 0,
      missingRates: p.missingRates,
      ...Object.fromEntries(FIGURES.map((f, i) => [COLS[i], n4(p[f])])),
    })),
  );
  expect(await storedBuckets("finance_daily", ["day", "account_key", "platform", "country"], false, m.org.orgId)).toEqual(
    // The detail row, and the (day, shop, platform, *) and (day, *, *, country) roll-ups.
    bucketsOf(computed, (p) => [[p.day, p.accountId ?? "", p.platform, p.country], [p.day, p.accountId ?? "", p.platform, "*"], [p.day, "*", "*", p.country]].map((k) => k.join("|"))),
  );
  const skuKey = (p: OrderProfit, month: boolean) =>
    [...skuUnits(p).keys()].flatMap((s) => [p.accountId ?? "", "*"].map((account) => [month ? `${p.day.slice(0, 7)}-01` : p.day, account, s].join("|")));
  const unitsOf = (p: OrderProfit, k: string) => skuUnits(p).get(k.split("|")[2]!)!.toFixed();
  expect(await storedBuckets("finance_daily_sku", ["day", "account_key", "sku"], true, m.org.orgId)).toEqual(bucketsOf(computed, (p) => skuKey(p, false), unitsOf));
  expect(await storedBuckets("finance_monthly_sku", ["month", "account_key", "sku"], true, m.org.orgId)).toEqual(bucketsOf(computed, (p) => skuKey(p, true), unitsOf));
  // The list shows the stored figures: the same as the computation, row by row.
  const list = (await listOrderProfit(m.ctx, { limit: 200 })).items;
  expect(list.map((r) => [r.orderId, ...FIGURES.map((f) => r[f]), r.margin]).sort()).toEqual(computed.map((p) => [p.orderId, ...FIGURES.map((f) => p[f]), p.margin]).sort());
  return computed;
}

const profitOf = (ps: OrderProfit[], id: string) => ps.find((p) => p.orderId === id)?.profit;

describe("stored finance figures", () => {
  it("equal the on-the-fly computation after every kind of change, including a cost and a rate changed after the order", async () => {
    const { m, o1, o2, o3 } = await financeMerchant();
    let c = await expectStoredEqualsComputed(m);
    expect(profitOf(c, o2.id)).toBe("319.09");

    // Charges entered and removed.
    const charge = await addOrderCharge(m.ctx, { orderId: o2.id, kind: "other", currency: "USD", amount: "3" });
    expect(await pendingFacts(m.ctx)).toBe(1);
    c = await expectStoredEqualsComputed(m);
    expect(profitOf(c, o2.id)).toBe("297.72"); // 319.09 − 3 × 7.1234
    await deleteOrderCharge(m.ctx, charge.id);
    c = await expectStoredEqualsComputed(m);
    expect(profitOf(c, o2.id)).toBe("319.09");

    // A purchase cost changed after the orders (same SKU, kind and day replaces): B now 2.00 USD.
    await setSkuCost(m.ctx, { sku: B, kind: "purchase", currency: "USD", amount: "2", effectiveFrom: "2020-01-01" });
    expect(await pendingFacts(m.ctx)).toBeGreaterThan(0);
    c = await expectStoredEqualsComputed(m);
    expect(profitOf(c, o2.id)).toBe("304.84"); // product cost 4 × 2.00 × 7.1234 = 56.99

    // Rates changed after the orders: USD of 2021-05-01 corrected, and EUR entered (order 3 gets a profit).
    await setExchangeRate(m.ctx, { rateDate: "2021-05-01", currency: "USD", rate: "7" });
    await setExchangeRate(m.ctx, { rateDate: "2021-01-01", currency: "EUR", rate: "7.8" });
    c = await expectStoredEqualsComputed(m);
    expect(profitOf(c, o3.id)).not.toBeNull();
    expect(profitOf(c, o2.id)).not.toBe("304.84");

    // The order's day changed underneath (as finance-dashboard.test.ts does), then voided.
    await testDb().update(orders).set({ createdAt: new Date("2021-06-02T04:00:00Z") }).where(and(eq(orders.orgId, m.org.orgId), eq(orders.id, o1.id)));
    c = await expectStoredEqualsComputed(m);
    expect(c.find((p) => p.orderId === o1.id)!.day).toBe("2021-06-02");
    await transitionOrder(m.ctx, { orderId: o3.id, action: "void", reason: "测试" });
    c = await expectStoredEqualsComputed(m);
    expect(c.map((p) => p.orderId)).not.toContain(o3.id);

    // A new order, shipped, then returned and restocked.
    const o4 = await createOrder(m.ctx, simpleOrder({ status: "stock_up", freight: "3", lines: [{ sku: A, quantity: "2", unitPrice: "15" }] }));
    await expectStoredEqualsComputed(m);
    const obs = await testDb().select().from(outboundOrders).where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.orderId, o4.id)));
    await bulkAudit(m.ctx, { ids: obs.map((o) => o.id) });
    for (const ob of obs) await shipOutbound(m.ctx, { id: ob.id, carrier: "EMS", trackingNumber: `F${ob.outboundNo.slice(-5)}` });
    await addOrderCharge(m.ctx, { orderId: o4.id, kind: "freight", currency: "CNY", amount: "4.2" });
    await expectStoredEqualsComputed(m);
    const [line] = await testDb().select().from(orderLines).where(and(eq(orderLines.orgId, m.org.orgId), eq(orderLines.orderId, o4.id)));
    const rt = await createReturn(m.ctx, { orderId: o4.id, reason: "质量问题", lines: [{ orderLineId: line!.id, quantity: "1" }] });
    const rl = (await getReturn(m.ctx, rt.id)).lines.map((l) => l.id);
    await receiveReturn(m.ctx, { id: rt.id, lines: [{ lineId: rl[0]!, receivedQty: "1" }] });
    c = await expectStoredEqualsComputed(m);
    expect(c.find((p) => p.orderId === o4.id)!.refunds).toBe("15.00");
    await inspectReturn(m.ctx, { id: rt.id, lines: [{ lineId: rl[0]!, disposition: "restock", warehouseId: m.sz.id }] });
    await expectStoredEqualsComputed(m);

    // The reporting currency: every order again (CNY has no rate into USD here: every order flagged).
    await setReportingCurrency(m.ctx, { currency: "USD" });
    c = await expectStoredEqualsComputed(m);
    expect(c.every((p) => p.reportingCurrency === "USD")).toBe(true);
    await setReportingCurrency(m.ctx, { currency: "CNY" });
    await expectStoredEqualsComputed(m);
  });

  it("reads bring the last changes in first; the job refreshes every merchant; the country filter", async () => {
    const { m, o1, o2, usAccount } = await financeMerchant();
    expect(await pendingFacts(m.ctx)).toBeGreaterThan(0);
    // A read catches up (few stale orders) and reports nothing pending.
    const page = await listOrderProfit(m.ctx, {});
    expect(page.pending).toBe(0);
    expect(page.items).toHaveLength(3);
    await addOrderCharge(m.ctx, { orderId: o1.id, kind: "other", currency: "CNY", amount: "1" });
    expect((await orderProfitTotals(m.ctx, {})).profit).toBe("319.25");
    await addOrderCharge(m.ctx, { orderId: o1.id, kind: "other", currency: "CNY", amount: "1" });
    expect((await financeDashboard(m.ctx, {})).total.profit).toBe("318.25");
    // The job (pg-boss, every minute) does the same for every merchant with stale figures.
    await addOrderCharge(m.ctx, { orderId: o1.id, kind: "other", currency: "CNY", amount: "1" });
    expect(await pendingFacts(m.ctx)).toBe(1);
    await refreshAllFinanceFacts(testDb());
    expect(await pendingFacts(m.ctx)).toBe(0);

    // Country: the orders' 收货国家, in the list, the totals and the dashboard's country view.
    await testDb().update(orders).set({ country: "US" }).where(and(eq(orders.orgId, m.org.orgId), eq(orders.id, o2.id)));
    expect((await listOrderProfit(m.ctx, { country: "US" })).items.map((p) => p.orderId)).toEqual([o2.id]);
    expect((await listOrderProfit(m.ctx, { country: "CN" })).items.map((p) => p.orderId)).not.toContain(o2.id);
    const us = await orderProfitTotals(m.ctx, { country: "US" });
    expect(us).toMatchObject({ orders: 1, profit: "319.09", capped: false });
    const d = await financeDashboard(m.ctx, {});
    expect(d.byCountry.find((r) => r.key === "US")!.totals).toMatchObject({ orders: 1, profit: "319.09" });
    expect((await orderProfitTotals(m.ctx, { country: "US", marginBelow: "90" })).profit).toBe("319.09");
    // Country with shop or platform reads the detail rows; without, the country roll-up.
    expect(await orderProfitTotals(m.ctx, { country: "US", accountId: usAccount.id })).toMatchObject({ orders: 1, profit: "319.09" });
    expect(await orderProfitTotals(m.ctx, { country: "US", platform: "shopify" })).toMatchObject({ orders: 1, profit: "319.09" });
    expect(await orderProfitTotals(m.ctx, { country: "US", platform: "manual" })).toMatchObject({ orders: 0, profit: "0.00" });
    expect((await financeDashboard(m.ctx, { accountId: usAccount.id })).byCountry.map((r) => [r.key, r.profit])).toEqual([["US", "319.09"]]);
    expect((await orderProfitTotals(m.ctx, { country: "US", marginBelow: "50" })).orders).toBe(0);

    // A SKU's totals over a range read whole months from the monthly sums and the edges from the daily ones:
    // the same as summing the list filtered the same way, for ranges inside, across and along month ends.
    await testDb().update(orders).set({ createdAt: new Date("2021-06-02T04:00:00Z") }).where(and(eq(orders.orgId, m.org.orgId), eq(orders.id, o1.id)));
    await testDb().update(orders).set({ createdAt: new Date("2021-07-31T15:00:00Z") }).where(and(eq(orders.orgId, m.org.orgId), eq(orders.id, o2.id))); // 08-01 in Shanghai
    const ranges: { from?: string; to?: string }[] = [{}, { from: "2021-06-01", to: "2021-06-30" }, { from: "2021-06-02", to: "2021-06-02" }, { from: "2021-06-03", to: "2021-08-01" }, { from: "2021-05-15" }, { to: "2021-07-31" }, { to: "2021-08-01" }, { from: "2021-08-01" }, { from: "2021-06-15", to: "2021-09-30" }];
    for (const sku of [A, B])
      for (const r of ranges) {
        const listed = (await listOrderProfit(m.ctx, { sku, ...r, limit: 100 })).items.filter((p) => p.profit !== null);
        const t = await orderProfitTotals(m.ctx, { sku, ...r });
        expect([t.orders, t.profit], JSON.stringify({ sku, ...r })).toEqual([listed.length, listed.reduce((s, p) => s.plus(p.profit!), dec(0)).toFixed(2)]);
        const d = await financeDashboard(m.ctx, r);
        expect(d.bySku.find((x) => x.key === sku)?.totals ?? { orders: 0 }, JSON.stringify({ sku, ...r })).toMatchObject({ orders: t.orders, ...(t.orders ? { profit: t.profit } : {}) });
      }

    // A merchant can still be deleted: its orders, costs, rates and stock go without marking anything stale.
    await testDb().delete(organizations).where(eq(organizations.id, m.org.orgId));
    const [left] = await testDb().execute<{ n: number }>(sql`
      select ((select count(*) from order_profit_stale where org_id = ${m.org.orgId}) + (select count(*) from finance_stale_ranges where org_id = ${m.org.orgId})
        + (select count(*) from finance_daily where org_id = ${m.org.orgId}))::int as n`);
    expect(left!.n).toBe(0);
  });
});

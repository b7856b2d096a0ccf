import { type z } from "zod";
import { type Decimal, dec } from "@/lib/decimal";
import { minorUnit } from "@/lib/finance/currency";
import { FinanceDashboardInput, type DashboardGranularity } from "@/lib/validators/finance-dashboard";
import type { ServiceContext } from "@/server/context";
import { asReport } from "../_lib/report";
import { allMatching, profitSums, type OrderProfit } from "./profit";

/**
 * 经营看板: sales, orders, profit and margin per day / week / month and by shop, platform, SKU (top 20) and
 * country, with the refund and return rates. Every figure comes from the order-profit computation
 * (`allMatching` → computeProfits) and is summed by `profitSums`, exactly as the order-profit list's totals
 * row sums it, so the dashboard's total for a filter is the list's total for the same filter
 * (tests/integration/finance-dashboard.test.ts). Computed per order at request time, up to COUNT_CAP
 * orders (`capped`); pre-aggregated daily figures are not built yet (DEVELOPING.md, finance).
 *
 * - sales = items revenue + shipping charged (reporting currency); net = sales − refunds; margin = profit ÷ net.
 * - refund rate = refunds ÷ sales; return rate = orders with a received return ÷ orders (both percent, 2 dp).
 * - An order that contains several SKUs counts under each of them (the list filtered by that SKU shows the
 *   same orders), so the SKU rows do not add up to the total; shop, platform, country and period rows do.
 * - Orders missing a rate have no profit: counted in `missingRateOrders`, left out of every sum.
 */

const TOP_SKUS = 20;

function bucketOf(day: string, g: DashboardGranularity): string {
  if (g === "day") return day;
  if (g === "month") return day.slice(0, 7);
  // ISO week, named by its Monday.
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

function group() {
  const sums = profitSums();
  let returned = 0;
  let units = dec(0);
  return {
    add(p: OrderProfit, unitsOfSku?: string) {
      if (!sums.add(p)) return;
      if (p.refundReturns.length) returned++;
      if (unitsOfSku !== undefined) units = units.plus(unitsOfSku);
    },
    result(quote: string) {
      const r = sums.result(quote);
      const sales = dec(r.itemsRevenue).plus(r.shipping);
      const pct = (a: Decimal, b: Decimal) => (b.gt(0) ? a.div(b).times(100).toDecimalPlaces(2).toFixed(2) : null);
      return {
        orders: r.orders,
        missingRateOrders: r.missingRateOrders,
        sales: sales.toFixed(minorUnit(quote || "CNY")),
        refunds: r.refunds,
        profit: r.profit,
        margin: r.margin,
        refundRate: pct(dec(r.refunds), sales),
        returnedOrders: returned,
        returnRate: pct(dec(returned), dec(r.orders)),
        units: units.toFixed(),
        totals: r,
      };
    },
  };
}

type Group = ReturnType<typeof group>;
type GroupResult = ReturnType<Group["result"]>;

function keyed() {
  const m = new Map<string, { label: string | null; g: Group }>();
  return {
    at(key: string, label: string | null) {
      let e = m.get(key);
      if (!e) m.set(key, (e = { label, g: group() }));
      return e.g;
    },
    rows(quote: string): ({ key: string; label: string | null } & GroupResult)[] {
      return [...m].map(([key, e]) => ({ key, label: e.label, ...e.g.result(quote) }));
    },
  };
}

const bySalesDesc = (a: { sales: string; key: string }, b: { sales: string; key: string }) => dec(b.sales).cmp(a.sales) || a.key.localeCompare(b.key);

export const financeDashboard = (ctx: ServiceContext, raw: z.input<typeof FinanceDashboardInput>) => {
  const input = FinanceDashboardInput.parse(raw);
  return asReport(ctx, async (c) => {
    const total = group();
    const series = keyed();
    const shops = keyed();
    const platforms = keyed();
    const skus = keyed();
    const countries = keyed();
    let quote = "";
    let capped = false;
    for await (const batch of allMatching(c, { accountId: input.accountId, from: input.from, to: input.to })) {
      quote = batch.quote;
      capped ||= batch.capped;
      for (const p of batch.profits) {
        total.add(p);
        series.at(bucketOf(p.day, input.granularity), null).add(p);
        shops.at(p.accountId ?? "", p.shopAlias).add(p);
        platforms.at(p.platform, null).add(p);
        countries.at(p.country || "", null).add(p);
        const units = new Map<string, Decimal>();
        for (const l of p.lines) units.set(l.sku, (units.get(l.sku) ?? dec(0)).plus(l.quantity));
        for (const [sku, q] of units) skus.at(sku, null).add(p, q.toFixed());
      }
    }
    const skuRows = skus.rows(quote).sort(bySalesDesc);
    return {
      reportingCurrency: quote,
      granularity: input.granularity,
      capped,
      total: total.result(quote),
      series: series.rows(quote).sort((a, b) => a.key.localeCompare(b.key)),
      byShop: shops.rows(quote).sort(bySalesDesc),
      byPlatform: platforms.rows(quote).sort(bySalesDesc),
      bySku: skuRows.slice(0, TOP_SKUS),
      skuCount: skuRows.length,
      byCountry: countries.rows(quote).sort(bySalesDesc),
    };
  });
};

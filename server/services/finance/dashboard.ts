import { sql } from "drizzle-orm";
import { type z } from "zod";
import { type Decimal, dec } from "@/lib/decimal";
import { minorUnit } from "@/lib/finance/currency";
import { FinanceDashboardInput } from "@/lib/validators/finance-dashboard";
import type { ServiceContext } from "@/server/context";
import { asReport } from "../_lib/report";
import { dailyGroups, skuGroups, type DailySums } from "./daily";
import { catchUp, noJit } from "./facts";
import { sumsResult } from "./profit";
import { reportingCurrency } from "./settings";

/**
 * 经营看板: sales, orders, profit and margin per day / week / month and by shop, platform, SKU (top 20) and
 * country, with the refund and return rates. Every figure comes from the stored daily sums (daily.ts: per
 * merchant × day × shop × platform × country, and × SKU per day and per month), which sum the stored
 * per-order figures (facts.ts ← computeProfits) exactly as the order-profit list's totals row does
 * (`sumsResult`), so the dashboard's total for a filter is the list's total for the same filter
 * (tests/integration/finance-dashboard.test.ts). Exact over every order (`capped` is always false);
 * `pending` counts orders whose stored figures wait for the refresh job.
 *
 * - sales = items revenue + shipping charged (reporting currency); net = sales − refunds; margin = profit ÷ net.
 * - refund rate = refunds ÷ sales; return rate = orders with a received return ÷ orders (both percent, 2 dp).
 * - An order that contains several SKUs counts under each of them (the list filtered by that SKU shows the
 *   same orders), so the SKU rows do not add up to the total; shop, platform, country and period rows do.
 * - Orders missing a rate have no profit: counted in `missingRateOrders`, left out of every sum.
 */

const TOP_SKUS = 20;

/** A bucket's figures, in the shape every dashboard row has (`totals` is the list's totals row shape). */
function groupResult(quote: string, s: DailySums) {
  const r = sumsResult(quote, s);
  const sales = dec(r.itemsRevenue).plus(r.shipping);
  const pct = (a: Decimal, b: Decimal) =>
    b.gt(0) ? a.div(b).times(100).toDecimalPlaces(2).toFixed(2) : null;
  return {
    orders: r.orders,
    missingRateOrders: r.missingRateOrders,
    sales: sales.toFixed(minorUnit(quote || "CNY")),
    refunds: r.refunds,
    profit: r.profit,
    margin: r.margin,
    refundRate: pct(dec(r.refunds), sales),
    returnedOrders: s.returnedOrders,
    returnRate: pct(dec(s.returnedOrders), dec(r.orders)),
    units: s.units.toFixed(),
    totals: r,
  };
}

type GroupResult = ReturnType<typeof groupResult>;

const bySalesDesc = (a: { sales: string; key: string }, b: { sales: string; key: string }) =>
  dec(b.sales).cmp(a.sales) || a.key.localeCompare(b.key);

export const financeDashboard = async (ctx: ServiceContext, raw: z.input<typeof FinanceDashboardInput>) => {
  const input = FinanceDashboardInput.parse(raw);
  const pending = await catchUp(ctx);
  const f = { accountId: input.accountId, from: input.from, to: input.to };
  // Two reports side by side (two of the REPORT_CONCURRENCY slots, two connections): the day roll-ups and the SKU view.
  const [[quote, groups, labels], skus] = await Promise.all([
    asReport(ctx, async (c) => {
      await noJit(c);
      const quote = await reportingCurrency(c);
      const groups = await dailyGroups(c, f, input.granularity);
      const labels = groups.shops.size
        ? new Map(
            (
              await c.db.execute<{ id: string; alias: string }>(sql`
                select id::text as id, alias from channel_accounts where org_id = ${c.orgId}
                  and id::text in (${sql.join(
                    [...groups.shops.keys()].map((k) => sql`${k}`),
                    sql`, `,
                  )})`)
            ).map((r) => [r.id, r.alias]),
          )
        : new Map<string, string>();
      return [quote, groups, labels] as const;
    }),
    asReport(ctx, async (c) => {
      await noJit(c);
      return skuGroups(c, f, TOP_SKUS);
    }),
  ]);
  const rows = (
    m: Map<string, DailySums>,
    label: (k: string) => string | null = () => null,
  ): ({ key: string; label: string | null } & GroupResult)[] =>
    [...m].map(([key, s]) => ({ key, label: label(key), ...groupResult(quote, s) }));
  return {
    reportingCurrency: quote,
    granularity: input.granularity,
    capped: false,
    pending,
    total: groupResult(quote, groups.total),
    series: rows(groups.series).sort((a, b) => a.key.localeCompare(b.key)),
    byShop: rows(groups.shops, (k) => labels.get(k) ?? null).sort(bySalesDesc),
    byPlatform: rows(groups.platforms).sort(bySalesDesc),
    bySku: skus.rows
      .map((r) => ({ key: r.sku, label: null, ...groupResult(quote, r.sums) }))
      .sort(bySalesDesc),
    skuCount: skus.count,
    byCountry: rows(groups.countries).sort(bySalesDesc),
  };
};

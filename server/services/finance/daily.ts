import { sql, type SQL } from "drizzle-orm";
import { type z } from "zod";
import { type Decimal, dec } from "@/lib/decimal";
import type { OrderProfitFilter } from "@/lib/validators/finance";
import type { OrgScope } from "@/server/context";
import { ALL } from "./facts";

/**
 * Reads of the daily sums (`finance_daily`, `finance_daily_sku`, `finance_monthly_sku`, kept by facts.ts):
 * the totals row of a filter they cover, and the dashboard's groupings. A SKU range reads whole months
 * from the monthly table and only the partial months at its ends from the daily one.
 */

type Filter = z.output<typeof OrderProfitFilter>;

export const SUM_FIELDS = ["itemsRevenue", "shipping", "refunds", "platformFees", "productCost", "freight", "packaging", "otherCosts", "profit"] as const;
export type SumField = (typeof SUM_FIELDS)[number];
const COLUMNS: Record<SumField, string> = {
  itemsRevenue: "items_revenue",
  shipping: "shipping",
  refunds: "refunds",
  platformFees: "platform_fees",
  productCost: "product_cost",
  freight: "freight",
  packaging: "packaging",
  otherCosts: "other_costs",
  profit: "profit",
};

export type DailySums = {
  orders: number;
  missingRateOrders: number;
  returnedOrders: number;
  units: Decimal;
  figures: Record<SumField, Decimal>;
  rates: string[];
};

/** `sum(...)` of every measure of a daily-sum row set `r`, as text (exact). */
const measures = (withUnits: boolean) =>
  sql.raw(
    [
      "coalesce(sum(r.orders), 0)::int as orders",
      "coalesce(sum(r.missing_rate_orders), 0)::int as missing",
      "coalesce(sum(r.returned_orders), 0)::int as returned",
      withUnits ? "coalesce(sum(r.units), 0)::text as units" : "'0' as units",
      ...SUM_FIELDS.map((f) => `coalesce(sum(r.${COLUMNS[f]}), 0)::text as "${f}"`),
    ].join(", "),
  );

type MeasureRow = { orders: number; missing: number; returned: number; units: string } & Record<SumField, string>;

const toSums = (r: MeasureRow | undefined, rates: string[]): DailySums => ({
  orders: r?.orders ?? 0,
  missingRateOrders: r?.missing ?? 0,
  returnedOrders: r?.returned ?? 0,
  units: dec(r?.units ?? 0),
  figures: Object.fromEntries(SUM_FIELDS.map((f) => [f, dec(r?.[f] ?? 0)])) as Record<SumField, Decimal>,
  rates,
});

const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
const firstOfMonth = (day: string) => `${day.slice(0, 7)}-01`;
const firstOfNextMonth = (day: string) => {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * finance_daily rows of a merchant in a date range, filtered by shop / platform / country, from the row
 * set that answers it: the detail rows when country is combined with shop or platform, the
 * (day, ALL, ALL, country) roll-up for country alone, else the (day, shop, platform, ALL) roll-up.
 */
function dailyWhere(ctx: OrgScope, f: Pick<Filter, "from" | "to" | "accountId" | "platform" | "country">): SQL {
  const parts: SQL[] = [sql`r.org_id = ${ctx.orgId}`];
  if (f.from) parts.push(sql`r.day >= ${f.from}::date`);
  if (f.to) parts.push(sql`r.day <= ${f.to}::date`);
  if (f.country && (f.accountId || f.platform)) parts.push(sql`r.country = ${f.country} and r.account_key <> ${ALL}`);
  else if (f.country) parts.push(sql`r.country = ${f.country} and r.account_key = ${ALL}`);
  else parts.push(sql`r.country = ${ALL} and r.account_key <> ${ALL}`);
  if (f.accountId) parts.push(sql`r.account_key = ${f.accountId}`);
  if (f.platform) parts.push(sql`r.platform = ${f.platform}`);
  return sql.join(parts, sql` and `);
}

/**
 * The SKU rows of a date range (and shop, one SKU): whole months from finance_monthly_sku, the days of
 * partial months from finance_daily_sku. Columns: sku, account_key and the measures.
 */
export function skuRows(ctx: OrgScope, f: { from?: string; to?: string; accountId?: string; sku?: string }): SQL {
  const extra = (alias: string) =>
    sql.join(
      [sql.raw(""), sql`${sql.raw(alias)}.account_key = ${f.accountId ?? ALL}`, ...(f.sku ? [sql`${sql.raw(alias)}.sku = ${f.sku}`] : [])],
      sql` and `,
    );
  const cols = sql.raw(`sku, account_key, orders, missing_rate_orders, returned_orders, units, ${SUM_FIELDS.map((c) => COLUMNS[c]).join(", ")}, rates`);
  // Whole months: [monthFrom, monthTo) — null is unbounded.
  const monthFrom = f.from ? (f.from.endsWith("-01") ? f.from : firstOfNextMonth(f.from)) : null;
  const monthTo = f.to ? (addDays(f.to, 1).endsWith("-01") ? addDays(f.to, 1) : firstOfMonth(f.to)) : null;
  if (monthFrom && monthTo && monthFrom >= monthTo) {
    return sql`select ${cols} from finance_daily_sku d where d.org_id = ${ctx.orgId} and d.day >= ${f.from}::date and d.day <= ${f.to}::date${extra("d")}`;
  }
  const monthly = sql`select ${cols} from finance_monthly_sku m where m.org_id = ${ctx.orgId}${monthFrom ? sql` and m.month >= ${monthFrom}::date` : sql``}${monthTo ? sql` and m.month < ${monthTo}::date` : sql``}${extra("m")}`;
  const edges: SQL[] = [];
  if (f.from && monthFrom && f.from < monthFrom) edges.push(sql`(d.day >= ${f.from}::date and d.day < ${monthFrom}::date)`);
  if (f.to && monthTo && monthTo <= f.to) edges.push(sql`(d.day >= ${monthTo}::date and d.day <= ${f.to}::date)`);
  if (!edges.length) return monthly;
  return sql`${monthly} union all select ${cols} from finance_daily_sku d where d.org_id = ${ctx.orgId} and (${sql.join(edges, sql` or `)})${extra("d")}`;
}

/**
 * The totals of a filter the daily sums cover, or null when they do not (a margin filter; a SKU with
 * platform or country; a SKU spelled two ways in one merchant's orders, which the stored rows would count twice).
 */
export async function dailyTotals(ctx: OrgScope, f: Filter): Promise<DailySums | null> {
  if (f.marginBelow) return null;
  if (f.sku) {
    if (f.platform || f.country) return null;
    const spellings = await ctx.db.execute<{ sku: string }>(sql`
      select distinct sku from order_profit_fact_skus where org_id = ${ctx.orgId} and sku_key = lower(${f.sku}) limit 2`);
    if (spellings.length > 1) return null;
    if (!spellings.length) return toSums(undefined, []);
    const src = skuRows(ctx, { from: f.from, to: f.to, accountId: f.accountId, sku: spellings[0]!.sku });
    const [[row], rates] = await Promise.all([
      ctx.db.execute<MeasureRow>(sql`select ${measures(true)} from (${src}) r`),
      ctx.db.execute<{ k: string }>(sql`select distinct k from (${src}) r, jsonb_object_keys(r.rates) k order by k`),
    ]);
    return toSums(row, rates.map((r) => r.k));
  }
  const where = dailyWhere(ctx, f);
  const [[row], rates] = await Promise.all([
    ctx.db.execute<MeasureRow>(sql`select ${measures(false)} from finance_daily r where ${where}`),
    ctx.db.execute<{ k: string }>(sql`select distinct k from finance_daily r, jsonb_object_keys(r.rates) k where ${where} order by k`),
  ]);
  return toSums(row, rates.map((r) => r.k));
}

export type Granularity = "day" | "week" | "month";

const bucketSql = (g: Granularity) =>
  g === "day" ? sql.raw(`r.day::text`) : g === "week" ? sql.raw(`date_trunc('week', r.day)::date::text`) : sql.raw(`to_char(r.day, 'YYYY-MM')`);

export type Grouped = { total: DailySums; series: Map<string, DailySums>; shops: Map<string, DailySums>; platforms: Map<string, DailySums>; countries: Map<string, DailySums> };

type GroupRow = { g: number; bucket: string | null; account_key: string | null; platform: string | null };

/**
 * The dashboard's total, period series and shop / platform groups (one grouping-sets pass over the
 * (day, shop, platform, ALL) roll-up), and its country groups (the (day, ALL, ALL, country) roll-up, or the
 * shop's detail rows).
 */
export async function dailyGroups(ctx: OrgScope, f: { from?: string; to?: string; accountId?: string }, g: Granularity): Promise<Grouped> {
  const sets = sql.raw(`grouping sets ((), (bucket), (account_key), (platform))`);
  const src = sql`select ${bucketSql(g)} as bucket, r.account_key, r.platform, r.orders, r.missing_rate_orders, r.returned_orders, ${sql.raw(
    SUM_FIELDS.map((c) => `r.${COLUMNS[c]}`).join(", "),
  )}, r.rates from finance_daily r where ${dailyWhere(ctx, f)}`;
  const byCountry = sql`select r.country, r.orders, r.missing_rate_orders, r.returned_orders, ${sql.raw(SUM_FIELDS.map((c) => `r.${COLUMNS[c]}`).join(", "))}, r.rates
    from finance_daily r where r.org_id = ${ctx.orgId}${f.from ? sql` and r.day >= ${f.from}::date` : sql``}${f.to ? sql` and r.day <= ${f.to}::date` : sql``}
      and ${f.accountId ? sql`r.account_key = ${f.accountId} and r.country <> ${ALL}` : sql`r.account_key = ${ALL}`}`;
  type Row = MeasureRow & GroupRow;
  const [rows, rates, countryRows, countryRates] = await Promise.all([
    ctx.db.execute<Row>(sql`
      select grouping(bucket, account_key, platform) as g, bucket, account_key, platform, ${measures(false)}
      from (${src}) r group by ${sets}`),
    ctx.db.execute<GroupRow & { ks: string[] }>(sql`
      select grouping(bucket, account_key, platform) as g, bucket, account_key, platform, array_agg(distinct k order by k) as ks
      from (${src}) r, jsonb_object_keys(r.rates) k group by ${sets}`),
    ctx.db.execute<MeasureRow & { country: string }>(sql`select r.country, ${measures(false)} from (${byCountry}) r group by r.country`),
    ctx.db.execute<{ country: string; ks: string[] }>(sql`
      select r.country, array_agg(distinct k order by k) as ks from (${byCountry}) r, jsonb_object_keys(r.rates) k group by r.country`),
  ]);
  const keyOf = (r: GroupRow) => (r.g === 7 ? "total" : r.g === 3 ? `s|${r.bucket}` : r.g === 5 ? `a|${r.account_key}` : `p|${r.platform}`);
  const ratesOf = new Map(rates.map((r) => [keyOf(r), r.ks]));
  const out: Grouped = { total: toSums(undefined, []), series: new Map(), shops: new Map(), platforms: new Map(), countries: new Map() };
  for (const r of rows) {
    const s = toSums(r, ratesOf.get(keyOf(r)) ?? []);
    if (r.g === 7) out.total = s;
    else if (r.g === 3) out.series.set(r.bucket!, s);
    else if (r.g === 5) out.shops.set(r.account_key!, s);
    else out.platforms.set(r.platform!, s);
  }
  const countryRatesOf = new Map(countryRates.map((r) => [r.country, r.ks]));
  for (const r of countryRows) out.countries.set(r.country, toSums(r, countryRatesOf.get(r.country) ?? []));
  return out;
}

/** The SKU view: the top `limit` SKUs by sales (items + shipping) and how many SKUs there are. */
export async function skuGroups(ctx: OrgScope, f: { from?: string; to?: string; accountId?: string }, limit: number) {
  const src = skuRows(ctx, f);
  // One pass: the groups, the top `limit` of them, and how many groups there are (a window over the groups).
  const top = await ctx.db.execute<MeasureRow & { sku: string; n: number }>(sql`
    select r.sku, ${measures(true)}, (count(*) over ())::int as n from (${src}) r group by r.sku
    order by coalesce(sum(r.items_revenue), 0) + coalesce(sum(r.shipping), 0) desc, r.sku limit ${limit}`);
  const count = top[0] ? { n: top[0].n } : undefined;
  const skus = top.map((r) => r.sku);
  const rates = skus.length
    ? await ctx.db.execute<{ sku: string; ks: string[] }>(sql`
        select r.sku, array_agg(distinct k order by k) as ks from (${src}) r, jsonb_object_keys(r.rates) k
        where r.sku in (${sql.join(skus.map((s) => sql`${s}`), sql`, `)}) group by r.sku`)
    : [];
  const ratesOf = new Map(rates.map((r) => [r.sku, r.ks]));
  return { rows: top.map((r) => ({ sku: r.sku, sums: toSums(r, ratesOf.get(r.sku) ?? []) })), count: count?.n ?? 0 };
}

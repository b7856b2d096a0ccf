import { sql, type SQL } from "drizzle-orm";
import { type z } from "zod";
import { type Decimal, dec } from "@/lib/decimal";
import { minorUnit } from "@/lib/finance/currency";
import { OrderProfitFilter, OrderProfitListInput } from "@/lib/validators/finance";
import { isTransaction, type OrgScope, type ServiceContext } from "@/server/context";
import { fieldError, notFound } from "@/server/errors";
import { COUNT_CAP, decodeCursor, encodeCursor, type Cursor } from "../_lib/keyset";
import { merchantSettings } from "../_lib/settings";
import { writeTable, type ColumnSpec, type TableFormat } from "../_lib/tabular";
import { reportingCurrency } from "./settings";
import { computeProfits, orderHeads, type OrderProfit } from "./compute";
import { catchUp, noJit } from "./facts";
import { dailyTotals } from "./daily";
import { asReport } from "../_lib/report";

export type { OrderProfit, ProfitLine } from "./compute";

/**
 * 订单利润 reads: the list, the totals row and the export read the stored figures (facts.ts, daily.ts);
 * one order's detail with its sources is computed on the spot (`computeProfits`, compute.ts — the one
 * computation the stored figures are made of).
 */

type Filter = z.output<typeof OrderProfitFilter>;

export const TOTAL_FIELDS = ["itemsRevenue", "shipping", "refunds", "platformFees", "productCost", "freight", "packaging", "otherCosts", "profit"] as const;
export type TotalField = (typeof TOTAL_FIELDS)[number];

function marginLimit(raw: unknown): Decimal | null {
  if (raw === undefined || raw === null || raw === "") return null;
  try {
    return dec(String(raw).trim());
  } catch {
    throw fieldError("marginBelow", "decimalFormat");
  }
}

/** A row of the order-profit list: the stored figures of one order (`order_profit_facts`). */
export type OrderProfitRow = Pick<
  OrderProfit,
  | "orderId"
  | "orderNo"
  | "status"
  | "createdAt"
  | "day"
  | "platform"
  | "accountId"
  | "shopAlias"
  | "country"
  | "currency"
  | "reportingCurrency"
  | TotalField
  | "margin"
  | "ratesUsed"
  | "missingRates"
  | "missingCosts"
> & {
  /** Items revenue + shipping charged, in the order's currency (the export). */
  originalRevenue: string;
};

type FactRow = OrderProfitRow & { sortKey: string };

/** The list's filters on the stored figures (`f`: order_profit_facts; `s`: order_profit_fact_skus when filtering by SKU). */
function factFilter(ctx: OrgScope, f: Filter, tz: string, margin: Decimal | null): SQL {
  const parts: SQL[] = [sql`f.org_id = ${ctx.orgId}`];
  if (f.accountId) parts.push(sql`f.account_id = ${f.accountId}`);
  if (f.platform) parts.push(sql`f.platform = ${f.platform}`);
  if (f.country) parts.push(sql`f.country = ${f.country}`);
  const at = f.sku ? sql`s.created_at` : sql`f.created_at`;
  if (f.sku) parts.push(sql`s.org_id = ${ctx.orgId} and s.sku_key = lower(${f.sku})`);
  if (f.from) parts.push(sql`${at} >= (${f.from}::date)::timestamp at time zone ${tz}`);
  if (f.to) parts.push(sql`${at} < ((${f.to}::date + 1)::timestamp at time zone ${tz})`);
  if (margin) parts.push(sql`f.margin < ${margin.toFixed()}::numeric`);
  return sql.join(parts, sql` and `);
}

/** Stored figures, newest first, from `cursor` on (the list's pages and the capped totals of a margin filter). */
async function factRows(ctx: OrgScope, f: Filter, tz: string, margin: Decimal | null, cursor: Cursor | null, limit: number): Promise<FactRow[]> {
  const where = factFilter(ctx, f, tz, margin);
  // By SKU the walk is on the SKU's own index (order_profit_fact_skus), else on the facts'.
  const [at, id, from] = f.sku
    ? [sql`s.created_at`, sql`s.order_id`, sql`order_profit_fact_skus s join order_profit_facts f on f.org_id = s.org_id and f.order_id = s.order_id`]
    : [sql`f.created_at`, sql`f.order_id`, sql`order_profit_facts f`];
  const after = cursor ? sql` and (${at}, ${id}) < (${cursor.v}::timestamptz, ${cursor.id}::uuid)` : sql``;
  const rows = await ctx.db.execute<FactRow>(sql`
    select f.order_id as "orderId", f.order_no as "orderNo", f.status, f.created_at::text as "createdAt", f.created_at::text as "sortKey",
      f.day::text as day, f.platform, f.account_id as "accountId", ca.alias as "shopAlias", f.country, f.currency, f.reporting_currency as "reportingCurrency",
      f.items_revenue as "itemsRevenue", f.shipping, f.refunds, f.platform_fees as "platformFees", f.product_cost as "productCost", f.freight,
      f.packaging, f.other_costs as "otherCosts", f.profit, f.margin::text as margin, f.rates_used as "ratesUsed",
      f.missing_rates as "missingRates", f.missing_costs as "missingCosts", f.original_revenue as "originalRevenue"
    from ${from}
    left join channel_accounts ca on ca.org_id = f.org_id and ca.id = f.account_id
    where ${where}${after}
    order by ${at} desc, ${id} desc
    limit ${limit}`);
  return [...rows].map((r) => {
    const scale = minorUnit(r.reportingCurrency);
    const money = Object.fromEntries(TOTAL_FIELDS.map((k) => [k, r[k] === null ? null : dec(r[k]).toFixed(scale)])) as Record<TotalField, string | null>;
    return { ...r, ...money, originalRevenue: dec(r.originalRevenue).toFixed(minorUnit(r.currency)) };
  });
}

/**
 * 订单利润列表: newest orders first, keyset pages, over the stored figures (`order_profit_facts`, brought up
 * to date first when little is stale: `catchUp`; `pending` says how many orders still wait for the job).
 * Every filter is a condition on the stored row, so a margin filter pages like any other.
 */
export async function listOrderProfit(ctx: ServiceContext, raw: z.input<typeof OrderProfitListInput>) {
  const input = OrderProfitListInput.parse(raw);
  const margin = marginLimit(input.marginBelow);
  const pending = await catchUp(ctx);
  const { timezone } = await merchantSettings(ctx);
  const quote = await reportingCurrency(ctx);
  const rows = await factRows(ctx, input, timezone, margin, decodeCursor(input.cursor), input.limit + 1);
  const more = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const items: OrderProfitRow[] = page.map(({ sortKey: _s, ...r }) => r);
  return { items, nextCursor: more && last ? encodeCursor({ v: last.sortKey, id: last.orderId }) : null, reportingCurrency: quote, pending };
}

/** One order's profit with its sources (the detail panel). */
export async function orderProfit(ctx: ServiceContext, orderId: string) {
  const { timezone } = await merchantSettings(ctx);
  const quote = await reportingCurrency(ctx);
  const [head] = await orderHeads(ctx, sql`o.org_id = ${ctx.orgId} and o.id = ${orderId}`, timezone, null, 1);
  if (!head) throw notFound("order");
  const [p] = await computeProfits(ctx, [head], quote, timezone);
  return p!;
}


/**
 * The totals row: sums of the orders whose profit is known (an order missing a rate is counted in
 * `missingRateOrders`, not summed), margin of the sums. From the daily sums when the filter is theirs
 * (dates, shop, platform, country — or dates, shop and one SKU): exact over every order. A margin filter
 * (or SKU with platform or country) is a condition on each order: summed over the newest COUNT_CAP
 * matching stored rows (`capped` beyond). A report (asReport): gated and statement-timed.
 */
export const orderProfitTotals = async (ctx: ServiceContext, raw: z.input<typeof OrderProfitFilter>) => {
  const f = OrderProfitFilter.parse(raw);
  await catchUp(ctx);
  return asReport(ctx, (c) => profitTotals(c, f));
};

type Sums = { orders: number; missingRateOrders: number; figures: Record<TotalField, Decimal>; rates: Iterable<string> };

/** The one shape of summed figures (the totals row and every dashboard bucket), from sums of per-order rounded figures. */
export function sumsResult(quote: string, s: Sums) {
  const net = s.figures.itemsRevenue.plus(s.figures.shipping).minus(s.figures.refunds);
  const scale = minorUnit(quote || "CNY");
  return {
    orders: s.orders,
    missingRateOrders: s.missingRateOrders,
    ...(Object.fromEntries(TOTAL_FIELDS.map((f) => [f, s.figures[f].toFixed(scale)])) as Record<TotalField, string>),
    margin: net.gt(0) ? s.figures.profit.div(net).times(100).toDecimalPlaces(2).toFixed(2) : null,
    ratesUsed: [...new Set(s.rates)].sort(),
  };
}

/** Sums stored rows (the capped path): each row's figures are already rounded at the reporting currency. */
function sumRows(rows: Pick<OrderProfitRow, TotalField | "ratesUsed">[]): Sums {
  const figures = Object.fromEntries(TOTAL_FIELDS.map((f) => [f, dec(0)])) as Record<TotalField, Decimal>;
  let orders = 0;
  let missingRateOrders = 0;
  const rates = new Set<string>();
  for (const p of rows) {
    if (p.profit === null) {
      missingRateOrders++;
      continue;
    }
    orders++;
    for (const f of TOTAL_FIELDS) figures[f] = figures[f].plus(p[f]!);
    for (const r of p.ratesUsed) rates.add(`${r.currency} ${r.rateDate}`);
  }
  return { orders, missingRateOrders, figures, rates };
}

async function profitTotals(ctx: ServiceContext, f: Filter) {
  if (isTransaction(ctx.db)) await noJit({ db: ctx.db });
  const quote = await reportingCurrency(ctx);
  const margin = marginLimit(f.marginBelow);
  let sums: Sums | null = null;
  let capped = false;
  if (!margin && !(f.sku && (f.platform || f.country))) sums = await dailyTotals(ctx, f);
  if (!sums) {
    const { timezone } = await merchantSettings(ctx);
    const rows = await factRows(ctx, f, timezone, margin, null, COUNT_CAP + 1);
    capped = rows.length > COUNT_CAP;
    sums = sumRows(rows.slice(0, COUNT_CAP));
  }
  const { orders, missingRateOrders, ...rest } = sumsResult(quote, sums);
  return { reportingCurrency: quote, orders, missingRateOrders, capped, ...rest };
}

export const ORDER_PROFIT_COLUMNS: ColumnSpec[] = [
  { key: "orderNo", header: "订单号 Order no." },
  { key: "day", header: "日期 Date" },
  { key: "platform", header: "平台 Platform" },
  { key: "shopAlias", header: "店铺 Shop" },
  { key: "country", header: "国家 Country" },
  { key: "currency", header: "订单币种 Order currency" },
  { key: "originalRevenue", header: "订单金额(原币) Revenue (order currency)" },
  { key: "reportingCurrency", header: "报表币种 Reporting currency" },
  { key: "itemsRevenue", header: "商品收入 Items revenue" },
  { key: "shipping", header: "运费收入 Shipping charged" },
  { key: "refunds", header: "退款 Refunds" },
  { key: "platformFees", header: "平台费用 Platform fees" },
  { key: "productCost", header: "商品成本 Product cost" },
  { key: "freight", header: "物流成本 Freight" },
  { key: "packaging", header: "包装成本 Packaging" },
  { key: "otherCosts", header: "其他成本 Other costs" },
  { key: "profit", header: "利润 Profit" },
  { key: "margin", header: "利润率% Margin %" },
  { key: "rates", header: "所用汇率 Rates used" },
  { key: "missing", header: "缺失 Missing" },
];

/** The list as filtered, every matching order (up to COUNT_CAP) plus a totals row; cells formula-safe (writeTable). */
export const exportOrderProfit = async (ctx: ServiceContext, format: TableFormat, raw: z.input<typeof OrderProfitFilter>) => {
  await catchUp(ctx);
  return asReport(ctx, (c) => profitTable(c, format, raw));
};

async function profitTable(ctx: ServiceContext, format: TableFormat, raw: z.input<typeof OrderProfitFilter>) {
  const f = OrderProfitFilter.parse(raw);
  const { timezone } = await merchantSettings(ctx);
  const rows: Record<string, unknown>[] = [];
  for (const p of await factRows(ctx, f, timezone, marginLimit(f.marginBelow), null, COUNT_CAP)) {
    rows.push({
      ...p,
      shopAlias: p.shopAlias ?? "",
      originalRevenue: p.originalRevenue,
      rates: p.ratesUsed.map((r) => `${r.currency}=${r.rate}@${r.rateDate}`).join("; "),
      missing: [...p.missingRates.map((c) => `rate:${c}`), ...p.missingCosts.map((s) => `cost:${s}`)].join("; "),
    });
  }
  const totals = await profitTotals(ctx, f);
  rows.push({ ...totals, orderNo: "合计 Total", reportingCurrency: totals.reportingCurrency, rates: totals.ratesUsed.join("; ") });
  return writeTable(format, ORDER_PROFIT_COLUMNS, rows);
}

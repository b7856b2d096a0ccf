import { sql } from "drizzle-orm";
import { type Decimal, dec } from "@/lib/decimal";
import { inTransaction, type ServiceContext, type TxContext } from "@/server/context";
import { merchantSettings } from "../_lib/settings";
import { computeProfits, EXCLUDED_STATUSES, orderHeads, type OrderProfit } from "./compute";
import { reportingCurrency } from "./settings";

/**
 * Stored finance figures: `order_profit_facts` (one row per counted order: what `computeProfits` says
 * about it) and the daily sums (`finance_daily`, `finance_daily_sku`, `finance_monthly_sku`) the totals
 * row and the dashboards read. See DEVELOPING.md, Finance.
 *
 * What is out of date is marked by triggers (migration 0018) in the transaction of the change itself:
 * one order → `order_profit_stale`; a change reaching many orders (SKU cost, exchange rate, stock receipt,
 * reporting currency, time zone) → one `finance_stale_ranges` row. `refreshFinanceFacts` brings them up to
 * date: one merchant at a time (an advisory lock), in batches of BATCH orders, each batch one transaction
 * that recomputes its orders with `computeProfits` — the one computation — replaces their facts and moves
 * the daily sums by the difference between the old and the new facts. It is run by the pg-boss job
 * (server/jobs/boss.ts, every minute, until nothing is stale) and, for the last few changes, by the reads
 * themselves (`catchUp`), so a merchant reads what they just did.
 */

const BATCH = 1_000;
/** Reads bring at most this many stale orders up to date first; beyond it they say how many are pending. */
export const CATCH_UP = 2_000;
/** `pending` is exact up to this many orders ("10,000 or more" beyond). */
export const PENDING_CAP = 10_000;

const FIGURES = ["itemsRevenue", "shipping", "refunds", "platformFees", "productCost", "freight", "packaging", "otherCosts", "profit"] as const;
type Figure = (typeof FIGURES)[number];
const COLUMNS: Record<Figure, string> = {
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

/** What one order adds to a daily sum (sign −1 takes it out again). */
type Fact = {
  orderId: string;
  day: string;
  accountKey: string;
  platform: string;
  country: string;
  figures: Record<Figure, string | null>;
  known: boolean;
  returned: boolean;
  rates: string[];
  skus: { sku: string; units: string }[];
};

type Sum = { orders: number; missingRateOrders: number; returnedOrders: number; units: Decimal; figures: Record<Figure, Decimal>; rates: Map<string, number> };

function emptySum(): Sum {
  return { orders: 0, missingRateOrders: 0, returnedOrders: 0, units: dec(0), figures: Object.fromEntries(FIGURES.map((f) => [f, dec(0)])) as Record<Figure, Decimal>, rates: new Map() };
}

function addTo(s: Sum, f: Fact, sign: 1 | -1, units?: string) {
  if (!f.known) {
    s.missingRateOrders += sign;
    return;
  }
  s.orders += sign;
  if (f.returned) s.returnedOrders += sign;
  if (units !== undefined) s.units = s.units.plus(dec(units).times(sign));
  for (const k of FIGURES) s.figures[k] = s.figures[k].plus(dec(f.figures[k]!).times(sign));
  for (const r of f.rates) s.rates.set(r, (s.rates.get(r) ?? 0) + sign);
}

/**
 * The roll-up key: a sum row with account_key / platform / country ALL sums every shop / platform /
 * country of its other keys (finance_daily: (day, shop, platform, ALL) and (day, ALL, ALL, country);
 * the SKU tables: (day|month, ALL, sku)), so a view reads a few rows per day instead of every combination.
 */
export const ALL = "*";

const monthOf = (day: string) => `${day.slice(0, 7)}-01`;

function factOf(p: OrderProfit): Fact {
  const units = new Map<string, Decimal>();
  for (const l of p.lines) units.set(l.sku, (units.get(l.sku) ?? dec(0)).plus(l.quantity));
  return {
    orderId: p.orderId,
    day: p.day,
    accountKey: p.accountId ?? "",
    platform: p.platform,
    country: p.country || "",
    figures: Object.fromEntries(FIGURES.map((f) => [f, p[f]])) as Record<Figure, string | null>,
    known: p.profit !== null,
    returned: p.refundReturns.length > 0,
    rates: p.ratesUsed.map((r) => `${r.currency} ${r.rateDate}`),
    skus: [...units].map(([sku, q]) => ({ sku, units: q.toFixed() })),
  };
}

type StoredRow = {
  orderId: string;
  day: string;
  accountId: string | null;
  platform: string;
  country: string;
  returned: boolean;
  missingRate: boolean;
  ratesUsed: { currency: string; rateDate: string }[];
} & Record<Figure, string | null>;

async function storedFacts(ctx: TxContext, ids: string[]): Promise<Fact[]> {
  const list = sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `);
  const [rows, skus] = await Promise.all([
    ctx.db.execute<StoredRow>(sql`
      select order_id as "orderId", day::text as day, account_id as "accountId", platform, country, returned, missing_rate as "missingRate", rates_used as "ratesUsed",
        items_revenue as "itemsRevenue", shipping, refunds, platform_fees as "platformFees", product_cost as "productCost", freight, packaging, other_costs as "otherCosts", profit
      from order_profit_facts where org_id = ${ctx.orgId} and order_id in (${list})`),
    ctx.db.execute<{ orderId: string; sku: string; units: string }>(sql`
      select order_id as "orderId", sku, units from order_profit_fact_skus where org_id = ${ctx.orgId} and order_id in (${list})`),
  ]);
  return [...rows].map((r) => ({
    orderId: r.orderId,
    day: r.day,
    accountKey: r.accountId ?? "",
    platform: r.platform,
    country: r.country,
    figures: Object.fromEntries(FIGURES.map((f) => [f, r[f]])) as Record<Figure, string | null>,
    known: !r.missingRate,
    returned: r.returned,
    rates: r.ratesUsed.map((x) => `${x.currency} ${x.rateDate}`),
    skus: [...skus].filter((s) => s.orderId === r.orderId).map((s) => ({ sku: s.sku, units: s.units })),
  }));
}

/** Turn the merchant's stale ranges into stale orders (over-marking is harmless: a refresh recomputes). */
async function expandRanges(ctx: TxContext) {
  const ranges = await ctx.db.execute<{ kind: string; productId: string | null; currency: string | null; fromAt: string | null; untilAt: string | null }>(sql`
    delete from finance_stale_ranges where org_id = ${ctx.orgId}
    returning kind, product_id as "productId", currency, from_at::text as "fromAt", until_at::text as "untilAt"`);
  if (!ranges.length) return;
  const org = ctx.orgId;
  const mark = (select: ReturnType<typeof sql>) => ctx.db.execute(sql`insert into order_profit_stale (org_id, order_id) ${select} on conflict do nothing`);
  if (ranges.some((r) => r.kind === "all")) {
    await mark(sql`select org_id, id from orders where org_id = ${org}`);
    return;
  }
  // One statement per product (earliest moment) and per currency (the hull of its days).
  const products = new Map<string, string>();
  const currencies = new Map<string, { from: string; until: string | null }>();
  for (const r of ranges) {
    if (r.kind === "product" && r.productId) {
      const cur = products.get(r.productId);
      if (!cur || r.fromAt! < cur) products.set(r.productId, r.fromAt!);
    } else if (r.kind === "rate" && r.currency) {
      const cur = currencies.get(r.currency);
      if (!cur) currencies.set(r.currency, { from: r.fromAt!, until: r.untilAt });
      else currencies.set(r.currency, { from: r.fromAt! < cur.from ? r.fromAt! : cur.from, until: cur.until === null || r.untilAt === null ? null : r.untilAt > cur.until ? r.untilAt : cur.until });
    }
  }
  for (const [productId, from] of products)
    await mark(sql`
      select o.org_id, o.id from orders o
      where o.org_id = ${org} and o.created_at >= ${from}::timestamptz
        and exists (select 1 from order_lines ol where ol.org_id = o.org_id and ol.order_id = o.id and ol.product_id = ${productId})`);
  for (const [, r] of currencies)
    await mark(sql`
      select org_id, id from orders
      where org_id = ${org} and created_at >= ${r.from}::timestamptz ${r.until ? sql`and created_at < ${r.until}::timestamptz` : sql``}`);
}

function sumsJson(m: Map<string, { key: Record<string, string>; s: Sum }>, withUnits: boolean) {
  return JSON.stringify(
    [...m.values()].map(({ key, s }) => ({
      ...key,
      orders: s.orders,
      missing_rate_orders: s.missingRateOrders,
      returned_orders: s.returnedOrders,
      ...(withUnits ? { units: s.units.toFixed() } : {}),
      ...Object.fromEntries(FIGURES.map((f) => [COLUMNS[f], s.figures[f].toFixed()])),
      rates: Object.fromEntries(s.rates),
    })),
  );
}

/** Move one daily-sum table by `deltas`, dropping the rows no order is in any more. */
async function applyDeltas(ctx: TxContext, table: "finance_daily" | "finance_daily_sku" | "finance_monthly_sku", keyCols: string[], keyTypes: string[], deltas: Map<string, { key: Record<string, string>; s: Sum }>) {
  if (!deltas.size) return;
  const withUnits = table !== "finance_daily";
  const valueCols = ["orders", "missing_rate_orders", "returned_orders", ...(withUnits ? ["units"] : []), ...FIGURES.map((f) => COLUMNS[f])];
  const valueTypes = ["int", "int", "int", ...(withUnits ? ["numeric"] : []), ...FIGURES.map(() => "numeric")];
  const cols = [...keyCols, ...valueCols, "rates"];
  const recordType = [...keyCols.map((c, i) => `${c} ${keyTypes[i]}`), ...valueCols.map((c, i) => `${c} ${valueTypes[i]}`), "rates jsonb"].join(", ");
  const set = [
    ...valueCols.map((c) => `${c} = coalesce(t.${c}, 0) + excluded.${c}`),
    "rates = finance_add_counts(t.rates, excluded.rates)",
  ].join(", ");
  const emptied = await ctx.db.execute<Record<string, string> & { empty: boolean }>(sql`
    insert into ${sql.raw(table)} as t (org_id, ${sql.raw(cols.join(", "))})
    select ${ctx.orgId}::uuid, ${sql.raw(cols.join(", "))} from jsonb_to_recordset(${sumsJson(deltas, withUnits)}::jsonb) as x(${sql.raw(recordType)})
    order by ${sql.raw(keyCols.join(", "))}
    on conflict (org_id, ${sql.raw(keyCols.join(", "))}) do update set ${sql.raw(set)}
    returning ${sql.raw(keyCols.map((c) => `${c}::text as ${c}`).join(", "))}, (t.orders = 0 and t.missing_rate_orders = 0) as empty`);
  const gone = [...emptied].filter((r) => r.empty).map(({ empty: _e, ...key }) => key);
  if (!gone.length) return;
  await ctx.db.execute(sql`
    delete from ${sql.raw(table)} t using jsonb_to_recordset(${JSON.stringify(gone)}::jsonb) as x(${sql.raw(keyCols.map((c, i) => `${c} ${keyTypes[i]}`).join(", "))})
    where t.org_id = ${ctx.orgId} and ${sql.raw(keyCols.map((c) => `t.${c} = x.${c}`).join(" and "))} and t.orders = 0 and t.missing_rate_orders = 0`);
}

function delta() {
  const m = new Map<string, { key: Record<string, string>; s: Sum }>();
  return {
    m,
    at(key: Record<string, string>) {
      const k = JSON.stringify(key);
      let e = m.get(k);
      if (!e) m.set(k, (e = { key, s: emptySum() }));
      return e.s;
    },
  };
}

/** One batch: claim up to BATCH stale orders, recompute, replace their facts, move the sums. Returns how many. */
async function refreshBatch(ctx: TxContext, quote: string, timezone: string): Promise<number> {
  const claimed = await ctx.db.execute<{ orderId: string }>(sql`
    select order_id as "orderId" from order_profit_stale where org_id = ${ctx.orgId}
    order by order_id limit ${BATCH} for update skip locked`);
  if (!claimed.length) return 0;
  const ids = claimed.map((c) => c.orderId);
  const list = sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `);
  const heads = (await orderHeads(ctx, sql`o.org_id = ${ctx.orgId} and o.id in (${list})`, timezone, null, ids.length)).filter(
    (h) => !(EXCLUDED_STATUSES as readonly string[]).includes(h.status),
  );
  const [profits, old] = await Promise.all([computeProfits(ctx, heads, quote, timezone), storedFacts(ctx, ids)]);
  const fresh = profits.map(factOf);

  const daily = delta();
  const dailySku = delta();
  const monthlySku = delta();
  for (const [facts, sign] of [
    [old, -1],
    [fresh, 1],
  ] as const) {
    for (const f of facts) {
      // Each order in its detail row and in the roll-ups the views read (ALL = every shop / platform / country).
      addTo(daily.at({ day: f.day, account_key: f.accountKey, platform: f.platform, country: f.country }), f, sign);
      addTo(daily.at({ day: f.day, account_key: f.accountKey, platform: f.platform, country: ALL }), f, sign);
      addTo(daily.at({ day: f.day, account_key: ALL, platform: ALL, country: f.country }), f, sign);
      for (const s of f.skus) {
        for (const account of [f.accountKey, ALL]) {
          addTo(dailySku.at({ day: f.day, account_key: account, sku: s.sku }), f, sign, s.units);
          addTo(monthlySku.at({ month: monthOf(f.day), account_key: account, sku: s.sku }), f, sign, s.units);
        }
      }
    }
  }
  // Fixed key order (the primary key's) so two refreshers of different merchants never matter and one never deadlocks itself.
  await applyDeltas(ctx, "finance_daily", ["day", "account_key", "platform", "country"], ["date", "text", "text", "text"], daily.m);
  await applyDeltas(ctx, "finance_daily_sku", ["day", "account_key", "sku"], ["date", "text", "text"], dailySku.m);
  await applyDeltas(ctx, "finance_monthly_sku", ["month", "account_key", "sku"], ["date", "text", "text"], monthlySku.m);

  await ctx.db.execute(sql`delete from order_profit_fact_skus where org_id = ${ctx.orgId} and order_id in (${list})`);
  await ctx.db.execute(sql`delete from order_profit_facts where org_id = ${ctx.orgId} and order_id in (${list})`);
  if (profits.length) {
    // One statement each (jsonb_to_recordset): the facts and their SKUs, created_at copied from the order as it is.
    const createdAt = new Map(heads.map((h) => [h.id, h.createdAt]));
    const factsJson = profits.map((p) => ({
      order_id: p.orderId,
      order_no: p.orderNo,
      status: p.status,
      created_at: createdAt.get(p.orderId)!,
      day: p.day,
      account_id: p.accountId,
      platform: p.platform,
      country: p.country || "",
      currency: p.currency,
      reporting_currency: p.reportingCurrency,
      original_revenue: dec(p.original.itemsRevenue).plus(p.original.shipping).toFixed(),
      ...Object.fromEntries(FIGURES.map((f) => [COLUMNS[f], p[f]])),
      margin: p.margin,
      rate_date: p.ratesUsed.reduce<string | null>((m, r) => (m === null || r.rateDate > m ? r.rateDate : m), null),
      rates_used: p.ratesUsed,
      missing_rate: p.profit === null,
      missing_rates: p.missingRates,
      missing_costs: p.missingCosts,
      returned: p.refundReturns.length > 0,
    }));
    const money = FIGURES.map((f) => COLUMNS[f]);
    await ctx.db.execute(sql`
      insert into order_profit_facts (org_id, order_id, order_no, status, created_at, day, account_id, platform, country, currency, reporting_currency,
        original_revenue, ${sql.raw(money.join(", "))}, margin, rate_date, rates_used, missing_rate, missing_rates, missing_costs, returned)
      select ${ctx.orgId}::uuid, order_id, order_no, status, created_at, day, account_id, platform, country, currency, reporting_currency,
        original_revenue, ${sql.raw(money.join(", "))}, margin, rate_date, rates_used, missing_rate,
        array(select jsonb_array_elements_text(missing_rates)), array(select jsonb_array_elements_text(missing_costs)), returned
      from jsonb_to_recordset(${JSON.stringify(factsJson)}::jsonb) as x(order_id uuid, order_no text, status text, created_at timestamptz, day date, account_id uuid,
        platform text, country text, currency text, reporting_currency text, original_revenue numeric, ${sql.raw(money.map((c) => `${c} numeric`).join(", "))},
        margin numeric, rate_date date, rates_used jsonb, missing_rate boolean, missing_rates jsonb, missing_costs jsonb, returned boolean)`);
    const skuJson = fresh.flatMap((f) => f.skus.map((s) => ({ order_id: f.orderId, sku: s.sku, sku_key: s.sku.toLowerCase(), units: s.units, created_at: createdAt.get(f.orderId)! })));
    if (skuJson.length)
      await ctx.db.execute(sql`
        insert into order_profit_fact_skus (org_id, order_id, sku, sku_key, units, created_at)
        select ${ctx.orgId}::uuid, order_id, sku, sku_key, units, created_at
        from jsonb_to_recordset(${JSON.stringify(skuJson)}::jsonb) as x(order_id uuid, sku text, sku_key text, units numeric, created_at timestamptz)`);
  }
  await ctx.db.execute(sql`delete from order_profit_stale where org_id = ${ctx.orgId} and order_id in (${list})`);
  return ids.length;
}

/** One refresher per merchant at a time (until the end of the transaction). */
const lockMerchant = (tx: TxContext) => tx.db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`manifold.finance:${tx.orgId}`}, 0))`);

/**
 * These statements are short but their row estimates are not (jsonb_object_keys, IN lists, laterals):
 * PostgreSQL's JIT would spend 100–300 ms compiling each. Off for the transaction.
 */
export const noJit = (tx: Pick<TxContext, "db">) => tx.db.execute(sql`select set_config('jit', 'off', true)`);

/**
 * How many of the merchant's orders wait for a refresh (a stale range counts as one until expanded),
 * counted up to PENDING_CAP (every read asks; a backlog of a million must not make each read count it).
 */
export async function pendingFacts(ctx: Pick<ServiceContext, "db" | "orgId">): Promise<number> {
  const [r] = await ctx.db.execute<{ n: number }>(sql`
    select ((select count(*) from (select 1 from order_profit_stale where org_id = ${ctx.orgId} limit ${PENDING_CAP}) s)
          + (select count(*) from (select 1 from finance_stale_ranges where org_id = ${ctx.orgId} limit ${PENDING_CAP}) r))::int as n`);
  return Math.min(r?.n ?? 0, PENDING_CAP);
}

/**
 * Bring the merchant's stored figures up to date, at most `maxOrders` orders (then returns with the rest
 * pending). Each batch is its own transaction holding the merchant's refresh lock, so refreshers of one
 * merchant take turns and the daily sums move by one batch's difference at a time.
 */
export async function refreshFinanceFacts(ctx: ServiceContext, opts: { maxOrders?: number } = {}): Promise<{ refreshed: number; pending: number }> {
  const max = opts.maxOrders ?? Number.POSITIVE_INFINITY;
  let refreshed = 0;
  for (;;) {
    const n = await inTransaction(ctx, async (tx) => {
      await lockMerchant(tx);
      await noJit(tx);
      await expandRanges(tx);
      const { timezone } = await merchantSettings(tx);
      const quote = await reportingCurrency(tx);
      return refreshBatch(tx, quote, timezone);
    });
    refreshed += n;
    if (n < BATCH || refreshed >= max) break;
  }
  return { refreshed, pending: await pendingFacts(ctx) };
}

/**
 * What a read does first: when little is stale (≤ CATCH_UP orders), bring it up to date, so the figures
 * include the merchant's last changes; a larger backlog (a cost or rate change reaching many orders) is
 * left to the job and the read reports it as `pending`.
 */
export async function catchUp(ctx: ServiceContext): Promise<number> {
  let pending = await pendingFacts(ctx);
  if (pending === 0) return 0;
  const [ranges] = await ctx.db.execute<{ any: boolean }>(sql`select exists (select 1 from finance_stale_ranges where org_id = ${ctx.orgId}) as any`);
  if (ranges?.any) {
    await inTransaction(ctx, async (tx) => {
      await lockMerchant(tx);
      await expandRanges(tx);
    });
    pending = await pendingFacts(ctx);
  }
  if (pending === 0 || pending > CATCH_UP) return pending;
  return (await refreshFinanceFacts(ctx, { maxOrders: CATCH_UP })).pending;
}

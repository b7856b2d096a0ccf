/**
 * `npm run bench:finance` — the finance reports over one merchant with BENCH_FINANCE_ORDERS (default
 * 1,000,000) orders, read from the stored figures (server/services/finance/facts.ts, daily.ts):
 *
 *   1. generates the merchant with `generate_series` SQL (not the services one by one): 8 shops (Shopify,
 *      Amazon, Shopee; USD, EUR and CNY), 1,000 SKUs (each shop sells its own 125), 70 % platform orders and
 *      30 % manual / open-API ones over BENCH_FINANCE_DAYS (default 400) days, 1–2 lines each, 10 countries,
 *      3 % voided and 2 % closed; per SKU two purchase costs (the second from 250 days ago), packaging for a
 *      third of them, opening stock and a receipt; daily USD and EUR rates; a platform fee per platform
 *      order and a freight charge per order;
 *   2. builds the stored figures the way an installation does (migration 0018 marks every order stale, the
 *      refresh job computes them with computeProfits): orders/s of the refresh;
 *   3. measures p50/p95 (BENCH_FINANCE_RUNS runs each, default 40, one client, as a request: tenantDb
 *      under row-level security) of the profit list's first page, with a margin-below filter, with a date
 *      range + shop, with a country; the totals row; the dashboard per day / week / month for the last 30
 *      and 365 days (each call is every view: series, by shop, platform, SKU top 20, country).
 *
 * Target: p95 ≤ 200 ms for every line. Uses DATABASE_URL or the embedded PostgreSQL. BENCH_KEEP=1 keeps the
 * generated merchant (and its stored figures) for the next run.
 */
import os from "node:os";
import { eq, sql } from "drizzle-orm";
import { closeHandle, createDb, tenantDb } from "@/db";
import { channelAccounts, customers, organizations, warehouses } from "@/db/schema";
import { systemContext, type ServiceContext } from "@/server/context";
import { financeDashboard } from "@/server/services/finance/dashboard";
import { refreshFinanceFacts } from "@/server/services/finance/facts";
import { listOrderProfit, orderProfitTotals } from "@/server/services/finance/profit";
import { createOrganization } from "@/server/services/orgs/orgs";
import { runConcurrent, type BenchResult } from "./bench-lib";
import { prepareDatabase, stopOnExit } from "./lib";

const N = Number(process.env.BENCH_FINANCE_ORDERS ?? 1_000_000);
const DAYS = Number(process.env.BENCH_FINANCE_DAYS ?? 400);
const RUNS = Number(process.env.BENCH_FINANCE_RUNS ?? 40);
const KEEP = process.env.BENCH_KEEP === "1";
const SLUG = `bench-finance-${N}`;
const SKUS = 1_000;
const SHOPS = 8;
const log = (m: string) => console.error(`[bench:finance] ${m}`);

const embedded = await prepareDatabase({ log: false });
const dbh = createDb(process.env.DATABASE_URL!, 4);
const { db } = dbh;
const shutdown = stopOnExit(embedded);

const PLATFORMS = ["shopify", "shopify", "amazon", "amazon", "shopee", "shopee", "shopify", "amazon"];
const CURRENCIES = ["USD", "USD", "USD", "USD", "EUR", "EUR", "CNY", "CNY"];
const COUNTRIES = ["US", "DE", "GB", "FR", "JP", "CN", "AU", "CA", "ES", "IT"];

async function generate(orgId: string) {
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    // Bulk load: no triggers or FK checks per row (the figures are marked stale once, below, as 0018 does).
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`set local statement_timeout = 0`);
    const [wh] = await tx.insert(warehouses).values({ orgId, code: "BF1", name: "Bench warehouse" }).returning();
    await tx.insert(customers).values(Array.from({ length: 50 }, (_, i) => ({ orgId, clientNum: `F${i}`, companyName: `Buyer ${i}` })));
    const accounts = await tx
      .insert(channelAccounts)
      .values(PLATFORMS.map((platform, i) => ({ orgId, platform, alias: `Shop ${i + 1} (${platform})`, baseUrl: "http://127.0.0.1:1" })))
      .returning({ id: channelAccounts.id });
    const accountIds = `{${accounts.map((a) => a.id).join(",")}}`;
    const custs = await tx.select({ id: customers.id }).from(customers).where(eq(customers.orgId, orgId));
    const custArray = `{${custs.map((c) => c.id).join(",")}}`;
    log("products, costs, stock, rates");
    await tx.execute(sql`
      insert into products (id, org_id, sku, name) select gen_random_uuid(), ${orgId}::uuid, 'BF' || lpad(p::text, 5, '0'), 'Bench product ' || p from generate_series(0, ${SKUS - 1}::int) p`);
    await tx.execute(sql`
      insert into sku_costs (id, org_id, product_id, kind, currency, amount, effective_from)
      select gen_random_uuid(), ${orgId}::uuid, pr.id, 'purchase', 'CNY', 20 + (substr(pr.sku, 3)::int * 37) % 200, current_date - ${DAYS + 200}::int
        from products pr where pr.org_id = ${orgId}
      union all
      select gen_random_uuid(), ${orgId}::uuid, pr.id, 'purchase', 'CNY', 22 + (substr(pr.sku, 3)::int * 37) % 220, current_date - 250
        from products pr where pr.org_id = ${orgId}
      union all
      select gen_random_uuid(), ${orgId}::uuid, pr.id, 'packaging', 'CNY', 1.5, current_date - ${DAYS + 200}::int
        from products pr where pr.org_id = ${orgId} and substr(pr.sku, 3)::int % 3 = 0`);
    await tx.execute(sql`
      insert into stock_movements (id, org_id, product_id, warehouse_id, kind, on_hand_delta, created_at)
      select gen_random_uuid(), ${orgId}::uuid, pr.id, ${wh!.id}::uuid, 'opening', 5000, now() - interval '1 day' * ${DAYS + 100}::int from products pr where pr.org_id = ${orgId}
      union all
      select gen_random_uuid(), ${orgId}::uuid, pr.id, ${wh!.id}::uuid, 'receipt', 3000, now() - interval '200 days' from products pr where pr.org_id = ${orgId}`);
    await tx.execute(sql`
      insert into exchange_rates (id, org_id, rate_date, currency, quote_currency, rate)
      select gen_random_uuid(), ${orgId}::uuid, current_date - d, c.cur, 'CNY', c.base + ((d * 7) % 100) / 10000.0
        from generate_series(0, ${DAYS + 5}::int) d, (values ('USD', 7.1), ('EUR', 7.7)) c(cur, base)`);
    const CHUNK = 100_000;
    for (let from = 0; from < N; from += CHUNK) {
      const to = Math.min(N, from + CHUNK) - 1;
      log(`orders ${from.toLocaleString()}–${to.toLocaleString()} of ${N.toLocaleString()}`);
      // g: 0 is the newest. Shop = g % 8 for platform orders (g % 10 < 7), lines: 1 + g % 2 of the shop's SKUs.
      await tx.execute(sql`
        create temporary table if not exists g_orders (g int primary key, id uuid, created timestamptz, shop int, lines int) on commit drop`);
      await tx.execute(sql`truncate g_orders`);
      await tx.execute(sql`
        insert into g_orders
        select g, gen_random_uuid(), now() - (g::float8 / ${N}::float8 * ${DAYS}::float8) * interval '1 day' - (g % 997) * interval '1 second',
               case when g % 10 < 7 then g % ${SHOPS}::int else null end, 1 + g % 2
          from generate_series(${from}::int, ${to}::int) g`);
      await tx.execute(sql`analyze g_orders`);
      await tx.execute(sql`
        insert into platform_orders (id, org_id, account_id, platform, platform_order_id, platform_order_no, platform_status, normalized_status, currency,
                                     platform_created_at, platform_updated_at, raw, order_id)
        select gen_random_uuid(), ${orgId}::uuid, (${accountIds}::uuid[])[1 + o.shop], (${`{${PLATFORMS.join(",")}}`}::text[])[1 + o.shop], 'BF' || o.g, '#' || o.g,
               'paid', 'completed', (${`{${CURRENCIES.join(",")}}`}::text[])[1 + o.shop], o.created, o.created, '{}'::jsonb, o.id
          from g_orders o where o.shop is not null`);
      // Line k (1..2): quantity 1 + (g + k) % 3, price 20 + (g·7 + k·13) % 100, product of the shop's catalogue.
      await tx.execute(sql`
        insert into order_lines (id, org_id, order_id, line_no, product_id, sku, quantity, unit_price, amount)
        select gen_random_uuid(), ${orgId}::uuid, o.id, k, pr.id, pr.sku, 1 + (o.g + k) % 3, 20 + (o.g * 7 + k * 13) % 100, (1 + (o.g + k) % 3) * (20 + (o.g * 7 + k * 13) % 100)
          from g_orders o cross join lateral generate_series(1, o.lines) k
          join products pr on pr.org_id = ${orgId}
           and pr.sku = 'BF' || lpad((case when o.shop is null then (o.g * 13 + k * 101) % ${SKUS}::int else o.shop * ${SKUS / SHOPS}::int + (o.g * 31 + k * 17) % ${SKUS / SHOPS}::int end)::text, 5, '0')`);
      await tx.execute(sql`
        insert into orders (id, org_id, order_no, source, status, customer_id, client_num, buyer_company, recipient_name, country, delivery_method,
                            freight, lines_total, total_qty, discount_total, platform_order_id, created_at, updated_at)
        select o.id, ${orgId}, 'BF-' || lpad(o.g::text, 8, '0'),
               case when o.shop is not null then 'platform' when o.g % 2 = 0 then 'manual' else 'api' end,
               case when o.g % 100 < 3 then 'voided' when o.g % 100 < 5 then 'closed' when o.g % 100 < 20 then 'shipped' else 'completed' end,
               (${custArray}::uuid[])[1 + o.g % 50], 'F' || (o.g % 50), 'Buyer', '收件人',
               (${`{${COUNTRIES.join(",")}}`}::text[])[1 + (o.g * 7 / 3) % 10], '快递',
               (o.g % 11), t.amount, t.qty, t.amount, po.id, o.created, o.created
          from g_orders o
          join lateral (select sum(l.amount) as amount, sum(l.quantity) as qty from order_lines l where l.org_id = ${orgId} and l.order_id = o.id) t on true
          left join platform_orders po on po.org_id = ${orgId} and po.order_id = o.id`);
      // A platform fee (8 % of the goods, in the order's currency) per platform order; freight paid (CNY) per order.
      await tx.execute(sql`
        insert into order_charges (id, org_id, order_id, kind, currency, amount, created_at)
        select gen_random_uuid(), ${orgId}::uuid, o.id, 'platform_fee', po.currency, round(ord.discount_total * 0.08, 2), o.created
          from g_orders o join orders ord on ord.org_id = ${orgId} and ord.id = o.id join platform_orders po on po.org_id = ${orgId} and po.id = ord.platform_order_id
        union all
        select gen_random_uuid(), ${orgId}::uuid, o.id, 'freight', 'CNY', 8 + (o.g % 23), o.created from g_orders o`);
    }
    // What migration 0018 does for the orders that exist: everything stale until the refresher has it.
    await tx.execute(sql`select set_config('app.org_id', ${orgId}, true)`);
    await tx.execute(sql`insert into finance_stale_ranges (org_id, kind) values (${orgId}, 'all')`);
  });
  log("analyze");
  for (const t of ["orders", "order_lines", "order_charges", "platform_orders", "stock_movements", "sku_costs", "exchange_rates", "products"]) await db.execute(sql.raw(`analyze ${t}`));
  return (performance.now() - t0) / 1000;
}

async function refresh(ctx: ServiceContext) {
  const t0 = performance.now();
  let done = 0;
  let last = t0;
  for (;;) {
    const r = await refreshFinanceFacts(ctx, { maxOrders: 50_000 });
    done += r.refreshed;
    if (performance.now() - last > 30_000 || r.pending === 0) {
      log(`refreshed ${done.toLocaleString()} orders, ${Math.round(done / ((performance.now() - t0) / 1000))} orders/s, ${r.pending.toLocaleString()} pending`);
      last = performance.now();
    }
    if (r.pending === 0) break;
  }
  for (const t of ["order_profit_facts", "order_profit_fact_skus", "finance_daily", "finance_daily_sku", "finance_monthly_sku"]) await db.execute(sql.raw(`analyze ${t}`));
  return { orders: done, seconds: (performance.now() - t0) / 1000 };
}

const fmt = (r: BenchResult) => `p50 ${r.p50.toFixed(1).padStart(7)} ms  p95 ${r.p95.toFixed(1).padStart(7)} ms${r.failed ? `  (${r.failed} failed: ${r.firstError})` : ""}`;

async function measure(name: string, op: () => Promise<unknown>, detail?: (x: unknown) => string) {
  const first = await op();
  await runConcurrent(3, 1, async () => void (await op()));
  const r = await runConcurrent(RUNS, 1, async () => void (await op()));
  console.log(`  ${name.padEnd(52)} ${fmt(r)}${detail ? `  ${detail(first)}` : ""}${r.p95 > 200 ? "  ABOVE 200 ms" : ""}`);
  return r;
}

try {
  let [org] = await db.select().from(organizations).where(eq(organizations.slug, SLUG));
  let generated: number | null = null;
  if (org && !(await db.execute(sql`select 1 from orders where org_id = ${org.id} limit 1`)).length) {
    await db.delete(organizations).where(eq(organizations.id, org.id));
    org = undefined;
  }
  if (!org) {
    org = await createOrganization(db, { name: `Bench finance ${N}`, slug: SLUG });
    log(`generating ${N.toLocaleString()} orders`);
    generated = await generate(org.id);
  }
  const ctx = systemContext(db, org.id, "bench.finance");
  const built = await refresh(ctx);
  const [counts] = await db.execute<{ orders: number; lines: number; charges: number; facts: number; daily: number; dailySku: number; monthlySku: number }>(sql`
    select (select count(*) from orders where org_id = ${org.id})::int as orders, (select count(*) from order_lines where org_id = ${org.id})::int as lines,
           (select count(*) from order_charges where org_id = ${org.id})::int as charges, (select count(*) from order_profit_facts where org_id = ${org.id})::int as facts,
           (select count(*) from finance_daily where org_id = ${org.id})::int as daily, (select count(*) from finance_daily_sku where org_id = ${org.id})::int as "dailySku",
           (select count(*) from finance_monthly_sku where org_id = ${org.id})::int as "monthlySku"`);
  const c = counts!;
  console.log(
    `bench:finance — one merchant: ${c.orders.toLocaleString()} orders, ${c.lines.toLocaleString()} lines, ${c.charges.toLocaleString()} charges over ${DAYS} days (${generated === null ? "reused" : `generated in ${generated.toFixed(0)} s`}); PostgreSQL via ${embedded ? "embedded server" : "DATABASE_URL"}`,
  );
  console.log(
    `stored figures: ${c.facts.toLocaleString()} order facts, ${c.daily.toLocaleString()} daily rows, ${c.dailySku.toLocaleString()} daily × SKU rows, ${c.monthlySku.toLocaleString()} monthly × SKU rows; refresh ${built.orders.toLocaleString()} orders in ${built.seconds.toFixed(0)} s (${built.seconds > 0 ? Math.round(built.orders / built.seconds) : 0} orders/s)`,
  );

  const req: ServiceContext = { ...ctx, db: tenantDb(db, org.id) };
  const [shop] = await db.select({ id: channelAccounts.id }).from(channelAccounts).where(eq(channelAccounts.orgId, org.id)).limit(1);
  const day = (d: number) => new Date(Date.now() + 8 * 3600_000 - d * 86400_000).toISOString().slice(0, 10);
  const rows = (x: unknown) => `(${(x as { items: unknown[] }).items.length} rows)`;
  console.log(`${RUNS} runs each, one client, as a request (tenantDb, row-level security):`);
  const results: BenchResult[] = [];
  results.push(await measure("profit list, first page", () => listOrderProfit(req, { limit: 50 }), rows));
  results.push(await measure("profit list, margin below 10 %", () => listOrderProfit(req, { limit: 50, marginBelow: "10" }), rows));
  results.push(await measure("profit list, last 30 days + shop", () => listOrderProfit(req, { limit: 50, from: day(29), to: day(0), accountId: shop!.id }), rows));
  results.push(await measure("profit list, country DE", () => listOrderProfit(req, { limit: 50, country: "DE" }), rows));
  results.push(
    await measure("totals row (all orders)", () => orderProfitTotals(req, {}), (x) => {
      const t = x as { orders: number; profit: string; capped: boolean };
      return `(${t.orders.toLocaleString()} orders, profit ${t.profit}${t.capped ? ", capped" : ""})`;
    }),
  );
  results.push(await measure("totals row, last 30 days + shop", () => orderProfitTotals(req, { from: day(29), to: day(0), accountId: shop!.id })));
  for (const [label, from] of [
    ["30 days", day(29)],
    ["365 days", day(364)],
  ] as const)
    for (const granularity of ["day", "week", "month"] as const)
      results.push(
        await measure(`dashboard ${label}, per ${granularity} (+ shop/platform/SKU/country)`, () => financeDashboard(req, { from, to: day(0), granularity }), (x) => {
          const d = x as { total: { orders: number }; series: unknown[]; skuCount: number };
          return `(${d.total.orders.toLocaleString()} orders, ${d.series.length} periods, ${d.skuCount} SKUs)`;
        }),
      );
  results.push(await measure("dashboard 365 days, per month, one shop", () => financeDashboard(req, { from: day(364), to: day(0), granularity: "month", accountId: shop!.id })));
  // Check: the totals row is the plain SQL sum of the stored per-order figures.
  const [plain] = await db.execute<{ profit: string; n: number }>(sql`
    select coalesce(sum(profit), 0)::numeric(18, 2)::text as profit, count(*) filter (where profit is not null)::int as n from order_profit_facts where org_id = ${org.id}`);
  const totals = await orderProfitTotals(req, {});
  console.log(`check: totals row ${totals.orders.toLocaleString()} orders, profit ${totals.profit}; plain SQL over the facts ${plain!.n.toLocaleString()} orders, profit ${plain!.profit} — ${totals.profit === plain!.profit && totals.orders === plain!.n ? "equal" : "DIFFERENT"}`);
  const worst = Math.max(...results.map((r) => r.p95));
  console.log(`worst p95 ${worst.toFixed(1)} ms (target ≤ 200 ms: ${worst <= 200 ? "met" : "NOT met"}); machine: load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);
  if (!KEEP) {
    log("removing the merchant (BENCH_KEEP=1 keeps it)");
    await db.execute(sql`delete from organizations where id = ${org.id}`);
  }
  await closeHandle(dbh);
  await shutdown(0);
} catch (e) {
  console.error(e);
  await closeHandle(dbh).catch(() => {});
  await shutdown(1);
}

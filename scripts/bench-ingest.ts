/**
 * `npm run bench:ingest` — pull N orders (default 100,000; BENCH_ORDERS=…) from the Shopify simulator
 * and convert them into approved system orders through the real path: pull run → connector (GraphQL
 * pages of 250) → batch upsert of platform orders → batch conversion (SKU mapping, order numbers,
 * orders + lines + timelines, stock reservation, movements, outbound orders, outbox, platform order
 * state). Then, in the same run, insert exactly the rows that path wrote with plain multi-row INSERTs
 * (500 orders per transaction) into another merchant, and print both rates and their ratio; and a
 * pull with import switched off (platform orders only). Uses DATABASE_URL, or the embedded PostgreSQL
 * like `npm run dev`.
 *
 * The simulator's leaky bucket is opened wide for those runs: with Shopify's real 100 points/s a pull is
 * bound by the platform, which says nothing about our ingest. A last run pulls BENCH_REAL_BUCKET_ORDERS
 * (default 600) under the real bucket (1,000 points, 100/s) and prints what a real shop allows.
 */
import os from "node:os";
import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { closeHandle, createDb, type Db } from "@/db";
import {
  channelAccounts,
  memberships,
  orderEvents,
  orderLines,
  orders,
  outboundEvents,
  outboundOrderLines,
  outboundOrders,
  platformOrderEvents,
  platformOrderLines,
  platformOrders,
  products,
  stockMovements,
  users,
  warehouses,
} from "@/db/schema";
import { newId } from "@/db/schema/_columns";
import { createAccount, revokeAccount } from "@/server/services/channels/accounts";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { pullOrders } from "@/server/services/channels/pull";
import { moveStock } from "@/server/services/inventory/ledger";
import { createOrganization } from "@/server/services/orgs/orgs";
import { inTransaction, type ServiceContext, systemContext } from "@/server/context";
import { ShopifySimulator } from "../tests/simulators/shopify/server";
import { prepareDatabase, stopOnExit } from "./lib";

const N = Number(process.env.BENCH_ORDERS ?? 100_000);
const SKUS = 20;
const BATCH = 500;
const log = (m: string) => console.error(`[bench:ingest] ${new Date().toISOString().slice(11, 19)} ${m}`);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(" / ");

const embedded = await prepareDatabase({ log: false });
const shutdown = stopOnExit(embedded);
const dbh = createDb(process.env.DATABASE_URL!, 12);
const { db } = dbh;
process.env.CHANNEL_HTTP_TIMEOUT_MS ??= "120000";
const loadAtStart = load();

const sim = new ShopifySimulator({ bucketSize: 1e12, restoreRate: 1e12 });
await sim.start(0);
process.env.MANIFOLD_SHOPIFY_SIMULATOR_URL = sim.url;

async function merchant(label: string) {
  const org = await createOrganization(db, { name: `Bench ${label}`, slug: `bench-${label}-${Date.now().toString(36)}` });
  const [user] = await db.insert(users).values({ email: `${randomUUID()}@bench.local`, name: "bench", passwordHash: "x" }).returning({ id: users.id });
  await db.insert(memberships).values({ orgId: org.id, userId: user!.id, role: "owner" });
  const ctx: ServiceContext = { db, orgId: org.id, role: "owner", actor: { type: "user", userId: user!.id } };
  const [wh] = await db.insert(warehouses).values({ orgId: org.id, code: "BW", name: "Bench", isDefault: true }).returning();
  const prods = await db
    .insert(products)
    .values(Array.from({ length: SKUS }, (_, i) => ({ orgId: org.id, sku: `B${String(i).padStart(4, "0")}`, name: `Bench product ${i}`, price: "9.9" })))
    .returning();
  for (const p of prods) {
    await inTransaction(ctx, (tx) => moveStock(tx, { productId: p.id, warehouseId: wh!.id, kind: "opening", onHandDelta: String(N * 10), refType: "opening" }));
  }
  return { ctx, userId: user!.id, warehouseId: wh!.id, prods };
}

/** Create a Shopify account for the bench shop and authorize it through the simulator's OAuth. */
async function authorizedAccount(m: Awaited<ReturnType<typeof merchant>>, alias: string, importEnabled: boolean, shopName = shop) {
  const acct = await createAccount(m.ctx, { platform: "shopify", alias, shopDomain: shopName, useSimulator: true, pullMode: "manual", importEnabled });
  const { url } = await startAuthorization(m.ctx, { id: acct!.id, appUrl: "http://127.0.0.1:9" });
  const page = await fetch(url).then((r) => r.text());
  const href = /id="sim-install" href="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, "&");
  const back = new URL((await fetch(href, { redirect: "manual" })).headers.get("location")!);
  const outcome = await completeAuthorization(db, { platform: "shopify", query: back.searchParams, userId: m.userId, appUrl: "http://127.0.0.1:9" });
  if (!outcome.ok) throw new Error(`authorization failed: ${outcome.error}`);
  return acct!.id;
}

const window = () => ({ from: new Date(Date.now() - 2 * 24 * 3600_000), to: new Date(Date.now() + 60_000) });

type Table = "platform_orders" | "platform_order_lines" | "platform_order_events" | "orders" | "approved" | "order_lines" | "order_events" | "movements" | "outbound_orders" | "outbound_order_lines" | "outbound_events";

async function rowCounts(orgId: string): Promise<Record<Table, number>> {
  const [r] = (await db.execute(sql`
    select (select count(*) from platform_orders where org_id = ${orgId})::int as platform_orders,
           (select count(*) from platform_order_lines where org_id = ${orgId})::int as platform_order_lines,
           (select count(*) from platform_order_events where org_id = ${orgId})::int as platform_order_events,
           (select count(*) from orders where org_id = ${orgId})::int as orders,
           (select count(*) from orders where org_id = ${orgId} and status = 'stock_up')::int as approved,
           (select count(*) from order_lines where org_id = ${orgId})::int as order_lines,
           (select count(*) from order_events where org_id = ${orgId})::int as order_events,
           (select count(*) from stock_movements where org_id = ${orgId} and kind = 'reservation')::int as movements,
           (select count(*) from outbound_orders where org_id = ${orgId})::int as outbound_orders,
           (select count(*) from outbound_order_lines where org_id = ${orgId})::int as outbound_order_lines,
           (select count(*) from outbound_events where org_id = ${orgId})::int as outbound_events`)) as unknown as Record<Table, number>[];
  return r!;
}

// ---------------------------------------------------------------------------------------------- setup
log(`generating ${N.toLocaleString()} orders on the simulator; load average ${loadAtStart}`);
const shop = `bench-${Date.now().toString(36)}`;
const benchOrder = (i: number) => ({
  lineItems: Array.from({ length: 1 + (i % 3) }, (_, j) => ({ sku: `P-B${String((i + j * 7) % SKUS).padStart(4, "0")}`, quantity: 1 + ((i + j) % 2), price: "12.50" })),
  customerName: `Buyer ${i}`,
  financialStatus: "PAID" as const,
});
sim.bulkCreateOrders(shop, N, benchOrder);
const a = await merchant("e2e");
const accountA = await authorizedAccount(a, "Bench shop", true);
for (const p of a.prods) await saveSkuMapping(a.ctx, { accountId: accountA, platformSku: `P-${p.sku}`, items: [{ sku: p.sku, quantity: "1" }] });

// ---------------------------------------------------------------------------------------------- end to end
log("pulling and converting (end to end)…");
const t0 = performance.now();
const { run } = await pullOrders(systemContext(db, a.ctx.orgId, "bench"), { accountId: accountA, trigger: "manual", ...window() });
const e2eSeconds = (performance.now() - t0) / 1000;
const loadAfterE2e = load();
const written = await rowCounts(a.ctx.orgId);
const rowsWritten = Object.entries(written).filter(([k]) => k !== "approved").reduce((s, [, v]) => s + v, 0);
if (run.status !== "ok" || written.platform_orders !== N || written.orders !== N || written.approved !== N || written.outbound_orders !== N) {
  log(`run ${run.status}: ${JSON.stringify(written)} (expected ${N} of each); ${run.error ?? ""}`);
}
log(`end to end: ${e2eSeconds.toFixed(1)} s; ${JSON.stringify(written)}`);

// ---------------------------------------------------------------------------------------------- ingest only
// The same pull into a merchant whose account has import switched off (view only): no conversion, so
// this is the batch upsert of platform orders alone.
log("pulling only (import off: platform orders without conversion)…");
const c = await merchant("pull");
await revokeAccount(a.ctx, accountA); // a shop is authorized by one merchant at a time
const viewOnly = await authorizedAccount(c, "Bench view-only", false);
const t2 = performance.now();
const pullOnly = await pullOrders(systemContext(db, c.ctx.orgId, "bench"), { accountId: viewOnly, trigger: "manual", ...window() });
const pullSeconds = (performance.now() - t2) / 1000;

// ---------------------------------------------------------------------------------------------- baseline
// Exactly the rows the end-to-end run wrote (platform orders, lines, events; orders, lines, events;
// reservation movements; outbound orders, lines, events) and the reservation UPDATE, inserted again into
// another merchant with plain multi-row INSERTs, 500 orders per transaction. Reading and re-keying the
// rows is not timed; only the writing transactions are.
log("plain multi-row INSERT of the same rows…");
const b = await merchant("sql");
const [acctB] = await db.insert(channelAccounts).values({ orgId: b.ctx.orgId, platform: "shopify", alias: "Bench SQL", baseUrl: "http://x" }).returning({ id: channelAccounts.id });
const prodB = new Map(a.prods.map((p, i) => [p.id, b.prods[i]!.id]));
let sqlSeconds = 0;
let copied = 0;
let after = "00000000-0000-0000-0000-000000000000";
for (;;) {
  const pos = await db
    .select()
    .from(platformOrders)
    .where(and(eq(platformOrders.orgId, a.ctx.orgId), gt(platformOrders.id, after)))
    .orderBy(asc(platformOrders.id))
    .limit(BATCH);
  if (pos.length === 0) break;
  after = pos.at(-1)!.id;
  const poIds = pos.map((p) => p.id);
  const soRows = await db.select().from(orders).where(and(eq(orders.orgId, a.ctx.orgId), inArray(orders.platformOrderId, poIds)));
  const soIds = soRows.map((o) => o.id);
  const [poLines, poEvents, soLines, soEvents, moves, obRows] = await Promise.all([
    db.select().from(platformOrderLines).where(and(eq(platformOrderLines.orgId, a.ctx.orgId), inArray(platformOrderLines.platformOrderId, poIds))),
    db.select().from(platformOrderEvents).where(and(eq(platformOrderEvents.orgId, a.ctx.orgId), inArray(platformOrderEvents.platformOrderId, poIds))),
    soIds.length ? db.select().from(orderLines).where(and(eq(orderLines.orgId, a.ctx.orgId), inArray(orderLines.orderId, soIds))) : [],
    soIds.length ? db.select().from(orderEvents).where(and(eq(orderEvents.orgId, a.ctx.orgId), inArray(orderEvents.orderId, soIds))) : [],
    soIds.length ? db.select().from(stockMovements).where(and(eq(stockMovements.orgId, a.ctx.orgId), eq(stockMovements.refType, "order"), inArray(stockMovements.refId, soIds))) : [],
    soIds.length ? db.select().from(outboundOrders).where(and(eq(outboundOrders.orgId, a.ctx.orgId), inArray(outboundOrders.orderId, soIds))) : [],
  ]);
  const obIds = obRows.map((o) => o.id);
  const [obLines, obEvents] = await Promise.all([
    obIds.length ? db.select().from(outboundOrderLines).where(and(eq(outboundOrderLines.orgId, a.ctx.orgId), inArray(outboundOrderLines.outboundId, obIds))) : [],
    obIds.length ? db.select().from(outboundEvents).where(and(eq(outboundEvents.orgId, a.ctx.orgId), inArray(outboundEvents.outboundId, obIds))) : [],
  ]);
  // Re-key for merchant B.
  const ids = new Map<string, string>();
  const key = (old: string) => ids.get(old) ?? (ids.set(old, newId()), ids.get(old)!);
  const org = b.ctx.orgId;
  const rows = {
    po: pos.map((p) => ({ ...p, id: key(p.id), orgId: org, accountId: acctB!.id, orderId: p.orderId ? key(p.orderId) : null })),
    poLines: poLines.map((l) => ({ ...l, id: newId(), orgId: org, platformOrderId: key(l.platformOrderId) })),
    poEvents: poEvents.map((e) => ({ ...e, id: newId(), orgId: org, platformOrderId: key(e.platformOrderId) })),
    so: soRows.map((o) => ({ ...o, id: key(o.id), orgId: org, platformOrderId: o.platformOrderId ? key(o.platformOrderId) : null, createdBy: null })),
    soLines: soLines.map((l) => ({ ...l, id: key(l.id), orgId: org, orderId: key(l.orderId), productId: prodB.get(l.productId)!, warehouseId: l.warehouseId ? b.warehouseId : null })),
    soEvents: soEvents.map((e) => ({ ...e, id: newId(), orgId: org, orderId: key(e.orderId), actorUserId: null })),
    moves: moves.map((m) => ({ ...m, id: newId(), orgId: org, productId: prodB.get(m.productId)!, warehouseId: b.warehouseId, refId: m.refId ? key(m.refId) : null, createdBy: null })),
    ob: obRows.map((o) => ({ ...o, id: key(o.id), orgId: org, orderId: key(o.orderId), warehouseId: b.warehouseId })),
    obLines: obLines.map((l) => ({ ...l, id: newId(), orgId: org, outboundId: key(l.outboundId), orderLineId: key(l.orderLineId), productId: prodB.get(l.productId)! })),
    obEvents: obEvents.map((e) => ({ ...e, id: newId(), orgId: org, outboundId: key(e.outboundId), actorUserId: null })),
  };
  const reserved = new Map<string, number>();
  for (const m of rows.moves) reserved.set(m.productId, (reserved.get(m.productId) ?? 0) + Number(m.reservedDelta));
  const t1 = performance.now();
  await db.transaction(async (tx) => {
    const put = async <T>(table: Parameters<Db["insert"]>[0], list: T[], size = 1000) => {
      for (let i = 0; i < list.length; i += size) await tx.insert(table).values(list.slice(i, i + size) as never);
    };
    await put(platformOrders, rows.po.map((p) => ({ ...p, orderId: null })), 500);
    await put(platformOrderLines, rows.poLines);
    await put(orders, rows.so, 500);
    await put(orderLines, rows.soLines);
    await put(orderEvents, rows.soEvents);
    if (reserved.size) {
      await tx.execute(sql`
        update stock_levels s set reserved = s.reserved + v.qty
          from jsonb_to_recordset(${JSON.stringify([...reserved].map(([product_id, qty]) => ({ product_id, qty })))}::jsonb) as v(product_id uuid, qty numeric)
         where s.org_id = ${org} and s.product_id = v.product_id and s.warehouse_id = ${b.warehouseId}`);
    }
    await put(stockMovements, rows.moves);
    await put(outboundOrders, rows.ob, 500);
    await put(outboundOrderLines, rows.obLines);
    await put(outboundEvents, rows.obEvents);
    await tx.execute(sql`
      update platform_orders p set order_id = v.order_id, state = 'processed'
        from jsonb_to_recordset(${JSON.stringify(rows.po.filter((p) => p.orderId).map((p) => ({ id: p.id, order_id: p.orderId })))}::jsonb) as v(id uuid, order_id uuid)
       where p.org_id = ${org} and p.id = v.id`);
    await put(platformOrderEvents, rows.poEvents);
  });
  sqlSeconds += (performance.now() - t1) / 1000;
  copied += pos.length;
}
// ---------------------------------------------------------------------------------------------- real bucket
// What a real Standard shop allows: the simulator's default bucket (1,000 points, restoring 100/s), pages
// priced as Shopify prices them. Import off, so the figure is the platform's pace, not ours.
const REAL_N = Number(process.env.BENCH_REAL_BUCKET_ORDERS ?? 600);
log(`pull of ${REAL_N} orders under Shopify's real bucket (1,000 points, 100/s)…`);
const realSim = new ShopifySimulator();
await realSim.start(0);
process.env.MANIFOLD_SHOPIFY_SIMULATOR_URL = realSim.url;
const realShop = `${shop}-real`;
realSim.bulkCreateOrders(realShop, REAL_N, benchOrder);
const r = await merchant("real");
const realAccount = await authorizedAccount(r, "Bench real bucket", false, realShop);
const t3 = performance.now();
const realPull = await pullOrders(systemContext(db, r.ctx.orgId, "bench"), { accountId: realAccount, trigger: "manual", ...window() });
const realSeconds = (performance.now() - t3) / 1000;
const throttled = realSim.requestLog.filter((x) => x.outcome === "throttled").length;
await realSim.stop();
process.env.MANIFOLD_SHOPIFY_SIMULATOR_URL = sim.url;

const loadAtEnd = load();

const e2eRate = N / e2eSeconds;
const sqlRate = copied / sqlSeconds;
const pullRate = pullOnly.run.fetched / pullSeconds;
const [fsync] = (await db.execute(sql`select current_setting('synchronous_commit') as sc, current_setting('fsync') as fs, version() as v`)) as unknown as { sc: string; fs: string; v: string }[];
console.log(`orders: ${N.toLocaleString()} (${written.platform_order_lines.toLocaleString()} lines), pulled in ${run.pages} pages, ${run.retries} retries; run ${run.status}`);
console.log(`rows written end to end: ${rowsWritten.toLocaleString()} (${(rowsWritten / N).toFixed(1)} per order) — ${JSON.stringify(written)}`);
console.log(`end to end (pull + upsert + map + batch conversion with reservation and outbound orders): ${e2eSeconds.toFixed(1)} s = ${e2eRate.toFixed(0)} orders/s (${(rowsWritten / e2eSeconds).toFixed(0)} rows/s)`);
console.log(`plain multi-row SQL (${BATCH} orders/transaction, the same ${rowsWritten.toLocaleString()} rows): ${sqlSeconds.toFixed(1)} s = ${sqlRate.toFixed(0)} orders/s`);
console.log(`ratio end to end / plain SQL: ${(e2eRate / sqlRate).toFixed(3)}`);
console.log(`pull + batch upsert only (import off, ${pullOnly.run.fetched.toLocaleString()} orders): ${pullSeconds.toFixed(1)} s = ${pullRate.toFixed(0)} orders/s; ratio to plain SQL: ${(pullRate / sqlRate).toFixed(3)}`);
console.log(`pull under the real bucket (1,000 points, 100/s restore; import off, ${realPull.run.fetched} orders in ${realPull.run.pages} pages, ${throttled} throttled replies, run ${realPull.run.status}): ${realSeconds.toFixed(1)} s = ${(realPull.run.fetched / realSeconds).toFixed(1)} orders/s`);
console.log(`machine: ${os.cpus().length} CPUs; load average (1/5/15 min) at start ${loadAtStart}, after end to end ${loadAfterE2e}, at end ${loadAtEnd}; ${fsync!.v.split(" on ")[0]}, synchronous_commit=${fsync!.sc}, fsync=${fsync!.fs}`);

await sim.stop();
await closeHandle(dbh);
await shutdown(0);

/**
 * `npm run bench:ingest` — pull N orders (default 100,000; BENCH_ORDERS=…) from the Shopify simulator
 * and convert them into system orders through the real path (pull run → connector → batch upsert of
 * platform orders → SKU mapping → createOrder with approval/reservation), then insert the same rows
 * (platform orders + lines, system orders + lines) with plain multi-row SQL, and print both rates and
 * their ratio. Uses DATABASE_URL, or the embedded PostgreSQL like `npm run dev`.
 *
 * The simulator's leaky bucket is opened wide for the run: with Shopify's real 100 points/s a pull is
 * bound by the platform (≈ 40 orders/s per shop), which says nothing about our ingest.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { createDb } from "@/db";
import { channelAccounts, memberships, orderLines, orders, platformOrderLines, platformOrders, products, users, warehouses } from "@/db/schema";
import { newId } from "@/db/schema/_columns";
import { createAccount } from "@/server/services/channels/accounts";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { pullOrders } from "@/server/services/channels/pull";
import { moveStock } from "@/server/services/inventory/ledger";
import { createOrganization } from "@/server/services/orgs/orgs";
import type { ServiceContext } from "@/server/context";
import { ShopifySimulator } from "../tests/simulators/shopify/server";
import { prepareDatabase, stopOnExit } from "./lib";

const N = Number(process.env.BENCH_ORDERS ?? 100_000);
const SKUS = 20;
const BATCH = 500;
const log = (m: string) => console.error(`[bench:ingest] ${m}`);

const embedded = await prepareDatabase({ log: false });
const shutdown = stopOnExit(embedded);
const { db, sql: pg } = createDb(process.env.DATABASE_URL!, 12);
process.env.CHANNEL_HTTP_TIMEOUT_MS ??= "60000";

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
    await db.transaction((tx) => moveStock(tx, ctx, { productId: p.id, warehouseId: wh!.id, kind: "opening", onHandDelta: String(N * 10), refType: "opening" }));
  }
  return { ctx, userId: user!.id, warehouseId: wh!.id, prods };
}

// ---------------------------------------------------------------------------------------------- setup
log(`generating ${N.toLocaleString()} orders on the simulator`);
const shop = `bench-${Date.now().toString(36)}`;
sim.bulkCreateOrders(shop, N, (i) => ({
  lineItems: Array.from({ length: 1 + (i % 3) }, (_, j) => ({ sku: `P-B${String((i + j * 7) % SKUS).padStart(4, "0")}`, quantity: 1 + ((i + j) % 2), price: "12.50" })),
  customerName: `Buyer ${i}`,
  financialStatus: "PAID",
}));
let accountCache: { id: string } | null = null;
const a = await merchant("e2e");
for (const p of a.prods) await saveSkuMapping(a.ctx, { accountId: (await ensureAccount()).id, platformSku: `P-${p.sku}`, items: [{ sku: p.sku, quantity: "1" }] });

async function ensureAccount() {
  if (accountCache) return accountCache;
  const acct = await createAccount(a.ctx, { platform: "shopify", alias: "Bench shop", shopDomain: shop, useSimulator: true, pullMode: "manual" });
  const { url } = await startAuthorization(a.ctx, { id: acct!.id, appUrl: "http://127.0.0.1:9" });
  const page = await fetch(url).then((r) => r.text());
  const href = /id="sim-install" href="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, "&");
  const back = new URL((await fetch(href, { redirect: "manual" })).headers.get("location")!);
  const outcome = await completeAuthorization(db, { platform: "shopify", query: back.searchParams, userId: a.userId, appUrl: "http://127.0.0.1:9" });
  if (!outcome.ok) throw new Error(`authorization failed: ${outcome.error}`);
  accountCache = { id: acct!.id };
  return accountCache;
}

// ---------------------------------------------------------------------------------------------- end to end
log("pulling and converting (end to end)…");
const t0 = performance.now();
const { run } = await pullOrders(db, { orgId: a.ctx.orgId, accountId: (await ensureAccount()).id, trigger: "manual", from: new Date(Date.now() - 2 * 24 * 3600_000), to: new Date(Date.now() + 60_000) });
const e2eSeconds = (performance.now() - t0) / 1000;
const [counted] = (await db.execute(sql`select (select count(*) from platform_orders where org_id = ${a.ctx.orgId})::int as po, (select count(*) from orders where org_id = ${a.ctx.orgId})::int as so`)) as unknown as { po: number; so: number }[];
if (run.status !== "ok" || counted!.po !== N || counted!.so !== N) {
  log(`run ${run.status}: ${counted!.po} platform orders, ${counted!.so} system orders (expected ${N}); ${run.error ?? ""}`);
}

// ---------------------------------------------------------------------------------------------- ingest only
// The same pull into a merchant whose account has import switched off (view only): no conversion, so
// this is the batch path alone — pages of 250 upserted with their lines in one transaction each.
log("pulling only (import off: platform orders without conversion)…");
const c = await merchant("pull");
const viewOnly = await createAccount(c.ctx, { platform: "shopify", alias: "Bench view-only", shopDomain: shop, useSimulator: true, pullMode: "manual", importEnabled: false });
{
  const { url } = await startAuthorization(c.ctx, { id: viewOnly!.id, appUrl: "http://127.0.0.1:9" });
  const page = await fetch(url).then((r) => r.text());
  const href = /id="sim-install" href="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, "&");
  const back = new URL((await fetch(href, { redirect: "manual" })).headers.get("location")!);
  await completeAuthorization(db, { platform: "shopify", query: back.searchParams, userId: c.userId, appUrl: "http://127.0.0.1:9" });
}
const t2 = performance.now();
const pullOnly = await pullOrders(db, { orgId: c.ctx.orgId, accountId: viewOnly!.id, trigger: "manual", from: new Date(Date.now() - 2 * 24 * 3600_000), to: new Date(Date.now() + 60_000) });
const pullSeconds = (performance.now() - t2) / 1000;

// ---------------------------------------------------------------------------------------------- baseline
log("plain multi-row INSERT of the same rows…");
const b = await merchant("sql");
const [acct] = await db.insert(channelAccounts).values({ orgId: b.ctx.orgId, platform: "shopify", alias: "Bench SQL", baseUrl: "http://x" }).returning({ id: channelAccounts.id });
const source = await db.select().from(platformOrders).where(sql`${platformOrders.orgId} = ${a.ctx.orgId}`).orderBy(platformOrders.id);
const sourceLines = await db.select().from(platformOrderLines).where(sql`${platformOrderLines.orgId} = ${a.ctx.orgId}`);
const linesByOrder = new Map<string, typeof sourceLines>();
for (const l of sourceLines) linesByOrder.set(l.platformOrderId, [...(linesByOrder.get(l.platformOrderId) ?? []), l]);
const prodBySku = new Map(b.prods.map((p) => [p.sku, p.id]));
const t1 = performance.now();
for (let i = 0; i < source.length; i += BATCH) {
  const chunk = source.slice(i, i + BATCH);
  await db.transaction(async (tx) => {
    const poIds = chunk.map(() => newId());
    const soIds = chunk.map(() => newId());
    await tx.insert(platformOrders).values(chunk.map((o, k) => ({ ...o, id: poIds[k]!, orgId: b.ctx.orgId, accountId: acct!.id, orderId: null })));
    await tx.insert(platformOrderLines).values(chunk.flatMap((o, k) => (linesByOrder.get(o.id) ?? []).map((l) => ({ ...l, id: newId(), orgId: b.ctx.orgId, platformOrderId: poIds[k]! }))));
    await tx.insert(orders).values(
      chunk.map((o, k) => ({ id: soIds[k]!, orgId: b.ctx.orgId, orderNo: `SQL-${i + k}`, source: "platform" as const, status: "stock_up" as const, recipientName: o.recipientName, recipientPhone: o.recipientPhone, country: o.country, street: o.street, deliveryMethod: "快递", platformOrderId: poIds[k]! })),
    );
    await tx.insert(orderLines).values(
      chunk.flatMap((o, k) =>
        (linesByOrder.get(o.id) ?? []).map((l, n) => ({ orgId: b.ctx.orgId, orderId: soIds[k]!, lineNo: n + 1, productId: prodBySku.get(l.platformSku.replace(/^P-/, ""))!, sku: l.platformSku.replace(/^P-/, ""), quantity: l.quantity, unitPrice: l.unitPrice, amount: l.unitPrice, warehouseId: b.warehouseId })),
      ),
    );
  });
}
const sqlSeconds = (performance.now() - t1) / 1000;

const e2eRate = N / e2eSeconds;
const sqlRate = source.length / sqlSeconds;
console.log(`orders: ${N.toLocaleString()} (${sourceLines.length.toLocaleString()} lines), pulled in ${run.pages} pages of ≤250, ${run.retries} retries`);
console.log(`end to end (pull + upsert + map + createOrder with reservation): ${e2eSeconds.toFixed(1)} s = ${e2eRate.toFixed(0)} orders/s`);
console.log(`plain multi-row SQL (${BATCH}/statement, same rows: platform orders + lines + orders + lines): ${sqlSeconds.toFixed(1)} s = ${sqlRate.toFixed(0)} orders/s`);
console.log(`ratio end to end / plain SQL: ${(e2eRate / sqlRate).toFixed(3)}`);
console.log(`pull + batch upsert only (import off, ${pullOnly.run.fetched} orders): ${pullSeconds.toFixed(1)} s = ${(pullOnly.run.fetched / pullSeconds).toFixed(0)} orders/s; ratio to plain SQL: ${(pullOnly.run.fetched / pullSeconds / sqlRate).toFixed(3)}`);
const [load] = (await import("node:os")).loadavg();
console.log(`machine: load average ${load!.toFixed(1)} on ${(await import("node:os")).cpus().length} CPUs`);

await sim.stop();
await pg.end();
await shutdown(0);

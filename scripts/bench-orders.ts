/**
 * `npm run bench:orders` — order capture and the order list, measured in one run:
 *
 *   1. open API `createOrders` over HTTP (3 lines per order, BENCH_WORKERS concurrent clients): orders/s
 *      and p50/p95 latency, against the same orders written by plain SQL (one transaction per order:
 *      the order row and its 3 lines, same concurrency) — and their ratio;
 *   2. the order list (`listOrders`: the page's query, capped count and line counts) over a merchant with
 *      BENCH_LIST_ORDERS (default 1,000,000) orders generated with `generate_series`: p50/p95 for four
 *      filter combinations.
 *
 * The server: BENCH_BASE_URL when set (it must use the same DATABASE_URL); otherwise the script starts
 * `next start` on a free port when a build exists (NEXT_DIST_DIR or .next), else `next dev` (figures
 * then include dev-mode overhead; the lead runs it against a build). Uses DATABASE_URL or the embedded
 * PostgreSQL. BENCH_ORDERS (default 2,000), BENCH_WORKERS (default 8), BENCH_LIST_RUNS (default 200)
 * tune it; BENCH_KEEP_LIST=1 keeps the generated merchant for the next run (generation takes minutes).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { closeHandle, createDb, tenantDb } from "@/db";
import { customerAddresses, customers, memberships, orderStatusCounts, organizations, orders, products, users, warehouses } from "@/db/schema";
import { systemContext, type ServiceContext } from "@/server/context";
import { createOrdersFn } from "@/server/services/orders/open-api";
import { createApiKey } from "@/server/services/auth/api-keys";
import { listOrders } from "@/server/services/orders/queries";
import { createOrganization } from "@/server/services/orgs/orgs";
import type { OrderListInput } from "@/lib/validators/orders";
import { runConcurrent, type BenchResult } from "./bench-lib";
import { prepareDatabase, stopOnExit } from "./lib";

const N = Number(process.env.BENCH_ORDERS ?? 2_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const LIST_ORDERS = Number(process.env.BENCH_LIST_ORDERS ?? 1_000_000);
const LIST_RUNS = Number(process.env.BENCH_LIST_RUNS ?? 200);
const KEEP_LIST = process.env.BENCH_KEEP_LIST === "1";
const LIST_SLUG = `bench-orders-list-${LIST_ORDERS}`;
const log = (m: string) => console.error(`[bench:orders] ${m}`);

const embedded = await prepareDatabase({ log: false });
const dbh = createDb(process.env.DATABASE_URL!, WORKERS + 2);
const { db, sql: pg } = dbh;
let server: ChildProcess | null = null;
const shutdown = stopOnExit(embedded, {
  kill: (s) => server?.kill(s),
  get exitCode() {
    return server ? server.exitCode : 0;
  },
});

// ------------------------------------------------------------------------------------------- server
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

async function startServer(): Promise<{ url: string; mode: string }> {
  if (process.env.BENCH_BASE_URL) return { url: process.env.BENCH_BASE_URL.replace(/\/$/, ""), mode: "BENCH_BASE_URL" };
  const root = path.resolve(import.meta.dirname, "..");
  const distDir = process.env.NEXT_DIST_DIR ?? ".next";
  const mode = fs.existsSync(path.join(root, distDir, "BUILD_ID")) ? "start" : "dev";
  const port = await freePort();
  log(`starting next ${mode} on port ${port}${mode === "dev" ? " (no build found: dev-mode figures)" : ""}`);
  server = spawn(process.execPath, ["node_modules/next/dist/bin/next", mode, "-p", String(port)], {
    cwd: root,
    env: {
      ...process.env,
      // A production server refuses to start without its own secrets and origin (server/secrets.ts).
      AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64"),
      MANIFOLD_SECRET: process.env.MANIFOLD_SECRET ?? randomBytes(32).toString("base64"),
      APP_URL: process.env.APP_URL ?? `http://127.0.0.1:${port}`,
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: mode === "dev" ? (process.env.NEXT_DIST_DIR ?? ".next-bench") : distDir,
    },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 300_000;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, mode: `next ${mode}` };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not come up");
}

// ------------------------------------------------------------------------------------------- runner
type Result = BenchResult;
const run = runConcurrent;

const fmt = (r: Result, unit: string) =>
  `${r.rate.toFixed(0).padStart(6)} ${unit}/s  p50 ${r.p50.toFixed(1).padStart(7)} ms  p95 ${r.p95.toFixed(1).padStart(7)} ms  (${r.ok.toLocaleString()} in ${r.seconds.toFixed(1)} s${r.failed ? `, ${r.failed} failed: ${r.firstError}` : ""})`;

// ------------------------------------------------------------------------------------------- capture
async function benchCapture(baseUrl: string) {
  const org = await createOrganization(db, { name: "Bench orders", slug: `bench-orders-${Date.now().toString(36)}` });
  await db.insert(warehouses).values({ orgId: org.id, code: "BENCH", name: "Bench", isDefault: true });
  const prods = await db
    .insert(products)
    .values(["B-1", "B-2", "B-3"].map((sku) => ({ orgId: org.id, sku, name: sku, price: "10" })))
    .returning();
  const [cust] = await db.insert(customers).values({ orgId: org.id, clientNum: "C1", companyName: "Bench buyer" }).returning();
  await db
    .insert(customerAddresses)
    .values({ orgId: org.id, customerId: cust!.id, recipient: "测试", phone: "13800000000", province: "浙江省", city: "杭州市", street: "文三路 1 号", isDefault: true });
  const key = (await createApiKey(systemContext(db, org.id, "bench"), { name: "bench", role: "operator" })).key;

  const body = (i: number) =>
    JSON.stringify({
      f: "createOrders",
      v: {
        sKey: key,
        client_num: "C1",
        freight: "3.55",
        remark: `bench ${i}`,
        body: [
          { options_goods_num: "B-1", orders_price: "11.5555", orders_number: "5.5555" },
          { options_goods_num: "B-2", orders_price: 11.4444, orders_number: 4, list_type: "gift" },
          { options_goods_num: "B-3", orders_price: "11.3333", orders_number: "3.3333" },
        ],
      },
    });
  const viaHttp = async (i: number) => {
    const res = await fetch(`${baseUrl}/api/open`, { method: "POST", headers: { "content-type": "application/json" }, body: body(i) });
    const json = (await res.json()) as { rStatus: number; message: string };
    if (json.rStatus !== 100) throw new Error(`rStatus ${json.rStatus}: ${json.message}`);
  };

  // The same order, written by plain SQL: one transaction with the order row and its 3 lines.
  const runId = Date.now().toString(36);
  let phase = 0;
  const viaSql = async (i: number) => {
    await pg.begin(async (tx) => {
      const id = randomUUID();
      await tx`insert into orders (id, org_id, order_no, source, status, customer_id, client_num, buyer_company, address_id, recipient_name, recipient_phone,
                                  country, province, city, street, delivery_method, freight, remark, lines_total, total_qty, discount_total)
               values (${id}, ${org.id}, ${`SQL-${runId}-${phase}-${i}`}, 'api', 'pending', ${cust!.id}, 'C1', 'Bench buyer', null, '测试', '13800000000',
                       'CN', '浙江省', '杭州市', '文三路 1 号', '快递', 3.55, ${`bench ${i}`}, 101.98, 12.8888, 101.98)`;
      await tx`insert into order_lines (id, org_id, order_id, line_no, product_id, sku, quantity, unit_price, amount, line_type)
               values (${randomUUID()}, ${org.id}, ${id}, 1, ${prods[0]!.id}, 'B-1', 5.5555, 11.5555, 64.20, 'buy'),
                      (${randomUUID()}, ${org.id}, ${id}, 2, ${prods[1]!.id}, 'B-2', 4, 11.4444, 45.78, 'gift'),
                      (${randomUUID()}, ${org.id}, ${id}, 3, ${prods[2]!.id}, 'B-3', 3.3333, 11.3333, 37.78, 'buy')`;
    });
  };

  // The same createOrders call in this process (no HTTP, no Next.js): what the domain itself costs.
  // On the merchant's database (manifold_app, app.org_id set per transaction), as every entry point
  // builds it; and the same on the owner pool (policies bypassed), to price row-level security.
  const ctx: ServiceContext = { db: tenantDb(db, org.id), orgId: org.id, role: "operator", actor: { type: "apiKey", apiKeyId: randomUUID() } };
  const ownerCtx: ServiceContext = { ...ctx, db };
  const serviceOn = (c: ServiceContext) => async (i: number) => {
    const v = JSON.parse(body(i)).v as Record<string, unknown>;
    delete v.sKey;
    await createOrdersFn(c, v as never, { scope: "bench", idempotencyKey: null });
  };
  const viaService = serviceOn(ctx);

  log(`warming up (HTTP route compile, connection pools)`);
  await run(WORKERS * 3, WORKERS, viaHttp);
  await run(WORKERS * 3, WORKERS, viaService);
  await run(WORKERS * 3, WORKERS, viaSql);
  phase = 1;
  log(`createOrders over HTTP: ${N.toLocaleString()} orders, ${WORKERS} concurrent clients`);
  const http = await run(N, WORKERS, viaHttp);
  log(`createOrders in-process: ${N.toLocaleString()} orders, ${WORKERS} concurrent callers`);
  const service = await run(N, WORKERS, viaService);
  log(`plain SQL: ${N.toLocaleString()} orders, ${WORKERS} concurrent connections`);
  const plain = await run(N, WORKERS, viaSql);
  // Row-level security on capture: owner pool vs merchant database, in alternating chunks so that both
  // see the same machine; each side writes N/2 orders.
  log(`row-level security on capture: ${N.toLocaleString()} orders in-process, owner and manifold_app alternating`);
  await run(WORKERS * 3, WORKERS, serviceOn(ownerCtx));
  const chunk = Math.max(WORKERS * 4, Math.floor(N / 20));
  const sides = { owner: [] as BenchResult[], app: [] as BenchResult[] };
  for (let done = 0, k = 0; done < N; done += chunk, k++) {
    for (const side of k % 2 ? (["app", "owner"] as const) : (["owner", "app"] as const)) {
      sides[side].push(await run(Math.max(1, Math.floor(Math.min(chunk, N - done) / 2)), WORKERS, serviceOn(side === "app" ? ctx : ownerCtx)));
    }
  }
  const merge = (rs: BenchResult[]) => {
    const ok = rs.reduce((x, r) => x + r.ok, 0);
    const seconds = rs.reduce((x, r) => x + r.seconds, 0);
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    return { ok, seconds, rate: ok / seconds, p50: mid(rs.map((r) => r.p50)), p95: mid(rs.map((r) => r.p95)), failed: rs.reduce((x, r) => x + r.failed, 0) };
  };
  const rlsCapture = { owner: merge(sides.owner), app: merge(sides.app) };
  const rlsOrders = WORKERS * 3 + [...sides.owner, ...sides.app].reduce((x, r) => x + r.ok + r.failed, 0);

  const [made] = await db
    .select({ n: sql<number>`count(*)::int`, lines: sql<number>`(select count(*)::int from order_lines l where l.org_id = ${org.id})` })
    .from(orders)
    .where(eq(orders.orgId, org.id));
  await db.execute(sql`delete from outbox where org_id = ${org.id}`);
  await db.delete(organizations).where(eq(organizations.id, org.id));
  return { http, service, plain, rlsCapture, rlsOrders, made: made! };
}

// ------------------------------------------------------------------------------------------- list
const FAMILY = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
const GIVEN = ["小明", "建国", "丽华", "志强", "秀英", "伟", "芳", "娜", "敏", "静", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "超", "霞"];
const PROVINCES = ["浙江省", "广东省", "江苏省", "上海市", "北京市", "山东省", "福建省", "四川省"];

async function listMerchant(): Promise<{ ctx: ServiceContext; generated: boolean; seconds: number; benchUserId: string | null }> {
  let [org] = await db.select().from(organizations).where(eq(organizations.slug, LIST_SLUG));
  let generated = false;
  const t0 = performance.now();
  if (!org) {
    org = await createOrganization(db, { name: `Bench list ${LIST_ORDERS}`, slug: LIST_SLUG });
    generated = true;
  }
  const [have] = await db.select({ n: sql<number>`count(*)::int` }).from(orders).where(eq(orders.orgId, org.id));
  if (have!.n < LIST_ORDERS) {
    await db
      .insert(customers)
      .values(Array.from({ length: 50 }, (_, i) => ({ orgId: org!.id, clientNum: `L${i}`, companyName: `Buyer ${i}` })))
      .onConflictDoNothing();
    const custs = await db.select({ id: customers.id, clientNum: customers.clientNum }).from(customers).where(eq(customers.orgId, org.id));
    const custArray = `{${custs.map((c) => c.id).join(",")}}`;
    const numArray = `{${custs.map((c) => c.clientNum).join(",")}}`;
    const fam = `{${FAMILY.join(",")}}`;
    const giv = `{${GIVEN.join(",")}}`;
    const prov = `{${PROVINCES.join(",")}}`;
    const CHUNK = 100_000;
    for (let from = have!.n; from < LIST_ORDERS; from += CHUNK) {
      const to = Math.min(LIST_ORDERS, from + CHUNK) - 1;
      log(`generating orders ${from.toLocaleString()}–${to.toLocaleString()} of ${LIST_ORDERS.toLocaleString()}`);
      // Status mix of a live merchant: mostly completed, a tenth pending/awaiting shipment; created over
      // the last 365 days; 20 × 20 recipient names; 50 customers; three sources.
      await db.execute(sql`
        insert into orders (id, org_id, order_no, source, status, customer_id, client_num, buyer_company, recipient_name, recipient_phone,
                            country, province, city, street, delivery_method, delivery_date, freight, lines_total, total_qty, discount_total, created_at, updated_at)
        select gen_random_uuid(), ${org.id}, 'BL-' || lpad(g::text, 8, '0'),
               (array['manual','api','platform'])[1 + g % 3],
               case when r < 0.10 then 'pending' when r < 0.20 then 'stock_up' when r < 0.25 then 'scheduled' when r < 0.40 then 'shipped'
                    when r < 0.90 then 'completed' when r < 0.95 then 'closed' when r < 0.97 then 'frozen' else 'voided' end,
               (${custArray}::uuid[])[1 + g % 50], (${numArray}::text[])[1 + g % 50], 'Buyer ' || (g % 50),
               (${fam}::text[])[1 + (g / 7) % 20] || (${giv}::text[])[1 + (g / 3) % 20],
               '1' || (3 + g % 7)::text || lpad(((g::bigint * 7919) % 1000000000)::text, 9, '0'),
               case when g % 10 = 0 then 'US' else 'CN' end, (${prov}::text[])[1 + g % 8], '市', '路 ' || g || ' 号', '快递',
               (current_date + (g % 90))::date, 0, 100, 3, 100, created, created
          from (select g, random() as r, now() - (random() * interval '365 days') as created
                  from generate_series(${from}::int, ${to}::int) g) s`);
    }
    await db.execute(sql`analyze orders`);
  }
  const [owner] = await db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.orgId, org.id)).limit(1);
  let userId = owner?.userId;
  if (!userId) {
    const [u] = await db.insert(users).values({ email: `${randomUUID()}@bench.local`, name: "bench", passwordHash: "x" }).returning({ id: users.id });
    await db.insert(memberships).values({ orgId: org.id, userId: u!.id, role: "owner" });
    userId = u!.id;
  }
  return { ctx: { db, orgId: org.id, role: "owner", actor: { type: "user", userId } }, generated, seconds: (performance.now() - t0) / 1000, benchUserId: userId };
}

async function benchList(ctx: ServiceContext) {
  const someNos = await db
    .select({ no: orders.orderNo })
    .from(orders)
    .where(and(eq(orders.orgId, ctx.orgId), sql`${orders.orderNo} like 'BL-%'`))
    .limit(50);
  const today = new Date();
  const daysAgo = (d: number) => new Date(today.getTime() - d * 86400_000).toISOString().slice(0, 10);
  const combos: { name: string; input: OrderListInput }[] = [
    { name: "status tab 待审核 (pending), newest first", input: { filter: { status: "pending" }, limit: 50 } },
    { name: "created in the last 30 days + source api", input: { filter: { createdFrom: daysAgo(30), createdTo: daysAgo(0), source: "api" }, limit: 50 } },
    { name: "recipient 王小明 (trigram) + status completed", input: { filter: { recipient: "王小明", status: "completed" }, limit: 50 } },
    { name: "50 pasted order numbers", input: { filter: { orderNos: someNos.map((r) => r.no) }, limit: 50 } },
  ];
  const out: { name: string; result: Result; rows: number; total: string }[] = [];
  for (const c of combos) {
    const first = await listOrders(ctx, c.input);
    await run(5, 1, async () => void (await listOrders(ctx, c.input)));
    const result = await run(LIST_RUNS, 1, async () => void (await listOrders(ctx, c.input)));
    out.push({ name: c.name, result, rows: first.items.length, total: `${first.total.capped ? ">" : ""}${first.total.count.toLocaleString()}` });
  }
  // Deep keyset page (page 200 of the biggest tab): cost stays that of page 1.
  let cursor: string | null = null;
  const deep = { filter: { status: "completed" as const }, limit: 50 };
  for (let p = 0; p < 199; p++) cursor = (await listOrders(ctx, { ...deep, cursor })).nextCursor;
  const deepResult = await run(LIST_RUNS, 1, async () => void (await listOrders(ctx, { ...deep, cursor })));
  out.push({ name: "status completed, keyset page 200", result: deepResult, rows: 50, total: "" });
  const t0 = performance.now();
  const counts = await db
    .select({ n: sql<string>`sum(${orderStatusCounts.n})` })
    .from(orderStatusCounts)
    .where(eq(orderStatusCounts.orgId, ctx.orgId));
  return { out, countsMs: performance.now() - t0, all: Number(counts[0]?.n ?? 0), combos };
}

/**
 * Row-level security's cost on the list: the same queries in a transaction that sets the merchant
 * (set_config('app.org_id', …, true)), run as the owner (RLS bypassed) and as manifold_app (every
 * tenant table's policy applies), interleaved run by run so both see the same machine.
 */
async function benchRls(ctx: ServiceContext, combos: { name: string; input: OrderListInput }[]) {
  const once = (asApp: boolean, input: OrderListInput) =>
    db.transaction(async (tx) => {
      if (asApp) await tx.execute(sql`set local role manifold_app`);
      await tx.execute(sql`select set_config('app.org_id', ${ctx.orgId}, true)`);
      return listOrders({ ...ctx, db: tx }, input);
    });
  // …and as a request runs it: on the merchant's database, each statement in its own transaction.
  const merchant = { ...ctx, db: tenantDb(db, ctx.orgId) };
  const asRequest = (input: OrderListInput) => listOrders(merchant, input);
  const out: { name: string; owner: Result; app: Result; request: Result; same: boolean }[] = [];
  for (const c of combos) {
    const [a, b, r] = [await once(false, c.input), await once(true, c.input), await asRequest(c.input)];
    const ids = (x: typeof a) => JSON.stringify(x.items.map((row) => row.id)) + x.total.count;
    const same = ids(a) === ids(b) && ids(a) === ids(r);
    const owner: number[] = [];
    const app: number[] = [];
    const request: number[] = [];
    const variants = [
      [owner, () => once(false, c.input)],
      [app, () => once(true, c.input)],
      [request, () => asRequest(c.input)],
    ] as const;
    for (let i = 0; i < LIST_RUNS; i++) {
      for (let k = 0; k < 3; k++) {
        const [into, go] = variants[(i + k) % 3]!;
        const t0 = performance.now();
        await go();
        into.push(performance.now() - t0);
      }
    }
    out.push({ name: c.name, owner: summarize(owner), app: summarize(app), request: summarize(request), same });
  }
  return out;
}

function summarize(ms: number[]): Result {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const total = ms.reduce((x, y) => x + y, 0);
  return { seconds: total / 1000, rate: (ms.length * 1000) / total, p50: at(0.5), p95: at(0.95), ok: ms.length, failed: 0 };
}

// ------------------------------------------------------------------------------------------- main
try {
  const { url, mode } = await startServer();
  const capture = await benchCapture(url);
  console.log(`bench:orders — ${WORKERS} concurrent clients, ${N.toLocaleString()} orders × 3 lines per run; server: ${mode}; PostgreSQL via ${embedded ? "embedded server" : "DATABASE_URL"}`);
  console.log(``);
  console.log(`order capture`);
  console.log(`  open API createOrders over HTTP   ${fmt(capture.http, "orders")}`);
  console.log(`  createOrders in-process (no HTTP)  ${fmt(capture.service, "orders")}`);
  console.log(`  plain SQL (order + 3 lines, 1 tx) ${fmt(capture.plain, "orders")}`);
  console.log(`  ratio HTTP createOrders / plain SQL: ${(capture.http.rate / capture.plain.rate).toFixed(3)}; in-process / plain SQL: ${(capture.service.rate / capture.plain.rate).toFixed(3)}`);
  const rc = capture.rlsCapture;
  console.log(
    `  row-level security, in-process createOrders: owner pool ${rc.owner.rate.toFixed(1)} orders/s (p50 ${rc.owner.p50.toFixed(1)} ms), manifold_app + app.org_id ${rc.app.rate.toFixed(1)} orders/s (p50 ${rc.app.p50.toFixed(1)} ms); throughput ${rc.app.rate <= rc.owner.rate ? "−" : "+"}${Math.abs((1 - rc.app.rate / rc.owner.rate) * 100).toFixed(1)} %${rc.owner.failed + rc.app.failed ? ` (${rc.owner.failed + rc.app.failed} failed)` : ""}`,
  );
  const expected = (N + WORKERS * 3) * 3 + capture.rlsOrders;
  console.log(`  check: ${capture.made.n.toLocaleString()} orders and ${capture.made.lines.toLocaleString()} lines written (expected ${expected.toLocaleString()} and ${(expected * 3).toLocaleString()})`);
  console.log(``);

  log(`order list: merchant with ${LIST_ORDERS.toLocaleString()} orders`);
  const list = await listMerchant();
  const listed = await benchList(list.ctx);
  console.log(`order list over ${LIST_ORDERS.toLocaleString()} orders of one merchant (${list.generated ? `generated in ${list.seconds.toFixed(0)} s` : "reused"}), ${LIST_RUNS} runs each, 1 client`);
  for (const l of listed.out) {
    console.log(`  ${l.name.padEnd(48)} p50 ${l.result.p50.toFixed(2).padStart(7)} ms  p95 ${l.result.p95.toFixed(2).padStart(7)} ms  (${l.rows} rows${l.total ? `, total ${l.total}` : ""})`);
  }
  console.log(`  status tab counts (all ${listed.all.toLocaleString()}): ${listed.countsMs.toFixed(2)} ms`);
  const rls = await benchRls(list.ctx, listed.combos);
  console.log(`row-level security on the list (owner / manifold_app: one transaction setting app.org_id, policies bypassed / applied; as a request: tenantDb, every statement its own transaction; % = throughput against owner)`);
  for (const r of rls) {
    const cost = (1 - r.app.rate / r.owner.rate) * 100;
    const reqCost = (1 - r.request.rate / r.owner.rate) * 100;
    console.log(
      `  ${r.name.padEnd(48)} owner p50 ${r.owner.p50.toFixed(2).padStart(6)} ms, manifold_app p50 ${r.app.p50.toFixed(2).padStart(6)} ms (${cost >= 0 ? "−" : "+"}${Math.abs(cost).toFixed(1)} %), as a request (tenantDb) p50 ${r.request.p50.toFixed(2).padStart(6)} ms (${reqCost >= 0 ? "−" : "+"}${Math.abs(reqCost).toFixed(1)} %)${r.same ? "" : "  (DIFFERENT ROWS)"}`,
    );
  }
  console.log(`machine: load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);

  if (!KEEP_LIST) {
    log(`removing the list merchant (BENCH_KEEP_LIST=1 keeps it for the next run)`);
    await db.delete(organizations).where(eq(organizations.id, list.ctx.orgId));
    if (list.benchUserId) await db.delete(users).where(eq(users.id, list.benchUserId));
  }
  await closeHandle(dbh);
  await shutdown(capture.http.failed || capture.service.failed || capture.plain.failed ? 1 : 0);
} catch (e) {
  console.error(e);
  await closeHandle(dbh).catch(() => {});
  await shutdown(1);
}

import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { runMigrations } from "@/db/migrate";
import { ShopifySimulator } from "../simulators/shopify/server";
import { channelMerchant, drillOrder } from "./channels-fixture";
import { Child, freshDatabase, rand, SCALE, sleep } from "./harness";
import { ledgerMismatches, reservationMismatches, stockSnapshot } from "./invariants";

/**
 * Drill: the pull worker (its own process) is SIGKILLed at random moments while it pulls a large shop
 * from the Shopify simulator page by page (importing and converting as it goes), and restarted each
 * time. Afterwards the merchant holds every simulator order exactly once as a platform order, each
 * converted into exactly one system order, pulls resumed (a run finished ok after the kills; every
 * killed run was expired, none left running), and the ledger and reservations add up.
 * RELIABILITY_SCALE=9 pulls 5,400 orders.
 */
const ORDERS = 600 * SCALE;
const KILLS = 10;

let dbh: Awaited<ReturnType<typeof freshDatabase>>;
let sim: ShopifySimulator;
let worker: Child;
let m: Awaited<ReturnType<typeof channelMerchant>>;
let accountId = "";
let shop = "";

beforeAll(async () => {
  dbh = await freshDatabase(inject("databaseUrl"), `drill_pull_${process.pid}`);
  await runMigrations(dbh.url);
  // The bucket opened wide: the drill is about our crash safety, not Shopify's rate (tested elsewhere).
  sim = new ShopifySimulator({ bucketSize: 1e12, restoreRate: 1e12 });
  await sim.start(0);
  process.env.MANIFOLD_SHOPIFY_SIMULATOR_URL = sim.url;
  m = await channelMerchant(dbh.url, ORDERS * 10);
  ({ shop, account: { id: accountId } } = await m.shop(sim, { importEnabled: true, pageSize: 10 }));
  sim.bulkCreateOrders(shop, ORDERS, drillOrder);
  worker = new Child("tests/reliability/pull-worker.ts", { DATABASE_URL: dbh.url, ORG_ID: m.orgId, ACCOUNT_ID: accountId, PULL_STALE_SECONDS: "2" });
}, 120_000);

afterAll(async () => {
  await worker?.kill();
  await m?.close();
  await sim?.stop();
  await dbh?.drop();
});

describe("drill: SIGKILL the pull worker during a large pull", () => {
  it(`${ORDERS} orders, ${KILLS} kills: each imported once, converted once, pulls resume, ledger and reservations add up`, async () => {
    const sql = postgres(dbh.url, { max: 2, onnotice: () => {} });
    try {
      const before = await stockSnapshot(dbh.url, m.orgId);
      const started = Date.now();
      await worker.start();
      const killedAt: number[] = [];
      let midRun = 0;
      for (let k = 0; k < KILLS; k++) {
        await sleep(rand(300, 3000));
        const [r] = await sql<{ n: number }[]>`select count(*)::int as n from channel_pull_runs where org_id = ${m.orgId} and status = 'running' and heartbeat_at > now() - interval '2 seconds'`;
        if (r!.n > 0) midRun++;
        await worker.kill();
        killedAt.push(Date.now());
        await worker.start();
      }
      const count = async () => {
        const [r] = await sql<{ po: number; converted: number; ok: number }[]>`
          select (select count(*) from platform_orders where org_id = ${m.orgId} and account_id = ${accountId})::int as po,
                 (select count(*) from orders where org_id = ${m.orgId} and platform_order_id is not null)::int as converted,
                 (select count(*) from channel_pull_runs where org_id = ${m.orgId} and account_id = ${accountId} and status = 'ok')::int as ok`;
        return r!;
      };
      const firstOk = await sql<{ t: Date }[]>`select min(finished_at) as t from channel_pull_runs where org_id = ${m.orgId} and status = 'ok'`;
      const deadline = Date.now() + 180_000 * SCALE;
      for (;;) {
        const c = await count();
        if (c.ok > 0 && c.po === ORDERS && c.converted === ORDERS) break;
        if (Date.now() > deadline) throw new Error(`did not settle: ${JSON.stringify(c)}`);
        await sleep(250);
      }
      const settleMs = Date.now() - started;
      const firstOkMs = firstOk[0]?.t ? `${new Date(firstOk[0].t).getTime() - started}ms` : "none during the kills";
      // Runs: the worker may be in a fresh (heartbeating) run now; nothing else may be left running.
      const runs = await sql<{ status: string; error: string | null; stale: boolean }[]>`
        select status, error, heartbeat_at < now() - interval '2 seconds' as stale from channel_pull_runs where org_id = ${m.orgId} and account_id = ${accountId}`;
      await worker.kill();

      const simNames = [...sim.store(shop).orders.values()].map((o) => o.name);
      const rows = await sql<{ no: string; n: number }[]>`
        select platform_order_no as no, count(*)::int as n from platform_orders where org_id = ${m.orgId} and account_id = ${accountId} group by 1`;
      const have = new Set(rows.map((r) => r.no));
      const lost = simNames.filter((n) => !have.has(n)).length;
      const duplicates = rows.reduce((s, r) => s + r.n - 1, 0);
      const extra = rows.filter((r) => !simNames.includes(r.no)).length;
      const [conv] = await sql<{ orders: number; distinct_po: number; unconverted: number; outbound: number }[]>`
        select (select count(*) from orders where org_id = ${m.orgId} and platform_order_id is not null)::int as orders,
               (select count(distinct platform_order_id) from orders where org_id = ${m.orgId})::int as distinct_po,
               (select count(*) from platform_orders where org_id = ${m.orgId} and order_id is null)::int as unconverted,
               (select count(*) from outbound_orders where org_id = ${m.orgId})::int as outbound`;
      const abandoned = runs.filter((r) => r.status === "failed" && r.error?.startsWith("abandoned")).length;
      console.log(
        `[drill pull-kill] orders=${ORDERS} kills=${KILLS} (${midRun} mid-run) first ok run ${firstOkMs}, runs=${runs.length} (ok ${runs.filter((r) => r.status === "ok").length}, expired after a kill ${abandoned}) ` +
          `platform orders=${rows.length} duplicates=${duplicates} lost=${lost} converted=${conv!.orders} settle=${settleMs}ms (${settleMs - (killedAt.at(-1)! - started)}ms after the last kill)`,
      );
      expect(lost).toBe(0);
      expect(duplicates).toBe(0);
      expect(extra).toBe(0);
      expect(rows).toHaveLength(ORDERS);
      expect(conv).toEqual({ orders: ORDERS, distinct_po: ORDERS, unconverted: 0, outbound: ORDERS });
      // No run stuck: every run but the worker's current one ended (ok, or expired after its worker died).
      expect(runs.filter((r) => r.status === "running" && r.stale)).toEqual([]);
      expect(runs.filter((r) => r.status === "running").length).toBeLessThanOrEqual(1);
      expect(runs.filter((r) => r.status === "failed" && !r.error?.startsWith("abandoned"))).toEqual([]);
      const after = await stockSnapshot(dbh.url, m.orgId);
      expect(ledgerMismatches(before, after)).toEqual([]);
      expect(await reservationMismatches(dbh.url, m.orgId)).toEqual([]);
    } finally {
      await sql.end();
    }
  }, 300_000 * SCALE);
});

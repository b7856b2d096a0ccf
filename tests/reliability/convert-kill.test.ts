import { and, eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { runMigrations } from "@/db/migrate";
import { channelAccounts } from "@/db/schema";
import { systemContext } from "@/server/context";
import { pullOrders } from "@/server/services/channels/pull";
import { ShopifySimulator } from "../simulators/shopify/server";
import { channelMerchant, drillOrder } from "./channels-fixture";
import { Child, freshDatabase, rand, SCALE, sleep } from "./harness";
import { ledgerMismatches, reservationMismatches, stockSnapshot } from "./invariants";

/**
 * Drill: the batch converter (its own process, chunks of 100 platform orders per transaction) is
 * SIGKILLed 10 times at random moments after one of its transactions has written, and restarted each time. Afterwards every
 * convertible platform order was converted exactly once (one system order, one outbound order, one
 * "converted" event), the unconvertible ones (an unmapped SKU, every tenth order) stay pending with
 * their blocker, and the ledger and reservations add up.
 */
const ORDERS = 1500 * SCALE;
const KILLS = 10;
const unmapped = (i: number) => i % 10 === 0;

let dbh: Awaited<ReturnType<typeof freshDatabase>>;
let sim: ShopifySimulator;
let worker: Child;
let m: Awaited<ReturnType<typeof channelMerchant>>;
let accountId = "";

beforeAll(async () => {
  dbh = await freshDatabase(inject("databaseUrl"), `drill_convert_${process.pid}`);
  await runMigrations(dbh.url);
  sim = new ShopifySimulator({ bucketSize: 1e12, restoreRate: 1e12 });
  await sim.start(0);
  process.env.MANIFOLD_SHOPIFY_SIMULATOR_URL = sim.url;
  m = await channelMerchant(dbh.url, ORDERS * 10);
  const { shop, account } = await m.shop(sim, { importEnabled: false });
  accountId = account.id;
  sim.bulkCreateOrders(shop, ORDERS, (i) => (unmapped(i) ? { ...drillOrder(i), lineItems: [...drillOrder(i).lineItems, { sku: "P-UNMAPPED", quantity: 1 }] } : drillOrder(i)));
  // Stored as platform orders only (import off), then import switched on for the converter.
  const { run } = await pullOrders(systemContext(m.db, m.orgId, "drill"), { accountId, trigger: "manual", from: new Date(Date.now() - 2 * 86400_000), to: new Date(Date.now() + 60_000) });
  if (run.status !== "ok" || run.created !== ORDERS) throw new Error(`set-up pull: ${run.status} ${run.created} ${run.error}`);
  await m.db.update(channelAccounts).set({ importEnabled: true }).where(and(eq(channelAccounts.orgId, m.orgId), eq(channelAccounts.id, accountId)));
  worker = new Child("tests/reliability/convert-worker.ts", { DATABASE_URL: dbh.url, ORG_ID: m.orgId, ACCOUNT_ID: accountId, CHUNK: "100" });
}, 180_000 * SCALE);

afterAll(async () => {
  await worker?.kill();
  await m?.close();
  await sim?.stop();
  await dbh?.drop();
});

describe("drill: SIGKILL the batch converter mid-transaction", () => {
  it(`${ORDERS} platform orders, ${KILLS} kills: every convertible one converted once, blocked ones kept, ledger and reservations add up`, async () => {
    const sql = postgres(dbh.url, { max: 1, onnotice: () => {} });
    const convertible = Array.from({ length: ORDERS }, (_, i) => i).filter((i) => !unmapped(i)).length;
    const converted = async () => {
      const [r] = await sql<{ n: number }[]>`select count(*)::int as n from orders where org_id = ${m.orgId} and platform_order_id is not null`;
      return r!.n;
    };
    try {
      const before = await stockSnapshot(dbh.url, m.orgId);
      const started = Date.now();
      await worker.start();
      let kills = 0;
      const atKill: number[] = [];
      while (kills < KILLS && (await converted()) < convertible) {
        // Wait until a transaction of the worker has written (it holds a transaction id), then a little more:
        // the kill lands in that chunk or, now and then, just after it committed.
        const [open] = await sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null`;
        if (open!.n === 0) {
          await sleep(20);
          continue;
        }
        await sleep(rand(0, 3000));
        atKill.push(await converted());
        await worker.kill();
        kills++;
        await worker.start();
      }
      const lastKill = Date.now();
      const deadline = Date.now() + 120_000 * SCALE;
      while ((await converted()) < convertible) {
        if (Date.now() > deadline) throw new Error(`converted ${await converted()} of ${convertible}`);
        await sleep(200);
      }
      const settleMs = Date.now() - started;
      await sleep(500); // one more pass of the worker over the blocked ones
      await worker.kill();

      const [r] = await sql<Record<string, number>[]>`
        select (select count(*) from orders where org_id = ${m.orgId} and platform_order_id is not null)::int as orders,
               (select count(distinct platform_order_id) from orders where org_id = ${m.orgId})::int as distinct_po,
               (select count(*) from platform_orders where org_id = ${m.orgId} and state = 'processed' and order_id is not null)::int as processed,
               (select count(*) from platform_orders p where org_id = ${m.orgId} and state = 'pending' and order_id is null
                   and blockers @> '[{"kind":"unmapped_sku","platformSku":"P-UNMAPPED"}]')::int as blocked,
               (select count(*) from outbound_orders where org_id = ${m.orgId})::int as outbound,
               (select count(distinct order_id) from outbound_orders where org_id = ${m.orgId})::int as outbound_orders_of,
               (select count(*) from platform_order_events where org_id = ${m.orgId} and type = 'converted')::int as converted_events,
               (select count(distinct platform_order_id) from platform_order_events where org_id = ${m.orgId} and type = 'converted')::int as converted_events_of`;
      const duplicates = r!.orders! - r!.distinct_po!;
      console.log(
        `[drill convert-kill] platform orders=${ORDERS} convertible=${convertible} kills=${kills} (each after a write of a conversion transaction; converted at each kill: ${atKill.join(",")}) ` +
          `converted=${r!.orders} duplicates=${duplicates} lost=${convertible - r!.distinct_po!} blocked=${r!.blocked} settle=${settleMs}ms (${Date.now() - lastKill}ms after the last kill)`,
      );
      expect(kills).toBeGreaterThan(0);
      expect(r).toEqual({
        orders: convertible,
        distinct_po: convertible,
        processed: convertible,
        blocked: ORDERS - convertible,
        outbound: convertible,
        outbound_orders_of: convertible,
        converted_events: convertible,
        converted_events_of: convertible,
      });
      const after = await stockSnapshot(dbh.url, m.orgId);
      expect(ledgerMismatches(before, after)).toEqual([]);
      expect(await reservationMismatches(dbh.url, m.orgId)).toEqual([]);
    } finally {
      await sql.end();
    }
  }, 300_000 * SCALE);
});

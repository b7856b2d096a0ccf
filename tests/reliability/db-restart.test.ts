import PgBoss from "pg-boss";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/db";
import { runMigrations } from "@/db/migrate";
import { systemContext } from "@/server/context";
import { startOutboxRelay } from "@/server/jobs/outbox-relay";
import { handleOpenRequest } from "@/server/open/handler";
import { createApiKey } from "@/server/services/auth/api-keys";
import { enqueueMany } from "@/server/services/outbox/outbox";
import { TOPICS } from "@/server/services/outbox/topics";
import { seedDemo } from "@/server/services/seed/demo";
import { PrivateCluster, rand, SCALE, sleep, createOrdersBody, stockForDrillOrders } from "./harness";
import { ledgerMismatches, stockSnapshot } from "./invariants";

/**
 * Drill: PostgreSQL restarted (`pg_ctl restart -m fast`, a private cluster this test starts) in the
 * middle of order capture, the outbox relay and pg-boss jobs, in one process that is never restarted.
 * Requests during the outage fail with 503 (rStatus 503), never a 500; the pool reconnects by itself;
 * the relay and pg-boss resume; nothing is half-written.
 */
const ORDERS = 60 * SCALE;
const RESTARTS = SCALE > 1 ? 5 : 2;
const describeIf = PrivateCluster.available() ? describe : describe.skip;

let cluster: PrivateCluster;
let url = "";
let orgId = "";
let apiKey = "";

beforeAll(async () => {
  cluster = await new PrivateCluster().init();
  const admin = postgres(cluster.url(), { max: 1, onnotice: () => {} });
  await admin`create database manifold`;
  await admin.end();
  url = cluster.url("manifold");
  await runMigrations(url);
  const h = createDb(url, 2);
  orgId = (await seedDemo(h.db)).orgId;
  await stockForDrillOrders(h.db, orgId, ORDERS);
  apiKey = (await createApiKey(systemContext(h.db, orgId, "drill"), { name: "erp", role: "operator" })).key;
  await h.sql.end();
}, 180_000);

afterAll(async () => {
  await cluster?.destroy();
});

const body = (n: number) => createOrdersBody(apiKey, n);

describeIf("drill: PostgreSQL restarted under load", () => {
  it(`${ORDERS} createOrders, ${RESTARTS} restarts: 503 while down, pool reconnects, relay and pg-boss resume, nothing half-written`, async () => {
    const before = await stockSnapshot(url, orgId);
    const app = createDb(url, 6); // the app's pool: created once, never replaced
    const relay = startOutboxRelay(app.db, { idleMs: 200 });
    const boss = new PgBoss({ connectionString: url, schema: "pgboss", max: 2 });
    boss.on("error", () => {});
    await boss.start();
    await boss.createQueue("drill.job");
    const processed = new Set<number>();
    await boss.work<{ n: number }>("drill.job", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      processed.add(job!.data.n);
    });
    const statuses = new Map<string, number>();
    const outageAnswers: { http: number; rStatus: number; ms: number }[] = [];
    let jobsSent = 0;
    let next = 0;
    const started = Date.now();
    const deadline = started + 240_000 * SCALE;
    try {
      const client = async () => {
        for (;;) {
          const n = next++;
          if (n >= ORDERS) return;
          for (;;) {
            if (Date.now() > deadline) throw new Error("drill did not settle in time");
            const t0 = Date.now();
            const res = await handleOpenRequest(app.db, { body: body(n), headers: new Headers({ "content-type": "application/json", "idempotency-key": `drill-${n}` }) });
            statuses.set(`${res.status}/${res.body.rStatus}`, (statuses.get(`${res.status}/${res.body.rStatus}`) ?? 0) + 1);
            if (res.body.rStatus === 100) break;
            outageAnswers.push({ http: res.status, rStatus: res.body.rStatus, ms: Date.now() - t0 });
            await sleep(100);
          }
          // Jobs and events sent all along, outage or not (a failed send is retried like any client would).
          for (;;) {
            try {
              await boss.send("drill.job", { n: jobsSent++ });
              break;
            } catch {
              jobsSent--;
              await sleep(200);
            }
          }
          await sleep(rand(0, 30));
        }
      };
      const restarter = async () => {
        for (let r = 0; r < RESTARTS; r++) {
          await sleep(rand(300, 1200));
          await cluster.restart();
        }
      };
      await Promise.all([restarter(), client(), client(), client()]);
      // Events enqueued after the last restart: the relay must pick them up on the same pool.
      await app.db.transaction((tx) => enqueueMany(systemContext(tx, orgId, "drill"), [{ topic: TOPICS.inventoryChanged, payload: { productId: "00000000-0000-0000-0000-000000000000" } }]));
      // Settle: outbox drained (relay resumed), every job processed (pg-boss resumed).
      for (;;) {
        const [o] = await app.sql<{ n: number }[]>`select count(*)::int as n from outbox where org_id = ${orgId} and status in ('pending', 'processing')`;
        if (o!.n === 0 && processed.size >= jobsSent) break;
        if (Date.now() > deadline) throw new Error(`did not settle: outbox ${o!.n} pending, jobs ${processed.size}/${jobsSent}`);
        await sleep(250);
      }
      const settleMs = Date.now() - started;

      const rows = await app.sql<{ remark: string; n: number; lines: number }[]>`
        select o.remark, count(distinct o.id)::int as n, count(l.id)::int as lines
          from orders o left join order_lines l on l.org_id = o.org_id and l.order_id = o.id
         where o.org_id = ${orgId} and o.remark like 'drill %' group by o.remark`;
      const dup = rows.filter((r) => r.n > 1).length;
      const half = rows.filter((r) => r.lines !== 2 * r.n).length;
      const maxOutageMs = Math.max(0, ...outageAnswers.map((a) => a.ms));
      console.log(
        `[drill db-restart] orders=${ORDERS} restarts=${RESTARTS} answers=${JSON.stringify(Object.fromEntries(statuses))} outage answers=${outageAnswers.length} (slowest ${maxOutageMs}ms) jobs=${processed.size}/${jobsSent} duplicates=${dup} half-written=${half} settle=${settleMs}ms`,
      );
      // Every failure during the outage was the clear "unavailable" answer, never an internal error.
      expect(outageAnswers.filter((a) => a.http !== 503 || a.rStatus !== 503)).toEqual([]);
      expect(outageAnswers.length).toBeGreaterThan(0);
      expect(rows).toHaveLength(ORDERS);
      expect(dup).toBe(0);
      expect(half).toBe(0);
      expect(processed.size).toBe(jobsSent);
      expect(ledgerMismatches(before, await stockSnapshot(url, orgId))).toEqual([]);
    } finally {
      await relay.stop();
      await boss.stop({ graceful: false, wait: true }).catch(() => {});
      await app.sql.end({ timeout: 1 });
    }
  }, 300_000 * SCALE);
});

import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb } from "@/db";
import { runMigrations } from "@/db/migrate";
import { systemContext } from "@/server/context";
import { createApiKey } from "@/server/services/auth/api-keys";
import { seedDemo } from "@/server/services/seed/demo";
import { Child, freePort, freshDatabase, rand, SCALE, sleep, createOrdersBody, stockForDrillOrders } from "./harness";
import { ledgerMismatches, reservedUnits, stockSnapshot } from "./invariants";

/**
 * Drill: the app (its open API handler in a process of its own) is SIGKILLed at random moments during a
 * burst of createOrders with Idempotency-Keys; the clients retry every request that got no answer.
 * Afterwards every key produced exactly one order, and the stock ledger and reservations add up.
 */
const ORDERS = 60 * SCALE;
const KILLS = SCALE > 1 ? 10 : 4;
const CLIENTS = 4;

let dbh: Awaited<ReturnType<typeof freshDatabase>>;
let orgId = "";
let apiKey = "";
let port = 0;
let app: Child;

beforeAll(async () => {
  dbh = await freshDatabase(inject("databaseUrl"), `drill_app_${process.pid}`);
  await runMigrations(dbh.url);
  const h = createDb(dbh.url, 2);
  orgId = (await seedDemo(h.db)).orgId;
  await stockForDrillOrders(h.db, orgId, ORDERS);
  apiKey = (await createApiKey(systemContext(h.db, orgId, "drill"), { name: "erp", role: "operator" })).key;
  await h.sql.end();
  port = await freePort();
  app = new Child("tests/reliability/open-api-server.ts", { DATABASE_URL: dbh.url, PORT: String(port) });
  await app.start();
}, 120_000);

afterAll(async () => {
  await app?.kill();
  await dbh?.drop();
});

const body = (n: number) => createOrdersBody(apiKey, n);

describe("drill: SIGKILL the app during a createOrders burst", () => {
  it(`${ORDERS} orders, ${KILLS} kills: every retried request produced exactly one order; ledger and reservations add up`, async () => {
    const before = await stockSnapshot(dbh.url, orgId);
    const started = Date.now();
    const deadline = started + 240_000 * SCALE;
    const answers = new Map<string, { rStatus: number; orderNo?: string }>();
    let retries = 0;
    let next = 0;
    const client = async () => {
      for (;;) {
        const n = next++;
        if (n >= ORDERS) return;
        const key = `drill-${n}`;
        for (;;) {
          if (Date.now() > deadline) throw new Error("drill did not settle in time");
          try {
            const res = await fetch(`http://127.0.0.1:${port}/`, {
              method: "POST",
              headers: { "content-type": "application/json", "idempotency-key": key },
              body: body(n),
              signal: AbortSignal.timeout(15_000),
            });
            const json = (await res.json()) as { rStatus: number; rData?: { orders_num: string }[] };
            if (res.status === 503 || json.rStatus === 503) throw new Error("unavailable");
            answers.set(key, { rStatus: json.rStatus, orderNo: json.rData?.[0]?.orders_num });
            break;
          } catch {
            retries++; // no answer (killed mid-request) or 503: the client retries with the same key
            await sleep(100);
          }
        }
      }
    };
    const killer = async () => {
      for (let k = 0; k < KILLS; k++) {
        await sleep(rand(200, 1200));
        await app.kill();
        await sleep(rand(0, 300));
        await app.start();
      }
    };
    await Promise.all([killer(), ...Array.from({ length: CLIENTS }, client)]);
    const settleMs = Date.now() - started;

    const sql = postgres(dbh.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ remark: string; n: number; order_no: string }[]>`
        select remark, count(*)::int as n, min(order_no) as order_no from orders where org_id = ${orgId} and remark like 'drill %' group by remark`;
      const ok = [...answers.values()].filter((a) => a.rStatus === 100).length;
      const dup = rows.filter((r) => r.n > 1).length;
      const lost = [...answers.entries()].filter(([k, a]) => a.rStatus === 100 && !rows.some((r) => r.remark === `drill ${k.slice(6)}` && r.order_no === a.orderNo)).length;
      console.log(`[drill app-kill] orders=${ORDERS} ok=${ok} kills=${KILLS} restarts=${app.starts - 1} client retries=${retries} duplicates=${dup} lost=${lost} settle=${settleMs}ms`);
      expect(answers.size).toBe(ORDERS);
      // Stock suffices in the demo merchant, so every request succeeded.
      expect([...answers.values()].filter((a) => a.rStatus !== 100)).toEqual([]);
      expect(dup).toBe(0);
      expect(lost).toBe(0);
      expect(rows).toHaveLength(ORDERS);
      const lines = await sql<{ n: number }[]>`
        select count(*)::int as n from order_lines l join orders o on o.org_id = l.org_id and o.id = l.order_id where o.org_id = ${orgId} and o.remark like 'drill %'`;
      expect(lines[0]!.n).toBe(ORDERS * 2);
      const after = await stockSnapshot(dbh.url, orgId);
      expect(ledgerMismatches(before, after)).toEqual([]);
      // Each order reserves 1 + 2 units.
      expect(reservedUnits(after) - reservedUnits(before)).toBe(ORDERS * 3 * 10_000);
    } finally {
      await sql.end();
    }
  }, 300_000 * SCALE);
});

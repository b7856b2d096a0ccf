import http from "node:http";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { runMigrations } from "@/db/migrate";
import { Child, freePort, freshDatabase, rand, SCALE, sleep } from "./harness";

/**
 * Drill: the outbox relay is SIGKILLed at random moments while it delivers ship-backs and stock pushes
 * to a marketplace stand-in that counts every delivery per idempotency key. Afterwards every event is
 * done exactly once in the outbox, delivered at least once, and applied once (duplicates are only
 * redeliveries of events whose acknowledgement the kill lost, made harmless by the key).
 */
const EVENTS = 200 * SCALE;
const KILLS = SCALE > 1 ? 10 : 4;

let dbh: Awaited<ReturnType<typeof freshDatabase>>;
let relay: Child;
const seen = new Map<string, number>();
let sink: http.Server;

beforeAll(async () => {
  dbh = await freshDatabase(inject("databaseUrl"), `drill_relay_${process.pid}`);
  await runMigrations(dbh.url);
  sink = http.createServer((req, res) => {
    const key = String(req.headers["idempotency-key"]);
    req.resume();
    req.on("end", () => {
      // A little latency so kills land mid-delivery.
      setTimeout(() => {
        seen.set(key, (seen.get(key) ?? 0) + 1);
        res.end("{}");
      }, rand(0, 10));
    });
  });
  const sinkPort = await freePort();
  await new Promise<void>((r) => sink.listen(sinkPort, "127.0.0.1", r));
  relay = new Child("tests/reliability/relay-worker.ts", { DATABASE_URL: dbh.url, SINK_URL: `http://127.0.0.1:${sinkPort}/`, OUTBOX_LEASE_SECONDS: "2" });
}, 120_000);

afterAll(async () => {
  await relay?.kill();
  sink?.close();
  await dbh?.drop();
});

describe("drill: SIGKILL the outbox relay while it delivers", () => {
  it(`${EVENTS} ship-back / stock-push events, ${KILLS} kills: each done once, delivered ≥ 1, none lost`, async () => {
    const sql = postgres(dbh.url, { max: 2, onnotice: () => {} });
    try {
      const [org] = await sql<{ id: string }[]>`insert into organizations (id, name, slug) values (gen_random_uuid(), 'Drill', ${`drill-${process.pid}`}) returning id`;
      await sql`
        insert into outbox (id, org_id, topic, dedupe_key, payload)
        select gen_random_uuid(), ${org!.id}, case when i % 2 = 0 then 'channels.push_shipment' else 'channels.push_stock' end, 'k' || i, jsonb_build_object('n', i)
          from generate_series(1, ${EVENTS}) i`;
      const started = Date.now();
      await relay.start();
      for (let k = 0; k < KILLS; k++) {
        await sleep(rand(300, 1500));
        await relay.kill();
        await relay.start();
      }
      const deadline = Date.now() + 120_000;
      for (;;) {
        const [r] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where org_id = ${org!.id} and status <> 'done'`;
        if (r!.n === 0) break;
        if (Date.now() > deadline) throw new Error(`${r!.n} events not delivered`);
        await sleep(200);
      }
      const settleMs = Date.now() - started;
      const ids = await sql<{ id: string }[]>`select id from outbox where org_id = ${org!.id} and status = 'done'`;
      const lost = ids.filter((r) => !seen.has(r.id)).length;
      const duplicates = [...seen.values()].reduce((s, c) => s + (c - 1), 0);
      console.log(`[drill relay-kill] events=${EVENTS} kills=${KILLS} delivered=${seen.size} redeliveries(deduplicated by key)=${duplicates} lost=${lost} settle=${settleMs}ms`);
      expect(ids).toHaveLength(EVENTS);
      expect(lost).toBe(0);
      expect(seen.size).toBe(EVENTS); // every key applied once at the marketplace
      // Redeliveries only of events whose acknowledgement a kill cut off: at most one batch per kill.
      expect(duplicates).toBeLessThanOrEqual(KILLS * 10);
    } finally {
      await sql.end();
    }
  }, 300_000);
});

import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { closeHandle, createDb, tenantDb } from "@/db";
import { runMigrations } from "@/db/migrate";
import { systemContext } from "@/server/context";
import { handleOpenRequest } from "@/server/open/handler";
import { createApiKey } from "@/server/services/auth/api-keys";
import { asReport } from "@/server/services/_lib/report";
import { seedDemo } from "@/server/services/seed/demo";
import { createOrdersBody, freshDatabase, sleep } from "./harness";

/**
 * "A long report cannot starve order capture": with an application pool of 4, four long reports (a
 * report-like query that sleeps, through asReport like the profit report and its export) are asked
 * for at once while createOrders runs on the same pool. Gated (REPORT_CONCURRENCY 2) two of them run
 * and the others wait holding no connection, so every createOrders completes while the first reports
 * are still running. The control run lets all four in (REPORT_CONCURRENCY = the pool) and shows capture
 * then waits for a report to end. A report statement past REPORT_STATEMENT_TIMEOUT_MS is cancelled.
 */
const POOL = 4;
const REPORT_SECONDS = 8;

let dbh: Awaited<ReturnType<typeof freshDatabase>>;
let h: ReturnType<typeof createDb>;
let orgId = "";
let apiKey = "";
let n = 0;

beforeAll(async () => {
  dbh = await freshDatabase(inject("databaseUrl"), `drill_report_${process.pid}`);
  await runMigrations(dbh.url);
  h = createDb(dbh.url, POOL);
  orgId = (await seedDemo(h.db)).orgId;
  apiKey = (await createApiKey(systemContext(h.db, orgId, "drill"), { name: "erp", role: "operator" })).key;
}, 120_000);

afterAll(async () => {
  delete process.env.REPORT_CONCURRENCY;
  delete process.env.REPORT_STATEMENT_TIMEOUT_MS;
  if (h) await closeHandle(h);
  await dbh?.drop();
});

async function captureDuringReports(concurrency: number) {
  process.env.REPORT_CONCURRENCY = String(concurrency);
  const ctx = systemContext(tenantDb(h.db, orgId), orgId, "drill");
  const ended: number[] = [];
  const reports = Array.from({ length: POOL }, () =>
    asReport(ctx, (c) => c.db.execute(sql`select pg_sleep(${REPORT_SECONDS})`)).then(() => void ended.push(Date.now())),
  );
  const watch = postgres(dbh.url, { max: 1, onnotice: () => {} });
  try {
    for (;;) {
      const [r] = await watch<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = current_database() and query like 'select pg_sleep%'`;
      if (r!.n >= Math.min(concurrency, POOL)) break;
      await sleep(20);
    }
  } finally {
    await watch.end();
  }
  const started = Date.now();
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const headers = new Headers({ "content-type": "application/json", "idempotency-key": `report-drill-${concurrency}-${i}` });
    const { body } = await handleOpenRequest(h.db, { body: createOrdersBody(apiKey, n++), headers });
    statuses.push((body as { rStatus: number }).rStatus);
  }
  const captured = Date.now();
  await Promise.all(reports);
  return { statuses, captureMs: captured - started, capturedBeforeFirstReport: captured < Math.min(...ended), firstReportMs: Math.min(...ended) - started };
}

describe("a long report cannot starve order capture", () => {
  it(`${POOL} long reports on a pool of ${POOL}: gated, createOrders completes while they run; ungated, it waits`, async () => {
    const gated = await captureDuringReports(2);
    const open = await captureDuringReports(POOL);
    console.log(
      `[drill report-starvation] pool=${POOL} reports=${POOL}×${REPORT_SECONDS}s: gated (2) 5 createOrders in ${gated.captureMs}ms, first report done at ${gated.firstReportMs}ms; ` +
        `ungated 5 createOrders in ${open.captureMs}ms (first report done at ${open.firstReportMs}ms)`,
    );
    expect(gated.statuses).toEqual([100, 100, 100, 100, 100]);
    expect(gated.capturedBeforeFirstReport).toBe(true);
    // The control: with every connection taken by reports, capture could only go on once one ended.
    expect(open.statuses).toEqual([100, 100, 100, 100, 100]);
    expect(open.capturedBeforeFirstReport).toBe(false);
  }, 120_000);

  it("cancels a report statement that runs past REPORT_STATEMENT_TIMEOUT_MS", async () => {
    process.env.REPORT_STATEMENT_TIMEOUT_MS = "500";
    const ctx = systemContext(tenantDb(h.db, orgId), orgId, "drill");
    await expect(asReport(ctx, (c) => c.db.execute(sql`select pg_sleep(3)`))).rejects.toMatchObject({ cause: { code: "57014" } }); // query_canceled: statement timeout
    // The pool is fine afterwards.
    expect(await asReport(ctx, (c) => c.db.execute(sql`select 1 as one`))).toHaveLength(1);
  });
});

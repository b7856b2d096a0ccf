import { and, eq, inArray } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { runMigrations } from "@/db/migrate";
import { channelAccounts } from "@/db/schema";
import { ShopifySimulator } from "../simulators/shopify/server";
import { channelMerchant, drillOrder } from "./channels-fixture";
import { Child, freshDatabase, sleep } from "./harness";

/**
 * Drill: one shop's marketplace accepts every request and never answers. The real pull scheduling
 * (pg-boss pull workers in their own process, the tick's sendDuePulls) must go on pulling the other
 * shops meanwhile: the hung shop's pull is already stuck when the others become due, and every one of
 * them finishes (all orders imported) before the hung pull gives up — which it does, after its page
 * budget, as a failed run with the timeout on the account and its next try pushed out.
 */
const HEALTHY = 3;
const ORDERS_EACH = 40;

let dbh: Awaited<ReturnType<typeof freshDatabase>>;
let sim: ShopifySimulator;
let jobs: Child;
let m: Awaited<ReturnType<typeof channelMerchant>>;

beforeAll(async () => {
  dbh = await freshDatabase(inject("databaseUrl"), `drill_slow_${process.pid}`);
  await runMigrations(dbh.url);
  // "timeout" faults hold the request far longer than the drill runs: the shop simply never answers.
  sim = new ShopifySimulator({ bucketSize: 1e12, restoreRate: 1e12, timeoutHoldMs: 600_000 });
  await sim.start(0);
  process.env.MANIFOLD_SHOPIFY_SIMULATOR_URL = sim.url;
  m = await channelMerchant(dbh.url, 100_000);
  jobs = new Child("tests/reliability/pull-scheduler.ts", {
    DATABASE_URL: dbh.url,
    PULL_CONCURRENCY: "2",
    CHANNEL_HTTP_TIMEOUT_MS: "3000",
    // Long enough that the healthy shops finish first even on a loaded machine.
    PULL_PAGE_BUDGET_MS: "20000",
  });
}, 120_000);

afterAll(async () => {
  await jobs?.kill();
  await m?.close();
  await sim?.stop();
  await dbh?.drop();
});

describe("drill: a marketplace that hangs for one shop", () => {
  it("does not delay the other shops' pulls; the hung pull fails after its budget and the account shows it", async () => {
    const sql = postgres(dbh.url, { max: 1, onnotice: () => {} });
    try {
      const hung = await m.shop(sim, { importEnabled: true });
      sim.faults.set(hung.shop, { rateTimeout: 1 });
      const healthy: { shop: string; account: { id: string } }[] = [];
      for (let i = 0; i < HEALTHY; i++) {
        const s = await m.shop(sim, { importEnabled: true });
        sim.bulkCreateOrders(s.shop, ORDERS_EACH, drillOrder);
        healthy.push(s);
      }
      await jobs.start();
      const setAuto = (ids: string[]) =>
        m.db.update(channelAccounts).set({ pullMode: "auto", nextPullAt: null }).where(and(eq(channelAccounts.orgId, m.orgId), inArray(channelAccounts.id, ids)));
      type Run = { account_id: string; status: string; error: string | null; finished_at: Date | null };
      const runsOf = (ids: string[]) => sql<Run[]>`select account_id, status, error, finished_at from channel_pull_runs where org_id = ${m.orgId} and account_id in ${sql(ids)}`;
      const waitFor = async <T>(what: string, f: () => Promise<T | null>) => {
        const deadline = Date.now() + 90_000;
        for (;;) {
          const v = await f();
          if (v) return v;
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await sleep(100);
        }
      };

      // The hung shop first: its pull takes a worker and sticks.
      await setAuto([hung.account.id]);
      await waitFor("the hung pull to start", async () => ((await runsOf([hung.account.id])).some((r) => r.status === "running") ? true : null));
      await sleep(500);
      expect(sim.requestLog.filter((r) => r.shop === hung.shop && r.outcome === "timeout").length).toBeGreaterThan(0);

      // Then the others become due.
      await setAuto(healthy.map((h) => h.account.id));
      const okRuns = await waitFor("the healthy shops' pulls", async () => {
        const runs = (await runsOf(healthy.map((h) => h.account.id))).filter((r) => r.status === "ok");
        return new Set(runs.map((r) => r.account_id)).size === HEALTHY ? runs : null;
      });
      const hungWhenOthersDone = (await runsOf([hung.account.id]))[0]!;
      const [imported] = await sql<{ n: number }[]>`select count(*)::int as n from platform_orders where org_id = ${m.orgId}`;

      const failed = await waitFor("the hung pull to give up", async () => (await runsOf([hung.account.id])).find((r) => r.status === "failed") ?? null);
      const lastHealthy = Math.max(...okRuns.map((r) => new Date(r.finished_at!).getTime()));
      console.log(
        `[drill slow-marketplace] healthy shops=${HEALTHY} (orders ${imported!.n}) done ${new Date(failed.finished_at!).getTime() - lastHealthy}ms before the hung pull gave up; ` +
          `hung pull was ${hungWhenOthersDone.status} when they finished; its error: ${failed.error}`,
      );
      expect(imported!.n).toBe(HEALTHY * ORDERS_EACH);
      expect(hungWhenOthersDone.status).toBe("running");
      expect(lastHealthy).toBeLessThan(new Date(failed.finished_at!).getTime());
      expect(failed.error).toMatch(/timed out/);
      const [acct] = await m.db.select().from(channelAccounts).where(and(eq(channelAccounts.orgId, m.orgId), eq(channelAccounts.id, hung.account.id)));
      expect(acct!.lastPullResult).toBe("failed");
      expect(acct!.lastPullSummary).toMatchObject({ key: "failed", params: { reason: "upstream", failures: 1 } });
      // Retried later, not in a loop: next pull one retry delay after the failure.
      expect(acct!.nextPullAt!.getTime()).toBeGreaterThan(new Date(failed.finished_at!).getTime() + 60_000);
    } finally {
      await sql.end();
    }
  }, 240_000);
});

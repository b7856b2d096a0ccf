import PgBoss from "pg-boss";
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import { databaseUrl, type Db } from "@/db";
import { channelAccounts } from "@/db/schema";
import { accountsNeedingRefresh, refreshAccountTokens } from "@/server/services/channels/accounts";
import { executePull, startPull } from "@/server/services/channels/pull";
import { pruneChannelInbox } from "@/server/services/channels/webhooks";

export const QUEUES = { tick: "channels.tick", pull: "channels.pull", refresh: "channels.refresh-tokens", prune: "channels.prune" } as const;

const g = globalThis as unknown as { __manifoldBoss?: PgBoss };

export const runningBoss = () => g.__manifoldBoss ?? null;

type PullJob = { orgId: string; accountId: string; runId?: string };

/**
 * pg-boss in the Next server process (instrumentation.ts): a one-minute tick sends a pull job for each
 * auto account whose next pull is due (pg-boss 10 keeps one cron per queue, so the per-account interval
 * lives in channel_accounts.next_pull_at), pull jobs are singletons per account, a refresh job
 * renews tokens before they expire, and a daily job prunes old webhook deliveries and OAuth states. Any number of server processes may run this side by side.
 */
export async function startBoss(db: Db, log: (m: string) => void = () => {}) {
  if (g.__manifoldBoss) return g.__manifoldBoss;
  const boss = new PgBoss({ connectionString: databaseUrl(), schema: "pgboss", max: 4 });
  boss.on("error", (e) => log(`[jobs] pg-boss error: ${e.message}`));
  await boss.start();
  g.__manifoldBoss = boss;
  for (const name of Object.values(QUEUES)) {
    // A first pull of a large shop can take a while; its run row shows progress meanwhile.
    await boss.createQueue(name, { name, ...(name === QUEUES.pull ? { expireInSeconds: 3600 } : {}) }).catch(() => {});
  }
  await boss.schedule(QUEUES.tick, "* * * * *");
  await boss.schedule(QUEUES.refresh, "*/5 * * * *");
  await boss.schedule(QUEUES.prune, "17 3 * * *");

  await boss.work(QUEUES.tick, async () => {
    const due = await db
      .update(channelAccounts)
      // Claim: the pull itself sets the real next time when it finishes.
      .set({ nextPullAt: sql`now() + make_interval(mins => ${channelAccounts.pullIntervalMinutes})` })
      .where(
        and(
          eq(channelAccounts.status, "enabled"),
          eq(channelAccounts.pullMode, "auto"),
          or(isNull(channelAccounts.nextPullAt), lte(channelAccounts.nextPullAt, new Date())),
        ),
      )
      .returning({ id: channelAccounts.id, orgId: channelAccounts.orgId });
    for (const a of due) await boss.send(QUEUES.pull, { orgId: a.orgId, accountId: a.id } satisfies PullJob, { singletonKey: a.id });
    if (due.length) log(`[jobs] ${due.length} scheduled pull(s)`);
  });

  const pullWorker = async ([job]: PgBoss.Job<PullJob>[]) => {
    if (!job) return;
    const { orgId, accountId, runId } = job.data;
    if (runId) return executePull(db, runId);
    const { run, joined } = await startPull(db, { orgId, accountId, trigger: "schedule" }).catch((e) => {
      log(`[jobs] pull of ${accountId} not started: ${e instanceof Error ? e.message : e}`);
      return { run: null, joined: true };
    });
    if (run && !joined) await executePull(db, run.id);
  };
  // Three pulls at a time per process (different accounts; one account never runs twice).
  for (let i = 0; i < 3; i++) await boss.work<PullJob>(QUEUES.pull, { batchSize: 1, pollingIntervalSeconds: 1 }, pullWorker);

  await boss.work(QUEUES.refresh, async () => {
    for (const a of await accountsNeedingRefresh(db)) {
      await refreshAccountTokens(db, a.orgId, a.id).catch((e) => log(`[jobs] token refresh of ${a.id} failed: ${e instanceof Error ? e.message : e}`));
    }
  });
  await boss.work(QUEUES.prune, async () => {
    const r = await pruneChannelInbox(db);
    if (r.webhooks || r.oauthStates) log(`[jobs] pruned ${r.webhooks} webhook deliveries and ${r.oauthStates} OAuth states`);
  });
  return boss;
}

/**
 * Run a pull that was just started (manual fetch, webhook hint): as a pg-boss job when the job system
 * runs in this process, else in the background here. Progress is read from the run row either way.
 */
export async function dispatchPull(db: Db, job: { orgId: string; accountId: string; runId: string }) {
  const boss = runningBoss();
  if (boss) {
    await boss.send(QUEUES.pull, job satisfies PullJob);
    return;
  }
  void executePull(db, job.runId).catch(() => {});
}

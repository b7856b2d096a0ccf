import PgBoss from "pg-boss";
import { databaseUrl, type Db } from "@/db";
import { systemContext } from "@/server/context";
import { accountsNeedingRefresh, refreshAccountTokens } from "@/server/services/channels/accounts";
import { claimDuePulls, executePull, startPull } from "@/server/services/channels/pull";
import { claimDueSettlementPulls, executeSettlementPull, startSettlementPull } from "@/server/services/channels/settlement-pull";
import { connectorFor, implementedPlatforms } from "@/server/channels/registry";
import { currentContext, runWithContext } from "@/server/observability/context";
import { refreshAllFinanceFacts } from "./finance";
import { housekeeping } from "./housekeeping";

export const QUEUES = { tick: "channels.tick", pull: "channels.pull", settlements: "channels.settlements", refresh: "channels.refresh-tokens", prune: "channels.prune", finance: "finance.refresh" } as const;

const g = globalThis as unknown as { __manifoldBoss?: PgBoss };

const runningBoss = () => g.__manifoldBoss ?? null;

/** pg-boss 10 keeps one cron per queue: the pull tick, the token refresh, the daily housekeeping and the finance refresh. */
export const SCHEDULES: { queue: string; cron: string }[] = [
  { queue: QUEUES.tick, cron: "* * * * *" },
  { queue: QUEUES.refresh, cron: "*/5 * * * *" },
  { queue: QUEUES.prune, cron: "17 3 * * *" },
  { queue: QUEUES.finance, cron: "* * * * *" },
];

/** The queues and their schedules (idempotent: pg-boss upserts a schedule by queue name). */
export async function scheduleJobs(boss: PgBoss) {
  for (const name of Object.values(QUEUES)) {
    // A first pull of a large shop can take a while; its run row shows progress meanwhile.
    await boss.createQueue(name, { name, ...(name === QUEUES.pull || name === QUEUES.settlements || name === QUEUES.finance ? { expireInSeconds: 3600 } : {}) }).catch(() => {});
  }
  for (const s of SCHEDULES) await boss.schedule(s.queue, s.cron);
}

/** Pull workers per process (PULL_CONCURRENCY, default 4). */
export const pullConcurrency = () => Math.max(1, Number(process.env.PULL_CONCURRENCY ?? 4));

/**
 * The tick's work: claim the auto accounts whose next pull is due (claimDuePulls pushes each one
 * interval ahead) and send one pull job each, a singleton per account. Returns how many were sent.
 */
export async function sendDuePulls(boss: PgBoss, db: Db): Promise<number> {
  const due = await claimDuePulls(db);
  for (const a of due) await boss.send(QUEUES.pull, { orgId: a.orgId, accountId: a.id } satisfies PullJob, { singletonKey: a.id });
  return due.length;
}

/** The tick's settlement work: the same, for the accounts whose settlement pull is due (own cursor and interval). */
export async function sendDueSettlementPulls(boss: PgBoss, db: Db): Promise<number> {
  const platforms = implementedPlatforms().filter((p) => connectorFor(p)?.listSettlements);
  const due = await claimDueSettlementPulls(db, platforms);
  for (const a of due) await boss.send(QUEUES.settlements, { orgId: a.orgId, accountId: a.id } satisfies PullJob, { singletonKey: a.id });
  return due.length;
}

/** `requestId`: the request that asked for the pull (manual fetch, webhook), carried into its logs. */
type PullJob = { orgId: string; accountId: string; runId?: string; requestId?: string };

/**
 * pg-boss in the Next server process (instrumentation.ts): a one-minute tick sends a pull job for each
 * auto account whose next pull is due (pg-boss 10 keeps one cron per queue, so the per-account interval
 * lives in channel_accounts.next_pull_at), pull jobs are singletons per account, a refresh job
 * renews tokens before they expire, and a daily job does the housekeeping (jobs/housekeeping.ts). Any
 * number of server processes may run this side by side.
 */
export async function startBoss(db: Db, log: (m: string) => void = () => {}) {
  if (g.__manifoldBoss) return g.__manifoldBoss;
  const boss = new PgBoss({ connectionString: databaseUrl(), schema: "pgboss", max: 4 });
  boss.on("error", (e) => log(`[jobs] pg-boss error: ${e.message}`));
  await boss.start();
  g.__manifoldBoss = boss;
  await scheduleJobs(boss);

  await boss.work(QUEUES.tick, async () => {
    const n = await sendDuePulls(boss, db);
    if (n) log(`[jobs] ${n} scheduled pull(s)`);
    const m = await sendDueSettlementPulls(boss, db);
    if (m) log(`[jobs] ${m} scheduled settlement pull(s)`);
  });

  const pullWorker = async ([job]: PgBoss.Job<PullJob>[]) => {
    if (!job) return;
    return runWithContext({ requestId: job.data.requestId ?? job.id, orgId: job.data.orgId, job: QUEUES.pull }, () => runPullJob(job));
  };
  const runPullJob = async (job: PgBoss.Job<PullJob>) => {
    const { orgId, accountId, runId } = job.data;
    if (runId) return executePull(systemContext(db, orgId, "channels.pull"), runId);
    const { run, joined } = await startPull(systemContext(db, orgId, "channels.schedule"), { accountId, trigger: "schedule" }).catch((e) => {
      log(`[jobs] pull of ${accountId} not started: ${e instanceof Error ? e.message : e}`);
      return { run: null, joined: true };
    });
    if (run && !joined) await executePull(systemContext(db, orgId, "channels.pull"), run.id);
  };
  // PULL_CONCURRENCY pulls at a time per process, each account in its own worker (one account never runs
  // twice: singletonKey): a shop that hangs holds one worker for its page budget at most
  // (PULL_PAGE_BUDGET_MS, pull.ts), the others keep pulling the other shops.
  for (let i = 0; i < pullConcurrency(); i++) await boss.work<PullJob>(QUEUES.pull, { batchSize: 1, pollingIntervalSeconds: 1 }, pullWorker);

  // Settlement pulls: one worker per process (they are few: one per account every few hours).
  await boss.work<PullJob>(QUEUES.settlements, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    if (!job) return;
    const { orgId, accountId, runId } = job.data;
    return runWithContext({ requestId: job.data.requestId ?? job.id, orgId, job: QUEUES.settlements }, async () => {
      if (runId) return void (await executeSettlementPull(systemContext(db, orgId, "channels.settlements"), runId));
      const started = await startSettlementPull(systemContext(db, orgId, "channels.schedule"), { accountId, trigger: "schedule" }).catch((e) => {
        log(`[jobs] settlement pull of ${accountId} not started: ${e instanceof Error ? e.message : e}`);
        return null;
      });
      if (started && !started.joined) await executeSettlementPull(systemContext(db, orgId, "channels.settlements"), started.run.id);
    });
  });

  await boss.work(QUEUES.refresh, async () => {
    for (const a of await accountsNeedingRefresh(db)) {
      await refreshAccountTokens(systemContext(db, a.orgId, "channels.refresh"), a.id).catch((e) => log(`[jobs] token refresh of ${a.id} failed: ${e instanceof Error ? e.message : e}`));
    }
  });
  // Stored finance figures (server/services/finance/facts.ts): one run at a time (a singleton queue
  // would need a policy; the merchant's advisory lock already makes concurrent runs take turns).
  await boss.work(QUEUES.finance, async () => {
    await refreshAllFinanceFacts(db, log);
  });
  await boss.work(QUEUES.prune, async () => {
    const r = await housekeeping(db);
    log(`[jobs] housekeeping: ${r.webhooks} webhook deliveries, ${r.oauthStates} OAuth states, ${r.stagedAttachments} staged attachments removed`);
  });
  return boss;
}

/**
 * Run a pull that was just started (manual fetch, webhook hint): as a pg-boss job when the job system
 * runs in this process, else in the background here. Progress is read from the run row either way; a
 * background run that fails before it could record that on the row is logged, never dropped.
 */
export async function dispatchPull(db: Db, job: { orgId: string; accountId: string; runId: string }, log: (m: string) => void = (m) => console.error(m)) {
  const boss = runningBoss();
  if (boss) {
    await boss.send(QUEUES.pull, { ...job, requestId: currentContext()?.requestId } satisfies PullJob);
    return;
  }
  void executePull(systemContext(db, job.orgId, "channels.pull"), job.runId).catch((e) => log(`[jobs] pull run ${job.runId} of account ${job.accountId} failed: ${e instanceof Error ? e.message : e}`));
}

/** Run a settlement pull that was just started (the accounts page's 拉取结算): a job, or in the background here. */
export async function dispatchSettlementPull(db: Db, job: { orgId: string; accountId: string; runId: string }, log: (m: string) => void = (m) => console.error(m)) {
  const boss = runningBoss();
  if (boss) {
    await boss.send(QUEUES.settlements, { ...job, requestId: currentContext()?.requestId } satisfies PullJob);
    return;
  }
  void executeSettlementPull(systemContext(db, job.orgId, "channels.settlements"), job.runId).catch((e) =>
    log(`[jobs] settlement pull run ${job.runId} of account ${job.accountId} failed: ${e instanceof Error ? e.message : e}`),
  );
}

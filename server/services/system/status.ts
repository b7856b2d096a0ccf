import { and, eq, sql } from "drizzle-orm";
import { db as ownerDb, type DbExecutor } from "@/db";
import { outbox, platformOrders } from "@/db/schema";
import type { ServiceContext } from "@/server/context";
import { notFound } from "@/server/errors";

/**
 * The numbers an operator watches, read from the database so every process (and the metrics scrape,
 * and the merchant's 系统状态 page) sees the same: job queues, pulls per account, outbox backlog and
 * dead letters, connections. With `orgId` everything is one merchant's; without, the whole system
 * (only /api/metrics asks that, behind its token).
 */
export type QueueStatus = { queue: string; queued: number; active: number; failed: number; oldestQueuedSeconds: number };
export type AccountPullStatus = {
  accountId: string;
  orgId: string;
  platform: string;
  alias: string;
  status: string;
  lastPullAt: Date | null;
  lastPullResult: string | null;
  lastSuccessAt: Date | null;
  /** now − last successful pull (null: never succeeded). */
  pullLagSeconds: number | null;
  consecutiveFailures: number;
  lastError: string | null;
};
export type OutboxStatus = { pending: number; processing: number; dead: number; oldestPendingSeconds: number; byTopic: { topic: string; pending: number; dead: number }[] };
export type SystemStatus = { queues: QueueStatus[]; accounts: AccountPullStatus[]; outbox: OutboxStatus; connections: { state: string; count: number }[]; at: Date };

const num = (v: unknown) => Number(v ?? 0);
const rowsOf = (r: unknown) => r as unknown as Record<string, unknown>[];

async function queueStatus(db: DbExecutor, orgId?: string): Promise<QueueStatus[]> {
  const exists = rowsOf(await db.execute(sql`select to_regclass('pgboss.job') is not null as ok`))[0]?.ok;
  if (!exists) return [];
  const orgFilter = orgId ? sql`and data->>'orgId' = ${orgId}` : sql``;
  const rows = rowsOf(
    await db.execute(sql`
      select name,
             count(*) filter (where state in ('created', 'retry')) as queued,
             count(*) filter (where state = 'active') as active,
             count(*) filter (where state = 'failed' and completed_on > now() - interval '1 day') as failed,
             coalesce(extract(epoch from now() - min(created_on) filter (where state in ('created', 'retry') and start_after <= now())), 0) as oldest
        from pgboss.job
       where name not like '\\_\\_%' ${orgFilter}
       group by name
       order by name`),
  );
  return rows.map((r) => ({ queue: String(r.name), queued: num(r.queued), active: num(r.active), failed: num(r.failed), oldestQueuedSeconds: Math.round(num(r.oldest)) }));
}

async function accountStatus(db: DbExecutor, orgId?: string): Promise<AccountPullStatus[]> {
  const orgFilter = orgId ? sql`where a.org_id = ${orgId}` : sql``;
  const rows = rowsOf(
    await db.execute(sql`
      select a.id, a.org_id, a.platform, a.alias, a.status, a.last_pull_at, a.last_pull_result, a.last_error,
             ok.finished_at as last_success_at,
             (select count(*) from (
                select r.status from channel_pull_runs r
                 where r.org_id = a.org_id and r.account_id = a.id and r.status <> 'running'
                 order by r.started_at desc limit 20) last
               where last.status = 'failed') as recent_failed,
             (select count(*) from channel_pull_runs r
               where r.org_id = a.org_id and r.account_id = a.id and r.status = 'failed'
                 and r.started_at > coalesce(ok.finished_at, '-infinity')) as consecutive_failures
        from channel_accounts a
        left join lateral (
          select r.finished_at from channel_pull_runs r
           where r.org_id = a.org_id and r.account_id = a.id and r.status in ('ok', 'partial')
           order by r.started_at desc limit 1) ok on true
        ${orgFilter}
       order by a.org_id, a.platform, a.alias`),
  );
  const now = Date.now();
  return rows.map((r) => {
    const lastSuccessAt = r.last_success_at ? new Date(r.last_success_at as string) : null;
    return {
      accountId: String(r.id),
      orgId: String(r.org_id),
      platform: String(r.platform),
      alias: String(r.alias),
      status: String(r.status),
      lastPullAt: r.last_pull_at ? new Date(r.last_pull_at as string) : null,
      lastPullResult: (r.last_pull_result as string | null) ?? null,
      lastSuccessAt,
      pullLagSeconds: lastSuccessAt ? Math.max(0, Math.round((now - lastSuccessAt.getTime()) / 1000)) : null,
      consecutiveFailures: num(r.consecutive_failures),
      lastError: (r.last_error as string | null) ?? null,
    };
  });
}

async function outboxStatus(db: DbExecutor, orgId?: string): Promise<OutboxStatus> {
  const orgFilter = orgId ? sql`and org_id = ${orgId}` : sql``;
  const rows = rowsOf(
    await db.execute(sql`
      select topic,
             count(*) filter (where status = 'pending') as pending,
             count(*) filter (where status = 'processing') as processing,
             count(*) filter (where status = 'dead') as dead,
             coalesce(extract(epoch from now() - min(created_at) filter (where status in ('pending', 'processing'))), 0) as oldest
        from outbox
       where status <> 'done' ${orgFilter}
       group by topic
       order by topic`),
  );
  return {
    pending: rows.reduce((s, r) => s + num(r.pending), 0),
    processing: rows.reduce((s, r) => s + num(r.processing), 0),
    dead: rows.reduce((s, r) => s + num(r.dead), 0),
    oldestPendingSeconds: Math.round(Math.max(0, ...rows.map((r) => num(r.oldest)))),
    byTopic: rows.map((r) => ({ topic: String(r.topic), pending: num(r.pending), dead: num(r.dead) })),
  };
}

/** Connections of this application to this database by state (active + idle in transaction = in use). */
async function connectionStatus(db: DbExecutor) {
  const rows = rowsOf(
    await db.execute(sql`
      select coalesce(state, 'unknown') as state, count(*) as count from pg_stat_activity
       where datname = current_database() and application_name in ('manifold', 'manifold-owner') and pid <> pg_backend_pid()
       group by 1 order by 1`),
  );
  return rows.map((r) => ({ state: String(r.state), count: num(r.count) }));
}

export async function systemStatus(db: DbExecutor, opts: { orgId?: string } = {}): Promise<SystemStatus> {
  const [queues, accounts, ob, connections] = await Promise.all([
    queueStatus(db, opts.orgId),
    accountStatus(db, opts.orgId),
    outboxStatus(db, opts.orgId),
    opts.orgId ? Promise.resolve([]) : connectionStatus(db),
  ]);
  return { queues, accounts, outbox: ob, connections, at: new Date() };
}

/** The merchant's own view (系统状态). */
/**
 * One merchant's view (用户中心 → 系统状态): its accounts and outbox on its own database (row-level
 * security); its job queues from pg-boss's schema, which is the owner's (jobs of every merchant in one
 * table, read here filtered to this merchant).
 */
export async function merchantSystemStatus(ctx: ServiceContext): Promise<SystemStatus> {
  const [queues, accounts, ob] = await Promise.all([queueStatus(ownerDb, ctx.orgId), accountStatus(ctx.db, ctx.orgId), outboxStatus(ctx.db, ctx.orgId)]);
  return { queues, accounts, outbox: ob, connections: [], at: new Date() };
}

export type DeadLetter = {
  id: string;
  topic: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  processedAt: Date | null;
  /** The marketplace account the event is for (channel topics: its payload's account, or its platform order's). */
  accountId: string | null;
};

/** Which dead letters: all of the merchant's, or those of topics starting with `topicPrefix` (e.g. "channels."). */
export type DeadLetterScope = { topicPrefix?: string };
const topicFilter = (scope: DeadLetterScope) => (scope.topicPrefix ? sql`starts_with(${outbox.topic}, ${scope.topicPrefix})` : undefined);

/** The merchant's dead outbox events (newest first, at most `limit`). */
export async function listDeadLetters(ctx: ServiceContext, limit = 100, scope: DeadLetterScope = {}): Promise<DeadLetter[]> {
  return ctx.db
    .select({
      id: outbox.id,
      topic: outbox.topic,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      processedAt: outbox.processedAt,
      accountId: sql<string | null>`coalesce(${outbox.payload}->>'accountId',
        (select p.account_id::text from ${platformOrders} p where p.org_id = ${outbox.orgId} and p.id::text = ${outbox.payload}->>'platformOrderId'))`,
    })
    .from(outbox)
    .where(and(eq(outbox.orgId, ctx.orgId), eq(outbox.status, "dead"), topicFilter(scope)))
    .orderBy(sql`${outbox.createdAt} desc`)
    .limit(limit);
}

/**
 * Put a dead event back to pending by hand (fresh attempts; 系统状态, and the channel accounts page for
 * the channel topics). A pending event with the same dedupe key
 * already does the same work, so then the dead one is closed instead (superseded).
 */
export async function retryDeadLetter(ctx: ServiceContext, id: string, scope: DeadLetterScope = {}) {
  const [row] = await ctx.db
    .update(outbox)
    .set({ status: "pending", attempts: 0, availableAt: new Date(), processedAt: null })
    .where(and(eq(outbox.orgId, ctx.orgId), eq(outbox.id, id), eq(outbox.status, "dead"), topicFilter(scope)))
    .returning({ id: outbox.id })
    .catch(async (e: unknown) => {
      const code = (e as { code?: string; cause?: { code?: string } }).code ?? (e as { cause?: { code?: string } }).cause?.code;
      if (code !== "23505") throw e;
      return ctx.db
        .update(outbox)
        .set({ status: "done", result: { supersededByPending: true }, processedAt: new Date() })
        .where(and(eq(outbox.orgId, ctx.orgId), eq(outbox.id, id), eq(outbox.status, "dead"), topicFilter(scope)))
        .returning({ id: outbox.id });
    });
  if (!row) throw notFound("outboxEvent");
  return { id: row.id };
}

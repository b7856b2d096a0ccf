import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { channelAccounts, settlementPullRuns, type SettlementPullSummary } from "@/db/schema";
import { withRetries } from "@/server/channels/http";
import { connectorFor } from "@/server/channels/registry";
import { ChannelError } from "@/server/channels/types";
import { systemContext, type OrgScope, type ServiceContext } from "@/server/context";
import { DomainError, isUniqueViolation, notFound } from "@/server/errors";
import { attachPendingLines, storeSettlements } from "../finance/settlements";
import { getAccountRow, withAccountCredentials, type ChannelAccountRow } from "./accounts";
import { pullRetryDelayMinutes } from "./pull-health";

/**
 * 结算拉取: the settlement pull of one account, beside its order pull and on the same machinery — one
 * run row (at most one running per account, a second trigger joins it), pages fetched through
 * `withRetries` (rate limits honoured, 5xx/timeouts backed off, tokens refreshed by
 * `withAccountCredentials`), each page stored in one transaction (idempotent), its own cursor that only
 * advances when the whole window succeeded, and the same failure back-off (`pullRetryDelayMinutes`).
 */

export type SettlementPullRunRow = typeof settlementPullRuns.$inferSelect;

/** Settlements are re-read this far back: payouts stay open (Amazon groups, pending Shopify payouts) and change. */
export const SETTLEMENT_OVERLAP_MS = 3 * 24 * 3600_000;
/** A new account starts with this much settlement history. */
export const SETTLEMENT_INITIAL_LOOKBACK_MS = 30 * 24 * 3600_000;
/** Scheduled settlement pulls per account (SETTLEMENT_PULL_INTERVAL_MINUTES, default 6 hours). */
export const settlementIntervalMinutes = () => Math.max(5, Number(process.env.SETTLEMENT_PULL_INTERVAL_MINUTES ?? 360));
const STALE_RUN_MS = Number(process.env.PULL_STALE_SECONDS ?? 300) * 1000;
const pageBudgetMs = () => Number(process.env.PULL_PAGE_BUDGET_MS ?? 120_000);

const pullContext = (ctx: { db: Db; orgId: string }) => systemContext(ctx.db, ctx.orgId, "channels.settlements", "admin");

export async function startSettlementPull(
  ctx: ServiceContext,
  args: { accountId: string; trigger: SettlementPullRunRow["trigger"]; from?: Date; to?: Date },
): Promise<{ run: SettlementPullRunRow; joined: boolean }> {
  const { db, orgId } = ctx;
  const account = await getAccountRow(ctx, args.accountId);
  if (!account.accessTokenEnc || (account.status !== "enabled" && !(args.trigger === "manual" && account.status === "stopped"))) {
    throw new DomainError("CONFLICT", { key: "accountNotEnabled" });
  }
  const connector = connectorFor(account.platform);
  if (!connector?.listSettlements) throw new DomainError("CONFLICT", { key: "settlementsNotSupported" });
  const now = new Date();
  const to = args.to ?? now;
  const from = args.from ?? new Date((account.settlementCursor?.getTime() ?? now.getTime() - SETTLEMENT_INITIAL_LOOKBACK_MS) - SETTLEMENT_OVERLAP_MS);
  await db
    .update(settlementPullRuns)
    .set({ status: "failed", error: "abandoned (no heartbeat)", finishedAt: now })
    .where(
      and(
        eq(settlementPullRuns.orgId, orgId),
        eq(settlementPullRuns.accountId, args.accountId),
        eq(settlementPullRuns.status, "running"),
        lt(settlementPullRuns.heartbeatAt, new Date(now.getTime() - STALE_RUN_MS)),
      ),
    );
  try {
    const [run] = await db.insert(settlementPullRuns).values({ orgId, accountId: args.accountId, trigger: args.trigger, windowFrom: from, windowTo: to }).returning();
    await db.update(channelAccounts).set({ lastSettlementPullResult: "running" }).where(and(eq(channelAccounts.orgId, orgId), eq(channelAccounts.id, account.id)));
    return { run: run!, joined: false };
  } catch (e) {
    if (!isUniqueViolation(e, "settlement_pull_runs_running_uq")) throw e;
    const [running] = await db
      .select()
      .from(settlementPullRuns)
      .where(and(eq(settlementPullRuns.orgId, orgId), eq(settlementPullRuns.accountId, args.accountId), eq(settlementPullRuns.status, "running")));
    if (!running) throw e;
    return { run: running, joined: true };
  }
}

/** Failed settlement pulls in a row (since the last ok one): what the back-off counts. */
async function failuresInRow(ctx: OrgScope, accountId: string): Promise<number> {
  const [row] = await ctx.db.execute<{ n: number }>(sql`
    select count(*)::int as n from settlement_pull_runs r
     where r.org_id = ${ctx.orgId} and r.account_id = ${accountId} and r.status = 'failed'
       and r.started_at > coalesce((select max(o.started_at) from settlement_pull_runs o
                                     where o.org_id = r.org_id and o.account_id = r.account_id and o.status in ('ok', 'partial')), '-infinity')`);
  return Number(row?.n ?? 0);
}

export async function executeSettlementPull(ctx: ServiceContext & { db: Db }, runId: string, opts: { sleep?: (ms: number) => Promise<void> } = {}) {
  const [run] = await ctx.db.select().from(settlementPullRuns).where(and(eq(settlementPullRuns.orgId, ctx.orgId), eq(settlementPullRuns.id, runId)));
  if (!run) throw notFound("pullRun");
  const db = ctx.db;
  const pctx = pullContext({ db, orgId: run.orgId });
  const c = { pages: 0, settlements: 0, lines: 0, retries: 0 };
  const save = (extra: Partial<SettlementPullRunRow> = {}) =>
    db.update(settlementPullRuns).set({ ...c, heartbeatAt: new Date(), ...extra }).where(and(eq(settlementPullRuns.orgId, run.orgId), eq(settlementPullRuns.id, run.id)));
  const accountWhere = and(eq(channelAccounts.orgId, run.orgId), eq(channelAccounts.id, run.accountId));
  try {
    let account: ChannelAccountRow = await getAccountRow(pctx, run.accountId);
    const connector = connectorFor(account.platform);
    if (!connector?.listSettlements) throw new ChannelError("invalid_request", `no settlements for ${account.platform}`);
    const list = connector.listSettlements.bind(connector);
    let cursor: string | null = null;
    do {
      const acct: ChannelAccountRow = account;
      const page = await withRetries(
        () => withAccountCredentials(pctx, acct, (ref, credentials) => list({ account: ref, credentials, from: run.windowFrom, to: run.windowTo, cursor })),
        { sleep: opts.sleep, onRetry: () => void c.retries++, deadlineAt: Date.now() + pageBudgetMs() },
      );
      c.pages++;
      const stored = await storeSettlements(pctx, { platform: account.platform, accountId: account.id, source: "api" }, page.settlements);
      c.settlements += stored.settlements;
      c.lines += stored.lines;
      await save();
      cursor = page.nextCursor;
      account = await getAccountRow(pctx, run.accountId);
    } while (cursor);
    // Orders pulled or converted since their settlement came in.
    await attachPendingLines(pctx, account.id);
    const finishedAt = new Date();
    await save({ status: "ok", finishedAt });
    const summary: SettlementPullSummary = { key: "settlementsDone", params: { settlements: c.settlements, lines: c.lines } };
    await db
      .update(channelAccounts)
      .set({
        lastSettlementPullAt: finishedAt,
        lastSettlementPullResult: "ok",
        lastSettlementPullSummary: summary,
        ...(run.trigger !== "manual" ? { settlementCursor: sql`greatest(${channelAccounts.settlementCursor}, ${run.windowTo.toISOString()}::timestamptz)` } : {}),
        settlementNextPullAt:
          account.pullMode === "auto" && account.status === "enabled" ? new Date(finishedAt.getTime() + settlementIntervalMinutes() * 60_000) : null,
      })
      .where(accountWhere);
  } catch (e) {
    const finishedAt = new Date();
    await save({ status: "failed", finishedAt, error: (e instanceof ChannelError ? `${e.kind}: ${e.message}` : e instanceof Error ? e.message : String(e)).slice(0, 2000) });
    const failures = await failuresInRow(pctx, run.accountId);
    const summary: SettlementPullSummary = {
      key: "failed",
      params: { reason: e instanceof ChannelError ? e.kind : "error", error: (e instanceof Error ? e.message : String(e)).slice(0, 500), failures },
    };
    const [acct] = await db.select().from(channelAccounts).where(accountWhere);
    await db
      .update(channelAccounts)
      .set({
        lastSettlementPullAt: finishedAt,
        lastSettlementPullResult: "failed",
        lastSettlementPullSummary: summary,
        settlementNextPullAt:
          acct?.status === "enabled" && acct.pullMode === "auto"
            ? new Date(finishedAt.getTime() + pullRetryDelayMinutes(failures, settlementIntervalMinutes()) * 60_000)
            : null,
      })
      .where(accountWhere);
  }
  const [done] = await db.select().from(settlementPullRuns).where(and(eq(settlementPullRuns.orgId, run.orgId), eq(settlementPullRuns.id, run.id)));
  return done!;
}

/** Start and run a settlement pull in this process (jobs, tests). */
export async function pullSettlements(ctx: ServiceContext & { db: Db }, args: Parameters<typeof startSettlementPull>[1], opts: Parameters<typeof executeSettlementPull>[2] = {}) {
  const { run, joined } = await startSettlementPull(pullContext(ctx), args);
  if (joined) return { run, joined };
  return { run: await executeSettlementPull(ctx, run.id, opts), joined };
}

/**
 * The scheduler's tick for settlements: enabled auto accounts of platforms with `listSettlements`
 * whose settlement pull is due, each claimed one interval ahead (like claimDuePulls), across merchants.
 */
export async function claimDueSettlementPulls(db: Db, platforms: string[]): Promise<{ id: string; orgId: string }[]> {
  if (platforms.length === 0) return [];
  return db
    .update(channelAccounts)
    .set({ settlementNextPullAt: sql`now() + make_interval(mins => ${settlementIntervalMinutes()})` })
    .where(
      and(
        eq(channelAccounts.status, "enabled"),
        eq(channelAccounts.pullMode, "auto"),
        sql`${channelAccounts.platform} in ${platforms}`,
        or(isNull(channelAccounts.settlementNextPullAt), lte(channelAccounts.settlementNextPullAt, new Date())),
      ),
    )
    .returning({ id: channelAccounts.id, orgId: channelAccounts.orgId });
}

export async function getSettlementPullRun(ctx: ServiceContext, id: string) {
  const [run] = await ctx.db.select().from(settlementPullRuns).where(and(eq(settlementPullRuns.orgId, ctx.orgId), eq(settlementPullRuns.id, id)));
  if (!run) throw notFound("pullRun");
  return run;
}

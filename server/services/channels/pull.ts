import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db, DbExecutor } from "@/db";
import { channelAccounts, channelPullRuns, orders, platformOrders, type PullSummary } from "@/db/schema";
import { withRetries } from "@/server/channels/http";
import { connectorFor } from "@/server/channels/registry";
import { ChannelError } from "@/server/channels/types";
import { systemContext, type OrgScope, type ServiceContext } from "@/server/context";
import { recordEvent } from "../_lib/events";
import { DomainError, isUniqueViolation, notFound } from "@/server/errors";
import { transitionOrder } from "../orders/transitions";
import { getAccountRow, withAccountCredentials, type ChannelAccountRow } from "./accounts";
import { convertPlatformOrders, pendingIds } from "./convert";
import { ingestOrders, type IngestResult } from "./ingest";
import { pullFailuresInRow, pullRetryDelayMinutes } from "./pull-health";

export type PullRunRow = typeof channelPullRuns.$inferSelect;
export type PullTrigger = PullRunRow["trigger"];

/** Re-read this much before the cursor: orders updated while the last pull ran are not missed. */
export const OVERLAP_MS = 10 * 60 * 1000;
/** A new account starts with this much history. */
export const INITIAL_LOOKBACK_MS = 7 * 24 * 3600_000;
/**
 * A running pull whose heartbeat (saved after every page) is older than this is considered dead (its
 * process crashed) and the next pull of the account expires it. PULL_STALE_SECONDS (default 300) lets
 * the crash drill (tests/reliability/pull-kill) reclaim a killed worker's run quickly.
 */
const STALE_RUN_MS = Number(process.env.PULL_STALE_SECONDS ?? 300) * 1000;

/**
 * One page's budget, retries and their waits included (PULL_PAGE_BUDGET_MS, default 2 minutes): a
 * marketplace that accepts and never answers fails the run after this (each request also has its own
 * CHANNEL_HTTP_TIMEOUT_MS), so it holds one pull worker that long at most and never the others.
 */
const pageBudgetMs = () => Number(process.env.PULL_PAGE_BUDGET_MS ?? 120_000);

/** Pulls, conversions and status follow-ups act for the merchant as this system actor. */
const pullContext = <D extends DbExecutor>(ctx: { db: D; orgId: string }) => systemContext(ctx.db, ctx.orgId, "channels.pull", "admin");

/**
 * Begin a pull of one account: one row in channel_pull_runs, at most one running per account (a
 * partial unique index). A second trigger while one runs joins it (same run id, same progress bar).
 */
export async function startPull(
  ctx: ServiceContext,
  args: { accountId: string; trigger: PullTrigger; from?: Date; to?: Date },
): Promise<{ run: PullRunRow; joined: boolean }> {
  const { db } = ctx;
  const orgId = ctx.orgId;
  const account = await getAccountRow(ctx, args.accountId);
  if (!account.accessTokenEnc || (account.status !== "enabled" && !(args.trigger === "manual" && account.status === "stopped"))) {
    throw new DomainError("CONFLICT", { key: "accountNotEnabled" });
  }
  const now = new Date();
  const to = args.to ?? now;
  const from = args.from ?? new Date((account.pullCursor?.getTime() ?? now.getTime() - INITIAL_LOOKBACK_MS) - OVERLAP_MS);
  // A crashed pull leaves a running row behind: expire it.
  await db
    .update(channelPullRuns)
    .set({ status: "failed", error: "abandoned (no heartbeat)", finishedAt: now })
    .where(and(eq(channelPullRuns.orgId, orgId), eq(channelPullRuns.accountId, args.accountId), eq(channelPullRuns.status, "running"), lt(channelPullRuns.heartbeatAt, new Date(now.getTime() - STALE_RUN_MS))));
  try {
    const [run] = await db
      .insert(channelPullRuns)
      .values({ orgId, accountId: args.accountId, trigger: args.trigger, windowFrom: from, windowTo: to })
      .returning();
    await db.update(channelAccounts).set({ lastPullResult: "running" }).where(eq(channelAccounts.id, account.id));
    return { run: run!, joined: false };
  } catch (e) {
    if (!isUniqueViolation(e, "channel_pull_runs_running_uq")) throw e;
    const [running] = await db
      .select()
      .from(channelPullRuns)
      .where(and(eq(channelPullRuns.orgId, orgId), eq(channelPullRuns.accountId, args.accountId), eq(channelPullRuns.status, "running")));
    if (!running) throw e;
    return { run: running, joined: true };
  }
}

/**
 * The scheduler's tick: auto accounts whose next pull is due, across merchants (by design), each claimed
 * by pushing its next pull one interval ahead so concurrent ticks never send it twice; the pull itself
 * sets the real next time when it finishes.
 */
export async function claimDuePulls(db: Db): Promise<{ id: string; orgId: string }[]> {
  return db
    .update(channelAccounts)
    .set({ nextPullAt: sql`now() + make_interval(mins => ${channelAccounts.pullIntervalMinutes})` })
    .where(
      and(
        eq(channelAccounts.status, "enabled"),
        eq(channelAccounts.pullMode, "auto"),
        or(isNull(channelAccounts.nextPullAt), lte(channelAccounts.nextPullAt, new Date())),
      ),
    )
    .returning({ id: channelAccounts.id, orgId: channelAccounts.orgId });
}

type Counters = { pages: number; fetched: number; created: number; updated: number; converted: number; blocked: number; failed: number; retries: number };

/**
 * Walk the run's window page by page (and in the platform's window size where it has one): each page
 * is fetched with retries (rate limits honoured, 5xx/timeouts backed off, tokens refreshed), upserted
 * in one transaction, converted in batches, and the run's counters and progress are saved. The account's
 * cursor only advances when the whole window succeeded.
 */
export async function executePull(ctx: ServiceContext & { db: Db }, runId: string, opts: { sleep?: (ms: number) => Promise<void> } = {}): Promise<PullRunRow> {
  const [run] = await ctx.db.select().from(channelPullRuns).where(and(eq(channelPullRuns.id, runId), eq(channelPullRuns.orgId, ctx.orgId)));
  if (!run) throw notFound("pullRun");
  return runPull(ctx.db, run, opts);
}

async function runPull(db: Db, run: PullRunRow, opts: { sleep?: (ms: number) => Promise<void> }): Promise<PullRunRow> {
  const c: Counters = { pages: 0, fetched: 0, created: 0, updated: 0, converted: 0, blocked: 0, failed: 0, retries: 0 };
  const failures: string[] = [];
  const ctx = pullContext({ db, orgId: run.orgId });
  const save = (extra: Partial<PullRunRow> = {}) =>
    db.update(channelPullRuns).set({ ...c, heartbeatAt: new Date(), ...extra }).where(eq(channelPullRuns.id, run.id));
  try {
    let account = await getAccountRow(ctx, run.accountId);
    const connector = connectorFor(account.platform);
    if (!connector) throw new ChannelError("invalid_request", `no connector for ${account.platform}`);
    const step = connector.maxWindowMs ?? run.windowTo.getTime() - run.windowFrom.getTime();
    for (let start = run.windowFrom.getTime(); start < run.windowTo.getTime(); start += step) {
      const from = new Date(start);
      const to = new Date(Math.min(run.windowTo.getTime(), start + step));
      let cursor: string | null = null;
      do {
        const acct: ChannelAccountRow = account;
        const page = await withRetries(
          () => withAccountCredentials(ctx, acct, (ref, credentials) => connector.listOrders({ account: ref, credentials, from, to, cursor })),
          { sleep: opts.sleep, onRetry: () => void c.retries++, deadlineAt: Date.now() + pageBudgetMs() },
        );
        c.pages++;
        c.fetched += page.orders.length;
        const r = await ingestOrders(ctx, account, page.orders);
        c.created += r.created;
        c.updated += r.updated;
        c.failed += r.failed.length;
        failures.push(...r.failed.map((f) => `${f.platformOrderId}: ${f.error}`));
        const f = await followUp(ctx, account, r);
        c.converted += f.converted;
        c.blocked += f.blocked;
        const reached = page.orders.reduce((m, o) => (o.updatedAt.getTime() > m ? o.updatedAt.getTime() : m), from.getTime());
        await save({ reachedAt: new Date(Math.min(reached, to.getTime())) });
        cursor = page.nextCursor;
        // Tokens may have been refreshed during the page.
        account = await getAccountRow(ctx, run.accountId);
      } while (cursor);
      await save({ reachedAt: to });
    }
    // 001: blocked orders are retried on the next sync once their cause is fixed.
    const retry = await retryBlocked(ctx, account);
    c.converted += retry.converted;
    const status = failures.length ? "partial" : "ok";
    const finishedAt = new Date();
    await save({ status, finishedAt, error: failures.length ? failures.slice(0, 20).join("\n") : null });
    const summary: PullSummary = {
      key: "done",
      params: { fetched: c.fetched, created: c.created, updated: c.updated, converted: c.converted, blocked: c.blocked, failed: c.failed },
    };
    await db
      .update(channelAccounts)
      .set({
        lastPullAt: finishedAt,
        lastPullResult: status,
        lastPullSummary: summary,
        ...(run.trigger !== "manual" ? { pullCursor: sql`greatest(${channelAccounts.pullCursor}, ${run.windowTo.toISOString()}::timestamptz)` } : {}),
        nextPullAt: account.pullMode === "auto" && account.status === "enabled" ? new Date(finishedAt.getTime() + account.pullIntervalMinutes * 60_000) : null,
      })
      .where(eq(channelAccounts.id, account.id));
  } catch (e) {
    const msg = e instanceof ChannelError ? `${e.kind}: ${e.message}` : e instanceof Error ? e.message : String(e);
    // The platform's (or the exception's) own words stay as they are; the frame around them is a key.
    const finishedAt = new Date();
    await save({ status: "failed", finishedAt, error: msg.slice(0, 2000) });
    const failures = (await pullFailuresInRow(ctx, [run.accountId])).get(run.accountId) ?? 1;
    const summary: PullSummary = {
      key: "failed",
      params: { reason: e instanceof ChannelError ? e.kind : "error", error: (e instanceof Error ? e.message : String(e)).slice(0, 500), failures },
    };
    const [acct] = await db.select().from(channelAccounts).where(eq(channelAccounts.id, run.accountId));
    await db
      .update(channelAccounts)
      .set({
        lastPullAt: finishedAt,
        lastPullResult: "failed",
        lastPullSummary: summary,
        // Try again sooner than the interval, but not in a tight loop; a failing account backs off.
        nextPullAt:
          acct?.status === "enabled" && acct.pullMode === "auto" ? new Date(finishedAt.getTime() + pullRetryDelayMinutes(failures, acct.pullIntervalMinutes) * 60_000) : null,
      })
      .where(eq(channelAccounts.id, run.accountId));
  }
  const [done] = await db.select().from(channelPullRuns).where(eq(channelPullRuns.id, run.id));
  return done!;
}

/** Start and run a pull in this process (jobs, tests, the bench). */
export async function pullOrders(ctx: ServiceContext & { db: Db }, args: Parameters<typeof startPull>[1], opts: Parameters<typeof executePull>[2] = {}) {
  const { run, joined } = await startPull(pullContext(ctx), args);
  if (joined) return { run, joined };
  return { run: await executePull(ctx, run.id, opts), joined };
}

/**
 * After a page is stored: convert new orders (import switch on), and follow platform status changes
 * of known ones (001): paid → approve the system order; cancelled → void what is not yet shipped;
 * shipped/completed after our ship-back → complete the system order.
 */
async function followUp(ctx: ServiceContext, account: ChannelAccountRow, r: IngestResult) {
  const toConvert = r.touched.filter((t) => t.status === "pending" || t.status === "unshipped").map((t) => t.id);
  const changed = r.touched.filter((t) => !t.inserted && t.previousStatus !== t.status);
  if (changed.length) await followStatusChanges(ctx, changed.map((t) => t.id));
  if (!account.importEnabled || toConvert.length === 0) return { converted: 0, blocked: 0 };
  return convertPlatformOrders(ctx, toConvert);
}

async function followStatusChanges(ctx: ServiceContext, ids: string[]) {
  const { db, orgId } = ctx;
  const rows = await db
    .select({ po: platformOrders, orderStatus: orders.status })
    .from(platformOrders)
    .leftJoin(orders, and(eq(orders.id, platformOrders.orderId), eq(orders.orgId, platformOrders.orgId)))
    .where(and(eq(platformOrders.orgId, orgId), inArray(platformOrders.id, ids)));
  for (const { po, orderStatus } of rows) {
    const note = async (type: string, reason: string, toState?: string) =>
      recordEvent(systemContext(db, orgId, "channels"), "platformOrder", po.id, { type, from: po.state, to: toState ?? po.state, reason: reason.slice(0, 1000) });
    try {
      if (po.normalizedStatus === "cancelled") {
        if (po.orderId && orderStatus && ["pending", "stock_up", "frozen"].includes(orderStatus)) {
          await transitionOrder(ctx, { orderId: po.orderId, action: "void", reason: "cancelled on the platform" });
        }
        if (["pending", "frozen", "processed"].includes(po.state) && (!po.orderId || orderStatus !== "shipped")) {
          await db.update(platformOrders).set({ state: "voided" }).where(eq(platformOrders.id, po.id));
          await note("voided", "cancelled on the platform", "voided");
        }
      } else if (po.normalizedStatus === "unshipped" && po.orderId && orderStatus === "pending") {
        await transitionOrder(ctx, { orderId: po.orderId, action: "approve" });
        await note("approved", "paid on the platform: system order approved");
      } else if ((po.normalizedStatus === "shipped" || po.normalizedStatus === "completed") && po.orderId) {
        if (orderStatus === "shipped") {
          await transitionOrder(ctx, { orderId: po.orderId, action: "complete", reason: "shipped on the platform" });
          await note("completed", "platform reports shipped: system order completed");
        }
        if (po.state === "processed") {
          await db.update(platformOrders).set({ state: "marked_shipped" }).where(eq(platformOrders.id, po.id));
          await note("marked_shipped", "shipped on the platform", "marked_shipped");
        }
      }
    } catch (e) {
      await note("follow_up_failed", e instanceof Error ? e.message : String(e));
    }
  }
}

/**
 * Pending, unconverted orders of an account — blocked ones (their cause may have been fixed since) and
 * any not yet tried (stored by a concurrent pull or while import was off) — converted now.
 */
export async function retryBlocked(ctx: OrgScope, account: ChannelAccountRow, skus?: string[]) {
  if (!account.importEnabled) return { converted: 0, blocked: 0, skipped: 0, orderIds: [] };
  const ids = await pendingIds(ctx, { accountId: account.id, skus, limit: 2000 });
  return convertPlatformOrders(pullContext(ctx), ids);
}

export async function getPullRun(ctx: ServiceContext, id: string) {
  const [run] = await ctx.db.select().from(channelPullRuns).where(and(eq(channelPullRuns.id, id), eq(channelPullRuns.orgId, ctx.orgId)));
  if (!run) throw notFound("pullRun");
  return run;
}

export async function recentPullRuns(ctx: ServiceContext, accountId: string, limit = 10) {
  return ctx.db
    .select()
    .from(channelPullRuns)
    .where(and(eq(channelPullRuns.orgId, ctx.orgId), eq(channelPullRuns.accountId, accountId)))
    .orderBy(sql`${channelPullRuns.startedAt} desc`)
    .limit(limit);
}

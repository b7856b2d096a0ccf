import { sql } from "drizzle-orm";
import { channelAccounts, channelPullRuns } from "@/db/schema";
import type { OrgScope } from "@/server/context";

/**
 * A failing marketplace account: how many pulls failed in a row, and how long the scheduler waits
 * before the next automatic one (runPull sets next_pull_at with it; the accounts page shows both).
 */

/** After this many failed pulls in a row an account is shown as failing and its retries back off. */
export const PULL_FAILURES_BEFORE_BACKOFF = 3;
/** The longest wait between automatic retries of a failing account. */
export const PULL_BACKOFF_CAP_MINUTES = 360;

/**
 * Minutes until the next automatic pull after the `failures`-th failure in a row: the first ones retry
 * sooner than the interval (at most 5 minutes, as a blip deserves), from PULL_FAILURES_BEFORE_BACKOFF on
 * the wait doubles with every failure, capped at PULL_BACKOFF_CAP_MINUTES.
 */
export function pullRetryDelayMinutes(failures: number, intervalMinutes: number): number {
  const base = Math.max(1, Math.min(intervalMinutes, 5));
  if (failures < PULL_FAILURES_BEFORE_BACKOFF) return base;
  return Math.min(PULL_BACKOFF_CAP_MINUTES, base * 2 ** (failures - PULL_FAILURES_BEFORE_BACKOFF + 1));
}

/**
 * Failed pulls in a row per account (since its last ok or partial run; runs still going are not
 * counted) — what the accounts page shows and the backoff counts. The same rule as 系统状态's column.
 */
export async function pullFailuresInRow(ctx: OrgScope, accountIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (accountIds.length === 0) return out;
  const rows = (await ctx.db.execute(sql`
    select a.id, (select count(*) from ${channelPullRuns} r
                   where r.org_id = a.org_id and r.account_id = a.id and r.status = 'failed'
                     and r.started_at > coalesce((select max(o.started_at) from ${channelPullRuns} o
                                                   where o.org_id = a.org_id and o.account_id = a.id and o.status in ('ok', 'partial')), '-infinity'))::int as n
      from ${channelAccounts} a
     where a.org_id = ${ctx.orgId} and a.id in ${accountIds}`)) as unknown as { id: string; n: number }[];
  for (const r of rows) out.set(r.id, Number(r.n));
  return out;
}

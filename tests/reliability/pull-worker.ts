/**
 * The pull worker (what a pg-boss `channels.pull` job runs for a scheduled pull, server/jobs/boss.ts:
 * startPull with trigger "schedule", then executePull) in a process of its own, looping over one account
 * (ORG_ID, ACCOUNT_ID) for the SIGKILL drill. A run left "running" by a killed worker is joined until its
 * heartbeat is PULL_STALE_SECONDS old, then expired by the next startPull.
 */
import { createDb } from "@/db";
import { systemContext } from "@/server/context";
import { executePull, startPull } from "@/server/services/channels/pull";

const { db } = createDb(process.env.DATABASE_URL!, 4);
const orgId = process.env.ORG_ID!;
const accountId = process.env.ACCOUNT_ID!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
console.log("READY");
for (;;) {
  try {
    const { run, joined } = await startPull(systemContext(db, orgId, "channels.schedule"), { accountId, trigger: "schedule" });
    if (joined) await sleep(250);
    else await executePull(systemContext(db, orgId, "channels.pull"), run.id);
  } catch {
    await sleep(250);
  }
}

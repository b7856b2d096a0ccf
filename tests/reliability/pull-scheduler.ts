/**
 * The job side of a server process for the slow-marketplace drill: pg-boss with the real pull workers
 * (startBoss, server/jobs/boss.ts; PULL_CONCURRENCY of them) and the tick's work (sendDuePulls) run
 * every half second instead of every minute. DATABASE_URL from the environment.
 */
import { createDb } from "@/db";
import { sendDuePulls, startBoss } from "@/server/jobs/boss";

const { db } = createDb(process.env.DATABASE_URL!, 8);
const boss = await startBoss(db);
console.log("READY");
for (;;) {
  await sendDuePulls(boss, db).catch(() => 0);
  await new Promise((r) => setTimeout(r, 500));
}

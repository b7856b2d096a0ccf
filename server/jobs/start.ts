import { db } from "@/db";
import { startBoss } from "./boss";
import { startOutboxRelay } from "./outbox-relay";

/**
 * Everything that runs in the background of a server process: the outbox relay and pg-boss (pulls,
 * token refresh). Started from instrumentation.ts, so `npm run dev` / `npm start` need nothing else.
 * MANIFOLD_JOBS=off disables it (e.g. a web-only replica).
 */
export async function startJobs() {
  const log = (m: string) => console.error(m);
  startOutboxRelay(db, { log });
  try {
    await startBoss(db, log);
    log("[jobs] pg-boss started: channel pulls every minute when due, token refresh every 5 minutes");
  } catch (e) {
    log(`[jobs] pg-boss failed to start: ${e instanceof Error ? e.message : e}`);
  }
}

import type PgBoss from "pg-boss";
import { db } from "@/db";
import { logger } from "@/server/observability/log";
import { setWorkersState } from "@/server/observability/readiness";
import { startBoss } from "./boss";
import { startOutboxRelay } from "./outbox-relay";

const g = globalThis as unknown as { __manifoldJobs?: { boss: PgBoss | null; relay: { stop: () => Promise<void> } } };

/**
 * Everything that runs in the background of a server process: the outbox relay and pg-boss (pulls,
 * token refresh). Started from instrumentation.ts, so `npm run dev` / `npm start` need nothing else.
 * MANIFOLD_JOBS=off disables it (e.g. a web-only replica).
 */
export async function startJobs() {
  const jl = logger("jobs");
  const log = (m: string) => jl.info(m);
  const relay = startOutboxRelay(db, { log: (m) => logger("outbox").warn(m) });
  setWorkersState({ enabled: true, relay: true });
  let boss: PgBoss | null = null;
  try {
    boss = await startBoss(db, log);
    setWorkersState({ boss: true });
    log("pg-boss started: channel pulls every minute when due, token refresh every 5 minutes");
  } catch (e) {
    jl.error({ err: e }, "pg-boss failed to start");
  }
  g.__manifoldJobs = { boss, relay };
}

/**
 * Graceful stop (SIGTERM): the relay finishes its pass; pg-boss stops fetching, lets running jobs
 * finish up to `timeoutMs`, and releases the rest (they are picked up again after their expiry).
 */
export async function stopJobs(timeoutMs = 10_000) {
  const jobs = g.__manifoldJobs;
  if (!jobs) return;
  g.__manifoldJobs = undefined;
  setWorkersState({ relay: false, boss: false });
  await Promise.all([
    jobs.relay.stop(),
    jobs.boss?.stop({ graceful: true, timeout: timeoutMs, wait: true }).catch((e: unknown) => logger("jobs").warn({ err: e }, "pg-boss stop")),
  ]);
  (globalThis as unknown as { __manifoldBoss?: unknown }).__manifoldBoss = undefined;
}

import { closeDb } from "@/db";
import { inFlight, startDraining, waitForIdle } from "./lifecycle";
import { logger } from "./log";

/**
 * Graceful shutdown of a server process on SIGTERM/SIGINT (installed by instrumentation.ts when the
 * start scripts set NEXT_MANUAL_SIG_HANDLE, so Next.js does not exit at once): stop taking requests
 * (503 + Connection: close, /api/ready not ready), let in-flight requests finish up to
 * MANIFOLD_SHUTDOWN_GRACE_MS (10 s), stop the jobs (relay pass, pg-boss graceful stop), close the pool,
 * exit. The parent (scripts/start.ts, dev.ts) then stops the embedded PostgreSQL cleanly.
 */
export function installGracefulShutdown(stopJobs: (timeoutMs: number) => Promise<void>) {
  const g = globalThis as unknown as { __manifoldShutdown?: boolean };
  if (g.__manifoldShutdown) return;
  g.__manifoldShutdown = true;
  const grace = Number(process.env.MANIFOLD_SHUTDOWN_GRACE_MS ?? 10_000);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const log = logger("shutdown");
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    void (async () => {
      const started = Date.now();
      log.info({ signal, inFlight: inFlight(), graceMs: grace }, "draining");
      startDraining();
      // Force the exit if anything below hangs.
      setTimeout(() => process.exit(1), grace * 2 + 5000).unref();
      const left = await waitForIdle(grace);
      if (left) log.warn({ left }, "requests still running after the grace period");
      await stopJobs(Math.max(1000, grace - (Date.now() - started)));
      await closeDb().catch(() => {});
      log.info({ ms: Date.now() - started }, "stopped");
      process.exit(0);
    })();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

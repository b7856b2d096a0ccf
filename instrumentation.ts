/**
 * Runs once when a Next.js server process starts: background jobs (outbox relay, pg-boss pulls and
 * token refresh) and, in development, the local marketplace simulators the demo accounts point at.
 * MANIFOLD_JOBS=off / MANIFOLD_SIMULATORS=off turn either off; MANIFOLD_SIMULATORS=1 starts the
 * simulators in a production server too (a demo deployment).
 */
export async function register() {
  // The documented form: the bundler drops this branch (and its imports) from the edge build.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const g = globalThis as unknown as { __manifoldStarted?: boolean };
    if (g.__manifoldStarted) return;
    g.__manifoldStarted = true;
    const wantSimulators = process.env.MANIFOLD_SIMULATORS === "1" || (process.env.NODE_ENV === "development" && process.env.MANIFOLD_SIMULATORS !== "off");
    if (wantSimulators) {
      const { startSimulators } = await import("./tests/simulators/index");
      await startSimulators({ log: (m) => console.error(m) }).catch((e) => console.error(`[simulators] not started: ${e?.message ?? e}`));
    }
    if (process.env.MANIFOLD_JOBS !== "off") {
      const { startJobs } = await import("./server/jobs/start");
      await startJobs();
    }
  }
}

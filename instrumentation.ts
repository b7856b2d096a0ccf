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
    // Production without its own secrets or public origin does not start (server/secrets.ts).
    const { productionStartProblems, unconfiguredPlatforms } = await import("./server/secrets");
    const problems = productionStartProblems();
    if (problems.length) {
      for (const line of problems) console.error(`[secrets] ${line}`);
      console.error("[secrets] refusing to start in production (NODE_ENV=production); see SECURITY.md, Production settings");
      process.exit(1);
    }
    // Before any request: rate limits need the socket's address (server/http/client-address.ts).
    const { installPeerAddress } = await import("./server/http/peer-address");
    installPeerAddress();
    // Production without a platform's own secret: said once here, then on every refused webhook.
    const { logger } = await import("./server/observability/log");
    for (const line of unconfiguredPlatforms()) logger("secrets").warn(line);
    const wantSimulators = process.env.MANIFOLD_SIMULATORS === "1" || (process.env.NODE_ENV === "development" && process.env.MANIFOLD_SIMULATORS !== "off");
    if (wantSimulators) {
      const { startSimulators } = await import("./tests/simulators/index");
      await startSimulators({ log: (m) => console.error(m) }).catch((e) => console.error(`[simulators] not started: ${e?.message ?? e}`));
    }
    if (process.env.MANIFOLD_JOBS !== "off") {
      const { startJobs } = await import("./server/jobs/start");
      await startJobs();
    }
    // Our start scripts take over SIGTERM from Next.js (NEXT_MANUAL_SIG_HANDLE): drain, then exit.
    if (process.env.NEXT_MANUAL_SIG_HANDLE) {
      const { installGracefulShutdown } = await import("./server/observability/shutdown");
      const { stopJobs } = await import("./server/jobs/start");
      installGracefulShutdown(stopJobs);
    }
  }
}

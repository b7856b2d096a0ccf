import { timingSafeEqual } from "node:crypto";
import client from "prom-client";
import type { DbExecutor } from "@/db";
import { systemStatus, type SystemStatus } from "@/server/services/system/status";

/**
 * Prometheus metrics (prom-client), one registry per process (kept on globalThis: Next.js may bundle
 * this module more than once). Counters and histograms are this process's; the gauges are read from
 * the database at scrape time through the same `systemStatus` the 系统状态 page shows.
 */
function build() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "manifold_process_" });
  const m = {
    registry,
    httpRequests: new client.Counter({ name: "manifold_http_requests_total", help: "HTTP requests by route, method and status", labelNames: ["route", "method", "status"], registers: [registry] }),
    httpDuration: new client.Histogram({
      name: "manifold_http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["route", "method"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    httpInFlight: new client.Gauge({ name: "manifold_http_requests_in_flight", help: "HTTP requests being handled by this process", registers: [registry] }),
    openApiCalls: new client.Counter({ name: "manifold_open_api_calls_total", help: "Open API calls by function and rStatus", labelNames: ["function", "rstatus"], registers: [registry] }),
    outboxDeliveries: new client.Counter({ name: "manifold_outbox_deliveries_total", help: "Outbox events handled by this process, by topic and outcome", labelNames: ["topic", "outcome"], registers: [registry] }),
    stockPushFailures: new client.Counter({ name: "manifold_stock_push_failures_total", help: "Failed stock pushes to marketplaces (this process)", registers: [registry] }),
    dbUnavailable: new client.Counter({ name: "manifold_db_unavailable_total", help: "Requests answered 503 because the database was unreachable", registers: [registry] }),
    queueDepth: new client.Gauge({ name: "manifold_job_queue_depth", help: "Jobs waiting per pg-boss queue", labelNames: ["queue"], registers: [registry] }),
    queueActive: new client.Gauge({ name: "manifold_job_queue_active", help: "Jobs running per pg-boss queue", labelNames: ["queue"], registers: [registry] }),
    queueAge: new client.Gauge({ name: "manifold_job_queue_oldest_seconds", help: "Age of the oldest waiting job per queue", labelNames: ["queue"], registers: [registry] }),
    queueFailed: new client.Gauge({ name: "manifold_job_queue_failed_1d", help: "Jobs failed in the last day per queue", labelNames: ["queue"], registers: [registry] }),
    pullLag: new client.Gauge({ name: "manifold_channel_pull_lag_seconds", help: "now − last successful pull per account (-1: never)", labelNames: ["org_id", "account_id", "platform"], registers: [registry] }),
    pullFailures: new client.Gauge({ name: "manifold_channel_pull_consecutive_failures", help: "Failed pulls since the last success per account", labelNames: ["org_id", "account_id", "platform"], registers: [registry] }),
    outboxPending: new client.Gauge({ name: "manifold_outbox_pending", help: "Outbox events waiting (pending + processing)", registers: [registry] }),
    outboxOldest: new client.Gauge({ name: "manifold_outbox_oldest_pending_seconds", help: "Age of the oldest undelivered outbox event", registers: [registry] }),
    outboxDead: new client.Gauge({ name: "manifold_outbox_dead", help: "Outbox events parked as dead (dead letters)", labelNames: ["topic"], registers: [registry] }),
    dbConnections: new client.Gauge({ name: "manifold_db_connections", help: "This application's connections to its database by state (active + idle in transaction = in use)", labelNames: ["state"], registers: [registry] }),
    dbPoolInUse: new client.Gauge({ name: "manifold_db_pool_in_use", help: "Connections of this application busy in the database (active or idle in transaction)", registers: [registry] }),
  };
  return m;
}

export type Metrics = ReturnType<typeof build>;
const g = globalThis as unknown as { __manifoldMetrics?: Metrics };
export const metrics = (): Metrics => (g.__manifoldMetrics ??= build());

/** Set the database-read gauges from one status snapshot. */
export function applyStatus(s: SystemStatus, m = metrics()) {
  for (const gauge of [m.queueDepth, m.queueActive, m.queueAge, m.queueFailed, m.pullLag, m.pullFailures, m.outboxDead, m.dbConnections]) gauge.reset();
  for (const q of s.queues) {
    m.queueDepth.set({ queue: q.queue }, q.queued);
    m.queueActive.set({ queue: q.queue }, q.active);
    m.queueAge.set({ queue: q.queue }, q.oldestQueuedSeconds);
    m.queueFailed.set({ queue: q.queue }, q.failed);
  }
  for (const a of s.accounts) {
    const labels = { org_id: a.orgId, account_id: a.accountId, platform: a.platform };
    m.pullLag.set(labels, a.pullLagSeconds ?? -1);
    m.pullFailures.set(labels, a.consecutiveFailures);
  }
  m.outboxPending.set(s.outbox.pending + s.outbox.processing);
  m.outboxOldest.set(s.outbox.oldestPendingSeconds);
  for (const t of s.outbox.byTopic) m.outboxDead.set({ topic: t.topic }, t.dead);
  let inUse = 0;
  for (const c of s.connections) {
    m.dbConnections.set({ state: c.state }, c.count);
    if (c.state === "active" || c.state.startsWith("idle in transaction")) inUse += c.count;
  }
  m.dbPoolInUse.set(inUse);
}

/** The Prometheus text of this process, gauges refreshed from the database. */
export async function renderMetrics(db: DbExecutor): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  applyStatus(await systemStatus(db), m);
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}

/** MANIFOLD_METRICS_TOKEN as `Authorization: Bearer <token>` (constant-time compare). */
export function metricsAuthorized(authorization: string | null, token = process.env.MANIFOLD_METRICS_TOKEN): boolean {
  if (!token || !authorization?.toLowerCase().startsWith("bearer ")) return false;
  const given = Buffer.from(authorization.slice(7).trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

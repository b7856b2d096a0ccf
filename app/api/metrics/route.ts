import { db } from "@/db";
import { metricsAuthorized, renderMetrics } from "@/server/observability/metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Prometheus metrics, for a scraper holding MANIFOLD_METRICS_TOKEN (`Authorization: Bearer …`). Without
 * the variable set the endpoint is closed (404), so nothing is exposed by default.
 */
export async function GET(req: Request) {
  if (!process.env.MANIFOLD_METRICS_TOKEN) return new Response("not found\n", { status: 404 });
  if (!metricsAuthorized(req.headers.get("authorization"))) {
    return new Response("unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  }
  try {
    const { contentType, body } = await renderMetrics(db);
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch {
    return new Response("database unavailable\n", { status: 503 });
  }
}

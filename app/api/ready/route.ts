import { db } from "@/db";
import { readiness } from "@/server/observability/readiness";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Readiness for a load balancer (database, migrations, job workers, not draining); /api/health stays the cheap liveness probe. */
export async function GET() {
  const r = await readiness(db);
  return Response.json(r, { status: r.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}

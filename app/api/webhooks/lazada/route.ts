import { db } from "@/db";
import { pullOnHint } from "@/server/jobs/pull-hint";
import { receiveWebhook } from "@/server/services/channels/webhooks";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Lazada push (guide "Push mechanism"): `Authorization = HEX(HMAC-SHA256(app_secret, app_key + raw
 * body))`, checked by the connector on the raw body (401 otherwise). Lazada retries a push it got no
 * 200 for 12 times, every 30 minutes, with the same body: the webhook inbox drops the repeats (the
 * body's hash is the key). Order messages are hints that start a pull of the seller's account.
 */
export async function POST(req: Request) {
  const rawBody = await req.text();
  const outcome = await receiveWebhook(db, "lazada", new Headers(req.headers), rawBody, {
    onPullHint: pullOnHint(db),
  });
  if (outcome.status === 200) return new Response(null, { status: 200 });
  return Response.json({ error: outcome.message ?? "rejected" }, { status: outcome.status });
}

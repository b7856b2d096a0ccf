import { db } from "@/db";
import { pullOnHint } from "@/server/jobs/pull-hint";
import { receiveWebhook } from "@/server/services/channels/webhooks";

export const runtime = "nodejs";

/**
 * Shopify webhooks: HMAC-SHA256 of the raw body (401 when it does not match), de-duplicated by event
 * id, answered fast. Order topics are hints that start a pull of the account; the pull reconciles.
 */
export async function POST(req: Request) {
  const rawBody = await req.text();
  const out = await receiveWebhook(db, "shopify", req.headers, rawBody, {
    onPullHint: pullOnHint(db),
  });
  return Response.json({ accepted: out.accepted, duplicates: out.duplicates, ...(out.message ? { message: out.message } : {}) }, { status: out.status });
}

import { db } from "@/db";
import { appUrlOrRefusal } from "@/server/channels/app-url";
import { CALLBACK_URL_HEADER } from "@/server/channels/shopee/push";
import { pullOnHint } from "@/server/jobs/pull-hint";
import { receiveWebhook } from "@/server/services/channels/webhooks";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const PATH = "/api/webhooks/shopee";

/**
 * Shopee push (developer guide "Push Mechanism"). The signature is `hex HMAC-SHA256(partner_key,
 * callback_url + "|" + raw_body)` in `Authorization`; the connector checks it on the raw body (401
 * otherwise) against the callback URL registered in the Shopee console: this server's public origin (`appUrlOf`:
 * APP_URL, required in production unless trusted proxies say it) + this path. The route sets that URL itself, overwriting
 * anything a caller sent in the same header. Duplicates are dropped by the webhook inbox; order pushes
 * are hints that start a pull of the shop (the pull reconciles, so out-of-order pushes do no harm).
 * Shopee wants a 2xx with an empty body, or it retries.
 */
export async function POST(req: Request) {
  const { appUrl, refusal } = appUrlOrRefusal(req);
  if (refusal) return refusal;
  const rawBody = await req.text();
  const headers = new Headers(req.headers);
  headers.set(CALLBACK_URL_HEADER, `${appUrl}${PATH}`);
  const outcome = await receiveWebhook(db, "shopee", headers, rawBody, {
    onPullHint: pullOnHint(db),
  });
  if (outcome.status === 200) return new Response(null, { status: 204 });
  return Response.json({ error: outcome.message ?? "rejected" }, { status: outcome.status });
}

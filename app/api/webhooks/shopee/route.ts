import { db } from "@/db";
import { CALLBACK_URL_HEADER } from "@/server/channels/shopee/push";
import { dispatchPull } from "@/server/jobs/boss";
import { startPull } from "@/server/services/channels/pull";
import { receiveWebhook } from "@/server/services/channels/webhooks";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const PATH = "/api/webhooks/shopee";

/**
 * Shopee push (developer guide "Push Mechanism"). The signature is `hex HMAC-SHA256(partner_key,
 * callback_url + "|" + raw_body)` in `Authorization`; the connector checks it on the raw body (401
 * otherwise) against the callback URL registered in the Shopee console: SHOPEE_PUSH_CALLBACK_URL, else
 * APP_URL + this path, else the URL this request arrived at. The route sets that URL itself, overwriting
 * anything a caller sent in the same header. Duplicates are dropped by the webhook inbox; order pushes
 * are hints that start a pull of the shop (the pull reconciles, so out-of-order pushes do no harm).
 * Shopee wants a 2xx with an empty body, or it retries.
 */
export async function POST(req: Request) {
  const rawBody = await req.text();
  const headers = new Headers(req.headers);
  headers.set(CALLBACK_URL_HEADER, callbackUrl(req));
  const outcome = await receiveWebhook(db, "shopee", headers, rawBody, {
    onPullHint: async ({ orgId, accountId }) => {
      try {
        const { run, joined } = await startPull(db, { orgId, accountId, trigger: "webhook" });
        if (!joined) await dispatchPull(db, { orgId, accountId, runId: run.id });
      } catch {
        // The account's next scheduled pull picks it up.
      }
    },
  });
  if (outcome.status === 200) return new Response(null, { status: 204 });
  return Response.json({ error: outcome.message ?? "rejected" }, { status: outcome.status });
}

/** The public URL Shopee posted to (behind a proxy, as configured or forwarded), without a query. */
function callbackUrl(req: Request): string {
  if (process.env.APP_URL) return `${process.env.APP_URL.replace(/\/+$/, "")}${PATH}`;
  const url = new URL(req.url);
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  if (proto) url.protocol = `${proto}:`;
  if (host) url.host = host;
  return `${url.origin}${url.pathname}`;
}

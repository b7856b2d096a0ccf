import { db } from "@/db";
import { dispatchPull } from "@/server/jobs/boss";
import { systemContext } from "@/server/context";
import { startPull } from "@/server/services/channels/pull";
import { receiveWebhook } from "@/server/services/channels/webhooks";

export const runtime = "nodejs";

/**
 * Shopify webhooks: HMAC-SHA256 of the raw body (401 when it does not match), de-duplicated by event
 * id, answered fast. Order topics are hints that start a pull of the account; the pull reconciles.
 */
export async function POST(req: Request) {
  const rawBody = await req.text();
  const out = await receiveWebhook(db, "shopify", req.headers, rawBody, {
    onPullHint: async ({ orgId, accountId }) => {
      try {
        const { run, joined } = await startPull(systemContext(db, orgId, "channels.webhook"), { accountId, trigger: "webhook" });
        if (!joined) await dispatchPull(db, { orgId, accountId, runId: run.id });
      } catch {
        // The account's next scheduled pull picks it up.
      }
    },
  });
  return Response.json({ accepted: out.accepted, duplicates: out.duplicates, ...(out.message ? { message: out.message } : {}) }, { status: out.status });
}

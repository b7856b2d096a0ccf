import type { Db } from "@/db";
import { systemContext } from "@/server/context";
import { startPull } from "@/server/services/channels/pull";
import { dispatchPull } from "./boss";

/**
 * What every marketplace webhook route does with an order hint (receiveWebhook's `onPullHint`): start a
 * pull of the account — or join the one running — and hand it to the pull queue. A failure here is not
 * the platform's business: the account's next scheduled pull picks the order up.
 */
export const pullOnHint =
  (db: Db) =>
  async ({ orgId, accountId }: { orgId: string; accountId: string }) => {
    try {
      const { run, joined } = await startPull(systemContext(db, orgId, "channels.webhook"), { accountId, trigger: "webhook" });
      if (!joined) await dispatchPull(db, { orgId, accountId, runId: run.id });
    } catch {
      // The account's next scheduled pull picks it up.
    }
  };

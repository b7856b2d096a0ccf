import type { Db } from "@/db";
import { pruneSignedOutSessions } from "@/server/services/auth/sessions";
import { pruneLoginAttempts } from "@/server/services/auth/sign-in";
import { pruneChannelInbox } from "@/server/services/channels/webhooks";
import { purgeStaleStagedAttachments } from "@/server/services/orders/attachments";

/**
 * The daily housekeeping job: everything that would otherwise grow without bound — processed webhook
 * deliveries and expired OAuth states, sign-in attempts, expired signed-out sessions, and staged order
 * attachments whose form was abandoned (rows and stored files).
 */
export async function housekeeping(db: Db, now = new Date()) {
  const inbox = await pruneChannelInbox(db, now);
  await pruneLoginAttempts(db);
  await pruneSignedOutSessions(db);
  const stagedAttachments = await purgeStaleStagedAttachments(db, new Date(now.getTime() - 24 * 3600_000));
  return { ...inbox, stagedAttachments };
}

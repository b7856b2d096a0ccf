import { and, eq, isNotNull, lt, ne, sql } from "drizzle-orm";
import { tenantDb, type Db } from "@/db";
import { channelAccounts, channelOauthStates, channelWebhookInbox } from "@/db/schema";
import { connectorFor } from "@/server/channels/registry";
import { ChannelError } from "@/server/channels/types";
import { platformNotConfigured } from "@/server/secrets";
import { handlePrivacyTopic, PRIVACY_TOPICS } from "./privacy";

/** Topics that end the authorization at once: the account is revoked and its tokens are dropped. */
const REVOKING_TOPICS: Record<string, string> = {
  "app/uninstalled": "app uninstalled on the platform",
  // Shopee push code 2: the seller cancelled the authorization in Seller Centre.
  shop_authorization_canceled_push: "authorization cancelled by the seller on the platform",
};

/** Topics that warn that the authorization will expire (Shopee push code 12). */
const EXPIRY_NOTICE_TOPICS = new Set(["open_api_authorization_expiry"]);

export type WebhookOutcome = { status: 200 | 401 | 400 | 404 | 503; accepted: number; duplicates: number; message?: string };

/**
 * A platform's webhook: signature first (on the raw body, constant-time; 401 otherwise), then one
 * inbox row per merchant account of that shop — a repeated delivery is recognised by the platform's
 * event id and ignored. Webhooks are hints: order topics bring the account's next pull forward (the pull
 * reconciles anything a webhook missed or reordered); `app/uninstalled` and Shopee's authorization
 * cancelled push revoke the account at once; Shopee's expiry notice flags it for re-authorization.
 */
export async function receiveWebhook(db: Db, platform: string, headers: Headers, rawBody: string, opts: { onPullHint?: (a: { orgId: string; accountId: string }) => Promise<void> } = {}): Promise<WebhookOutcome> {
  const connector = connectorFor(platform);
  if (!connector?.verifyWebhook && !connector?.verifyWebhookAsync) return { status: 404, accepted: 0, duplicates: 0, message: "no webhooks for this platform" };
  // Production without the platform's own secret: the default one is public, so nothing it signs counts.
  const notConfigured = platformNotConfigured(connector.platform);
  if (notConfigured) {
    console.error(`[webhooks] refused a ${platform} webhook: ${notConfigured}`);
    return { status: 503, accepted: 0, duplicates: 0, message: `${platform} is not configured on this server` };
  }
  let delivery;
  try {
    delivery = connector.verifyWebhookAsync ? await connector.verifyWebhookAsync({ headers, rawBody }) : connector.verifyWebhook!({ headers, rawBody });
  } catch (e) {
    if (e instanceof ChannelError && e.kind === "signature") return { status: 401, accepted: 0, duplicates: 0, message: "invalid signature" };
    return { status: 400, accepted: 0, duplicates: 0, message: e instanceof Error ? e.message : String(e) };
  }
  // Across merchants on purpose: the shop identifies the account that authorized it (one at a time; a
  // revoked account no longer hears from the shop, whoever authorizes it next).
  // Privacy topics reach revoked accounts too: shop/redact comes 48 h after the app was uninstalled.
  const privacy = platform === "shopify" && PRIVACY_TOPICS.has(delivery.topic);
  const accounts = await db
    .select()
    .from(channelAccounts)
    .where(
      and(
        eq(channelAccounts.platform, platform),
        eq(channelAccounts.externalShopId, delivery.shopId),
        privacy ? undefined : ne(channelAccounts.status, "revoked"),
      ),
    );
  let accepted = 0;
  let duplicates = 0;
  for (const a of accounts) {
    // Each account's work on its merchant's database (row-level security), not the owner pool.
    const mdb = tenantDb(db, a.orgId);
    const inserted = await mdb
      .insert(channelWebhookInbox)
      .values({ orgId: a.orgId, accountId: a.id, platform, webhookId: delivery.webhookId, topic: delivery.topic, payload: delivery.payload as object, triggeredAt: delivery.triggeredAt })
      .onConflictDoNothing()
      .returning({ id: channelWebhookInbox.id });
    if (inserted.length === 0) {
      duplicates++;
      continue;
    }
    accepted++;
    let result = "hint";
    const revokedBecause = REVOKING_TOPICS[delivery.topic];
    if (privacy) {
      result = await handlePrivacyTopic(mdb, a, delivery.topic, delivery.payload);
    } else if (revokedBecause) {
      await mdb
        .update(channelAccounts)
        .set({ status: "revoked", accessTokenEnc: null, refreshTokenEnc: null, nextPullAt: null, lastError: revokedBecause })
        .where(and(eq(channelAccounts.id, a.id), eq(channelAccounts.orgId, a.orgId)));
      result = "revoked";
    } else if (EXPIRY_NOTICE_TOPICS.has(delivery.topic)) {
      // A notice ahead of time: the account keeps pulling; the accounts page shows the warning until
      // the merchant authorizes again (a successful authorization clears last_error).
      await mdb
        .update(channelAccounts)
        .set({ lastError: "authorization expires soon on the platform: authorize again to keep pulling" })
        .where(and(eq(channelAccounts.id, a.id), eq(channelAccounts.orgId, a.orgId)));
      result = "expiry_notice";
    } else if (a.status === "enabled") {
      await mdb
        .update(channelAccounts)
        .set({ nextPullAt: sql`least(coalesce(${channelAccounts.nextPullAt}, now()), now())` })
        .where(and(eq(channelAccounts.id, a.id), eq(channelAccounts.orgId, a.orgId)));
      await opts.onPullHint?.({ orgId: a.orgId, accountId: a.id });
    }
    await mdb.update(channelWebhookInbox).set({ processedAt: new Date(), result }).where(eq(channelWebhookInbox.id, inserted[0]!.id));
  }
  return { status: 200, accepted, duplicates };
}

/** How long processed webhook deliveries are kept (for support: "did the platform tell us?"). */
export const WEBHOOK_RETENTION_DAYS = 30;

/**
 * Housekeeping, daily: drop processed webhook deliveries older than the retention (their only job —
 * recognising a repeated delivery — is long over; platforms retry for at most a couple of days) and
 * OAuth states that expired more than a day ago. Unprocessed deliveries are kept whatever their age.
 */
export async function pruneChannelInbox(db: Db, now = new Date(), retentionDays = WEBHOOK_RETENTION_DAYS) {
  const cutoff = new Date(now.getTime() - retentionDays * 86400_000);
  const webhooks = await db
    .delete(channelWebhookInbox)
    .where(and(isNotNull(channelWebhookInbox.processedAt), lt(channelWebhookInbox.receivedAt, cutoff)))
    .returning({ id: channelWebhookInbox.id });
  const states = await db
    .delete(channelOauthStates)
    .where(lt(channelOauthStates.expiresAt, new Date(now.getTime() - 86400_000)))
    .returning({ id: channelOauthStates.id });
  return { webhooks: webhooks.length, oauthStates: states.length };
}

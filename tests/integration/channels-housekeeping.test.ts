import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { channelAccounts, channelOauthStates, channelWebhookInbox } from "@/db/schema";
import { createAccount, readCredentials, reencryptTokens, sealedCredentials, UNREADABLE_TOKENS, withAccountCredentials } from "@/server/services/channels/accounts";
import { systemContext } from "@/server/context";
import { ChannelError } from "@/server/channels/types";
import { pruneChannelInbox } from "@/server/services/channels/webhooks";
import { closeTestDb, createTestOrg, svcCtx, testDb } from "../helpers/db";

/**
 * Operator housekeeping for channels: key rotation re-seals stored tokens under the new key (the old
 * key only reads), and the daily prune drops old processed webhook deliveries and expired OAuth states.
 * This file runs in its own worker, so the token key it sets is its own.
 */
beforeAll(() => {
  process.env.DATABASE_URL ??= inject("databaseUrl");
  process.env.MANIFOLD_SECRET = "housekeeping-old-secret";
  process.env.MANIFOLD_SECRET_VERSION = "1";
});
afterAll(closeTestDb);

const DAY = 86400_000;

describe("token key rotation", () => {
  it("re-seals every token of the merchant under the new key version, and a second run changes nothing", async () => {
    const org = await createTestOrg();
    const ctx = svcCtx(org);
    for (const platform of ["amazon", "shopee"] as const) {
      const a = await createAccount(ctx, { platform, alias: `${platform} rotation`, useSimulator: true, pullMode: "manual" });
      const creds = { accessToken: `access-${platform}`, accessTokenExpiresAt: new Date(Date.now() + DAY), refreshToken: `refresh-${platform}`, refreshTokenExpiresAt: null };
      await testDb().update(channelAccounts).set(sealedCredentials({ orgId: org.orgId, id: a!.id }, creds)).where(eq(channelAccounts.id, a!.id));
    }
    const before = await testDb().select().from(channelAccounts).where(eq(channelAccounts.orgId, org.orgId));
    expect(before.every((r) => r.tokenKeyVersion === 1)).toBe(true);

    // Rotate: a new current secret as version 2; the old one stays readable as V1.
    process.env.MANIFOLD_SECRET_V1 = "housekeeping-old-secret";
    process.env.MANIFOLD_SECRET = "housekeeping-new-secret";
    process.env.MANIFOLD_SECRET_VERSION = "2";
    try {
      const r = await reencryptTokens(testDb(), { orgId: org.orgId });
      expect(r).toEqual({ reencrypted: 2, failed: [] });
      const after = await testDb().select().from(channelAccounts).where(eq(channelAccounts.orgId, org.orgId));
      for (const row of after) {
        expect(row.tokenKeyVersion).toBe(2);
        expect(row.accessTokenEnc).not.toBe(before.find((b) => b.id === row.id)!.accessTokenEnc);
        const c = readCredentials(row)!;
        expect(c.accessToken).toBe(`access-${row.platform}`);
        expect(c.refreshToken).toBe(`refresh-${row.platform}`);
      }
      expect(await reencryptTokens(testDb(), { orgId: org.orgId })).toEqual({ reencrypted: 0, failed: [] });
    } finally {
      process.env.MANIFOLD_SECRET = "housekeeping-old-secret";
      process.env.MANIFOLD_SECRET_VERSION = "1";
    }
  });
});

describe("tokens that no longer decrypt", () => {
  it("turn the account to token expired with a message that says what to do, instead of a crypto error", async () => {
    const org = await createTestOrg();
    const a = await createAccount(svcCtx(org), { platform: "shopee", alias: "lost key", useSimulator: true, pullMode: "manual" });
    const creds = { accessToken: "a", accessTokenExpiresAt: new Date(Date.now() + DAY), refreshToken: "r", refreshTokenExpiresAt: null };
    // Sealed under a secret this server no longer has (as after MANIFOLD_SECRET was replaced without rotation).
    process.env.MANIFOLD_SECRET_V9 = "a-secret-since-lost";
    const sealed = sealedCredentials({ orgId: org.orgId, id: a!.id }, creds);
    const { sealToken } = await import("@/server/crypto/tokens");
    const foreign = sealToken("a", { orgId: org.orgId, accountId: a!.id, purpose: "access_token" }, 9);
    await testDb().update(channelAccounts).set({ ...sealed, accessTokenEnc: foreign.ciphertext, tokenKeyVersion: 1, status: "enabled" }).where(eq(channelAccounts.id, a!.id));
    const [row] = await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, a!.id));
    let called = false;
    const err = await withAccountCredentials(systemContext(testDb(), org.orgId, "test"), row!, async () => {
      called = true;
    }).catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).message).toBe(UNREADABLE_TOKENS);
    const [after] = await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, a!.id));
    expect(after).toMatchObject({ status: "token_expired", lastError: UNREADABLE_TOKENS });
  });
});

describe("channel inbox pruning", () => {
  it("drops processed deliveries past the retention and long-expired OAuth states, and keeps the rest", async () => {
    const org = await createTestOrg();
    const a = await createAccount(svcCtx(org), { platform: "shopee", alias: "prune", useSimulator: true, pullMode: "manual" });
    const now = new Date();
    const old = new Date(now.getTime() - 40 * DAY);
    const row = (webhookId: string, receivedAt: Date, processed: boolean) => ({
      orgId: org.orgId,
      accountId: a!.id,
      platform: "shopee",
      webhookId,
      topic: "order_status_push",
      payload: {},
      receivedAt,
      processedAt: processed ? receivedAt : null,
      result: processed ? "hint" : null,
    });
    await testDb()
      .insert(channelWebhookInbox)
      .values([row("old-processed", old, true), row("old-unprocessed", old, false), row("recent", new Date(now.getTime() - 2 * DAY), true)]);
    const state = (hash: string, expiresAt: Date) => ({ orgId: org.orgId, accountId: a!.id, userId: org.ownerId, platform: "shopee", stateHash: hash, redirectUri: "http://x", expiresAt });
    await testDb()
      .insert(channelOauthStates)
      .values([state(`h-old-${a!.id}`, new Date(now.getTime() - 3 * DAY)), state(`h-new-${a!.id}`, new Date(now.getTime() + 600_000))]);

    const r = await pruneChannelInbox(testDb(), now);
    expect(r.webhooks).toBeGreaterThanOrEqual(1);
    const left = await testDb().select({ id: channelWebhookInbox.webhookId }).from(channelWebhookInbox).where(eq(channelWebhookInbox.accountId, a!.id));
    expect(left.map((x) => x.id).sort()).toEqual(["old-unprocessed", "recent"]);
    const states = await testDb().select({ h: channelOauthStates.stateHash }).from(channelOauthStates).where(eq(channelOauthStates.accountId, a!.id));
    expect(states.map((s) => s.h)).toEqual([`h-new-${a!.id}`]);
  });
});

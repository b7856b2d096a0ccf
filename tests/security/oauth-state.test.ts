import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { channelOauthStates } from "@/db/schema";
import { createAccount } from "@/server/services/channels/accounts";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { createTestOrg, createTestUser, svcCtx, testDb, uid } from "../helpers/db";
import { approveOnSimulator, shopifySimPerFile } from "../integration/channels-kit";

/**
 * Finding 13: the OAuth state is single use, but only its own user on its own platform may use it up.
 * A callback replayed by another signed-in user (or on another platform's callback route) must not burn
 * it: user and platform are part of the one atomic update that consumes it.
 */

const file = shopifySimPerFile();

describe("finding 13: the OAuth state is consumed only by its own user and platform", () => {
  it("another user's or another platform's callback leaves the state usable by its owner", async () => {
    const org = await createTestOrg();
    const ctx = svcCtx(org);
    const shop = uid("oauth-");
    file.sim.store(shop);
    const account = await createAccount(ctx, {
      platform: "shopify",
      alias: "OAuth",
      shopDomain: shop,
      useSimulator: true,
      pullMode: "manual",
    });
    const appUrl = "http://127.0.0.1:9";
    const { url } = await startAuthorization(ctx, { id: account!.id, appUrl });
    const query = await approveOnSimulator(url);
    const stateRow = async () =>
      (
        await testDb().select().from(channelOauthStates).where(eq(channelOauthStates.accountId, account!.id))
      )[0]!;

    const colleague = await createTestUser(org.orgId, "admin");
    const stranger = (await createTestOrg()).ownerId;
    for (const userId of [colleague, stranger]) {
      const out = await completeAuthorization(testDb(), { platform: "shopify", query, userId, appUrl });
      expect(out).toMatchObject({ ok: false, error: "oauthStateInvalid" });
    }
    const wrongRoute = await completeAuthorization(testDb(), {
      platform: "amazon",
      query,
      userId: org.ownerId,
      appUrl,
    });
    expect(wrongRoute).toMatchObject({ ok: false, error: "oauthStateInvalid" });
    expect((await stateRow()).usedAt).toBeNull();

    const mine = await completeAuthorization(testDb(), {
      platform: "shopify",
      query,
      userId: org.ownerId,
      appUrl,
    });
    expect(mine.ok).toBe(true);
    expect((await stateRow()).usedAt).not.toBeNull();
    // And once used, it is used for everyone, its owner included.
    expect(
      await completeAuthorization(testDb(), { platform: "shopify", query, userId: org.ownerId, appUrl }),
    ).toMatchObject({ ok: false, error: "oauthStateInvalid" });
  });
});

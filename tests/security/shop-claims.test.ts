import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelAccounts, channelWebhookInbox } from "@/db/schema";
import { SHOPIFY_SIMULATOR_APP } from "@/server/channels/shopify/config";
import { createAccount, revokeAccount } from "@/server/services/channels/accounts";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { receiveWebhook } from "@/server/services/channels/webhooks";
import { closeTestDb, createTestOrg, svcCtx, testDb, uid, type TestOrg } from "../helpers/db";
import { approveOnSimulator, startSim } from "../integration/channels-kit";
import { startShopeeSimulator } from "../simulators/shopee/server";
import type { ShopifySimulator } from "../simulators/shopify/server";

/**
 * Finding 8: typing another merchant's shop on the account form claimed it — its webhooks were copied
 * to the newcomer. The shop id is now set only by a completed OAuth callback, and a shop (per platform)
 * is authorized by one merchant at a time: a second claim is refused, saying so, until the first is
 * revoked. The same for Amazon seller ids (tests/integration/channels-amazon-pull.test.ts) and Shopee
 * shop ids (below).
 */

let shopify: ShopifySimulator;
let shopee: Awaited<ReturnType<typeof startShopeeSimulator>>;
beforeAll(async () => {
  shopify = await startSim();
  shopee = await startShopeeSimulator();
  process.env.MANIFOLD_SHOPEE_SIMULATOR_URL = shopee.baseUrl;
});
afterAll(async () => {
  await shopify.stop();
  await shopee.close();
  await closeTestDb();
});

const APP_URL = "http://127.0.0.1:9";
const accountOf = async (id: string) =>
  (await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, id)))[0]!;
const inboxOf = (accountId: string) =>
  testDb().select().from(channelWebhookInbox).where(eq(channelWebhookInbox.accountId, accountId));

async function authorizeShopify(org: TestOrg, accountId: string) {
  const ctx = svcCtx(org);
  const { url } = await startAuthorization(ctx, { id: accountId, appUrl: APP_URL });
  return completeAuthorization(testDb(), {
    platform: "shopify",
    query: await approveOnSimulator(url),
    userId: org.ownerId,
    appUrl: APP_URL,
  });
}

function ordersCreate(domain: string) {
  const body = JSON.stringify({ id: Date.now(), name: "#1001" });
  return {
    body,
    headers: new Headers({
      "x-shopify-hmac-sha256": createHmac("sha256", SHOPIFY_SIMULATOR_APP.clientSecret)
        .update(body)
        .digest("base64"),
      "x-shopify-shop-domain": domain,
      "x-shopify-topic": "orders/create",
      "x-shopify-event-id": uid("evt-"),
      "x-shopify-webhook-id": uid("wh-"),
      "x-shopify-api-version": "2026-10",
    }),
  };
}

describe("finding 8: a shop is claimed by a completed authorization, by one merchant at a time", () => {
  it("typing another merchant's Shopify shop gets none of its webhooks, and authorizing it is refused until the owner revokes", async () => {
    const shop = uid("claimed-");
    const domain = `${shop}.myshopify.com`;
    shopify.store(shop);
    const owner = await createTestOrg("Owner");
    const intruder = await createTestOrg("Intruder");
    const mine = await createAccount(svcCtx(owner), {
      platform: "shopify",
      alias: "Mine",
      shopDomain: shop,
      useSimulator: true,
      pullMode: "manual",
    });
    expect(mine!.externalShopId).toBeNull();
    expect(await authorizeShopify(owner, mine!.id)).toMatchObject({ ok: true });
    expect((await accountOf(mine!.id)).externalShopId).toBe(domain);

    const theirs = await createAccount(svcCtx(intruder), {
      platform: "shopify",
      alias: "Not mine",
      shopDomain: domain,
      useSimulator: true,
      pullMode: "manual",
    });
    expect(theirs!.externalShopId).toBeNull();
    const hook = ordersCreate(domain);
    expect(await receiveWebhook(testDb(), "shopify", hook.headers, hook.body)).toMatchObject({
      status: 200,
      accepted: 1,
    });
    expect(await inboxOf(mine!.id)).toHaveLength(1);
    expect(await inboxOf(theirs!.id)).toHaveLength(0);

    const second = await authorizeShopify(intruder, theirs!.id);
    expect(second).toMatchObject({ ok: false, error: "shopClaimedElsewhere" });
    expect(await accountOf(theirs!.id)).toMatchObject({
      externalShopId: null,
      status: "unauthorized",
      accessTokenEnc: null,
    });
    expect((await accountOf(theirs!.id)).lastError).toMatch(/another merchant/);

    // Once the owner revokes, the shop is free: the next authorization takes it, and the webhooks follow it.
    await revokeAccount(svcCtx(owner), mine!.id);
    expect(await authorizeShopify(intruder, theirs!.id)).toMatchObject({ ok: true });
    const after = ordersCreate(domain);
    expect(await receiveWebhook(testDb(), "shopify", after.headers, after.body)).toMatchObject({
      status: 200,
      accepted: 1,
    });
    expect(await inboxOf(mine!.id)).toHaveLength(1);
    expect(await inboxOf(theirs!.id)).toHaveLength(1);
    // And the first merchant cannot take it back while it is held.
    expect(await authorizeShopify(owner, mine!.id)).toMatchObject({
      ok: false,
      error: "shopClaimedElsewhere",
    });
  });

  it("a Shopee shop id is authorized by one merchant at a time", async () => {
    const shopId = 900_000 + Math.floor(Math.random() * 99_000);
    shopee.addShop({ shopId, shopName: `Shop ${shopId}` });
    const outcomes = [];
    for (const name of ["First", "Second"]) {
      const org = await createTestOrg(name);
      const ctx = svcCtx(org);
      const account = await createAccount(ctx, {
        platform: "shopee",
        alias: `Shopee ${name}`,
        useSimulator: true,
        pullMode: "manual",
      });
      const { url } = await startAuthorization(ctx, { id: account!.id, appUrl: APP_URL });
      const html = await (await fetch(url)).text();
      const redirect = /name="redirect" value="([^"]*)"/.exec(html)![1]!.replace(/&amp;/g, "&");
      const res = await fetch(new URL("/api/v2/shop/auth_partner", url), {
        method: "POST",
        body: new URLSearchParams({ redirect, shop_id: String(shopId) }),
        redirect: "manual",
      });
      const query = new URL(res.headers.get("location")!).searchParams;
      outcomes.push(
        await completeAuthorization(testDb(), {
          platform: "shopee",
          query,
          userId: org.ownerId,
          appUrl: APP_URL,
        }),
      );
    }
    expect(outcomes[0]).toMatchObject({ ok: true });
    expect(outcomes[1]).toMatchObject({ ok: false, error: "shopClaimedElsewhere" });
  });
});

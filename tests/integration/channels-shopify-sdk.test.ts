import { createHmac } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POST as shopifyWebhookRoute } from "@/app/api/webhooks/shopify/route";
import { channelAccounts, channelWebhookInbox } from "@/db/schema";
import { SHOPIFY_SIMULATOR_APP } from "@/server/channels/shopify/config";
import { verifyCallbackQuery } from "@/server/channels/shopify/connector";
import { shopifySdk } from "@/server/channels/shopify/sdk";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { createAccount } from "@/server/services/channels/accounts";
import { svcCtx, testDb, uid } from "../helpers/db";
import { approveOnSimulator, authorizedShop, merchantWithStock, shopifySimPerFile } from "./channels-kit";

/**
 * Issue 17, point 6: the callback hmac and webhook validation are @shopify/shopify-api's (validateHmac,
 * webhooks.validate through the web-api adapter), configured from our settings, reached through the route
 * handler. Deliveries are signed here the way Shopify documents it (base64 HMAC-SHA256 of the raw body
 * with the app secret), not with the simulator's or the connector's code.
 */
const file = shopifySimPerFile();
const sdk = () => shopifySdk(SHOPIFY_SIMULATOR_APP);

afterEach(() => {
  vi.restoreAllMocks();
});

const sign = (body: string, secret: string = SHOPIFY_SIMULATOR_APP.clientSecret) => createHmac("sha256", secret).update(body, "utf8").digest("base64");

/** The headers Shopify sends with a classic webhook (X-Shopify-*) or an events webhook (shopify-*). */
function delivery(shop: string, topic: string, payload: unknown, opts: { style?: "classic" | "events"; secret?: string; omit?: string[]; webhookId?: string } = {}) {
  const body = JSON.stringify(payload);
  const p = opts.style === "events" ? "shopify-" : "x-shopify-";
  const h: Record<string, string> = {
    "content-type": "application/json",
    [`${p}hmac-sha256`]: sign(body, opts.secret),
    [`${p}topic`]: topic,
    [`${p}shop-domain`]: shop,
    [`${p}api-version`]: "2026-10",
    [`${p}webhook-id`]: opts.webhookId ?? uid("wh-"),
    [`${p}event-id`]: uid("ev-"),
    [`${p}triggered-at`]: new Date().toISOString(),
  };
  for (const k of opts.omit ?? []) delete h[`${p}${k}`];
  return { body, headers: h };
}

const post = (d: { body: string; headers: Record<string, string> }, body = d.body) =>
  shopifyWebhookRoute(new Request("http://127.0.0.1/api/webhooks/shopify", { method: "POST", headers: d.headers, body }));

async function shopOf() {
  const m = await merchantWithStock({ A1: "1" });
  const { shop, account } = await authorizedShop(file.sim, m);
  return { m, account, domain: `${shop}.myshopify.com` };
}

describe("Shopify webhooks through @shopify/shopify-api (route handler)", () => {
  it("accepts a delivery signed as Shopify signs it and refuses a tampered body or another secret, with the library's validate doing the check", async () => {
    const { account, domain } = await shopOf();
    const validate = vi.spyOn(sdk().webhooks, "validate");
    const d = delivery(domain, "customers/data_request", { customer: { id: 7, email: "nobody@example.com" }, orders_requested: [] });

    const ok = await post(d);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(validate).toHaveBeenCalledTimes(1);
    expect(validate.mock.calls[0]![0]).toMatchObject({ rawBody: d.body });
    expect(await validate.mock.results[0]!.value).toMatchObject({ valid: true, webhookType: "webhooks", domain, topic: "CUSTOMERS_DATA_REQUEST" });

    // One character of the body changed after signing.
    expect((await post(d, d.body.replace("nobody", "nobodx"))).status).toBe(401);
    expect(await validate.mock.results[1]!.value).toMatchObject({ valid: false, reason: "invalid_hmac" });
    expect((await post(delivery(domain, "customers/data_request", { customer: { id: 7 } }, { secret: "not-the-app-secret" }))).status).toBe(401);
    expect((await post(delivery(domain, "customers/data_request", { customer: { id: 7 } }, { omit: ["hmac-sha256"] }))).status).toBe(401);
    expect(validate).toHaveBeenCalledTimes(4);

    const inbox = await testDb().select().from(channelWebhookInbox).where(and(eq(channelWebhookInbox.orgId, account.orgId), eq(channelWebhookInbox.accountId, account.id)));
    expect(inbox.map((r) => r.topic)).toEqual(["customers/data_request"]);
  });

  it("reads events webhooks (shopify-* headers) and dedupes by the webhook id the library read", async () => {
    const { domain } = await shopOf();
    const d = delivery(domain, "customers/data_request", { customer: { id: 8 } }, { style: "events", webhookId: uid("same-") });
    expect(await (await post(d)).json()).toMatchObject({ accepted: 1 });
    // Shopify's retry of the same delivery: same webhook id, another event id.
    const again = { ...d, headers: { ...d.headers, "shopify-event-id": uid("ev-") } };
    expect(await (await post(again)).json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it("refuses what the library refuses: a classic delivery without X-Shopify-API-Version or webhook id, an events delivery without its event id", async () => {
    const { domain } = await shopOf();
    const noVersion = await post(delivery(domain, "customers/data_request", { customer: { id: 9 } }, { omit: ["api-version"] }));
    expect(noVersion.status).toBe(400);
    expect((await noVersion.json()).message).toContain("X-Shopify-API-Version");
    const noId = await post(delivery(domain, "customers/data_request", { customer: { id: 9 } }, { omit: ["webhook-id"] }));
    expect((await noId.json()).message).toContain("X-Shopify-Webhook-Id");
    const noEvent = await post(delivery(domain, "customers/data_request", { customer: { id: 9 } }, { style: "events", omit: ["event-id"] }));
    expect(noEvent.status).toBe(400);
    expect((await noEvent.json()).message).toContain("shopify-event-id");
  });
});

describe("Shopify OAuth callback through @shopify/shopify-api", () => {
  it("completes an authorization with the library's validateHmac and refuses a forged one", async () => {
    const validateHmac = vi.spyOn(sdk().utils, "validateHmac");
    const m = await merchantWithStock({ A1: "1" });
    const { account } = await authorizedShop(file.sim, m);
    expect(account.status).toBe("enabled");
    expect(validateHmac).toHaveBeenCalledTimes(1);
    expect(validateHmac.mock.calls[0]![0]).toMatchObject({ shop: account.externalShopId, hmac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await validateHmac.mock.results[0]!.value).toBe(true);

    const ctx = svcCtx(m.org);
    const shop = uid("shop-");
    file.sim.store(shop);
    const other = await createAccount(ctx, { platform: "shopify", alias: `Shop ${shop}`, shopDomain: shop, useSimulator: true, pullMode: "manual" });
    const { url } = await startAuthorization(ctx, { id: other!.id, appUrl: "http://127.0.0.1:9" });
    const forged = await approveOnSimulator(url);
    forged.set("hmac", "0".repeat(64));
    expect(await completeAuthorization(testDb(), { platform: "shopify", query: forged, userId: m.org.ownerId, appUrl: "http://127.0.0.1:9" })).toMatchObject({ ok: false });
    expect(validateHmac).toHaveBeenCalledTimes(2);
    expect(await validateHmac.mock.results[1]!.value).toBe(false);
    const [row] = await testDb().select().from(channelAccounts).where(and(eq(channelAccounts.orgId, m.org.orgId), eq(channelAccounts.id, other!.id)));
    expect(row!.status).toBe("unauthorized");
  });

  it("keeps the 90-second window: the library refuses a callback whose timestamp is outside it", async () => {
    const params = { code: "c", shop: "x.myshopify.com", state: "s", timestamp: String(Math.floor(Date.now() / 1000) - 91) };
    const q = new URLSearchParams({ ...params, hmac: file.sim.queryHmac(params) });
    expect(await verifyCallbackQuery(q, file.sim.clientSecret)).toBe("stale");
  });
});

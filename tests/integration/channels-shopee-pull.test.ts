import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { channelAccounts, channelListings, channelPullRuns, channelWebhookInbox, platformOrders } from "@/db/schema";
import { createAccount, readCredentials } from "@/server/services/channels/accounts";
import { systemContext } from "@/server/context";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { pullOrders } from "@/server/services/channels/pull";
import { pushShipment, pushStock } from "@/server/services/channels/sync-back";
import { POST as shopeePushRoute } from "@/app/api/webhooks/shopee/route";
import { SHOPEE_SIMULATOR_PARTNER } from "@/server/channels/shopee/config";
import { shopeePushSignature } from "@/server/channels/shopee/sign";
import { startShopeeSimulator, type ShopeeSimulator } from "../simulators/shopee/server";
import { closeTestDb, createTestOrg, svcCtx, testDb } from "../helpers/db";
import { merchantWithStock, type Merchant } from "./channels-kit";

/**
 * Shopee through the channels service: authorize on the simulator's page, pull a 40-day range (the
 * service walks 15-day windows, the connector pages inside them) through injected faults with every
 * order imported once, refresh single-use tokens twice in a row, receive signed pushes at
 * /api/webhooks/shopee (duplicates dropped, out-of-order harmless, forgeries refused), ship back and push
 * stock, and keep merchants apart.
 */

let sim: ShopeeSimulator;
const noSleep = { sleep: async () => {} };
const APP_URL = "http://127.0.0.1:9";
const DAY = 86400_000;

beforeAll(async () => {
  process.env.DATABASE_URL ??= inject("databaseUrl");
  process.env.CHANNEL_HTTP_TIMEOUT_MS = "800";
  process.env.CHANNEL_RETRY_BASE_MS = "20";
  sim = await startShopeeSimulator();
  process.env.MANIFOLD_SHOPEE_SIMULATOR_URL = sim.baseUrl;
});
afterAll(async () => {
  await sim.close();
  await closeTestDb();
});
beforeEach(() => {
  sim.faults.clear();
  sim.setRateLimit(); // the realistic default limits
});

// Shop ids unique per run: a shop stays authorized by the merchant of an earlier run in a reused database.
let shopSeq = 800_000 + Math.floor(Math.random() * 90_000) * 100;

/** The seller confirms on the (simulated) Shopee authorization page, as a browser would. */
async function authorizeLikeABrowser(authorizeUrl: string, shopId: number): Promise<URLSearchParams> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const redirect = /name="redirect" value="([^"]*)"/.exec(html)![1]!.replace(/&amp;/g, "&");
  const res = await fetch(new URL("/api/v2/shop/auth_partner", authorizeUrl), {
    method: "POST",
    body: new URLSearchParams({ redirect, shop_id: String(shopId) }),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!).searchParams;
}

async function authorizedShopee(m: Merchant | { org: { orgId: string; ownerId: string; slug: string } }, shopId = ++shopSeq) {
  if (!sim.shops.has(shopId)) sim.addShop({ shopId, shopName: `Shopee ${shopId}` });
  const ctx = svcCtx(m.org);
  const account = await createAccount(ctx, { platform: "shopee", alias: `Shopee ${shopId}`, useSimulator: true, pullMode: "manual", importEnabled: true });
  const { url } = await startAuthorization(ctx, { id: account!.id, appUrl: APP_URL });
  const query = await authorizeLikeABrowser(url, shopId);
  expect(query.get("state")).toBeTruthy();
  const outcome = await completeAuthorization(testDb(), { platform: "shopee", query, userId: m.org.ownerId, appUrl: APP_URL });
  expect(outcome).toMatchObject({ ok: true, shopName: `Shopee ${shopId}` });
  return { shopId, accountId: account!.id };
}

const rows = (orgId: string, accountId: string) =>
  testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, orgId), eq(platformOrders.accountId, accountId)));
const accountRow = async (id: string) => (await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, id)))[0]!;

describe("Shopee pull through the channels service", () => {
  it("walks a 40-day range in 15-day windows through faults and imports every order exactly once", async () => {
    const m = await merchantWithStock({ "SYS-TEE": "10000", "SYS-BOTTLE": "10000" });
    const { shopId, accountId } = await authorizedShopee(m);
    const ctx = svcCtx(m.org);
    await saveSkuMapping(ctx, { accountId, platformSku: "SHP-TEE", items: [{ sku: "SYS-TEE", quantity: "1" }] });
    await saveSkuMapping(ctx, { accountId, platformSku: "SHP-BOTTLE", items: [{ sku: "SYS-BOTTLE", quantity: "1" }] });
    const sns = sim.seedOrders({
      shopId,
      count: 180,
      skus: ["SHP-TEE", "SHP-BOTTLE"],
      statuses: ["READY_TO_SHIP", "READY_TO_SHIP", "UNPAID", "CANCELLED", "COMPLETED"],
      createdFrom: Date.now() - 38 * DAY,
      createdTo: Date.now() - 3600_000,
    });
    sim.faults.add([
      { match: "order.get_order_list", kind: "500", times: 2 },
      { match: "order.get_order_list", kind: "429" },
      { match: "order.get_order_detail", kind: "timeout", delayMs: 1_500 },
      { match: "order.get_order_detail", kind: "reset" },
      { match: "order.get_order_detail", kind: "503", times: 2 },
    ]);
    const listCalls = sim.stats["order.get_order_list"]?.requests ?? 0;

    const { run } = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - 40 * DAY), to: new Date() }, noSleep);
    expect(run).toMatchObject({ status: "ok", fetched: 180, created: 180, failed: 0 });
    expect(sim.faults.pending()).toBe(0);
    expect(sim.stats["order.get_order_list"]!.requests - listCalls).toBeGreaterThanOrEqual(3 + 3); // ≥3 windows, plus the faulted calls
    expect(sim.stats["order.get_order_list"]!.errors["order.order_list_invalid_time"]).toBeUndefined();
    const stored = await rows(m.org.orgId, accountId);
    expect(stored).toHaveLength(180);
    expect(new Set(stored.map((r) => r.platformOrderId))).toEqual(new Set(sns));
    const converted = stored.filter((r) => r.orderId);
    expect(new Set(converted.map((r) => r.orderId)).size).toBe(converted.length);
    expect(converted.length).toBe(stored.filter((r) => r.normalizedStatus === "pending" || r.normalizedStatus === "unshipped").length);

    // Pulled again: nothing new.
    const again = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - 40 * DAY), to: new Date() }, noSleep);
    expect(again.run).toMatchObject({ status: "ok", created: 0 });
    expect(await rows(m.org.orgId, accountId)).toHaveLength(180);
  });

  it("refreshes expired tokens twice in a row, each time with the refresh token the last refresh returned", async () => {
    const m = await merchantWithStock({});
    const { shopId, accountId } = await authorizedShopee(m);
    sim.seedOrders({ shopId, count: 2 });
    const seen = new Set([readCredentials(await accountRow(accountId))!.refreshToken]);
    for (let round = 0; round < 2; round++) {
      sim.expireAccessTokens(shopId);
      const { run } = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - 8 * DAY), to: new Date() }, noSleep);
      expect(run.status).toBe("ok");
      const creds = readCredentials(await accountRow(accountId))!;
      expect(seen.has(creds.refreshToken)).toBe(false);
      seen.add(creds.refreshToken);
    }
    // Cancelled in Seller Centre: the refresh is refused and the shop shows "token expired".
    sim.revoke(shopId);
    const { run } = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - DAY), to: new Date() }, noSleep);
    expect(run.status).toBe("failed");
    expect(await accountRow(accountId)).toMatchObject({ status: "token_expired" });
  });
});

describe("Shopee push at /api/webhooks/shopee", () => {
  let server: http.Server;
  let callbackUrl: string;
  beforeAll(async () => {
    // Serve the route handler itself, so the URL Shopee signs is the URL the route sees.
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        const response = await shopeePushRoute(new Request(`http://${req.headers.host}${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) }));
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/shopee`;
  });
  afterAll(async () => {
    sim.setPush({ callbackUrl: null, duplicates: 0, hold: false });
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("stores each verified push once, acks with an empty 2xx, refuses forgeries, and the pull reconciles reordered pushes", async () => {
    const m = await merchantWithStock({ "SYS-TEE": "100" });
    const { shopId, accountId } = await authorizedShopee(m);
    const [sn] = sim.seedOrders({ shopId, count: 1, statuses: ["UNPAID"], skus: ["SHP-TEE"] });
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - 8 * DAY), to: new Date() }, noSleep);
    await testDb().update(channelAccounts).set({ status: "enabled", nextPullAt: new Date(Date.now() + 3600_000) }).where(eq(channelAccounts.id, accountId));

    sim.setPush({ callbackUrl, duplicates: 2, hold: true });
    sim.clock.advance(1_000);
    sim.setStatus(sn!, "READY_TO_SHIP");
    sim.clock.advance(1_000);
    sim.setStatus(sn!, "CANCELLED");
    await sim.flushPushes({ reverse: true }); // the cancellation first, each message three times
    sim.setPush({ hold: false, duplicates: 0 });

    const deliveries = sim.pushes.filter((d) => d.body.includes(sn!));
    expect(deliveries).toHaveLength(6);
    expect(deliveries.every((d) => d.status === 204)).toBe(true);
    const inbox = await testDb().select().from(channelWebhookInbox).where(and(eq(channelWebhookInbox.orgId, m.org.orgId), eq(channelWebhookInbox.accountId, accountId)));
    expect(inbox).toHaveLength(2);
    expect(inbox.every((r) => r.topic === "order_status_push" && r.processedAt)).toBe(true);

    const raw = JSON.stringify({ shop_id: shopId, code: 3, timestamp: 1, data: { ordersn: sn, status: "COMPLETED", update_time: 1 } });
    const forged = await fetch(callbackUrl, { method: "POST", headers: { authorization: "ab".repeat(32), "content-type": "application/json" }, body: raw });
    expect(forged.status).toBe(401);
    // A caller cannot pick the URL the signature is checked against: a genuine signature made for
    // another callback URL (a push replayed from elsewhere) is refused even when the request names it.
    const spoofed = await fetch(callbackUrl, {
      method: "POST",
      headers: { authorization: shopeePushSignature(SHOPEE_SIMULATOR_PARTNER.partnerKey, "https://elsewhere.test/x", raw), "x-manifold-callback-url": "https://elsewhere.test/x" },
      body: raw,
    });
    expect(spoofed.status).toBe(401);
    expect(await testDb().select().from(channelWebhookInbox).where(eq(channelWebhookInbox.accountId, accountId))).toHaveLength(2);

    // The hints started a pull in the background; let it finish. Whatever order the pushes came in,
    // a pull reads the platform's truth.
    for (let i = 0; i < 100; i++) {
      const running = await testDb().select().from(channelPullRuns).where(and(eq(channelPullRuns.accountId, accountId), eq(channelPullRuns.status, "running")));
      if (running.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const hinted = await testDb().select().from(channelPullRuns).where(and(eq(channelPullRuns.accountId, accountId), eq(channelPullRuns.trigger, "webhook")));
    expect(hinted.length).toBeGreaterThanOrEqual(1);
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - 3600_000), to: new Date(sim.clock.now() + 60_000) }, noSleep);
    const [po] = (await rows(m.org.orgId, accountId)).filter((r) => r.platformOrderId === sn);
    expect(po).toMatchObject({ platformStatus: "CANCELLED", normalizedStatus: "cancelled" });
  });

  it("flags the account on the expiry notice (code 12) and revokes it when the seller cancels the authorization (code 2)", async () => {
    const m = await merchantWithStock({ "SYS-TEE": "100" });
    const { shopId, accountId } = await authorizedShopee(m);
    const push = (code: number) => {
      const raw = JSON.stringify({ shop_id: shopId, code, timestamp: Math.floor(Date.now() / 1000), data: { shop_id: shopId } });
      return fetch(callbackUrl, { method: "POST", headers: { authorization: shopeePushSignature(SHOPEE_SIMULATOR_PARTNER.partnerKey, callbackUrl, raw), "content-type": "application/json" }, body: raw });
    };
    const account = async () => (await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, accountId)))[0]!;

    expect((await push(12)).status).toBe(204);
    const warned = await account();
    expect(warned.status).toBe("enabled");
    expect(warned.lastError).toMatch(/expires soon/);
    expect(warned.accessTokenEnc).not.toBeNull();

    expect((await push(2)).status).toBe(204);
    const revoked = await account();
    expect(revoked).toMatchObject({ status: "revoked", accessTokenEnc: null, refreshTokenEnc: null, nextPullAt: null });
    expect(revoked.lastError).toMatch(/cancelled by the seller/);
    const inbox = await testDb().select().from(channelWebhookInbox).where(eq(channelWebhookInbox.accountId, accountId));
    expect(inbox.map((r) => [r.topic, r.result]).sort()).toEqual([
      ["open_api_authorization_expiry", "expiry_notice"],
      ["shop_authorization_canceled_push", "revoked"],
    ]);
  });
});

describe("Shopee ship-back and stock through the service", () => {
  it("ships with our tracking number once, and pushes the listing's stock by item and model", async () => {
    const m = await merchantWithStock({ "SYS-TEE": "25" });
    const { shopId, accountId } = await authorizedShopee(m);
    await saveSkuMapping(svcCtx(m.org), { accountId, platformSku: "SHP-TEE", items: [{ sku: "SYS-TEE", quantity: "1" }] });
    const [sn] = sim.seedOrders({ shopId, count: 1, statuses: ["READY_TO_SHIP"], skus: ["SHP-TEE"], itemsPerOrder: 1 });
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - 8 * DAY), to: new Date() }, noSleep);
    const [po] = (await rows(m.org.orgId, accountId)).filter((r) => r.platformOrderId === sn);
    expect(po!.state).toBe("processed");

    await testDb().update(platformOrders).set({ carrier: "J&T Express", trackingNumber: "JT778899", shipPushStatus: "queued" }).where(eq(platformOrders.id, po!.id));
    sim.faults.add([{ match: "logistics.ship_order", kind: "503" }]);
    await expect(pushShipment(systemContext(testDb(), m.org.orgId, "test"), po!.id)).resolves.toMatchObject({ pushed: po!.id, remoteId: "JT778899" });
    await expect(pushShipment(systemContext(testDb(), m.org.orgId, "test"), po!.id)).resolves.toEqual({ already: true });
    expect(sim.shipments.filter((s) => s.orderSn === sn)).toMatchObject([{ trackingNumber: "JT778899", mode: "non_integrated" }]);
    expect(sim.orders.get(sn!)!.order_status).toBe("PROCESSED");

    const [listing] = await testDb().select().from(channelListings).where(and(eq(channelListings.accountId, accountId), eq(channelListings.platformSku, "SHP-TEE")));
    expect(listing!.externalListingId).toMatch(/^\d+:0$/);
    const result = (await pushStock(systemContext(testDb(), m.org.orgId, "test"), accountId, "SHP-TEE")) as { pushed: number };
    expect(result.pushed).toBeGreaterThanOrEqual(0);
    expect(sim.stockUpdates.filter((s) => s.shopId === shopId).at(-1)).toMatchObject({ sku: "SHP-TEE", stock: result.pushed, itemId: Number(listing!.externalListingId!.split(":")[0]) });
  });

  it("keeps merchants apart: another merchant cannot pull this merchant's Shopee account or see its orders", async () => {
    const a = await merchantWithStock({});
    const { shopId, accountId } = await authorizedShopee(a);
    sim.seedOrders({ shopId, count: 3 });
    await pullOrders(systemContext(testDb(), a.org.orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - 8 * DAY), to: new Date() }, noSleep);
    const b = await createTestOrg("Other merchant");
    expect(await rows(b.orgId, accountId)).toHaveLength(0);
    await expect(pullOrders(systemContext(testDb(), b.orgId, "test"), { accountId, trigger: "manual" }, noSleep)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

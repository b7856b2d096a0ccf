import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { channelAccounts, orders, platformOrders } from "@/db/schema";
import { createAccount } from "@/server/services/channels/accounts";
import { systemContext } from "@/server/context";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { pullOrders } from "@/server/services/channels/pull";
import { pushShipment, pushStock } from "@/server/services/channels/sync-back";
import { startAmazonSimulator, type AmazonSimulator } from "../simulators/amazon/server";
import { closeTestDb, createTestOrg, svcCtx, testDb, uid } from "../helpers/db";
import { merchantWithStock, type Merchant } from "./channels-kit";

/**
 * Amazon through the channels service: authorize on the simulator's consent page, pull with faults
 * injected (every order imported exactly once), refresh an expired token on the way, push a shipment and
 * stock back, and keep merchants apart.
 */

let sim: AmazonSimulator;
const FAST = {
  getOrders: { rate: 50, burst: 20 },
  getOrder: { rate: 200, burst: 50 },
  getOrderItems: { rate: 200, burst: 50 },
  getOrderAddress: { rate: 200, burst: 50 },
  getOrderBuyerInfo: { rate: 200, burst: 50 },
  createRestrictedDataToken: { rate: 50, burst: 10 },
  confirmShipment: { rate: 50, burst: 10 },
  patchListingsItem: { rate: 50, burst: 10 },
  getMarketplaceParticipations: { rate: 50, burst: 10 },
};
const noSleep = { sleep: async () => {} };
const APP_URL = "http://127.0.0.1:9";

beforeAll(async () => {
  process.env.CHANNEL_HTTP_TIMEOUT_MS = "800";
  process.env.CHANNEL_RETRY_BASE_MS = "20";
  // The Orders v0 pull (behind AMAZON_ORDERS_API=v0 until v0 is retired); 2026-01-01 in channels-amazon-2026.test.ts.
  process.env.AMAZON_ORDERS_API = "v0";
  sim = await startAmazonSimulator({ rateLimits: FAST });
  process.env.MANIFOLD_AMAZON_SIMULATOR_URL = sim.baseUrl;
});
afterAll(async () => {
  delete process.env.AMAZON_ORDERS_API;
  await sim.close();
  await closeTestDb();
});
beforeEach(() => {
  sim.faults.clear();
  sim.setRateLimits(FAST);
});

/** The seller clicks Confirm on the (simulated) Seller Central consent page, as a browser would. */
async function consentLikeABrowser(authorizeUrl: string, sellerId: string): Promise<URLSearchParams> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1]!, m[2]!.replace(/&amp;/g, "&"));
  form.set("selling_partner_id", sellerId);
  const res = await fetch(new URL("/apps/authorize/consent", authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!).searchParams;
}

async function authorizedAmazon(m: Merchant) {
  const sellerId = `A7${uid().toUpperCase()}`;
  sim.addSeller({ sellerId, storeName: `Store ${sellerId}` });
  const ctx = svcCtx(m.org);
  const account = await createAccount(ctx, {
    platform: "amazon",
    alias: `Amazon ${sellerId}`,
    useSimulator: true,
    pullMode: "manual",
    importEnabled: true,
    settings: { marketplaceIds: "ATVPDKIKX0DER" },
  });
  const { url } = await startAuthorization(ctx, { id: account!.id, appUrl: APP_URL });
  const query = await consentLikeABrowser(url, sellerId);
  const outcome = await completeAuthorization(testDb(), { platform: "amazon", query, userId: m.org.ownerId, appUrl: APP_URL });
  expect(outcome).toMatchObject({ ok: true, shopName: `Store ${sellerId}` });
  return { sellerId, accountId: account!.id };
}

async function platformRows(orgId: string, accountId: string) {
  return testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, orgId), eq(platformOrders.accountId, accountId)));
}

const window = () => ({ from: new Date(Date.now() - 8 * 86400_000), to: new Date() });

describe("Amazon pull through the channels service", () => {
  it("imports every order exactly once through 500s, 429s, timeouts and dropped connections, and converts the mapped ones", async () => {
    const m = await merchantWithStock({ "SYS-A": "10000", "SYS-B": "10000" });
    const { sellerId, accountId } = await authorizedAmazon(m);
    const ctx = svcCtx(m.org);
    await saveSkuMapping(ctx, { accountId, platformSku: "AMZ-A", items: [{ sku: "SYS-A", quantity: "1" }] });
    await saveSkuMapping(ctx, { accountId, platformSku: "AMZ-B", items: [{ sku: "SYS-B", quantity: "2" }] });
    const ids = sim.seedOrders({ sellerId, count: 150, skus: ["AMZ-A", "AMZ-B"], statuses: ["Unshipped", "Unshipped", "Pending", "Canceled"] });
    sim.faults.add([
      { match: "getOrders", kind: "500", times: 2 },
      { match: "getOrders", kind: "429" },
      { match: "getOrderItems", kind: "timeout", delayMs: 1_500 },
      { match: "getOrderItems", kind: "reset" },
      { match: "getOrderAddress", kind: "503" },
      { match: "getOrderItems", kind: "429", times: 3 },
    ]);

    const { run } = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", ...window() }, noSleep);
    expect(run).toMatchObject({ status: "ok", fetched: 150, created: 150, failed: 0 });
    expect(sim.faults.pending()).toBe(0);
    const rows = await platformRows(m.org.orgId, accountId);
    expect(rows).toHaveLength(150);
    expect(new Set(rows.map((r) => r.platformOrderId))).toEqual(new Set(ids));
    // Cancelled orders are not converted; the others are, and each at most once.
    const linked = rows.filter((r) => r.orderId);
    expect(linked.length).toBe(rows.filter((r) => r.normalizedStatus !== "cancelled").length);
    expect(new Set(linked.map((r) => r.orderId)).size).toBe(linked.length);

    // The same window again, twice at once, after some status changes: updates, never duplicates.
    const changed = sim.advanceOrders(10, sellerId);
    sim.faults.add([{ match: "getOrderItems", kind: "500", times: 2 }]);
    const [a, b] = await Promise.all([
      pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", ...window() }, noSleep),
      pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", ...window() }, noSleep),
    ]);
    expect([a.joined, b.joined].filter(Boolean)).toHaveLength(1);
    const after = await platformRows(m.org.orgId, accountId);
    expect(after).toHaveLength(150);
    const [{ n }] = (await testDb()
      .select({ n: sql<number>`count(*)::int` })
      .from(orders)
      .where(eq(orders.orgId, m.org.orgId))) as [{ n: number }];
    expect(n).toBe(new Set(after.filter((r) => r.orderId).map((r) => r.orderId)).size);
    for (const id of changed) {
      expect(after.find((r) => r.platformOrderId === id)!.platformStatus).toBe(sim.orders.get(id)!.OrderStatus);
    }
  });

  it("refreshes an access token the platform says has expired, and marks the shop when the seller revoked the app", async () => {
    const m = await merchantWithStock({ "SYS-A": "100" });
    const { sellerId, accountId } = await authorizedAmazon(m);
    sim.seedOrders({ sellerId, count: 3, skus: ["AMZ-A"] });
    const [before] = await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, accountId));

    sim.clock.advance(61 * 60_000); // the platform's hour is up; our stored expiry is not yet
    const { run } = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", ...window() }, noSleep);
    expect(run).toMatchObject({ status: "ok", created: 3 });
    const [after] = await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, accountId));
    expect(after!.accessTokenEnc).not.toEqual(before!.accessTokenEnc);
    expect(after!.status).toBe("enabled");

    sim.revoke(sellerId);
    const failed = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", ...window() }, noSleep);
    expect(failed.run.status).toBe("failed");
    const [revoked] = await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, accountId));
    expect(revoked!.status).toBe("token_expired");
    expect(revoked!.lastError).toContain("invalid_grant");
  });

  it("pushes carrier and tracking of a shipped order, once, and the listing's available stock", async () => {
    const m = await merchantWithStock({ "SYS-A": "37" });
    const { sellerId, accountId } = await authorizedAmazon(m);
    await saveSkuMapping(svcCtx(m.org), { accountId, platformSku: "AMZ-A", items: [{ sku: "SYS-A", quantity: "1" }] });
    const [id] = sim.seedOrders({ sellerId, count: 1, skus: ["AMZ-A"], statuses: ["Unshipped"], itemsPerOrder: 1 });
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", ...window() }, noSleep);
    const [po] = (await platformRows(m.org.orgId, accountId)).filter((r) => r.platformOrderId === id);
    expect(po!.state).toBe("processed");

    // What the warehouse's shipping step records (onOrderShipped), then the outbox job runs the push.
    await testDb().update(platformOrders).set({ carrier: "UPS", trackingNumber: "1Z999AA10123456784", shipPushStatus: "queued" }).where(eq(platformOrders.id, po!.id));
    sim.faults.add([{ match: "confirmShipment", kind: "500" }]);
    await expect(pushShipment(systemContext(testDb(), m.org.orgId, "test"), po!.id)).resolves.toMatchObject({ pushed: po!.id });
    await expect(pushShipment(systemContext(testDb(), m.org.orgId, "test"), po!.id)).resolves.toEqual({ already: true });
    expect(sim.shipments.filter((s) => s.amazonOrderId === id)).toMatchObject([{ carrierCode: "UPS", trackingNumber: "1Z999AA10123456784" }]);
    const [pushed] = await testDb().select().from(platformOrders).where(eq(platformOrders.id, po!.id));
    expect(pushed).toMatchObject({ state: "marked_shipped", shipPushStatus: "pushed" });

    // The next pull sees Amazon's Shipped.
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - 3600_000), to: new Date() }, noSleep);
    const [synced] = await testDb().select().from(platformOrders).where(eq(platformOrders.id, po!.id));
    expect(synced).toMatchObject({ platformStatus: "Shipped", normalizedStatus: "shipped" });

    const stock = await pushStock(systemContext(testDb(), m.org.orgId, "test"), accountId, "AMZ-A");
    expect(stock).toHaveProperty("pushed");
    expect(sim.stock.filter((s) => s.sellerId === sellerId).at(-1)).toMatchObject({ sku: "AMZ-A", quantity: (stock as { pushed: number }).pushed });
  });

  it("keeps merchants apart: a seller authorized by one merchant cannot be claimed by another, who cannot pull the first one's account", async () => {
    const a = await merchantWithStock({});
    const { sellerId, accountId: accA } = await authorizedAmazon(a);
    const b = await createTestOrg("Other merchant");
    const ctxB = svcCtx(b);
    const accountB = await createAccount(ctxB, { platform: "amazon", alias: "B's Amazon", useSimulator: true, pullMode: "manual", settings: { marketplaceIds: "ATVPDKIKX0DER" } });
    const { url } = await startAuthorization(ctxB, { id: accountB!.id, appUrl: APP_URL });
    const query = await consentLikeABrowser(url, sellerId);
    // One merchant at a time per seller (issue 9, finding 8; tests/security/shop-claims.test.ts).
    expect(await completeAuthorization(testDb(), { platform: "amazon", query, userId: b.ownerId, appUrl: APP_URL })).toMatchObject({ ok: false, error: "shopClaimedElsewhere" });

    sim.seedOrders({ sellerId, count: 4 });
    await pullOrders(systemContext(testDb(), a.org.orgId, "test"), { accountId: accA, trigger: "manual", ...window() }, noSleep);
    expect(await platformRows(a.org.orgId, accA)).toHaveLength(4);
    expect(await platformRows(b.orgId, accA)).toHaveLength(0);
    await expect(pullOrders(systemContext(testDb(), b.orgId, "test"), { accountId: accA, trigger: "manual", ...window() }, noSleep)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

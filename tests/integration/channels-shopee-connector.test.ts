import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SHOPEE_SIMULATOR_PARTNER, type ShopeePartnerConfig } from "@/server/channels/shopee/config";
import { createShopeeConnector } from "@/server/channels/shopee/connector";
import { pushedOrder } from "@/server/channels/shopee/push";
import { shopeeSign } from "@/server/channels/shopee/sign";
import type { ChannelAccountRef, ChannelConnector, ChannelCredentials, NormalizedOrder, WebhookDelivery } from "@/server/channels/types";
import { startShopeeSimulator, type ShopeeSimulator } from "../simulators/shopee/server";

/**
 * The Shopee connector against the local Open Platform simulator: partner authorization, signing
 * (refused when wrong), single-use refresh tokens and token expiry, cursor paging, 15-day window
 * splitting, throttling and faults, ship_order for each logistics mode, update_stock, and signed pushes
 * with duplicates and out-of-order delivery.
 */

let sim: ShopeeSimulator;
const REDIRECT = "https://oms.test/api/oauth/shopee/callback";
const DAY = 86400_000;

beforeAll(async () => {
  sim = await startShopeeSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.faults.clear();
  sim.setRateLimit(); // the realistic default limits
});

function connector(overrides: Partial<ShopeePartnerConfig> = {}): ChannelConnector {
  return createShopeeConnector({
    ...SHOPEE_SIMULATOR_PARTNER,
    retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 2_000 },
    now: () => sim.clock.now(),
    ...overrides,
  });
}

const account = (shopId: number | null = sim.defaultShopId): ChannelAccountRef => ({
  id: `acct-${shopId}`,
  orgId: "org",
  platform: "shopee",
  externalShopId: shopId === null ? null : String(shopId),
  settings: {},
  baseUrl: sim.baseUrl,
});

let shopSeq = 700000;
/** A fresh shop with its own orders, authorized through the real flow. */
async function authorizedShop(opts: { logistics?: "non_integrated" | "dropoff" | "pickup" } = {}) {
  const shopId = ++shopSeq;
  sim.addShop({ shopId, shopName: `Shop ${shopId}`, logistics: opts.logistics ?? "non_integrated" });
  const c = connector();
  const link = new URL(c.authorizeUrl({ account: account(null), state: "st", redirectUri: REDIRECT }));
  const callback = new URL(sim.approve({ redirect: link.searchParams.get("redirect")!, shopId }));
  const { credentials } = await c.completeAuthorization({ account: account(null), query: callback.searchParams, redirectUri: REDIRECT });
  return { shopId, acct: account(shopId), credentials };
}

async function pullAll(c: ChannelConnector, acct: ChannelAccountRef, credentials: ChannelCredentials, from: Date, to: Date) {
  const orders: NormalizedOrder[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await c.listOrders({ account: acct, credentials, from, to, cursor });
    orders.push(...page.orders);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { orders, pages };
}

const now = () => new Date(sim.clock.now());
const daysAgo = (d: number) => new Date(sim.clock.now() - d * DAY);

describe("Shopee authorization and signing", () => {
  it("builds a signed auth_partner link, and exchanges code + shop_id for a 4-hour / 30-day token pair", async () => {
    const c = connector();
    const link = new URL(c.authorizeUrl({ account: account(null), state: "st-9", redirectUri: REDIRECT }));
    expect(link.pathname).toBe("/api/v2/shop/auth_partner");
    expect(link.searchParams.get("partner_id")).toBe(String(SHOPEE_SIMULATOR_PARTNER.partnerId));
    const redirect = new URL(link.searchParams.get("redirect")!);
    expect(redirect.searchParams.get("state")).toBe("st-9");

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Confirm Authorization");

    const callback = new URL(sim.approve({ redirect: redirect.toString() }));
    expect(callback.searchParams.get("state")).toBe("st-9");
    const result = await c.completeAuthorization({ account: account(null), query: callback.searchParams, redirectUri: REDIRECT });
    expect(result.externalShopId).toBe(String(sim.defaultShopId));
    expect(result.shopName).toBe("Manifold Demo Shopee Shop");
    const t = sim.clock.now();
    expect(result.credentials.accessTokenExpiresAt!.getTime() - t).toBeGreaterThan(4 * 3600_000 - 5_000);
    expect(result.credentials.refreshTokenExpiresAt!.getTime() - t).toBeGreaterThan(30 * DAY - 5_000);

    // The code is single-use.
    await expect(c.completeAuthorization({ account: account(null), query: callback.searchParams, redirectUri: REDIRECT })).rejects.toMatchObject({
      kind: "invalid_request",
      opts: { platformCode: "invalid_code" },
    });
  });

  it("refuses a tampered link, a stale timestamp and a call signed with the wrong partner key", async () => {
    const c = connector();
    const link = new URL(c.authorizeUrl({ account: account(null), state: "s", redirectUri: REDIRECT }));
    const tampered = new URL(link);
    tampered.searchParams.set("sign", "0".repeat(64));
    const bad = await fetch(tampered);
    expect(bad.status).toBe(403);
    expect(await bad.json()).toMatchObject({ error: "error_sign", message: "Wrong sign." });

    sim.clock.advance(6 * 60_000);
    const stale = await fetch(link);
    expect(await stale.json()).toMatchObject({ error: "error_param", message: "Invalid timestamp" });

    const { acct, credentials } = await authorizedShop();
    const wrong = connector({ partnerKey: "not-the-partner-key" });
    const err = await wrong.verify({ account: acct, credentials }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "signature", opts: { platformCode: "error_sign", status: 403 } });
    // Signed for another path: same error, so nothing is served on a signature meant for something else.
    const ts = Math.floor(sim.clock.now() / 1000);
    const q = new URLSearchParams({
      partner_id: String(SHOPEE_SIMULATOR_PARTNER.partnerId),
      timestamp: String(ts),
      access_token: credentials.accessToken,
      shop_id: acct.externalShopId!,
      sign: shopeeSign({ ...SHOPEE_SIMULATOR_PARTNER, path: "/api/v2/shop/get_shop_info", timestamp: ts, accessToken: credentials.accessToken, shopId: acct.externalShopId! }),
    });
    const other = await fetch(`${sim.baseUrl}/api/v2/order/get_order_list?${q}&time_range_field=update_time&time_from=${ts - 100}&time_to=${ts}&page_size=10`);
    expect(await other.json()).toMatchObject({ error: "error_sign" });
  });

  it("refreshes with a single-use refresh token; the old access token lives five more minutes; expiry after four hours", async () => {
    const c = connector();
    const { acct, credentials } = await authorizedShop();
    const fresh = await c.refreshCredentials({ account: acct, credentials });
    expect(fresh.refreshToken).not.toBe(credentials.refreshToken);
    expect(fresh.accessToken).not.toBe(credentials.accessToken);

    // Using the spent refresh token again is refused: the authorization needs the new one.
    await expect(c.refreshCredentials({ account: acct, credentials })).rejects.toMatchObject({ kind: "auth_revoked" });

    const stillOld = { ...credentials, accessTokenExpiresAt: null };
    await c.verify({ account: acct, credentials: stillOld });
    sim.clock.advance(5 * 60_000 + 1_000);
    await expect(c.verify({ account: acct, credentials: stillOld })).rejects.toMatchObject({ kind: "auth_expired", opts: { platformCode: "error_auth" } });
    await c.verify({ account: acct, credentials: fresh });

    sim.clock.advance(4 * 3600_000);
    // Known expiry: refused without a call; unknown: the platform says error_auth.
    await expect(c.verify({ account: acct, credentials: fresh })).rejects.toMatchObject({ kind: "auth_expired" });
    await expect(c.verify({ account: acct, credentials: { ...fresh, accessTokenExpiresAt: null } })).rejects.toMatchObject({ kind: "auth_expired", opts: { status: 403 } });
    const again = await c.refreshCredentials({ account: acct, credentials: fresh });
    await c.verify({ account: acct, credentials: again });

    sim.revoke(Number(acct.externalShopId));
    await expect(c.refreshCredentials({ account: acct, credentials: again })).rejects.toMatchObject({ kind: "auth_revoked" });
  });
});

describe("Shopee order pull", () => {
  it("pages through get_order_list with the cursor and reads details in batches of 50", async () => {
    const { shopId, acct, credentials } = await authorizedShop();
    const sns = sim.seedOrders({ shopId, count: 230, itemsPerOrder: 2 });
    const { orders, pages } = await pullAll(connector(), acct, credentials, daysAgo(8), now());
    expect(pages).toBe(3);
    expect(orders).toHaveLength(230);
    expect(new Set(orders.map((o) => o.platformOrderId))).toEqual(new Set(sns));
    for (const o of orders) {
      const source = sim.orders.get(o.platformOrderId)!;
      expect(o.lines).toHaveLength(2);
      expect(o.shipping.street).toBe(source.recipient_address.full_address);
      expect(o.totalAmount).toBe(String(source.total_amount));
    }
    expect(sim.stats["order.get_order_detail"]!.errors).toEqual({});
  });

  it("splits a long range into ≤15-day windows; the platform refuses one that is longer", async () => {
    const { shopId, acct, credentials } = await authorizedShop();
    const sns = sim.seedOrders({ shopId, count: 60, createdFrom: sim.clock.now() - 44 * DAY, createdTo: sim.clock.now() - 2 * 3600_000 });
    const listCalls = sim.stats["order.get_order_list"]?.requests ?? 0;
    const { orders } = await pullAll(connector(), acct, credentials, daysAgo(45), now());
    expect(new Set(orders.map((o) => o.platformOrderId))).toEqual(new Set(sns));
    expect(orders).toHaveLength(60);
    expect(sim.stats["order.get_order_list"]!.requests - listCalls).toBeGreaterThanOrEqual(3);
    expect(sim.stats["order.get_order_list"]!.errors["order.order_list_invalid_time"]).toBeUndefined();

    const ts = Math.floor(sim.clock.now() / 1000);
    const q = new URLSearchParams({
      partner_id: String(SHOPEE_SIMULATOR_PARTNER.partnerId),
      timestamp: String(ts),
      access_token: credentials.accessToken,
      shop_id: String(shopId),
      sign: shopeeSign({ ...SHOPEE_SIMULATOR_PARTNER, path: "/api/v2/order/get_order_list", timestamp: ts, accessToken: credentials.accessToken, shopId }),
      time_range_field: "update_time",
      time_from: String(ts - 16 * 86400),
      time_to: String(ts),
      page_size: "100",
    });
    const tooLong = await fetch(`${sim.baseUrl}/api/v2/order/get_order_list?${q}`);
    expect(await tooLong.json()).toMatchObject({ error: "order.order_list_invalid_time" });
    q.set("time_from", String(ts - 86400));
    q.set("page_size", "101");
    expect(await (await fetch(`${sim.baseUrl}/api/v2/order/get_order_list?${q}`)).json()).toMatchObject({ error: "error_param" });

    // The connector caps its page size.
    const { orders: again } = await pullAll(connector({ pageSize: 500 }), acct, credentials, daysAgo(10), now());
    expect(again.length).toBeGreaterThan(0);
  });

  it("maps statuses, and a status change brings the order into a later window", async () => {
    const { shopId, acct, credentials } = await authorizedShop();
    const [sn] = sim.seedOrders({ shopId, count: 1, statuses: ["UNPAID"], createdFrom: sim.clock.now() - 3 * DAY, createdTo: sim.clock.now() - 2 * DAY });
    const c = connector();
    const first = await pullAll(c, acct, credentials, daysAgo(4), now());
    expect(first.orders.map((o) => [o.platformStatus, o.status])).toEqual([["UNPAID", "pending"]]);
    const mark = now();
    sim.clock.advance(2_000);
    for (const [status, expected] of [
      ["READY_TO_SHIP", "unshipped"],
      ["IN_CANCEL", "cancelled"],
      ["READY_TO_SHIP", "unshipped"],
      ["SHIPPED", "shipped"],
      ["COMPLETED", "completed"],
    ] as const) {
      sim.clock.advance(1_000);
      sim.setStatus(sn!, status);
      const { orders } = await pullAll(c, acct, credentials, mark, new Date(sim.clock.now() + 1_000));
      expect(orders.map((o) => [o.platformOrderId, o.status])).toEqual([[sn, expected]]);
    }
  });
});

describe("Shopee throttling and faults", () => {
  it("backs off on error_rate_limit and still reads every order", async () => {
    const { shopId, acct, credentials } = await authorizedShop();
    const sns = sim.seedOrders({ shopId, count: 150 });
    sim.setRateLimit({ perShopPerSecond: 2 });
    const before = sim.stats["order.get_order_detail"]?.throttled ?? 0;
    const { orders } = await pullAll(connector({ retry: { maxAttempts: 8, baseDelayMs: 40, maxDelayMs: 300, timeoutMs: 2_000 } }), acct, credentials, daysAgo(8), now());
    expect(orders.map((o) => o.platformOrderId).sort()).toEqual([...sns].sort());
    const throttled = (sim.stats["order.get_order_detail"]?.throttled ?? 0) - before + (sim.stats["order.get_order_list"]?.throttled ?? 0);
    expect(throttled).toBeGreaterThan(0);
  });

  it("survives 500s, a timeout, a dropped connection and a 429", async () => {
    const { shopId, acct, credentials } = await authorizedShop();
    const sns = sim.seedOrders({ shopId, count: 120 });
    sim.faults.add([
      { match: "order.get_order_list", kind: "500", times: 2 },
      { match: "order.get_order_detail", kind: "timeout", delayMs: 600 },
      { match: "order.get_order_detail", kind: "reset" },
      { match: "order.get_order_list", kind: "429" },
      { match: "order.get_order_detail", kind: "503" },
    ]);
    const c = connector({ retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 300 } });
    const { orders } = await pullAll(c, acct, credentials, daysAgo(8), now());
    expect(sim.faults.pending()).toBe(0);
    expect(orders.map((o) => o.platformOrderId).sort()).toEqual([...sns].sort());
  });

  it("gives up with an upstream error when the platform keeps failing", async () => {
    const { acct, credentials } = await authorizedShop();
    sim.faults.add([{ match: "order.get_order_list", kind: "500", times: 20 }]);
    const c = connector({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20, timeoutMs: 1_000 } });
    await expect(c.listOrders({ account: acct, credentials, from: daysAgo(1), to: now(), cursor: null })).rejects.toMatchObject({ kind: "upstream" });
  });
});

describe("Shopee ship-back and stock", () => {
  async function readyOrder(mode: "non_integrated" | "dropoff" | "pickup" = "non_integrated") {
    const shop = await authorizedShop({ logistics: mode });
    const [sn] = sim.seedOrders({ shopId: shop.shopId, count: 1, statuses: ["READY_TO_SHIP"], itemsPerOrder: 2 });
    const { orders } = await pullAll(connector(), shop.acct, shop.credentials, daysAgo(8), now());
    return { ...shop, order: orders.find((o) => o.platformOrderId === sn)! };
  }

  it("ships a non-integrated order with our tracking number, idempotently, even when the first answer times out", async () => {
    const { shopId, acct, credentials, order } = await readyOrder();
    const c = connector({ retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50, timeoutMs: 300 } });
    const shipment = { carrier: "J&T", trackingNumber: "JT0001234567", lines: [] };
    sim.faults.add([{ match: "logistics.ship_order", kind: "timeout", delayMs: 600 }]);
    const { remoteId } = await c.pushShipment({ account: acct, credentials, order, shipment });
    await new Promise((r) => setTimeout(r, 400));
    expect(remoteId).toBe("JT0001234567");
    await c.pushShipment({ account: acct, credentials, order, shipment });

    const recorded = sim.shipments.filter((s) => s.orderSn === order.platformOrderId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ shopId, mode: "non_integrated", trackingNumber: "JT0001234567" });
    expect(sim.orders.get(order.platformOrderId)!.order_status).toBe("PROCESSED");

    await expect(c.pushShipment({ account: acct, credentials, order, shipment: { ...shipment, trackingNumber: "OTHER1" } })).rejects.toMatchObject({
      kind: "invalid_request",
    });
  });

  it("fills what each logistics channel asks for: dropoff tracking number, pickup address and slot", async () => {
    const drop = await readyOrder("dropoff");
    await connector().pushShipment({ account: drop.acct, credentials: drop.credentials, order: drop.order, shipment: { carrier: "SPX", trackingNumber: "DROP-1", lines: [] } });
    expect(sim.shipments.find((s) => s.orderSn === drop.order.platformOrderId)).toMatchObject({ mode: "dropoff", trackingNumber: "DROP-1" });

    const pick = await readyOrder("pickup");
    const { remoteId } = await connector().pushShipment({ account: pick.acct, credentials: pick.credentials, order: pick.order, shipment: { carrier: "SPX", trackingNumber: "ignored", lines: [] } });
    const recorded = sim.shipments.find((s) => s.orderSn === pick.order.platformOrderId)!;
    expect(recorded.mode).toBe("pickup");
    expect(recorded.body).toMatchObject({ pickup: { address_id: 7001 } });
    expect(remoteId).toBe(recorded.trackingNumber); // the 3PL's number, read back
  });

  it("refuses to ship an order that is not ready (unpaid)", async () => {
    const { shopId, acct, credentials } = await authorizedShop();
    const [sn] = sim.seedOrders({ shopId, count: 1, statuses: ["UNPAID"] });
    const { orders } = await pullAll(connector(), acct, credentials, daysAgo(8), now());
    await expect(
      connector().pushShipment({ account: acct, credentials, order: orders.find((o) => o.platformOrderId === sn)!, shipment: { carrier: "X", trackingNumber: "T", lines: [] } }),
    ).rejects.toMatchObject({ kind: "invalid_request", opts: { platformCode: "logistics.error_order_state" } });
  });

  it("updates stock by the order line's item:model, or finds the model by SKU, and reports unknown SKUs", async () => {
    const { shopId, acct, credentials, order } = await readyOrder();
    const line = order.lines[0]!;
    await connector().pushStock({ account: acct, credentials, listing: { platformSku: line.platformSku, externalListingId: line.externalListingId ?? null }, quantity: 42 });
    expect(sim.stockUpdates.filter((s) => s.shopId === shopId)).toMatchObject([{ sku: line.platformSku, stock: 42, modelId: 0 }]);

    const item = sim.addCatalogItem({ shopId, itemSku: "HOODIE", models: ["HOODIE-GREY-S", "HOODIE-GREY-M"] });
    await connector().pushStock({ account: acct, credentials, listing: { platformSku: "HOODIE-GREY-M", externalListingId: null }, quantity: 7 });
    expect(sim.stockUpdates.at(-1)).toMatchObject({ itemId: item.item_id, modelId: item.models[1]!.model_id, sku: "HOODIE-GREY-M", stock: 7 });

    await expect(connector().pushStock({ account: acct, credentials, listing: { platformSku: "NOPE", externalListingId: null }, quantity: 1 })).rejects.toMatchObject({
      kind: "invalid_request",
    });
    await expect(
      connector().pushStock({ account: acct, credentials, listing: { platformSku: "x", externalListingId: `${item.item_id}:999` }, quantity: 1 }),
    ).rejects.toMatchObject({ kind: "invalid_request" });
  });
});

describe("Shopee push delivery", () => {
  it("signs pushes the platform's way and can deliver them twice and out of order", async () => {
    const received: WebhookDelivery[] = [];
    const rejected: string[] = [];
    const c = connector();
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (d: Buffer) => chunks.push(d));
      req.on("end", () => {
        const rawBody = Buffer.concat(chunks).toString("utf8");
        const headers = new Headers({ authorization: String(req.headers.authorization ?? ""), "x-manifold-callback-url": `http://127.0.0.1:${port}/hook` });
        try {
          received.push(c.verifyWebhook!({ headers, rawBody }));
          res.writeHead(204).end();
        } catch {
          rejected.push(rawBody);
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const port = (receiver.address() as AddressInfo).port;
    try {
      const { shopId } = await authorizedShop();
      const [sn] = sim.seedOrders({ shopId, count: 1, statuses: ["UNPAID"] });
      sim.setPush({ callbackUrl: `http://127.0.0.1:${port}/hook`, duplicates: 1, hold: true });
      sim.setStatus(sn!, "READY_TO_SHIP");
      sim.clock.advance(1_000);
      sim.setStatus(sn!, "CANCELLED");
      await sim.flushPushes({ reverse: true });

      expect(rejected).toEqual([]);
      expect(received).toHaveLength(4);
      const hints = received.map((d) => pushedOrder(d.payload)!);
      // Out of order: the cancellation arrives first; update_time tells which is newer.
      expect(hints.map((h) => h.status)).toEqual(["CANCELLED", "CANCELLED", "READY_TO_SHIP", "READY_TO_SHIP"]);
      expect(hints[0]!.updateTime!.getTime()).toBeGreaterThan(hints[2]!.updateTime!.getTime());
      // Duplicates carry the same id.
      expect(new Set(received.map((d) => d.webhookId)).size).toBe(2);
      expect(received.every((d) => d.shopId === String(shopId) && d.topic === "order_status_push")).toBe(true);

      // A push signed with another key is refused by the receiver.
      const raw = JSON.stringify({ shop_id: shopId, code: 3, timestamp: 1, data: { ordersn: sn, status: "COMPLETED", update_time: 1 } });
      const forged = await fetch(`http://127.0.0.1:${port}/hook`, { method: "POST", headers: { authorization: "ab".repeat(32) }, body: raw });
      expect(forged.status).toBe(401);
    } finally {
      sim.setPush({ callbackUrl: null, duplicates: 0, hold: false });
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});

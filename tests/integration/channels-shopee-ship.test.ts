import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOPEE_SIMULATOR_PARTNER } from "@/server/channels/shopee/config";
import { createShopeeConnector } from "@/server/channels/shopee/connector";
import type { ChannelAccountRef, ChannelConnector, NormalizedOrder } from "@/server/channels/types";
import { startShopeeSimulator, type LogisticsMode, type ShopeeSimulator } from "../simulators/shopee/server";

/**
 * Issue 17, point 11: ship_order as Shopee v2 logistics documents it — split orders ship per package
 * with package_number (and unsplit ones without: Shopee refuses it), and a pickup channel whose
 * get_shipping_parameter asks for "tracking_number" gets the seller's tracking number in pickup.
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

function connector(): ChannelConnector {
  return createShopeeConnector({
    ...SHOPEE_SIMULATOR_PARTNER,
    retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 2_000 },
    now: () => sim.clock.now(),
  });
}

const account = (shopId: number | null): ChannelAccountRef => ({
  id: `acct-${shopId}`,
  orgId: "org",
  platform: "shopee",
  externalShopId: shopId === null ? null : String(shopId),
  settings: {},
  baseUrl: sim.baseUrl,
});

let shopSeq = 910000;
async function readyOrder(mode: LogisticsMode, itemsPerOrder = 3) {
  const shopId = ++shopSeq;
  sim.addShop({ shopId, shopName: `Shop ${shopId}`, logistics: mode });
  const c = connector();
  const link = new URL(c.authorizeUrl({ account: account(null), state: "st", redirectUri: REDIRECT }));
  const callback = new URL(sim.approve({ redirect: link.searchParams.get("redirect")!, shopId }));
  const { credentials } = await c.completeAuthorization({ account: account(null), query: callback.searchParams, redirectUri: REDIRECT });
  const skus = Array.from({ length: itemsPerOrder }, (_, i) => `SKU-${shopId}-${i}`);
  const [sn] = sim.seedOrders({ shopId, count: 1, statuses: ["READY_TO_SHIP"], skus, itemsPerOrder });
  const page = await c.listOrders({ account: account(shopId), credentials, from: new Date(sim.clock.now() - 8 * DAY), to: new Date(sim.clock.now()), cursor: null });
  const order = page.orders.find((o) => o.platformOrderId === sn)!;
  return { c, shopId, acct: account(shopId), credentials, order, sn: sn! };
}

const linesOf = (order: NormalizedOrder, idx: number[]) => idx.map((i) => ({ platformLineId: order.lines[i]!.platformLineId, quantity: order.lines[i]!.quantity }));

describe("Shopee ship_order per package (split orders)", () => {
  it("ships each package of a split order with its package_number, only the packages holding the shipped lines, idempotently", async () => {
    const { c, acct, credentials, order, sn } = await readyOrder("non_integrated");
    // The seller splits the order after we pulled it: packages [item 0] and [items 1, 2].
    const [first, second] = sim.splitOrder(sn, [[0], [1, 2]]);

    const one = await c.pushShipment({ account: acct, credentials, order, shipment: { carrier: "J&T", trackingNumber: "JT-A-1", lines: linesOf(order, [0]) } });
    expect(one.remoteId).toBe("JT-A-1");
    expect(sim.shipments.filter((s) => s.orderSn === sn)).toMatchObject([{ packageNumber: first!.package_number, trackingNumber: "JT-A-1" }]);
    expect(sim.shipments.find((s) => s.orderSn === sn)!.body).toMatchObject({ order_sn: sn, package_number: first!.package_number, non_integrated: { tracking_number: "JT-A-1" } });
    // One package arranged: the order is not PROCESSED yet.
    expect(sim.orders.get(sn)!.order_status).toBe("READY_TO_SHIP");

    // Pushed again (a retried job): Shopee says the package is arranged; the tracking number says it was us.
    await c.pushShipment({ account: acct, credentials, order, shipment: { carrier: "J&T", trackingNumber: "JT-A-1", lines: linesOf(order, [0]) } });
    expect(sim.stats["logistics.ship_order"]!.errors["logistics.package_already_shipped"]).toBe(1);
    expect(sim.shipments.filter((s) => s.orderSn === sn)).toHaveLength(1);
    // …but another number on an arranged package is a conflict, not a silent success.
    await expect(c.pushShipment({ account: acct, credentials, order, shipment: { carrier: "J&T", trackingNumber: "JT-OTHER", lines: linesOf(order, [0]) } })).rejects.toMatchObject({
      kind: "invalid_request",
    });

    const two = await c.pushShipment({ account: acct, credentials, order, shipment: { carrier: "J&T", trackingNumber: "JT-B-2", lines: linesOf(order, [1, 2]) } });
    expect(two.remoteId).toBe("JT-B-2");
    expect(sim.shipments.filter((s) => s.orderSn === sn).map((s) => [s.packageNumber, s.trackingNumber])).toEqual([
      [first!.package_number, "JT-A-1"],
      [second!.package_number, "JT-B-2"],
    ]);
    expect(sim.orders.get(sn)!.order_status).toBe("PROCESSED");
    expect(sim.orders.get(sn)!.package_list.map((p) => p.logistics_status)).toEqual(["LOGISTICS_PICKUP_DONE", "LOGISTICS_PICKUP_DONE"]);
    expect(sim.stats["logistics.ship_order"]!.errors["logistics.ship_order_need_pacakge_number"]).toBeUndefined();
  });

  it("ships every package when the shipment names no lines; an unsplit order ships without package_number", async () => {
    const split = await readyOrder("non_integrated");
    const packages = sim.splitOrder(split.sn, [[0, 1], [2]]);
    const { remoteId } = await split.c.pushShipment({ account: split.acct, credentials: split.credentials, order: split.order, shipment: { carrier: "X", trackingNumber: "ALL-1", lines: [] } });
    expect(remoteId).toBe("ALL-1");
    expect(sim.shipments.filter((s) => s.orderSn === split.sn).map((s) => s.packageNumber)).toEqual(packages.map((p) => p.package_number));

    const whole = await readyOrder("dropoff", 2);
    await whole.c.pushShipment({ account: whole.acct, credentials: whole.credentials, order: whole.order, shipment: { carrier: "X", trackingNumber: "DROP-9", lines: linesOf(whole.order, [0, 1]) } });
    const recorded = sim.shipments.find((s) => s.orderSn === whole.sn)!;
    expect(recorded.body).not.toHaveProperty("package_number");
    expect(recorded).toMatchObject({ mode: "dropoff", trackingNumber: "DROP-9" });
    expect(sim.stats["logistics.ship_order"]!.errors["logistics.ship_order_not_need_pacakge_number"]).toBeUndefined();
  });
});

describe("Shopee pickup channels", () => {
  it("sends our tracking number in pickup when get_shipping_parameter asks for tracking_number", async () => {
    const { c, acct, credentials, order, sn } = await readyOrder("pickup_tracking", 1);
    const { remoteId } = await c.pushShipment({ account: acct, credentials, order, shipment: { carrier: "Ninja Van", trackingNumber: "NV-778899", lines: [] } });
    const recorded = sim.shipments.find((s) => s.orderSn === sn)!;
    expect(recorded).toMatchObject({ mode: "pickup_tracking", trackingNumber: "NV-778899" });
    expect(recorded.body).toMatchObject({ pickup: { address_id: 7001, tracking_number: "NV-778899" } });
    expect(remoteId).toBe("NV-778899");
    expect(sim.orders.get(sn)!.package_list[0]!.logistics_status).toBe("LOGISTICS_REQUEST_CREATED");
  });

  it("leaves the tracking number to the 3PL when the channel does not ask for it, on the slot Shopee recommends", async () => {
    const { c, acct, credentials, order, sn } = await readyOrder("pickup", 2);
    const { remoteId } = await c.pushShipment({ account: acct, credentials, order, shipment: { carrier: "SPX", trackingNumber: "ours-unused", lines: [] } });
    const recorded = sim.shipments.find((s) => s.orderSn === sn)!;
    expect(recorded.body).not.toHaveProperty("pickup.tracking_number");
    expect(remoteId).toBe(recorded.trackingNumber);
    expect(remoteId).toMatch(/^SPXSG/);
    // The simulator offers two slots; the second carries flags ["recommended"].
    const slot = Number((recorded.body as { pickup: { pickup_time_id: string } }).pickup.pickup_time_id);
    expect(slot - Math.floor(sim.clock.now() / 1000)).toBeGreaterThan(86400 + 3600);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AMAZON_SIMULATOR_APP, amazonEndpoints, type AmazonAppConfig } from "@/server/channels/amazon/config";
import { createAmazonConnector } from "@/server/channels/amazon/connector";
import { TokenBucketLimiter } from "@/server/channels/amazon/rate-limiter";
import type { ChannelAccountRef, ChannelConnector, ChannelCredentials, NormalizedOrder } from "@/server/channels/types";
import { DIRECT_TO_CONSUMER_SHIPPING, startAmazonSimulator, type AmazonSimulator } from "../simulators/amazon/server";

/**
 * Amazon as Amazon is now (issue 17, points 7–10): Orders API 2026-01-01 searchOrders with items inline
 * (no per-order calls), personal data only through includedData=RECIPIENT/BUYER with the restricted role
 * (a 403 for the role is said so, never taken for an expired token), per-region hosts, and stock patches
 * that merge instead of wiping the listing's other fulfilment attributes.
 */
const REDIRECT = "https://oms.test/api/oauth/amazon/callback";
const FAST = {
  searchOrders: { rate: 50, burst: 20 },
  getOrders: { rate: 50, burst: 20 },
  getOrderItems: { rate: 200, burst: 50 },
  getOrderAddress: { rate: 200, burst: 50 },
  patchListingsItem: { rate: 50, burst: 10 },
  getMarketplaceParticipations: { rate: 50, burst: 10 },
};

let sim: AmazonSimulator;
let noRoles: AmazonSimulator;
beforeAll(async () => {
  sim = await startAmazonSimulator({ rateLimits: FAST });
  // A developer profile without the restricted Direct-to-Consumer Shipping role.
  noRoles = await startAmazonSimulator({ rateLimits: FAST, roles: ["Inventory and Order Tracking", "Product Listing"] });
});
afterAll(async () => {
  await sim.close();
  await noRoles.close();
});

function connector(s: AmazonSimulator, overrides: Partial<AmazonAppConfig> = {}): ChannelConnector {
  return createAmazonConnector({
    ...AMAZON_SIMULATOR_APP,
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2_000 },
    limiter: new TokenBucketLimiter(() => s.clock.now()),
    usagePlans: FAST,
    now: () => s.clock.now(),
    ...overrides,
  });
}

const account = (s: AmazonSimulator, sellerId: string | null): ChannelAccountRef => ({
  id: `acct-${Math.random().toString(36).slice(2)}`,
  orgId: "org",
  platform: "amazon",
  externalShopId: sellerId,
  settings: { marketplaceIds: ["ATVPDKIKX0DER"] },
  baseUrl: s.baseUrl,
});

async function authorized(s: AmazonSimulator, c: ChannelConnector) {
  const acct = account(s, null);
  const sellerId = `A3${Math.random().toString(36).slice(2, 12).toUpperCase()}`;
  s.addSeller({ sellerId, storeName: `Store ${sellerId}` });
  const url = new URL(c.authorizeUrl({ account: acct, state: "st", redirectUri: REDIRECT }));
  const cb = new URL(s.approve({ applicationId: url.searchParams.get("application_id")!, state: "st", redirectUri: REDIRECT, sellerId }));
  const r = await c.completeAuthorization({ account: acct, query: cb.searchParams, redirectUri: REDIRECT });
  return { acct: { ...acct, externalShopId: r.externalShopId }, credentials: r.credentials };
}

async function pullAll(c: ChannelConnector, acct: ChannelAccountRef, credentials: ChannelCredentials, s: AmazonSimulator) {
  const orders: NormalizedOrder[] = [];
  let cursor: string | null = null;
  do {
    const page = await c.listOrders({ account: acct, credentials, from: new Date(s.clock.now() - 8 * 86400_000), to: new Date(s.clock.now()), cursor });
    orders.push(...page.orders);
    cursor = page.nextCursor;
  } while (cursor);
  return orders;
}

describe("Amazon Orders API 2026-01-01", () => {
  it("pulls with searchOrders only (items inline), with the address and buyer through includedData and the role", async () => {
    const c = connector(sim);
    const { acct, credentials } = await authorized(sim, c);
    const ids = sim.seedOrders({ sellerId: acct.externalShopId!, count: 130, statuses: ["Unshipped", "Pending", "Shipped", "Canceled"], itemsPerOrder: 2 });
    const before = { ...Object.fromEntries(Object.entries(sim.stats).map(([k, v]) => [k, v.requests])) };
    const orders = await pullAll(c, acct, credentials, sim);
    const calls = (op: string) => (sim.stats[op]?.requests ?? 0) - (before[op] ?? 0);
    expect(new Set(orders.map((o) => o.platformOrderId))).toEqual(new Set(ids));
    expect(calls("searchOrders")).toBe(2); // 130 orders, pages of 100
    expect(calls("getOrderItems") + calls("getOrderAddress") + calls("getOrders")).toBe(0);
    for (const o of orders) {
      const source = sim.orders.get(o.platformOrderId)!;
      expect(o.lines).toHaveLength(2);
      expect(o.lines[0]).toMatchObject({ platformLineId: source.items[0]!.OrderItemId, platformSku: source.items[0]!.SellerSKU, quantity: String(source.items[0]!.QuantityOrdered) });
      expect(o.platformStatus).toBe({ Unshipped: "UNSHIPPED", Pending: "PENDING", Shipped: "SHIPPED", Canceled: "CANCELLED" }[source.OrderStatus]);
      expect(o.totalAmount).toBe(String(Number(source.OrderTotal.Amount)));
      if (source.OrderStatus === "Pending") expect(o.shipping.street).toBe(""); // Amazon withholds it until payment clears
      else expect(o.shipping).toMatchObject({ street: source.address.AddressLine1, name: source.address.Name, phone: source.address.Phone });
      expect(o.buyerEmail).toBe(source.BuyerInfo.BuyerEmail);
    }
  });

  it("a 403 for the missing restricted role says so and refreshes no token", async () => {
    const c = connector(noRoles);
    const { acct, credentials } = await authorized(noRoles, c);
    noRoles.seedOrders({ sellerId: acct.externalShopId!, count: 3 });
    const err = await c.listOrders({ account: acct, credentials, from: new Date(noRoles.clock.now() - 8 * 86400_000), to: new Date(noRoles.clock.now()), cursor: null }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "invalid_request", opts: { status: 403, platformCode: "MissingRole" } });
    expect((err as Error).message).toContain(DIRECT_TO_CONSUMER_SHIPPING);
    // An expired token is still an expired token.
    noRoles.expireAccessTokens(acct.externalShopId!);
    await expect(c.listOrders({ account: acct, credentials, from: new Date(noRoles.clock.now() - 86400_000), to: new Date(noRoles.clock.now()), cursor: null })).rejects.toMatchObject({
      kind: "auth_expired",
    });
  });

  it("a plain request without includedData gets no address or buyer from the simulator", async () => {
    const c = connector(sim);
    const { acct, credentials } = await authorized(sim, c);
    sim.seedOrders({ sellerId: acct.externalShopId!, count: 2, statuses: ["Unshipped"] });
    const res = await fetch(`${sim.baseUrl}/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&lastUpdatedAfter=${new Date(sim.clock.now() - 8 * 86400_000).toISOString()}`, {
      headers: { "x-amz-access-token": credentials.accessToken },
    });
    const body = (await res.json()) as { orders: Record<string, unknown>[] };
    expect(body.orders.length).toBeGreaterThan(0);
    for (const o of body.orders) {
      expect(o.recipient).toBeUndefined();
      expect(o.buyer).toBeUndefined();
    }
  });

  it("Orders v0 stays available behind the switch", async () => {
    const c = connector(sim, { ordersApi: "v0" });
    const { acct, credentials } = await authorized(sim, c);
    sim.seedOrders({ sellerId: acct.externalShopId!, count: 3 });
    const before = sim.stats.getOrders?.requests ?? 0;
    expect(await pullAll(c, acct, credentials, sim)).toHaveLength(3);
    expect(sim.stats.getOrders!.requests - before).toBe(1);
  });
});

describe("Amazon regions", () => {
  it("each region has its own SP-API, LWA and Seller Central hosts, chosen per account", () => {
    const real = (region: string, baseUrl: string): ChannelAccountRef => ({ id: "a", orgId: "o", platform: "amazon", externalShopId: null, settings: { region }, baseUrl });
    expect(amazonEndpoints(real("NA", "https://sellingpartnerapi-na.amazon.com"))).toEqual({
      spApi: "https://sellingpartnerapi-na.amazon.com",
      lwaToken: "https://api.amazon.com/auth/o2/token",
      sellerCentral: "https://sellercentral.amazon.com",
    });
    expect(amazonEndpoints(real("EU", "https://sellingpartnerapi-eu.amazon.com"))).toEqual({
      spApi: "https://sellingpartnerapi-eu.amazon.com",
      lwaToken: "https://api.amazon.co.uk/auth/o2/token",
      sellerCentral: "https://sellercentral-europe.amazon.com",
    });
    expect(amazonEndpoints(real("FE", "https://sellingpartnerapi-fe.amazon.com"))).toEqual({
      spApi: "https://sellingpartnerapi-fe.amazon.com",
      lwaToken: "https://api.amazon.co.jp/auth/o2/token",
      sellerCentral: "https://sellercentral.amazon.co.jp",
    });
    const c = connector(sim);
    const consent = new URL(c.authorizeUrl({ account: real("EU", "https://sellingpartnerapi-eu.amazon.com"), state: "s", redirectUri: REDIRECT }));
    expect(consent.origin).toBe("https://sellercentral-europe.amazon.com");
  });
});

describe("Amazon listings stock", () => {
  it("patches the quantity with op merge, keeping the seller's handling time and restock date", async () => {
    const c = connector(sim);
    const { acct, credentials } = await authorized(sim, c);
    sim.setListing(acct.externalShopId!, "AMZ-KEEP-1", [{ fulfillment_channel_code: "DEFAULT", quantity: 3, lead_time_to_ship_max_days: 5, restock_date: "2027-01-15" }]);
    await c.pushStock({ account: acct, credentials, listing: { platformSku: "AMZ-KEEP-1", externalListingId: null }, quantity: 12 });
    expect(sim.listings.get(`${acct.externalShopId}:AMZ-KEEP-1`)!.fulfillment_availability).toEqual([
      { fulfillment_channel_code: "DEFAULT", quantity: 12, lead_time_to_ship_max_days: 5, restock_date: "2027-01-15" },
    ]);
  });
});

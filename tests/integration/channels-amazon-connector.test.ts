import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AMAZON_SIMULATOR_APP, type AmazonAppConfig } from "@/server/channels/amazon/config";
import { createAmazonConnector } from "@/server/channels/amazon/connector";
import { TokenBucketLimiter } from "@/server/channels/amazon/rate-limiter";
import { ChannelError, type ChannelAccountRef, type ChannelConnector, type ChannelCredentials, type NormalizedOrder } from "@/server/channels/types";
import { startAmazonSimulator, type AmazonSimulator } from "../simulators/amazon/server";

/**
 * The Amazon connector against the local SP-API simulator: LWA authorization and refresh, token expiry,
 * NextToken paging, rate limits (never exceeding the bucket when the plan is known, backing off on 429
 * when it isn't), 500s / timeouts / dropped connections, status mapping, shipment and stock pushes.
 */

let sim: AmazonSimulator;
const REDIRECT = "https://oms.test/api/oauth/amazon/callback";
const FAST_PLANS = {
  getOrders: { rate: 50, burst: 20 },
  getOrderItems: { rate: 200, burst: 50 },
  getOrderAddress: { rate: 200, burst: 50 },
  getOrderBuyerInfo: { rate: 200, burst: 50 },
  createRestrictedDataToken: { rate: 50, burst: 10 },
  getOrder: { rate: 200, burst: 50 },
  confirmShipment: { rate: 50, burst: 10 },
  patchListingsItem: { rate: 50, burst: 10 },
  getMarketplaceParticipations: { rate: 50, burst: 10 },
};

beforeAll(async () => {
  sim = await startAmazonSimulator({ rateLimits: FAST_PLANS });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.faults.clear();
  sim.setRateLimits(FAST_PLANS);
});

/** A connector whose clock moves with the simulator's, with quick retries and its own buckets. */
function connector(overrides: Partial<AmazonAppConfig> = {}): ChannelConnector {
  return createAmazonConnector({
    ...AMAZON_SIMULATOR_APP,
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 2_000 },
    limiter: new TokenBucketLimiter(() => sim.clock.now()),
    usagePlans: FAST_PLANS,
    now: () => sim.clock.now(),
    // These tests are about the Orders v0 path (kept behind this switch until its retirement on
    // 2027-03-27); Orders 2026-01-01 is tested in channels-amazon-2026.test.ts.
    ordersApi: "v0",
    ...overrides,
  });
}

function account(sellerId: string | null = sim.defaultSellerId, id = `acct-${Math.random().toString(36).slice(2)}`): ChannelAccountRef {
  return { id, orgId: "org", platform: "amazon", externalShopId: sellerId, settings: { marketplaceIds: ["ATVPDKIKX0DER"] }, baseUrl: sim.baseUrl };
}

async function authorize(c: ChannelConnector, acct = account(null)) {
  const url = new URL(c.authorizeUrl({ account: acct, state: "st-1", redirectUri: REDIRECT }));
  const callback = new URL(
    sim.approve({
      applicationId: url.searchParams.get("application_id")!,
      state: url.searchParams.get("state")!,
      redirectUri: url.searchParams.get("redirect_uri")!,
    }),
  );
  return { callback, result: await c.completeAuthorization({ account: acct, query: callback.searchParams, redirectUri: REDIRECT }) };
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

const hourAgo = () => new Date(sim.clock.now() - 3600_000);

describe("Amazon LWA authorization", () => {
  it("sends the seller to the consent page and exchanges the callback code for tokens", async () => {
    const c = connector();
    const url = new URL(c.authorizeUrl({ account: account(null), state: "st-1", redirectUri: REDIRECT }));
    expect(url.origin + url.pathname).toBe(`${sim.baseUrl}/sellercentral.amazon.com/apps/authorize/consent`);
    expect(url.searchParams.get("application_id")).toBe(AMAZON_SIMULATOR_APP.applicationId);
    expect(url.searchParams.get("state")).toBe("st-1");

    // The consent page itself is served (the browser demo clicks it).
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Authorize Manifold OMS");

    const { callback, result } = await authorize(c);
    expect(callback.searchParams.get("state")).toBe("st-1");
    expect(result.externalShopId).toBe(sim.defaultSellerId);
    expect(result.shopName).toBe("Manifold Demo Amazon Store");
    expect(result.credentials.refreshToken).toMatch(/^Atzr\|/);
    const ttl = result.credentials.accessTokenExpiresAt!.getTime() - sim.clock.now();
    expect(ttl).toBeGreaterThan(3590_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
  });

  it("refuses a code used twice, an expired code and a wrong client secret", async () => {
    const c = connector();
    const { callback } = await authorize(c);
    await expect(c.completeAuthorization({ account: account(null), query: callback.searchParams, redirectUri: REDIRECT })).rejects.toMatchObject({
      kind: "invalid_request",
      opts: { platformCode: "invalid_grant" },
    });

    const late = new URL(sim.approve({ applicationId: AMAZON_SIMULATOR_APP.applicationId, state: "s", redirectUri: REDIRECT }));
    sim.clock.advance(6 * 60_000);
    await expect(c.completeAuthorization({ account: account(null), query: late.searchParams, redirectUri: REDIRECT })).rejects.toMatchObject({
      opts: { platformCode: "invalid_grant" },
    });

    const wrong = connector({ clientSecret: "not-the-secret" });
    const fresh = new URL(sim.approve({ applicationId: AMAZON_SIMULATOR_APP.applicationId, state: "s", redirectUri: REDIRECT }));
    await expect(wrong.completeAuthorization({ account: account(null), query: fresh.searchParams, redirectUri: REDIRECT })).rejects.toMatchObject({
      kind: "invalid_request",
      opts: { platformCode: "invalid_client" },
    });
  });

  it("expires the access token after an hour, refreshes it, and reports a revoked authorization", async () => {
    const c = connector();
    const { result } = await authorize(c);
    const acct = account();
    sim.seedOrders({ count: 2 });
    await c.listOrders({ account: acct, credentials: result.credentials, from: hourAgo(), to: new Date(sim.clock.now()), cursor: null });

    sim.clock.advance(61 * 60_000);
    // Known expiry: refused before spending a getOrders token.
    const before = sim.stats.getOrders?.requests ?? 0;
    await expect(
      c.listOrders({ account: acct, credentials: result.credentials, from: hourAgo(), to: new Date(sim.clock.now()), cursor: null }),
    ).rejects.toMatchObject({ kind: "auth_expired" });
    expect(sim.stats.getOrders?.requests ?? 0).toBe(before);
    // Unknown expiry: the platform says so (403 Unauthorized, "has expired").
    const err = await c
      .listOrders({ account: acct, credentials: { ...result.credentials, accessTokenExpiresAt: null }, from: hourAgo(), to: new Date(sim.clock.now()), cursor: null })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ kind: "auth_expired", opts: { status: 403 } });
    expect((err as Error).message).toContain("has expired");

    const refreshed = await c.refreshCredentials({ account: acct, credentials: result.credentials });
    expect(refreshed.accessToken).not.toBe(result.credentials.accessToken);
    expect(refreshed.refreshToken).toBe(result.credentials.refreshToken);
    await c.listOrders({ account: acct, credentials: refreshed, from: hourAgo(), to: new Date(sim.clock.now()), cursor: null });

    sim.revoke(sim.defaultSellerId);
    await expect(c.refreshCredentials({ account: acct, credentials: refreshed })).rejects.toMatchObject({ kind: "auth_revoked" });
    await expect(c.verify({ account: acct, credentials: { ...refreshed, accessTokenExpiresAt: null } })).rejects.toMatchObject({
      kind: "auth_expired",
    });
  });
});

describe("Amazon order pull", () => {
  let credentials: ChannelCredentials;
  let sellerId: string;
  let n = 0;

  /** Each test gets its own seller, so orders seeded elsewhere don't leak in. */
  beforeEach(async () => {
    sellerId = `A3SELLER${String(++n).padStart(4, "0")}`;
    sim.addSeller({ sellerId, storeName: `Store ${n}` });
    const url = new URL(sim.approve({ applicationId: AMAZON_SIMULATOR_APP.applicationId, state: "s", redirectUri: REDIRECT, sellerId }));
    credentials = (await connector().completeAuthorization({ account: account(null), query: url.searchParams, redirectUri: REDIRECT })).credentials;
  });

  it("walks NextToken pages and returns every order once, with items (paged too) and addresses", async () => {
    sim.setItemsPageSize(1);
    const seeded = sim.seedOrders({ sellerId, count: 230, itemsPerOrder: 2, statuses: ["Unshipped", "Pending", "Shipped"] });
    const acct = account(sellerId);
    const { orders, pages } = await pullAll(connector({ pageSize: 100 }), acct, credentials, new Date(sim.clock.now() - 8 * 86400_000), new Date(sim.clock.now()));
    sim.setItemsPageSize(100);
    expect(pages).toBe(3);
    expect(orders).toHaveLength(230);
    expect(new Set(orders.map((o) => o.platformOrderId))).toEqual(new Set(seeded));
    for (const o of orders) {
      const source = sim.orders.get(o.platformOrderId)!;
      expect(o.lines.map((l) => l.platformLineId)).toEqual(source.items.map((i) => i.OrderItemId));
      if (o.platformStatus === "Pending") {
        expect(o.shipping.street).toBe(""); // Amazon withholds it; the connector doesn't ask
      } else {
        expect(o.shipping.street).toBe(source.address.AddressLine1);
        expect(o.shipping.name).toBe(source.address.Name);
      }
    }
    // Oldest first, as Amazon returns them.
    const times = orders.map((o) => o.updatedAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("maps every Amazon status", async () => {
    const statuses = ["PendingAvailability", "Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled", "Unfulfillable", "InvoiceUnconfirmed"];
    sim.seedOrders({ sellerId, count: statuses.length, statuses });
    const { orders } = await pullAll(connector(), account(sellerId), credentials, new Date(sim.clock.now() - 8 * 86400_000), new Date(sim.clock.now()));
    const byStatus = Object.fromEntries(orders.map((o) => [o.platformStatus, o.status]));
    expect(byStatus).toEqual({
      PendingAvailability: "pending",
      Pending: "pending",
      Unshipped: "unshipped",
      PartiallyShipped: "unshipped",
      Shipped: "shipped",
      Canceled: "cancelled",
      Unfulfillable: "cancelled",
      InvoiceUnconfirmed: "shipped",
    });
  });

  it("only returns orders updated in the window, and a status change brings an order back", async () => {
    const [id] = sim.seedOrders({ sellerId, count: 1, statuses: ["Pending"], createdTo: sim.clock.now() - 5 * 86400_000 });
    sim.clock.advance(0);
    const from = new Date(sim.clock.now() - 3600_000);
    const c = connector();
    expect((await pullAll(c, account(sellerId), credentials, from, new Date(sim.clock.now()))).orders).toHaveLength(0);
    sim.setStatus(id!, "Unshipped");
    sim.clock.advance(3 * 60_000);
    const { orders } = await pullAll(c, account(sellerId), credentials, from, new Date(sim.clock.now() - 2 * 60_000 - 1));
    expect(orders.map((o) => [o.platformOrderId, o.status])).toEqual([[id, "unshipped"]]);
  });

  it("enforces Amazon's parameter rules (the simulator answers 400 InvalidInput)", async () => {
    const get = (q: string) => fetch(`${sim.baseUrl}/orders/v0/orders?${q}`, { headers: { "x-amz-access-token": credentials.accessToken } });
    const after = new Date(sim.clock.now() - 86400_000).toISOString();
    const tooMany = await get(`MarketplaceIds=ATVPDKIKX0DER&LastUpdatedAfter=${after}&MaxResultsPerPage=101`);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ errors: [{ code: "InvalidInput" }] });
    expect((await get(`MarketplaceIds=ATVPDKIKX0DER`)).status).toBe(400);
    expect((await get(`MarketplaceIds=ATVPDKIKX0DER&LastUpdatedAfter=${after}&CreatedAfter=${after}`)).status).toBe(400);
    expect((await get(`LastUpdatedAfter=${after}`)).status).toBe(400);
    const recent = new Date(sim.clock.now() - 30_000).toISOString();
    expect((await get(`MarketplaceIds=ATVPDKIKX0DER&LastUpdatedAfter=${after}&LastUpdatedBefore=${recent}`)).status).toBe(400);

    // The connector never trips them: it caps the page size and leaves out a too-recent "before".
    sim.seedOrders({ sellerId, count: 3 });
    const c = connector({ pageSize: 500 });
    const { orders } = await pullAll(c, account(sellerId), credentials, new Date(sim.clock.now() - 8 * 86400_000), new Date(sim.clock.now()));
    expect(orders).toHaveLength(3);
  });
});

describe("Amazon rate limits", () => {
  let credentials: ChannelCredentials;
  let sellerId: string;
  let n = 0;
  beforeEach(async () => {
    sellerId = `A4RATE${String(++n).padStart(4, "0")}`;
    sim.addSeller({ sellerId });
    const url = new URL(sim.approve({ applicationId: AMAZON_SIMULATOR_APP.applicationId, state: "s", redirectUri: REDIRECT, sellerId }));
    credentials = (await connector().completeAuthorization({ account: account(null), query: url.searchParams, redirectUri: REDIRECT })).credentials;
  });

  it("never exceeds the bucket when it knows the plan: zero 429s, calls spaced at the rate", async () => {
    const plans = { ...FAST_PLANS, getOrderItems: { rate: 20, burst: 5 }, getOrderAddress: { rate: 20, burst: 5 } };
    sim.setRateLimits(plans);
    sim.seedOrders({ sellerId, count: 25, statuses: ["Unshipped"] });
    // One clock for both sides, moved only by the limiter's waits: the instants the limiter plans are
    // the instants the simulator's bucket sees, however slow the machine (no wall time in this test).
    const started = sim.clock.freeze();
    try {
      const limiter = new TokenBucketLimiter(
        () => sim.clock.now(),
        async (ms) => void sim.clock.advance(ms),
      );
      const { orders } = await pullAll(connector({ usagePlans: plans, limiter }), account(sellerId), credentials, new Date(started - 8 * 86400_000), new Date(started));
      expect(orders).toHaveLength(25);
      for (const op of ["getOrderItems", "getOrderAddress"]) {
        const calls = sim.calls.filter((c) => c.sellerId === sellerId && c.op === op);
        expect(calls).toHaveLength(25);
        expect(calls.filter((c) => c.throttled)).toEqual([]);
        // Spaced at the rate: after the burst of 5, call k comes at least (k - 4) / 20 s after the first,
        // so the 25 calls take at least (25 - 5) / 20 s.
        calls.forEach((c, k) => expect(c.at - calls[0]!.at).toBeGreaterThanOrEqual((Math.max(0, k - 4) / 20) * 1000));
        expect(calls[24]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
      }
    } finally {
      sim.clock.thaw();
    }
  });

  it("backs off on 429 when the platform's plan is tighter than assumed, and still gets everything", async () => {
    sim.setRateLimits({ ...FAST_PLANS, getOrderItems: { rate: 10, burst: 2 } });
    sim.seedOrders({ sellerId, count: 12, statuses: ["Pending"] });
    const before = sim.stats.getOrderItems?.throttled ?? 0;
    const c = connector({ retry: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 400, timeoutMs: 2_000 } });
    const { orders } = await pullAll(c, account(sellerId), credentials, new Date(sim.clock.now() - 8 * 86400_000), new Date(sim.clock.now()));
    expect(orders).toHaveLength(12);
    expect(sim.stats.getOrderItems!.throttled - before).toBeGreaterThan(0);
  });

  it("hands back rate_limited instead of waiting a minute for getOrders, and adopts x-amzn-RateLimit-Limit", async () => {
    const limiter = new TokenBucketLimiter(() => sim.clock.now());
    const c = connector({
      limiter,
      // What the connector assumes: Amazon's default getOrderItems plan (0.5/s).
      usagePlans: { ...FAST_PLANS, getOrders: { rate: 0.0167, burst: 1 }, getOrderItems: { rate: 0.5, burst: 30 } },
      maxThrottleWaitMs: 1_000,
    });
    // What this seller actually has: getOrderItems at 7/s.
    sim.setRateLimits({ ...FAST_PLANS, getOrders: { rate: 0.0167, burst: 1 }, getOrderItems: { rate: 7, burst: 30 } });
    sim.seedOrders({ sellerId, count: 1 });
    const args = { account: account(sellerId), credentials, from: new Date(sim.clock.now() - 8 * 86400_000), to: new Date(sim.clock.now()), cursor: null };
    await c.listOrders(args);
    expect(limiter.peek(`${sellerId}:getOrderItems`)!.rate).toBe(7);
    expect(limiter.peek(`${sellerId}:getOrders`)!.rate).toBe(0.0167);

    const requests = sim.stats.getOrders!.requests;
    const err = await c.listOrders(args).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate_limited" });
    expect((err as ChannelError).opts.retryAfterMs).toBeGreaterThan(50_000);
    expect(sim.stats.getOrders!.requests).toBe(requests); // no call was wasted on a certain 429
  });
});

describe("Amazon faults", () => {
  let credentials: ChannelCredentials;
  let sellerId: string;
  let n = 0;
  beforeEach(async () => {
    sellerId = `A5FAULT${String(++n).padStart(4, "0")}`;
    sim.addSeller({ sellerId });
    const url = new URL(sim.approve({ applicationId: AMAZON_SIMULATOR_APP.applicationId, state: "s", redirectUri: REDIRECT, sellerId }));
    credentials = (await connector().completeAuthorization({ account: account(null), query: url.searchParams, redirectUri: REDIRECT })).credentials;
  });

  it("survives 500s, a timeout, a dropped connection and a 429 in one pull", async () => {
    const seeded = sim.seedOrders({ sellerId, count: 40, statuses: ["Unshipped"] });
    sim.faults.add([
      { match: "getOrders", kind: "500", times: 2 },
      { match: "getOrderItems", kind: "timeout", delayMs: 700 },
      { match: "getOrderAddress", kind: "reset" },
      { match: "getOrderItems", kind: "429" },
      { match: "getOrderItems", kind: "503" },
    ]);
    const c = connector({ retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 400 } });
    const { orders } = await pullAll(c, account(sellerId), credentials, new Date(sim.clock.now() - 8 * 86400_000), new Date(sim.clock.now()));
    expect(sim.faults.pending()).toBe(0);
    expect(orders.map((o) => o.platformOrderId).sort()).toEqual([...seeded].sort());
  });

  it("gives up with an upstream error when the platform keeps failing", async () => {
    sim.faults.add([{ match: "getOrders", kind: "500", times: 10 }]);
    const c = connector({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20, timeoutMs: 1_000 } });
    await expect(
      c.listOrders({ account: account(sellerId), credentials, from: new Date(sim.clock.now() - 86400_000), to: new Date(sim.clock.now()), cursor: null }),
    ).rejects.toMatchObject({ kind: "upstream", opts: { status: 500 } });
    sim.faults.clear();
  });
});

describe("Amazon ship-back and stock", () => {
  let credentials: ChannelCredentials;
  let sellerId: string;
  let n = 0;
  beforeEach(async () => {
    sellerId = `A6SHIP${String(++n).padStart(4, "0")}`;
    sim.addSeller({ sellerId });
    const url = new URL(sim.approve({ applicationId: AMAZON_SIMULATOR_APP.applicationId, state: "s", redirectUri: REDIRECT, sellerId }));
    credentials = (await connector().completeAuthorization({ account: account(null), query: url.searchParams, redirectUri: REDIRECT })).credentials;
  });

  async function pulled(id: string) {
    const { orders } = await pullAll(connector(), account(sellerId), credentials, new Date(sim.clock.now() - 8 * 86400_000), new Date(sim.clock.now()));
    return orders.find((o) => o.platformOrderId === id)!;
  }

  it("confirms the shipment with carrier and tracking; the order becomes Shipped and a retry is the same package", async () => {
    const [id] = sim.seedOrders({ sellerId, count: 1, statuses: ["Unshipped"], itemsPerOrder: 2 });
    const order = await pulled(id!);
    const c = connector({ retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50, timeoutMs: 300 } });
    const shipment = {
      carrier: "顺丰",
      trackingNumber: "SF1234567890",
      lines: order.lines.map((l) => ({ platformLineId: l.platformLineId, quantity: `${l.quantity}.0000` })),
    };
    // The first attempt lands but its answer is too slow: the retry must not create a second package.
    sim.faults.add([{ match: "confirmShipment", kind: "timeout", delayMs: 600 }]);
    const { remoteId } = await c.pushShipment({ account: account(sellerId), credentials, order, shipment });
    await new Promise((r) => setTimeout(r, 400));
    expect(remoteId).toMatch(new RegExp(`^${id}/\\d+$`));
    await c.pushShipment({ account: account(sellerId), credentials, order, shipment });

    const recorded = sim.shipments.filter((s) => s.amazonOrderId === id);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ carrierCode: "SF Express", trackingNumber: "SF1234567890", marketplaceId: "ATVPDKIKX0DER" });
    expect(recorded[0]!.orderItems).toEqual(order.lines.map((l) => ({ orderItemId: l.platformLineId, quantity: Number(l.quantity) })));
    expect(sim.orders.get(id!)!.OrderStatus).toBe("Shipped");
    expect((await pulled(id!)).status).toBe("shipped");

    // Another tracking number for an already shipped order is refused, not silently accepted.
    await expect(
      c.pushShipment({ account: account(sellerId), credentials, order, shipment: { ...shipment, trackingNumber: "SF999", carrier: "Acme" } }),
    ).rejects.toMatchObject({ kind: "invalid_request", opts: { status: 400 } });
  });

  it("refuses fractional quantities before calling Amazon", async () => {
    const [id] = sim.seedOrders({ sellerId, count: 1, statuses: ["Unshipped"], itemsPerOrder: 1 });
    const order = await pulled(id!);
    await expect(
      connector().pushShipment({
        account: account(sellerId),
        credentials,
        order,
        shipment: { carrier: "UPS", trackingNumber: "1Z", lines: [{ platformLineId: order.lines[0]!.platformLineId, quantity: "0.5" }] },
      }),
    ).rejects.toMatchObject({ kind: "invalid_request" });
    expect(sim.shipments.filter((s) => s.amazonOrderId === id)).toHaveLength(0);
  });

  it("sets a listing's fulfillment availability and reports an unknown SKU", async () => {
    sim.seedOrders({ sellerId, count: 1, skus: ["AMZ-STOCK-1"], itemsPerOrder: 1 });
    await connector().pushStock({ account: account(sellerId), credentials, listing: { platformSku: "AMZ-STOCK-1", externalListingId: null }, quantity: 17 });
    expect(sim.stock.filter((s) => s.sellerId === sellerId)).toMatchObject([{ sku: "AMZ-STOCK-1", quantity: 17, marketplaceIds: ["ATVPDKIKX0DER"] }]);
    await expect(
      connector().pushStock({ account: account(sellerId), credentials, listing: { platformSku: "NOPE", externalListingId: null }, quantity: 1 }),
    ).rejects.toMatchObject({ kind: "invalid_request", opts: { platformCode: "INVALID" } });
  });

  it("discovers marketplaces from the seller's participations when none are configured", async () => {
    sim.seedOrders({ sellerId, count: 2 });
    const acct = { ...account(sellerId), settings: {} };
    const c = connector();
    expect(await c.verify({ account: acct, credentials })).toEqual({ shopName: "Manifold Demo Amazon Store" });
    const { orders } = await pullAll(c, acct, credentials, new Date(sim.clock.now() - 8 * 86400_000), new Date(sim.clock.now()));
    expect(orders).toHaveLength(2);
  });
});

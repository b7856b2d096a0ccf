import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AMAZON_SIMULATOR_APP, amazonEndpoints, type AmazonAppConfig } from "@/server/channels/amazon/config";
import { createAmazonConnector } from "@/server/channels/amazon/connector";
import { TokenBucketLimiter } from "@/server/channels/amazon/rate-limiter";
import type { ChannelAccountRef, ChannelConnector, ChannelCredentials, NormalizedOrder } from "@/server/channels/types";
import { startAmazonSimulator, type AmazonSimulator } from "../simulators/amazon/server";

/**
 * Issue 17, Amazon simulator as strict as Amazon: each region's own LWA, Seller Central and SP-API hosts
 * (another region's host fails), only registered redirect URIs on consent and the code exchange, and no
 * personal data for a plain LWA token from Orders v0 — the v0 path (behind its switch) asks the Tokens API
 * for a Restricted Data Token for getOrderAddress / getOrderBuyerInfo.
 */
const REDIRECT = "https://oms.test/api/oauth/amazon/callback";
const FAST = {
  searchOrders: { rate: 50, burst: 20 },
  getOrders: { rate: 50, burst: 20 },
  getOrderItems: { rate: 200, burst: 50 },
  getOrderAddress: { rate: 200, burst: 50 },
  getOrderBuyerInfo: { rate: 200, burst: 50 },
  createRestrictedDataToken: { rate: 50, burst: 10 },
  patchListingsItem: { rate: 50, burst: 10 },
  getMarketplaceParticipations: { rate: 50, burst: 10 },
};
const DE = { marketplaceId: "A1PA6795UKMFR9", currency: "EUR", countryCode: "DE" };

let sim: AmazonSimulator;
let noRoles: AmazonSimulator;
beforeAll(async () => {
  sim = await startAmazonSimulator({ rateLimits: FAST });
  noRoles = await startAmazonSimulator({ rateLimits: FAST, roles: ["Inventory and Order Tracking", "Product Listing"] });
});
afterAll(async () => {
  await sim.close();
  await noRoles.close();
});

function connector(s: AmazonSimulator, overrides: Partial<AmazonAppConfig> = {}): ChannelConnector {
  return createAmazonConnector({
    ...AMAZON_SIMULATOR_APP,
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 2_000 },
    limiter: new TokenBucketLimiter(() => s.clock.now()),
    usagePlans: FAST,
    now: () => s.clock.now(),
    ...overrides,
  });
}

const account = (s: AmazonSimulator, settings: Record<string, unknown>, sellerId: string | null = null): ChannelAccountRef => ({
  id: `acct-${Math.random().toString(36).slice(2)}`,
  orgId: "org",
  platform: "amazon",
  externalShopId: sellerId,
  settings,
  baseUrl: s.baseUrl,
});

const newSeller = (s: AmazonSimulator, extra: Record<string, string> = {}) => {
  const sellerId = `A5${Math.random().toString(36).slice(2, 12).toUpperCase()}`;
  s.addSeller({ sellerId, storeName: `Store ${sellerId}`, ...extra });
  return sellerId;
};

/** The seller on the consent page the connector sent them to, as a browser: GET it, post its form. */
async function consent(authorizeUrl: string, sellerId: string): Promise<{ status: number; callback: URLSearchParams | null; page: string }> {
  const res = await fetch(authorizeUrl);
  const page = await res.text();
  if (res.status !== 200) return { status: res.status, callback: null, page };
  const action = /<form method="post" action="([^"]+)"/.exec(page)![1]!;
  const form = new URLSearchParams();
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1]!, m[2]!.replace(/&amp;/g, "&"));
  form.set("selling_partner_id", sellerId);
  const posted = await fetch(new URL(action, authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  return { status: posted.status, callback: posted.status === 302 ? new URL(posted.headers.get("location")!).searchParams : null, page };
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

describe("Amazon regions on the strict simulator", () => {
  it("a European seller is authorized and pulled through Europe's Seller Central, LWA and SP-API hosts", async () => {
    const c = connector(sim);
    const sellerId = newSeller(sim, DE);
    const acct = account(sim, { region: "EU", marketplaceIds: [DE.marketplaceId] });
    expect(amazonEndpoints(acct)).toEqual({
      spApi: `${sim.baseUrl}/sellingpartnerapi-eu.amazon.com`,
      lwaToken: `${sim.baseUrl}/api.amazon.co.uk/auth/o2/token`,
      sellerCentral: `${sim.baseUrl}/sellercentral-europe.amazon.com`,
    });
    const { status, callback } = await consent(c.authorizeUrl({ account: acct, state: "eu-1", redirectUri: REDIRECT }), sellerId);
    expect(status).toBe(302);
    const auth = await c.completeAuthorization({ account: acct, query: callback!, redirectUri: REDIRECT });
    expect(auth.externalShopId).toBe(sellerId);
    sim.seedOrders({ sellerId, count: 3, statuses: ["Unshipped"] });
    const orders = await pullAll(c, { ...acct, externalShopId: sellerId }, auth.credentials, sim);
    expect(orders).toHaveLength(3);
    expect(orders.every((o) => o.currency === "EUR" && o.shipping.street !== "")).toBe(true);
  });

  it("another region's host fails: North America's Seller Central has no European seller, its LWA redeems no European code, its SP-API takes no European token", async () => {
    const c = connector(sim);
    const sellerId = newSeller(sim, DE);
    // The account says NA while the seller sells in Europe: every host the connector picks is NA's.
    const wrong = account(sim, { region: "NA", marketplaceIds: [DE.marketplaceId] });
    const onNa = await consent(c.authorizeUrl({ account: wrong, state: "na-1", redirectUri: REDIRECT }), sellerId);
    expect(onNa.page).not.toContain(sellerId);
    expect(onNa.status).toBe(400);

    // A code from Europe's Seller Central, taken to North America's LWA host.
    const right = account(sim, { region: "EU", marketplaceIds: [DE.marketplaceId] });
    const eu = await consent(c.authorizeUrl({ account: right, state: "eu-2", redirectUri: REDIRECT }), sellerId);
    await expect(c.completeAuthorization({ account: wrong, query: eu.callback!, redirectUri: REDIRECT })).rejects.toMatchObject({ opts: { platformCode: "invalid_grant" } });

    // A European token on North America's SP-API host.
    const eu2 = await consent(c.authorizeUrl({ account: right, state: "eu-3", redirectUri: REDIRECT }), sellerId);
    const { credentials } = await c.completeAuthorization({ account: right, query: eu2.callback!, redirectUri: REDIRECT });
    sim.seedOrders({ sellerId, count: 1, statuses: ["Unshipped"] });
    await expect(pullAll(c, { ...wrong, externalShopId: sellerId }, credentials, sim)).rejects.toMatchObject({ opts: { status: 403 } });
    const direct = await fetch(`${sim.hostUrl("sellingpartnerapi-na.amazon.com")}/sellers/v1/marketplaceParticipations`, { headers: { "x-amz-access-token": credentials.accessToken } });
    expect(direct.status).toBe(403);
    const own = await fetch(`${sim.hostUrl("sellingpartnerapi-eu.amazon.com")}/sellers/v1/marketplaceParticipations`, { headers: { "x-amz-access-token": credentials.accessToken } });
    expect(own.status).toBe(200);
  });

  it("the simulator has its own region, rate and app tables: it imports none of the server's code", () => {
    const dir = path.join(__dirname, "../simulators/amazon");
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".ts"))) {
      const imports = [...readFileSync(path.join(dir, f), "utf8").matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]!);
      expect(imports.filter((i) => i.startsWith("@/") || i.includes("server/")), f).toEqual([]);
    }
  });

  it("each host answers only its own role", async () => {
    expect((await fetch(`${sim.hostUrl("api.amazon.co.uk")}/sellers/v1/marketplaceParticipations`)).status).toBe(404);
    expect((await fetch(`${sim.hostUrl("sellingpartnerapi-eu.amazon.com")}/auth/o2/token`, { method: "POST", body: "grant_type=refresh_token" })).status).toBe(404);
    expect((await fetch(`${sim.hostUrl("sellingpartnerapi-fe.amazon.com")}/apps/authorize/consent?application_id=${AMAZON_SIMULATOR_APP.applicationId}`)).status).toBe(404);
    expect((await fetch(`${sim.hostUrl("sellercentral.amazon.co.jp")}/apps/authorize/consent?application_id=${AMAZON_SIMULATOR_APP.applicationId}`)).status).toBe(200);
  });
});

describe("Amazon registered redirect URIs", () => {
  it("consent and the code exchange accept only the app's registered OAuth redirect URIs", async () => {
    const c = connector(sim);
    const sellerId = newSeller(sim);
    const acct = account(sim, { marketplaceIds: ["ATVPDKIKX0DER"] });
    const stranger = "https://oms.attacker.example/api/oauth/amazon/callback";
    const refused = await consent(c.authorizeUrl({ account: acct, state: "r-1", redirectUri: stranger }), sellerId);
    expect(refused.status).toBe(400);
    expect(refused.page).toContain("registered");
    expect(() => sim.approve({ applicationId: AMAZON_SIMULATOR_APP.applicationId, state: "r", redirectUri: stranger, sellerId })).toThrow(/registered/);

    // A registered one is accepted; the exchange must name the same one.
    const ok = await consent(c.authorizeUrl({ account: acct, state: "r-2", redirectUri: REDIRECT }), sellerId);
    expect(ok.status).toBe(302);
    await expect(c.completeAuthorization({ account: acct, query: ok.callback!, redirectUri: stranger })).rejects.toMatchObject({ opts: { platformCode: "invalid_grant" } });
    const again = await consent(c.authorizeUrl({ account: acct, state: "r-3", redirectUri: REDIRECT }), sellerId);
    expect((await c.completeAuthorization({ account: acct, query: again.callback!, redirectUri: REDIRECT })).externalShopId).toBe(sellerId);
  });
});

describe("Amazon Orders v0 personal data needs a Restricted Data Token", () => {
  async function v0Seller(s: AmazonSimulator) {
    const c = connector(s, { ordersApi: "v0" });
    const sellerId = newSeller(s);
    const acct = account(s, { marketplaceIds: ["ATVPDKIKX0DER"] });
    const { callback } = await consent(c.authorizeUrl({ account: acct, state: "v0", redirectUri: REDIRECT }), sellerId);
    const { credentials } = await c.completeAuthorization({ account: acct, query: callback!, redirectUri: REDIRECT });
    return { c, sellerId, acct: { ...acct, externalShopId: sellerId }, credentials };
  }

  it("a plain LWA token gets no address or buyer from getOrderAddress / getOrderBuyerInfo / getOrders", async () => {
    const { sellerId, credentials } = await v0Seller(sim);
    const [id] = sim.seedOrders({ sellerId, count: 1, statuses: ["Unshipped"] });
    const headers = { "x-amz-access-token": credentials.accessToken };
    const address = await (await fetch(`${sim.baseUrl}/orders/v0/orders/${id}/address`, { headers })).json();
    expect(address.payload.ShippingAddress).toMatchObject({ City: "Seattle", PostalCode: "98101" });
    expect(address.payload.ShippingAddress.Name).toBeUndefined();
    expect(address.payload.ShippingAddress.AddressLine1).toBeUndefined();
    const buyer = await (await fetch(`${sim.baseUrl}/orders/v0/orders/${id}/buyerInfo`, { headers })).json();
    expect(buyer.payload).toEqual({ AmazonOrderId: id });
    const list = await (await fetch(`${sim.baseUrl}/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER&CreatedAfter=${new Date(sim.clock.now() - 8 * 86400_000).toISOString()}`, { headers })).json();
    expect(list.payload.Orders.find((o: { AmazonOrderId: string }) => o.AmazonOrderId === id).BuyerInfo).toEqual({});

    // An RDT for this order's address releases it, and covers nothing else.
    const rdtRes = await fetch(`${sim.baseUrl}/tokens/2021-03-01/restrictedDataToken`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ restrictedResources: [{ method: "GET", path: `/orders/v0/orders/${id}/address` }] }),
    });
    const { restrictedDataToken } = await rdtRes.json();
    expect(restrictedDataToken).toMatch(/^Atz\.sprdt\|/);
    const released = await (await fetch(`${sim.baseUrl}/orders/v0/orders/${id}/address`, { headers: { "x-amz-access-token": restrictedDataToken } })).json();
    expect(released.payload.ShippingAddress.AddressLine1).toBe(sim.orders.get(id!)!.address.AddressLine1);
    expect((await fetch(`${sim.baseUrl}/orders/v0/orders/${id}/buyerInfo`, { headers: { "x-amz-access-token": restrictedDataToken } })).status).toBe(403);
  });

  it("the v0 pull asks for one RDT and gets the address and buyer of every released order with it", async () => {
    const { c, sellerId, acct, credentials } = await v0Seller(sim);
    sim.seedOrders({ sellerId, count: 4, statuses: ["Unshipped", "Shipped"] });
    const orders = await pullAll(c, acct, credentials, sim);
    expect(orders).toHaveLength(4);
    for (const o of orders) {
      const source = sim.orders.get(o.platformOrderId)!;
      expect(o.shipping).toMatchObject({ name: source.address.Name, street: source.address.AddressLine1 });
      expect(o).toMatchObject({ buyerName: source.BuyerInfo.BuyerName, buyerEmail: source.BuyerInfo.BuyerEmail });
    }
    const ops = sim.calls.filter((x) => x.sellerId === sellerId).map((x) => x.op);
    expect(ops.filter((op) => op === "createRestrictedDataToken")).toHaveLength(1);
    expect(ops.filter((op) => op === "getOrderAddress")).toHaveLength(4);
    expect(ops.filter((op) => op === "getOrderBuyerInfo")).toHaveLength(4);
  });

  it("without the restricted role the RDT is refused, and the pull says which role is missing (not an expired token)", async () => {
    const { c, sellerId, acct, credentials } = await v0Seller(noRoles);
    noRoles.seedOrders({ sellerId, count: 1, statuses: ["Unshipped"] });
    await expect(pullAll(c, acct, credentials, noRoles)).rejects.toMatchObject({ kind: "invalid_request", opts: { status: 403, platformCode: "MissingRole" } });
  });
});

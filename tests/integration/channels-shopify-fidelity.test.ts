import { and, eq } from "drizzle-orm";
import { systemContext } from "@/server/context";
import { describe, expect, it } from "vitest";
import { channelWebhookInbox, platformOrders } from "@/db/schema";
import { shopifyConnector, verifyCallbackQuery } from "@/server/channels/shopify/connector";
import { pullOrders } from "@/server/services/channels/pull";
import { receiveWebhook } from "@/server/services/channels/webhooks";
import { testDb } from "../helpers/db";
import { shopifyGraphql } from "@/server/channels/shopify/graphql";
import { withRetries } from "@/server/channels/http";
import { ChannelError } from "@/server/channels/types";
import { accountRef, readCredentials } from "@/server/services/channels/accounts";
import { authorizedShop, merchantWithStock, shopifySimPerFile } from "./channels-kit";

/**
 * Shopify as strict as Shopify (issue 17, points 1–3): the simulator parses and validates every query
 * against the Admin schema, prices it as shopify.dev documents (2 + first × node, nested) and refuses
 * anything over 1,000 points; a real 1,000-point bucket restoring 100/s; fulfillment orders per location
 * with partial quantities; inventorySetQuantities with changeFromQuantity and @idempotent.
 */
const file = shopifySimPerFile();
const noSleep = { sleep: async () => {} };
const window = () => ({ from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000) });

async function shopAccount() {
  const m = await merchantWithStock({ A1: "10" });
  const { shop, account } = await authorizedShop(file.sim, m);
  return { shop, ref: accountRef(account), credentials: readCredentials(account)! };
}

async function rawGraphql(shop: string, token: string, query: string, variables: Record<string, unknown> = {}, version = "2026-10") {
  const res = await fetch(`${file.sim.storeUrl(shop)}/admin/api/${version}/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: unknown; extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { maximumAvailable: number; restoreRate: number } } } } };
}

describe("Shopify simulator strictness", () => {
  it("has Shopify's real bucket by default: 1,000 points restoring 100 per second", () => {
    expect(file.sim.bucketSize).toBe(1000);
    expect(file.sim.restoreRate).toBe(100);
  });

  it("prices queries as Shopify documents and refuses more than 1,000 points with MAX_COST_EXCEEDED", async () => {
    const { shop, credentials } = await shopAccount();
    // The shape every pull used to send: 2 + 250 × (order 1 + … + lineItems 2 + 100 × 5) ≈ 127,000.
    const old = await rawGraphql(
      shop,
      credentials.accessToken,
      `{ orders(first: 250) { nodes { id totalPriceSet { shopMoney { amount } } customer { displayName } shippingAddress { zip }
           shippingLines(first: 1) { nodes { title } }
           lineItems(first: 100) { nodes { id originalUnitPriceSet { shopMoney { amount } } variant { inventoryItem { id } } } } } } }`,
    );
    expect(old.body.errors).toMatchObject([{ extensions: { code: "MAX_COST_EXCEEDED", cost: 2 + 250 * (1 + 2 + 1 + 1 + 3 + 2 + 100 * 5) } }]);
    expect(old.body.data).toBeUndefined();
    const small = await rawGraphql(shop, credentials.accessToken, `{ orders(first: 10) { nodes { id lineItems(first: 5) { nodes { id } } } } shop { name } }`);
    expect(small.body.extensions?.cost?.requestedQueryCost).toBe(2 + 10 * (1 + 2 + 5 * 1) + 1);
    expect(small.body.extensions?.cost?.throttleStatus).toMatchObject({ maximumAvailable: 1000, restoreRate: 100 });
  });

  it("rejects unknown fields, a connection without first/last, and removed API versions", async () => {
    const { shop, credentials } = await shopAccount();
    const unknown = await rawGraphql(shop, credentials.accessToken, `{ shop { name planName } }`);
    expect(JSON.stringify(unknown.body.errors)).toContain(`Cannot query field \\"planName\\" on type \\"Shop\\"`);
    const unsized = await rawGraphql(shop, credentials.accessToken, `{ orders { nodes { id } } }`);
    expect(JSON.stringify(unsized.body.errors)).toContain("first or last");
    const removed = await rawGraphql(shop, credentials.accessToken, `{ shop { name } }`, {}, "2024-01");
    expect(removed.status).toBe(404);
    // The 2026-04 removal: ignoreCompareQuantity no longer exists on the input.
    const oldInput = await rawGraphql(
      shop,
      credentials.accessToken,
      `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) @idempotent(key: "k1") { userErrors { message } } }`,
      { input: { name: "available", reason: "correction", ignoreCompareQuantity: true, quantities: [] } },
    );
    expect(JSON.stringify(oldInput.body.errors)).toContain("ignoreCompareQuantity");
  });

  it("MAX_COST_EXCEEDED is a clear request error that is not retried", async () => {
    const { shop, ref, credentials } = await shopAccount();
    const before = file.sim.requestLog.filter((r) => r.shop === shop).length;
    const err = (await withRetries<unknown>(
      () => shopifyGraphql(ref, credentials, "Huge", `query Huge { orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }`),
      noSleep,
    ).catch((e: unknown) => e)) as ChannelError;
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ kind: "invalid_request", opts: { platformCode: "MAX_COST_EXCEEDED" } });
    expect(err.message).toMatch(/1,000-point single-query limit \(MAX_COST_EXCEEDED\); not retried/);
    expect(file.sim.requestLog.filter((r) => r.shop === shop).length - before).toBe(1);
  });
});

describe("Shopify connector within the query-cost limit", () => {
  it("pulls orders in pages that cost ≤ 1,000 and fetches the line items that do not fit by follow-up queries", async () => {
    const { shop, ref, credentials } = await shopAccount();
    const big = file.sim.createOrder(shop, { lineItems: Array.from({ length: 23 }, (_, i) => ({ sku: `P-${i}`, quantity: 1 + (i % 2) })) });
    for (let i = 0; i < 30; i++) file.sim.createOrder(shop, { lineItems: [{ sku: "P-A", quantity: 1 }] });
    const seen = new Map<string, number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await withRetries(() => shopifyConnector.listOrders({ account: ref, credentials, ...window(), cursor }), {});
      for (const o of page.orders) seen.set(o.platformOrderId, o.lines.length);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(31);
    expect(seen.get(`gid://shopify/Order/${big.id}`)).toBe(23);
    expect(pages).toBeGreaterThan(1);
    const log = file.sim.requestLog.filter((r) => r.shop === shop);
    expect(log.some((r) => r.outcome === "max_cost" || r.outcome === "invalid")).toBe(false);
    expect(log.filter((r) => r.operation === "OrderLineItems" && r.outcome === "ok").length).toBeGreaterThanOrEqual(1);
  });
});

describe("Shopify fulfilment per location", () => {
  it("creates one fulfillment per location's fulfillment order with only the shipped lines and quantities, once per tracking number", async () => {
    const { shop, ref, credentials } = await shopAccount();
    const store = file.sim.store(shop);
    const second = store.locations.length > 1 ? store.locations[1]! : store.addLocation("Second warehouse");
    const o = file.sim.createOrder(shop, {
      lineItems: [
        { sku: "P-A", quantity: 2 },
        { sku: "P-B", quantity: 3, locationId: second.id },
        { sku: "P-C", quantity: 1 },
      ],
    });
    expect(o.fulfillmentOrders).toHaveLength(2);
    const [a, b] = o.lineItems;
    const order = { platformOrderId: `gid://shopify/Order/${o.id}`, raw: null };
    const lines = [
      { platformLineId: `gid://shopify/LineItem/${a!.id}`, quantity: "1" },
      { platformLineId: `gid://shopify/LineItem/${b!.id}`, quantity: "2" },
    ];
    const first = await shopifyConnector.pushShipment({ account: ref, credentials, order, shipment: { carrier: "UPS", trackingNumber: "1Z-PART-1", lines } });
    expect(first.remoteId?.split(" ")).toHaveLength(2);
    expect(o.fulfillments.map((f) => f.lines)).toEqual([[{ lineItemId: a!.id, quantity: 1 }], [{ lineItemId: b!.id, quantity: 2 }]]);
    const remaining = Object.fromEntries(o.fulfillmentOrders.flatMap((fo) => fo.lineItems.map((l) => [l.lineItemId, l.remainingQuantity])));
    expect(remaining).toEqual({ [a!.id]: 1, [b!.id]: 1, [o.lineItems[2]!.id]: 1 });
    expect(o.fulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    expect(o.fulfillmentOrders.map((fo) => fo.status)).toEqual(["IN_PROGRESS", "IN_PROGRESS"]);

    // The same push again (a lost reply, a redelivered outbox event): nothing new is fulfilled.
    const again = await shopifyConnector.pushShipment({ account: ref, credentials, order, shipment: { carrier: "UPS", trackingNumber: "1Z-PART-1", lines } });
    expect(again.remoteId).toBe(first.remoteId);
    expect(o.fulfillments).toHaveLength(2);

    // The rest in a second parcel closes both fulfillment orders.
    const rest = o.lineItems.map((l) => ({ platformLineId: `gid://shopify/LineItem/${l.id}`, quantity: "1" }));
    await shopifyConnector.pushShipment({ account: ref, credentials, order, shipment: { carrier: "UPS", trackingNumber: "1Z-REST-2", lines: rest } });
    expect(o.fulfillmentOrders.map((fo) => fo.status)).toEqual(["CLOSED", "CLOSED"]);
    expect(o.fulfillmentStatus).toBe("FULFILLED");

    // More than is left is refused before anything is sent.
    await expect(
      shopifyConnector.pushShipment({ account: ref, credentials, order, shipment: { carrier: "UPS", trackingNumber: "1Z-MORE-3", lines: rest } }),
    ).rejects.toMatchObject({ kind: "invalid_request" });
    expect(o.fulfillments).toHaveLength(4);
  });
});

describe("Shopify inventory compare-and-set", () => {
  it("sends changeFromQuantity with an @idempotent key, and re-reads and retries when the level moved meanwhile", async () => {
    const { shop, ref, credentials } = await shopAccount();
    const store = file.sim.store(shop);
    const v = store.variantFor("P-STOCK");
    const item = `gid://shopify/InventoryItem/${v.inventoryItemId}`;
    store.levels.set(`${v.inventoryItemId}:${store.locationId}`, 4);
    await shopifyConnector.pushStock({ account: ref, credentials, listing: { platformSku: "P-STOCK", externalListingId: item }, quantity: 9 });
    expect(store.level(v.inventoryItemId)).toBe(9);

    // A sale on Shopify between our read and our write: the write is stale, the connector re-reads and retries.
    let bumped = false;
    file.sim.beforeExecute = (s, op) => {
      if (s === store && op === "InventorySet" && !bumped) {
        bumped = true;
        store.levels.set(`${v.inventoryItemId}:${store.locationId}`, 8);
      }
    };
    try {
      await shopifyConnector.pushStock({ account: ref, credentials, listing: { platformSku: "P-STOCK", externalListingId: item }, quantity: 3 });
    } finally {
      file.sim.beforeExecute = null;
    }
    expect(bumped).toBe(true);
    expect(store.level(v.inventoryItemId)).toBe(3);
    const sets = file.sim.requestLog.filter((r) => r.shop === shop && r.operation === "InventorySet").length;
    expect(sets).toBe(3);
  });

  it("the simulator refuses a missing changeFromQuantity or @idempotent, and applies one key once", async () => {
    const { shop, credentials } = await shopAccount();
    const store = file.sim.store(shop);
    const v = store.variantFor("P-KEY");
    const q = (extra: Record<string, unknown>) => ({
      input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: `gid://shopify/InventoryItem/${v.inventoryItemId}`, locationId: `gid://shopify/Location/${store.locationId}`, quantity: 5, ...extra }] },
    });
    const doc = (directive: string) => `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) ${directive} { userErrors { code } } }`;
    const noKey = await rawGraphql(shop, credentials.accessToken, doc(""), q({ changeFromQuantity: 0 }));
    expect(noKey.body.data).toMatchObject({ inventorySetQuantities: { userErrors: [{ code: "IDEMPOTENCY_KEY_REQUIRED" }] } });
    const noFrom = await rawGraphql(shop, credentials.accessToken, doc(`@idempotent(key: "a")`), q({}));
    expect(noFrom.body.data).toMatchObject({ inventorySetQuantities: { userErrors: [{ code: "CHANGE_FROM_QUANTITY_REQUIRED" }] } });
    const ok = await rawGraphql(shop, credentials.accessToken, doc(`@idempotent(key: "b")`), q({ changeFromQuantity: 0 }));
    expect(ok.body.data).toMatchObject({ inventorySetQuantities: { userErrors: [] } });
    store.levels.set(`${v.inventoryItemId}:${store.locationId}`, 1);
    const replay = await rawGraphql(shop, credentials.accessToken, doc(`@idempotent(key: "b")`), q({ changeFromQuantity: 0 }));
    expect(replay.body.data).toMatchObject({ inventorySetQuantities: { userErrors: [] } });
    expect(store.level(v.inventoryItemId)).toBe(1);
    const stale = await rawGraphql(shop, credentials.accessToken, doc(`@idempotent(key: "c")`), q({ changeFromQuantity: 0 }));
    expect(stale.body.data).toMatchObject({ inventorySetQuantities: { userErrors: [{ code: "CHANGE_FROM_QUANTITY_STALE" }] } });
  });
});

describe("Shopify callback and webhooks", () => {
  it("verifies the callback hmac over form-encoded values, within the 90-second timestamp window", async () => {
    const secret = file.sim.clientSecret;
    const now = Date.now();
    const params = { code: "abc", host: "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUveA==", shop: "x.myshopify.com", state: "a=b&c d%", timestamp: String(Math.floor(now / 1000)) };
    const q = new URLSearchParams({ ...params, hmac: file.sim.queryHmac(params) });
    expect(await verifyCallbackQuery(q, secret, now)).toBe("ok");
    expect(await verifyCallbackQuery(q, secret, now + 91_000)).toBe("stale");
    expect(await verifyCallbackQuery(q, "other-secret", now)).toBe("bad_hmac");
    q.set("state", "changed");
    expect(await verifyCallbackQuery(q, secret, now)).toBe("bad_hmac");
  });

  it("reads the newer shopify-* headers, dedupes by webhook id, and handles the privacy topics", async () => {
    const m = await merchantWithStock({ A1: "10" });
    const { shop, account } = await authorizedShop(file.sim, m);
    const keep = file.sim.createOrder(shop, { lineItems: [{ sku: "P-A", quantity: 1 }], email: "keep@example.com", customerName: "Kept Buyer" });
    const gone = file.sim.createOrder(shop, { lineItems: [{ sku: "P-A", quantity: 1 }], email: "gone@example.com", customerName: "Gone Buyer" });
    expect((await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() })).run.status).toBe("ok");
    const send = (topic: string, payload: unknown, webhookId: string, style: "new" | "old" = "new") => {
      const body = JSON.stringify(payload);
      const h = new Headers({ "content-type": "application/json" });
      const p = style === "new" ? "shopify-" : "x-shopify-";
      h.set(`${p}hmac-sha256`, file.sim.signWebhook(body));
      h.set(`${p}topic`, topic);
      h.set(`${p}shop-domain`, `${shop}.myshopify.com`);
      h.set(`${p}webhook-id`, webhookId);
      h.set(`${p}api-version`, "2026-10");
      h.set(`${p}event-id`, `ev-${Math.random()}`);
      return receiveWebhook(testDb(), "shopify", h, body);
    };
    const dataReq = await send("customers/data_request", { customer: { id: 1, email: "gone@example.com" }, orders_requested: [gone.id] }, "wh-1");
    expect(dataReq).toMatchObject({ status: 200, accepted: 1 });
    // The same delivery again (another event id, same webhook id): a duplicate.
    expect(await send("customers/data_request", { customer: { id: 1, email: "gone@example.com" } }, "wh-1", "old")).toMatchObject({ status: 200, duplicates: 1 });
    const [inbox] = await testDb().select().from(channelWebhookInbox).where(and(eq(channelWebhookInbox.accountId, account.id), eq(channelWebhookInbox.webhookId, "wh-1")));
    expect(inbox!.result).toContain("Gone Buyer");

    await send("customers/redact", { customer: { id: 1, email: "gone@example.com" }, orders_to_redact: [gone.id] }, "wh-2");
    const rows = await testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, m.org.orgId), eq(platformOrders.accountId, account.id)));
    const byId = (id: number) => rows.find((r) => r.platformOrderId === `gid://shopify/Order/${id}`)!;
    expect(byId(gone.id)).toMatchObject({ buyerName: "", buyerEmail: null, recipientName: "", street: "", raw: { redacted: true } });
    expect(byId(keep.id)).toMatchObject({ buyerEmail: "keep@example.com" });

    // shop/redact comes 48 h after uninstall, when the account is already revoked.
    await send("app/uninstalled", { id: 1 }, "wh-3");
    expect((await send("shop/redact", { shop_id: 1, shop_domain: `${shop}.myshopify.com` }, "wh-4")).accepted).toBe(1);
    const after = await testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, m.org.orgId), eq(platformOrders.accountId, account.id)));
    expect(after.every((r) => r.buyerEmail === null && r.recipientName === "" && r.street === "")).toBe(true);
  });
});

import { and, eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { channelAccounts, channelListings, orders, outbox, outboundOrders, platformOrders, skuMappings } from "@/db/schema";
import { openToken } from "@/server/crypto/tokens";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { importSkuMappings, saveSkuMapping, exportSkuMappings } from "@/server/services/channels/mappings";
import { pullOrders } from "@/server/services/channels/pull";
import { markShippedPlatformOrders, platformShipOrders } from "@/server/services/channels/platform-orders";
import { auditOutbound } from "@/server/services/outbound/audit";
import { shipOutbound } from "@/server/services/outbound/ship";
import { moveStock } from "@/server/services/inventory/ledger";
import { inTransaction, systemContext } from "@/server/context";
import { createAccount } from "@/server/services/channels/accounts";
import { createTestUser, keyCaller, newApiKey, sessionCaller, svcCtx, testDb } from "../helpers/db";
import { approveOnSimulator, authorizedShop, drainOutboxOf, merchantWithStock, shopifySimPerFile } from "./channels-kit";

const file = shopifySimPerFile();

const noSleep = { sleep: async () => {} };
const window = () => ({ from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000) });

describe("ship-back and stock push", () => {
  it("ships through the warehouse, pushes carrier + tracking to Shopify once, and completes on the next sync", async () => {
    const m = await merchantWithStock({ A1: "50" });
    const { shop, account } = await authorizedShop(file.sim, m);
    await saveSkuMapping(svcCtx(m.org), { accountId: account.id, platformSku: "P-A1", items: [{ sku: "A1", quantity: "1" }] });
    const o = file.sim.createOrder(shop, { lineItems: [{ sku: "P-A1", quantity: 2 }] });
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    const [po] = await testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, m.org.orgId), eq(platformOrders.accountId, account.id)));
    expect(po!.state).toBe("processed");

    // The warehouse (h2's outbound) audits and ships the system order with a tracking number.
    const ctx = svcCtx(m.org);
    const [outbound] = await testDb().select().from(outboundOrders).where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.orderId, po!.orderId!)));
    await auditOutbound(ctx, outbound!.id);
    await shipOutbound(ctx, { id: outbound!.id, carrier: "UPS", trackingNumber: "1Z999AA10123456784" });
    await drainOutboxOf(m.org.orgId);

    const snap = file.sim.snapshot(shop).orders.find((x) => x.id === o.id)!;
    expect(snap.fulfillments).toEqual([{ trackingNumber: "1Z999AA10123456784", company: "UPS" }]);
    const [after] = await testDb().select().from(platformOrders).where(eq(platformOrders.id, po!.id));
    expect(after).toMatchObject({ state: "marked_shipped", shipPushStatus: "pushed", trackingNumber: "1Z999AA10123456784" });

    // A repeated push (lost reply, manual 平台发货) finds the fulfillment and creates no second one.
    await testDb().update(platformOrders).set({ shipPushStatus: "queued", state: "processed" }).where(eq(platformOrders.id, po!.id));
    await platformShipOrders(ctx, { ids: [po!.id] });
    await drainOutboxOf(m.org.orgId);
    expect(file.sim.snapshot(shop).orders.find((x) => x.id === o.id)!.fulfillments).toHaveLength(1);

    // 001: the platform now says shipped → the next sync completes the system order.
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    const [sys] = await testDb().select().from(orders).where(eq(orders.id, po!.orderId!));
    expect(sys!.status).toBe("completed");
  });

  it("retries a ship push the platform throttles, and 转标记发货 moves without a push", async () => {
    const m = await merchantWithStock({ A1: "50" });
    const { shop, account } = await authorizedShop(file.sim, m);
    await saveSkuMapping(svcCtx(m.org), { accountId: account.id, platformSku: "P-A1", items: [{ sku: "A1", quantity: "1" }] });
    file.sim.createOrder(shop, { lineItems: [{ sku: "P-A1", quantity: 1 }] });
    file.sim.createOrder(shop, { lineItems: [{ sku: "P-A1", quantity: 1 }] });
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    const pos = await testDb().select().from(platformOrders).where(eq(platformOrders.accountId, account.id)).orderBy(platformOrders.platformOrderNo);
    await testDb().update(platformOrders).set({ carrier: "DHL", trackingNumber: "JD0001" }).where(eq(platformOrders.id, pos[0]!.id));
    file.sim.faults.set(shop, { queue: ["429"], operations: ["FulfillmentOrders"] });
    await platformShipOrders(svcCtx(m.org), { ids: [pos[0]!.id] });
    await drainOutboxOf(m.org.orgId);
    const [first] = await testDb().select().from(platformOrders).where(eq(platformOrders.id, pos[0]!.id));
    expect(first!.shipPushStatus).toBe("failed"); // retried later by the outbox, with the platform's wait
    await testDb().update(outbox).set({ availableAt: new Date() }).where(and(eq(outbox.orgId, m.org.orgId), eq(outbox.status, "pending")));
    await drainOutboxOf(m.org.orgId);
    const [again] = await testDb().select().from(platformOrders).where(eq(platformOrders.id, pos[0]!.id));
    expect(again).toMatchObject({ shipPushStatus: "pushed", state: "marked_shipped" });

    const r = await markShippedPlatformOrders(svcCtx(m.org), { ids: [pos[1]!.id] });
    expect(r.done).toEqual([pos[1]!.id]);
    const [marked] = await testDb().select().from(platformOrders).where(eq(platformOrders.id, pos[1]!.id));
    expect(marked).toMatchObject({ state: "marked_shipped", shipPushStatus: "skipped" });
  });

  it("pushes available stock to every mapped listing, a bundle as the fewest complete sets", async () => {
    const m = await merchantWithStock({ A1: "10", B1: "7" });
    const { shop, account } = await authorizedShop(file.sim, m);
    const ctx = svcCtx(m.org);
    // Listings exist on the shop (variants with inventory items).
    file.sim.store(shop).variantFor("P-A1");
    file.sim.store(shop).variantFor("P-KIT");
    await saveSkuMapping(ctx, { accountId: account.id, platformSku: "P-A1", items: [{ sku: "A1", quantity: "1" }] });
    await saveSkuMapping(ctx, { accountId: account.id, platformSku: "P-KIT", items: [{ sku: "A1", quantity: "2" }, { sku: "B1", quantity: "3" }] });
    await drainOutboxOf(m.org.orgId);
    expect(file.sim.snapshot(shop).inventory).toMatchObject({ "P-A1": 10, "P-KIT": 2 });

    // A stock change of A1 → one debounced push per listing that uses it.
    await inTransaction(ctx, (tx) => moveStock(tx, { productId: m.productIds.A1!, warehouseId: m.warehouseId, kind: "adjustment", onHandDelta: "-4", refType: "test" }));
    await inTransaction(ctx, (tx) => moveStock(tx, { productId: m.productIds.A1!, warehouseId: m.warehouseId, kind: "adjustment", onHandDelta: "-1", refType: "test" }));
    const setsBefore = file.sim.store(shop).inventorySets.length;
    await drainOutboxOf(m.org.orgId);
    expect(file.sim.snapshot(shop).inventory).toMatchObject({ "P-A1": 5, "P-KIT": 2 });
    expect(file.sim.store(shop).inventorySets.length - setsBefore).toBe(1); // P-KIT unchanged: not pushed again
    const listings = await testDb().select().from(channelListings).where(eq(channelListings.accountId, account.id));
    expect(listings.every((l) => l.lastPushStatus === "ok")).toBe(true);
  });

  it("imports mappings with per-row errors and exports them back", async () => {
    const m = await merchantWithStock({ A1: "1", B1: "1" });
    const { account } = await authorizedShop(file.sim, m);
    const ctx = svcCtx(m.org);
    const csv = [
      "平台账号,平台SKU,OMS SKU,数量",
      `${account.alias},P-ONE,A1,1`,
      `${account.alias},P-KIT,A1,2`,
      `${account.alias},P-KIT,B1,1`,
      `${account.alias},P-BAD,NOPE,1`,
      `Nobody,P-X,A1,1`,
      `${account.alias},P-QTY,A1,0.123456`,
    ].join("\n");
    const r = await importSkuMappings(ctx, { format: "csv", content: Buffer.from(csv).toString("base64"), commit: true });
    expect(r.created).toBe(2);
    expect(r.errors.map((e) => [e.row, e.column, e.ref.key])).toEqual([
      [5, "OMS SKU", "skuUnknown"],
      [6, "平台账号 Account", "accountUnknown"],
      [7, "数量 Quantity", "tooManyDecimals"],
    ]);
    const rows = await testDb().select().from(skuMappings).where(eq(skuMappings.accountId, account.id));
    expect(rows).toHaveLength(3);
    const xlsx = await exportSkuMappings(ctx, "xlsx", {});
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.rowCount).toBe(4);
  });
});

describe("OAuth and secrets", () => {
  it("keeps tokens encrypted, bound to merchant + account + purpose", async () => {
    const m = await merchantWithStock({});
    const { account } = await authorizedShop(file.sim, m);
    const [row] = await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, account.id));
    expect(row!.accessTokenEnc).not.toContain("shpat_");
    const token = openToken(row!.accessTokenEnc!, { orgId: m.org.orgId, accountId: account.id, purpose: "access_token" }, row!.tokenKeyVersion!);
    expect(token).toMatch(/^shpat_/);
    expect(() => openToken(row!.accessTokenEnc!, { orgId: m.org.orgId, accountId: account.id, purpose: "refresh_token" }, row!.tokenKeyVersion!)).toThrow();
    const tampered = row!.accessTokenEnc!.slice(0, -2) + (row!.accessTokenEnc!.endsWith("A") ? "BB" : "AA");
    expect(() => openToken(tampered, { orgId: m.org.orgId, accountId: account.id, purpose: "access_token" }, row!.tokenKeyVersion!)).toThrow();
  });

  it("refuses a bad callback signature, a replayed state, and another user's state", async () => {
    const m = await merchantWithStock({});
    const ctx = svcCtx(m.org);
    file.sim.store("oauth-checks");
    const acct = await createAccount(ctx, { platform: "shopify", alias: "OAuth", shopDomain: `oauth-${m.org.slug}`.slice(0, 50), useSimulator: true });
    const { url } = await startAuthorization(ctx, { id: acct!.id, appUrl: "http://127.0.0.1:9" });
    const q = await approveOnSimulator(url);
    const forged = new URLSearchParams(q);
    forged.set("shop", "evil.myshopify.com");
    const bad = await completeAuthorization(testDb(), { platform: "shopify", query: forged, userId: m.org.ownerId, appUrl: "http://x" });
    expect(bad.ok).toBe(false);
    // The forged attempt used the state up: the genuine one is refused too (single use).
    const replay = await completeAuthorization(testDb(), { platform: "shopify", query: q, userId: m.org.ownerId, appUrl: "http://x" });
    expect(replay).toMatchObject({ ok: false, error: "oauthStateInvalid" });

    const other = await createTestUser(m.org.orgId, "admin");
    const { url: url2 } = await startAuthorization(ctx, { id: acct!.id, appUrl: "http://127.0.0.1:9" });
    const q2 = await approveOnSimulator(url2);
    expect(await completeAuthorization(testDb(), { platform: "shopify", query: q2, userId: other, appUrl: "http://x" })).toMatchObject({ ok: false, error: "oauthStateInvalid" });
    const [row] = await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, acct!.id));
    expect(row!.status).toBe("unauthorized");
    expect(row!.lastError).toContain("signature");
  });

  it("refuses webhooks with a bad signature (401) and counts duplicates once", async () => {
    const { receiveWebhook } = await import("@/server/services/channels/webhooks");
    const body = JSON.stringify({ id: 1 });
    const headers = (sig: string) =>
      new Headers({ "x-shopify-hmac-sha256": sig, "x-shopify-topic": "orders/create", "x-shopify-shop-domain": "nobody.myshopify.com", "x-shopify-event-id": "e1", "x-shopify-webhook-id": "w1", "x-shopify-api-version": "2026-10" });
    expect((await receiveWebhook(testDb(), "shopify", headers(file.sim.signWebhook(body, "wrong")), body)).status).toBe(401);
    expect((await receiveWebhook(testDb(), "shopify", headers(file.sim.signWebhook(body)), body + " ")).status).toBe(401);
    expect((await receiveWebhook(testDb(), "shopify", headers(file.sim.signWebhook(body)), body)).status).toBe(200);
  });
});

describe("tenancy", () => {
  it("a merchant never sees another merchant's accounts, mappings or platform orders (session and API key)", async () => {
    const a = await merchantWithStock({ A1: "5" });
    const b = await merchantWithStock({ A1: "5" });
    const { shop, account } = await authorizedShop(file.sim, b);
    await saveSkuMapping(svcCtx(b.org), { accountId: account.id, platformSku: "P-A1", items: [{ sku: "A1", quantity: "1" }] });
    file.sim.createOrder(shop, { lineItems: [{ sku: "P-A1", quantity: 1 }] });
    await pullOrders(systemContext(testDb(), b.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    const [po] = await testDb().select().from(platformOrders).where(eq(platformOrders.accountId, account.id));
    const [mapping] = await testDb().select().from(skuMappings).where(eq(skuMappings.accountId, account.id));

    for (const caller of [sessionCaller(a.org.ownerId, a.org.orgId), keyCaller(await newApiKey(a.org))]) {
      expect(await caller.channels.list({})).toEqual([]);
      await expect(caller.channels.byId({ id: account.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.channels.update({ id: account.id, alias: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.channels.revoke({ id: account.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.channels.fetchOrders({ id: account.id, from: new Date(Date.now() - 3600_000), to: new Date() })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await caller.platformOrders.list({ filter: { state: "processed" } })).items).toEqual([]);
      await expect(caller.platformOrders.byId({ id: po!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.platformOrders.freeze({ ids: [po!.id] })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await caller.skuMappings.list({})).items).toEqual([]);
      await expect(caller.skuMappings.save({ accountId: account.id, platformSku: "X", items: [{ sku: "A1", quantity: "1" }] })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.skuMappings.remove({ ids: [mapping!.id] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    // B's data is intact and visible to B.
    const bCaller = sessionCaller(b.org.ownerId, b.org.orgId);
    expect(await bCaller.channels.list({})).toHaveLength(1);
    expect((await bCaller.platformOrders.list({ filter: { state: "processed" } })).items).toHaveLength(1);
    expect((await bCaller.skuMappings.list({})).items).toHaveLength(1);
  });
});

import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { channelAccounts, channelWebhookInbox, outboundOrders, platformOrders } from "@/db/schema";
import { arrangePlatformLogistics } from "@/server/services/outbound/platform-logistics";
import { getOutbound } from "@/server/services/outbound/queries";
import { shipOutbound } from "@/server/services/outbound/ship";
import { auditOutbound } from "@/server/services/outbound/audit";
import { readAttachment } from "@/server/services/orders/attachments";
import { POST as lazadaPushRoute } from "@/app/api/webhooks/lazada/route";
import { createLazadaConnector } from "@/server/channels/lazada/connector";
import { LAZADA_SIMULATOR_APP } from "@/server/channels/lazada/config";
import { ChannelError } from "@/server/channels/types";
import { systemContext } from "@/server/context";
import { accountRef, createAccount, readCredentials, withAccountCredentials } from "@/server/services/channels/accounts";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { pullOrders } from "@/server/services/channels/pull";
import { pushShipment, pushStock, shippingLabelOf } from "@/server/services/channels/sync-back";
import { startLazadaSimulator, type LazadaSimulator } from "../simulators/lazada/server";
import { closeTestDb, createTestOrg, svcCtx, testDb } from "../helpers/db";
import { drainOutboxOf, merchantWithStock, type Merchant } from "./channels-kit";

/**
 * Lazada through the channels service, against the simulator: consent page → code → token; a
 * cross-border seller's one authorization becomes one account per venture on one token pair (refreshed
 * together); pulls page by offset through faults and throttling with every order once; ship-back packs
 * with Lazada's logistics and hands the package over once; the AWB label; stock; signed pushes at
 * /api/webhooks/lazada deduplicated; forged signatures refused; merchants apart.
 */

let sim: LazadaSimulator;
const noSleep = { sleep: async () => {} };
const APP_URL = "http://127.0.0.1:9";
const DAY = 86_400_000;

beforeAll(async () => {
  process.env.DATABASE_URL ??= inject("databaseUrl");
  process.env.CHANNEL_HTTP_TIMEOUT_MS = "800";
  process.env.CHANNEL_RETRY_BASE_MS = "20";
  sim = await startLazadaSimulator();
  process.env.MANIFOLD_LAZADA_SIMULATOR_URL = sim.baseUrl;
});
afterAll(async () => {
  await sim.close();
  await closeTestDb();
});
beforeEach(() => {
  sim.faults.clear();
  sim.setCallsPerSecond(20);
});

/** The seller confirms on the (simulated) consent page, as a browser would. */
async function consent(authorizeUrl: string): Promise<URLSearchParams> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const field = (n: string) => new RegExp(`name="${n}" value="([^"]*)"`).exec(html)![1]!.replace(/&amp;/g, "&");
  const res = await fetch(new URL("/oauth/authorize", authorizeUrl), { method: "POST", body: new URLSearchParams({ redirect_uri: field("redirect_uri"), state: field("state") }), redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!).searchParams;
}

async function authorizedLazada(m: Merchant | { org: Merchant["org"] }, ventures: ("ph" | "my" | "th")[] = ["ph", "my", "th"]) {
  const sellers = sim.addSeller(ventures);
  const ctx = svcCtx(m.org);
  const account = await createAccount(ctx, { platform: "lazada", alias: `Lazada ${sellers[0]!.sellerId}`, useSimulator: true, pullMode: "manual", importEnabled: true, settings: { venture: "ph" } });
  const { url } = await startAuthorization(ctx, { id: account!.id, appUrl: APP_URL });
  expect(new URL(url).searchParams.get("client_id")).toBe(LAZADA_SIMULATOR_APP.appKey);
  const query = await consent(url);
  const outcome = await completeAuthorization(testDb(), { platform: "lazada", query, userId: m.org.ownerId, appUrl: APP_URL });
  expect(outcome).toMatchObject({ ok: true, shopName: `Seller PH` });
  return { sellers, accountId: account!.id, ph: sellers.find((s) => s.venture === "ph")! };
}

const accountsOf = (orgId: string) => testDb().select().from(channelAccounts).where(and(eq(channelAccounts.orgId, orgId), eq(channelAccounts.platform, "lazada")));
const rows = (orgId: string, accountId: string) => testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, orgId), eq(platformOrders.accountId, accountId)));
const pull = (orgId: string, accountId: string, days = 8) => pullOrders(systemContext(testDb(), orgId, "test"), { accountId, trigger: "manual", from: new Date(Date.now() - days * DAY), to: new Date() }, noSleep);

describe("Lazada authorization", () => {
  it("makes one account per venture of a cross-border seller, each with its seller id and API host, on one token pair", async () => {
    const m = await merchantWithStock({});
    const { sellers, accountId } = await authorizedLazada(m);
    const accounts = await accountsOf(m.org.orgId);
    expect(accounts).toHaveLength(3);
    const byVenture = Object.fromEntries(accounts.map((a) => [String(a.settings.venture), a]));
    for (const s of sellers) {
      expect(byVenture[s.venture]).toMatchObject({ externalShopId: s.sellerId, status: "enabled" });
      expect(byVenture[s.venture]!.baseUrl).toBe(`${sim.baseUrl}/${s.venture}/rest`);
    }
    expect(byVenture.ph!.id).toBe(accountId);
    expect(byVenture.my!.alias).toMatch(/ MY$/);
    const tokens = accounts.map((a) => readCredentials(a)!.refreshToken);
    expect(new Set(tokens).size).toBe(1);
    expect(new Set(accounts.map((a) => a.settings.authGroup)).size).toBe(1);
  });

  it("refreshes the shared token pair for every venture account, with the refresh token the last refresh returned", async () => {
    const m = await merchantWithStock({});
    const { accountId } = await authorizedLazada(m);
    const seen = new Set([readCredentials((await accountsOf(m.org.orgId))[0]!)!.refreshToken]);
    for (let round = 0; round < 2; round++) {
      sim.expireAccessTokens();
      const { run } = await pull(m.org.orgId, accountId);
      expect(run.status).toBe("ok");
      const accounts = await accountsOf(m.org.orgId);
      const pairs = new Set(accounts.map((a) => `${readCredentials(a)!.accessToken}|${readCredentials(a)!.refreshToken}`));
      expect(pairs.size).toBe(1);
      const refresh = readCredentials(accounts[0]!)!.refreshToken!;
      expect(seen.has(refresh)).toBe(false);
      seen.add(refresh);
    }
    // Another venture account works on the refreshed pair without a refresh of its own.
    const my = (await accountsOf(m.org.orgId)).find((a) => a.settings.venture === "my")!;
    await expect(withAccountCredentials(svcCtx(m.org), my, (ref, creds) => createLazadaConnector().verify({ account: ref, credentials: creds }))).resolves.toMatchObject({ shopName: "Seller MY" });
    // Withdrawn in Seller Center: the refresh is refused and the account asks to be authorized again.
    sim.revoke(my.externalShopId!);
    sim.expireAccessTokens();
    const { run } = await pull(m.org.orgId, accountId);
    expect(run.status).toBe("failed");
    expect((await accountsOf(m.org.orgId)).find((a) => a.id === accountId)).toMatchObject({ status: "token_expired" });
  });

  it("refuses a second merchant the seller the first one holds", async () => {
    const a = await merchantWithStock({});
    await authorizedLazada(a, ["ph"]);
    const b = await createTestOrg("Other merchant");
    const ctx = svcCtx(b);
    const account = await createAccount(ctx, { platform: "lazada", alias: "Same seller", useSimulator: true, pullMode: "manual", settings: { venture: "ph" } });
    const { url } = await startAuthorization(ctx, { id: account!.id, appUrl: APP_URL });
    const outcome = await completeAuthorization(testDb(), { platform: "lazada", query: await consent(url), userId: b.ownerId, appUrl: APP_URL });
    expect(outcome).toMatchObject({ ok: false, error: "shopClaimedElsewhere" });
  });
});

describe("Lazada pull", () => {
  it("pages by offset through 5xx, throttling, a timeout and a dropped connection, importing every order exactly once", async () => {
    const m = await merchantWithStock({ "SYS-TEE": "10000" });
    const { ph, accountId } = await authorizedLazada(m);
    await saveSkuMapping(svcCtx(m.org), { accountId, platformSku: "LZ-TEE", items: [{ sku: "SYS-TEE", quantity: "1" }] });
    const seeded = sim.seedOrders({ sellerId: ph.sellerId, count: 230, skus: ["LZ-TEE"], statuses: ["pending", "pending", "unpaid", "canceled", "delivered"] });
    sim.faults.add([
      { match: "/orders/get", kind: "500", times: 2 },
      { match: "/orders/get", kind: "429" },
      { match: "/orders/items/get", kind: "timeout", delayMs: 1_500 },
      { match: "/orders/items/get", kind: "reset" },
    ]);
    sim.setCallsPerSecond(3); // ApiCallLimit answers on the way: waited out, not failed
    const before = sim.stats["/orders/get"]?.requests ?? 0;
    const { run } = await pull(m.org.orgId, accountId);
    expect(run).toMatchObject({ status: "ok", fetched: 230, created: 230, failed: 0 });
    expect(sim.faults.pending()).toBe(0);
    expect(sim.stats["/orders/get"]!.requests - before).toBeGreaterThanOrEqual(3 + 3);
    const stored = await rows(m.org.orgId, accountId);
    expect(new Set(stored.map((r) => r.platformOrderId))).toEqual(new Set(seeded.map((o) => String(o.order_id))));
    // Amounts exact: units at "1,100.50" (thousands separator) each, plus shipping.
    const two = seeded.find((o) => o.items.length === 2 && o.items[0]!.paid_price === "1100.50")!;
    const row = stored.find((r) => r.platformOrderId === String(two.order_id))!;
    expect(row.totalAmount).toBe("2246.0000");
    expect(row.normalizedStatus).toBe("unshipped");
    const again = await pull(m.org.orgId, accountId);
    expect(again.run).toMatchObject({ status: "ok", created: 0 });
    expect(await rows(m.org.orgId, accountId)).toHaveLength(230);
  });

  it("refuses a call signed with the wrong secret, and stores nothing", async () => {
    const m = await merchantWithStock({});
    const { ph, accountId } = await authorizedLazada(m, ["ph"]);
    sim.seedOrders({ sellerId: ph.sellerId, count: 2, skus: ["LZ-TEE"] });
    const [account] = (await accountsOf(m.org.orgId)).filter((a) => a.id === accountId);
    const wrong = createLazadaConnector({ appKey: LAZADA_SIMULATOR_APP.appKey, appSecret: "not-the-secret" });
    const err = await wrong.listOrders({ account: accountRef(account!), credentials: readCredentials(account!)!, from: new Date(Date.now() - DAY * 8), to: new Date(), cursor: null }).catch((e) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ kind: "signature", opts: { platformCode: "IncompleteSignature" } });
    expect(await rows(m.org.orgId, accountId)).toHaveLength(0);
  });

  it("keeps merchants apart: another merchant cannot pull this merchant's Lazada account or see its orders", async () => {
    const a = await merchantWithStock({});
    const { ph, accountId } = await authorizedLazada(a, ["ph"]);
    sim.seedOrders({ sellerId: ph.sellerId, count: 3, skus: ["LZ-TEE"] });
    await pull(a.org.orgId, accountId);
    const b = await createTestOrg("Other merchant");
    expect(await rows(b.orgId, accountId)).toHaveLength(0);
    await expect(pullOrders(systemContext(testDb(), b.orgId, "test"), { accountId, trigger: "manual" }, noSleep)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("Lazada ship-back, label and stock", () => {
  it("packs with Lazada's logistics and hands the package over once, records its tracking number, serves the AWB, and pushes stock", async () => {
    const m = await merchantWithStock({ "SYS-TEE": "25" });
    const { ph, accountId } = await authorizedLazada(m, ["ph"]);
    await saveSkuMapping(svcCtx(m.org), { accountId, platformSku: "LZ-TEE", items: [{ sku: "SYS-TEE", quantity: "1" }] });
    const [o, unpacked] = sim.seedOrders({ sellerId: ph.sellerId, count: 2, skus: ["LZ-TEE"], statuses: ["pending"], unitsPerLine: 2 });
    await pull(m.org.orgId, accountId);
    const [po] = (await rows(m.org.orgId, accountId)).filter((r) => r.platformOrderId === String(o!.order_id));
    const [notYet] = (await rows(m.org.orgId, accountId)).filter((r) => r.platformOrderId === String(unpacked!.order_id));
    await expect(shippingLabelOf(svcCtx(m.org), notYet!.id)).rejects.toMatchObject({ code: "CONFLICT", messageRef: { key: "labelNotReady" } });
    expect(po!.state).toBe("processed");
    await testDb().update(platformOrders).set({ carrier: "LEX PH", trackingNumber: "OUR-123", shipPushStatus: "queued" }).where(eq(platformOrders.id, po!.id));
    sim.faults.add([{ match: "/order/package/rts", kind: "503" }]);
    const ctx = systemContext(testDb(), m.org.orgId, "test");
    const pushed = await pushShipment(ctx, po!.id);
    const packed = sim.packs.filter((p) => p.orderId === o!.order_id);
    expect(packed).toHaveLength(1);
    expect(packed[0]!.itemIds).toHaveLength(2);
    expect(pushed).toMatchObject({ pushed: po!.id, remoteId: packed[0]!.trackingNumber });
    expect(sim.orders.get(o!.order_id)!.items.map((i) => i.status)).toEqual(["ready_to_ship", "ready_to_ship"]);
    await expect(pushShipment(ctx, po!.id)).resolves.toEqual({ already: true });

    // The connector asked again (a retry after a lost answer): nothing is packed or handed over twice.
    const [account] = (await accountsOf(m.org.orgId)).filter((a) => a.id === accountId);
    const connector = createLazadaConnector();
    const again = await connector.pushShipment({ account: accountRef(account!), credentials: readCredentials(account!)!, order: { platformOrderId: String(o!.order_id), raw: null }, shipment: { carrier: "", trackingNumber: "x", lines: [] } });
    expect(again.remoteId).toBe(packed[0]!.trackingNumber);
    expect(sim.packs.filter((p) => p.orderId === o!.order_id)).toHaveLength(1);
    expect(sim.handovers.filter((h) => h.packageId === packed[0]!.packageId)).toHaveLength(1);

    const label = await connector.shippingLabel!({ account: accountRef(account!), credentials: readCredentials(account!)!, order: { platformOrderId: String(o!.order_id), raw: null } });
    expect(label.fileName).toMatch(/\.pdf$/);
    expect(label.data.subarray(0, 5).toString()).toBe("%PDF-");
    const viaService = await shippingLabelOf(svcCtx(m.org), po!.id);
    expect(viaService.data.subarray(0, 5).toString()).toBe("%PDF-");
    // Another merchant's platform order is not found.
    const other = await createTestOrg("Other merchant");
    await expect(shippingLabelOf(svcCtx(other), po!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const result = (await pushStock(ctx, accountId, "LZ-TEE")) as { pushed: number };
    expect(sim.stock.filter((s) => s.sellerId === ph.sellerId).at(-1)).toMatchObject({ sellerSku: "LZ-TEE", quantity: result.pushed });
  });
});

describe("Lazada push at /api/webhooks/lazada", () => {
  it("stores a verified push once however often Lazada retries it, and refuses a forged one", async () => {
    const m = await merchantWithStock({});
    const { ph, accountId } = await authorizedLazada(m, ["ph"]);
    const body = JSON.stringify({ seller_id: ph.sellerId, message_type: 0, data: { order_status: "pending", trade_order_id: "1", trade_order_line_id: "2", status_update_time: 1_700_000_000 }, timestamp: Date.now(), site: "lazada_ph" });
    const { createHmac } = await import("node:crypto");
    const sig = createHmac("sha256", LAZADA_SIMULATOR_APP.appSecret).update(LAZADA_SIMULATOR_APP.appKey + body).digest("hex");
    const post = (authorization: string) => lazadaPushRoute(new Request("http://127.0.0.1/api/webhooks/lazada", { method: "POST", headers: { authorization, "content-type": "application/json" }, body }));
    for (let i = 0; i < 3; i++) expect((await post(sig)).status).toBe(200);
    expect((await post(sig.replace(/^./, (c) => (c === "0" ? "1" : "0")))).status).toBe(401);
    const inbox = await testDb().select().from(channelWebhookInbox).where(and(eq(channelWebhookInbox.orgId, m.org.orgId), eq(channelWebhookInbox.accountId, accountId)));
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ topic: "trade_order", platform: "lazada" });
  });
});

describe("Lazada platform logistics (物流面单) on the outbound", () => {
  it("books the platform's carrier from the ship dialog, stores the AWB on the order, ships with that number and hands the parcel over once", async () => {
    const m = await merchantWithStock({ "SYS-TEE": "25" });
    const { ph, accountId } = await authorizedLazada(m, ["ph"]);
    const ctx = svcCtx(m.org);
    await saveSkuMapping(ctx, { accountId, platformSku: "LZ-TEE", items: [{ sku: "SYS-TEE", quantity: "1" }] });
    const [o] = sim.seedOrders({ sellerId: ph.sellerId, count: 1, skus: ["LZ-TEE"], statuses: ["pending"], unitsPerLine: 2 });
    await pull(m.org.orgId, accountId);
    const [po] = (await rows(m.org.orgId, accountId)).filter((r) => r.platformOrderId === String(o!.order_id));
    expect(po!.orderId).toBeTruthy();
    const [ob] = await testDb().select().from(outboundOrders).where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.orderId, po!.orderId!)));
    expect((await getOutbound(ctx, ob!.id)).platformLogistics).toBe("lazada");

    const booked = await arrangePlatformLogistics(ctx, ob!.id);
    const pack = sim.packs.filter((p) => p.orderId === o!.order_id);
    expect(pack).toHaveLength(1);
    expect(booked).toMatchObject({ platform: "lazada", carrier: "LEX PH", trackingNumber: pack[0]!.trackingNumber });
    const { data } = await readAttachment(ctx, booked.labelAttachmentId);
    expect(data.subarray(0, 5).toString()).toBe("%PDF-");
    // Asked again (a second click, a retry): the same booking and the same stored label.
    await expect(arrangePlatformLogistics(ctx, ob!.id)).resolves.toEqual(booked);
    expect(sim.packs.filter((p) => p.orderId === o!.order_id)).toHaveLength(1);

    await auditOutbound(ctx, ob!.id);
    await shipOutbound(ctx, { id: ob!.id, carrier: booked.carrier, trackingNumber: booked.trackingNumber });
    await drainOutboxOf(m.org.orgId);
    expect(sim.orders.get(o!.order_id)!.items.map((i) => i.status)).toEqual(["ready_to_ship", "ready_to_ship"]);
    expect(sim.packs.filter((p) => p.orderId === o!.order_id)).toHaveLength(1);
    expect(sim.handovers.filter((h) => h.packageId === pack[0]!.packageId)).toHaveLength(1);
    const [after] = await testDb().select().from(platformOrders).where(eq(platformOrders.id, po!.id));
    expect(after).toMatchObject({ shipPushStatus: "pushed", trackingNumber: booked.trackingNumber });
    // Shipped: no booking any more; and an order of a platform without platform logistics is refused.
    await expect(arrangePlatformLogistics(ctx, ob!.id)).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    const other = await createTestOrg("Other merchant");
    await expect(arrangePlatformLogistics(svcCtx(other), ob!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

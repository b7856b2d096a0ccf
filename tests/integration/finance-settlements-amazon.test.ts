import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { orderCharges, platformOrders, settlementLines, settlements } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { AMAZON_SIMULATOR_APP } from "@/server/channels/amazon/config";
import { createAmazonConnector } from "@/server/channels/amazon/connector";
import { TokenBucketLimiter } from "@/server/channels/amazon/rate-limiter";
import type { NormalizedSettlement } from "@/server/channels/types";
import { systemContext } from "@/server/context";
import { createAccount, getAccountRow, readCredentials } from "@/server/services/channels/accounts";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { pullOrders } from "@/server/services/channels/pull";
import { pullSettlements } from "@/server/services/channels/settlement-pull";
import { reconciliationSummary } from "@/server/services/finance/settlements";
import { startAmazonSimulator, type AmazonSimulator } from "../simulators/amazon/server";
import { closeTestDb, svcCtx, testDb, uid } from "../helpers/db";
import { merchantWithStock, type Merchant } from "./channels-kit";

/**
 * Amazon settlements through Finances v0: financial event groups (NextToken paging) and each group's
 * events (NextToken paging), 429 QuotaExceeded waited out at the rate Amazon names, Principal /
 * Commission / FBAPerUnitFulfillmentFee / refund lines, open groups pending and re-read until they close,
 * idempotent re-pulls, and the orders' platform fees from their settlement.
 */

let sim: AmazonSimulator;
const FAST = {
  getOrders: { rate: 50, burst: 20 },
  getOrderItems: { rate: 200, burst: 50 },
  getOrderAddress: { rate: 200, burst: 50 },
  getOrderBuyerInfo: { rate: 200, burst: 50 },
  createRestrictedDataToken: { rate: 50, burst: 10 },
  getMarketplaceParticipations: { rate: 50, burst: 10 },
  listFinancialEventGroups: { rate: 50, burst: 10 },
  listFinancialEventsByGroupId: { rate: 50, burst: 10 },
};
const noSleep = { sleep: async () => {} };
const APP_URL = "http://127.0.0.1:9";
const DAY = 86400_000;

beforeAll(async () => {
  process.env.CHANNEL_HTTP_TIMEOUT_MS = "800";
  process.env.CHANNEL_RETRY_BASE_MS = "20";
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

async function authorizedAmazon(m: Merchant) {
  const sellerId = `A7${uid().toUpperCase()}`;
  sim.addSeller({ sellerId, storeName: `Store ${sellerId}` });
  const ctx = svcCtx(m.org);
  const account = await createAccount(ctx, { platform: "amazon", alias: `Amazon ${sellerId}`, useSimulator: true, pullMode: "manual", importEnabled: true, settings: { marketplaceIds: "ATVPDKIKX0DER" } });
  const { url } = await startAuthorization(ctx, { id: account!.id, appUrl: APP_URL });
  const html = await (await fetch(url)).text();
  const form = new URLSearchParams();
  for (const x of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(x[1]!, x[2]!.replace(/&amp;/g, "&"));
  form.set("selling_partner_id", sellerId);
  const res = await fetch(new URL("/apps/authorize/consent", url), { method: "POST", body: form, redirect: "manual" });
  const outcome = await completeAuthorization(testDb(), { platform: "amazon", query: new URL(res.headers.get("location")!).searchParams, userId: m.org.ownerId, appUrl: APP_URL });
  expect(outcome).toMatchObject({ ok: true });
  return { sellerId, accountId: account!.id };
}

describe("Amazon settlements (Finances v0)", () => {
  it("pages groups and events with NextToken and waits out 429 QuotaExceeded", async () => {
    const m = await merchantWithStock({});
    const { sellerId, accountId } = await authorizedAmazon(m);
    const ids = sim.seedOrders({ sellerId, count: 5, statuses: ["Shipped"], itemsPerOrder: 1 });
    const g1 = sim.settleOrders({ sellerId, orderIds: ids.slice(0, 3), fbaFee: 3.22, start: Date.now() - 10 * DAY });
    sim.closeGroup(g1.FinancialEventGroupId);
    const g2 = sim.settleOrders({ sellerId, orderIds: ids.slice(3), start: Date.now() - 2 * DAY });
    const g3 = sim.settleOrders({ sellerId, orderIds: [], refunds: [{ orderId: ids[0]!, cents: 500 }], start: Date.now() - DAY });
    // One call at a time for the events: the second and later calls of a burst are throttled.
    sim.setRateLimits({ listFinancialEventsByGroupId: { rate: 20, burst: 1 } });
    const account = await getAccountRow(svcCtx(m.org), accountId);
    const ref = { id: account.id, orgId: account.orgId, platform: "amazon" as const, externalShopId: account.externalShopId, settings: account.settings, baseUrl: account.baseUrl };
    const connector = createAmazonConnector({ ...AMAZON_SIMULATOR_APP, pageSize: 2, limiter: new TokenBucketLimiter(), retry: { maxAttempts: 8, baseDelayMs: 10 } });
    const got: NormalizedSettlement[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await connector.listSettlements!({ account: ref, credentials: readCredentials(account)!, from: new Date(Date.now() - 5 * DAY), to: new Date(), cursor });
      got.push(...page.settlements);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3); // one group a page (groups listed two a page)
    expect(sim.stats.listFinancialEventGroups!.requests).toBeGreaterThanOrEqual(2);
    expect(sim.stats.listFinancialEventsByGroupId!.throttled).toBeGreaterThan(0);
    expect(got.map((s) => s.externalId)).toEqual([g1, g2, g3].map((g) => g.FinancialEventGroupId));
    const [s1, s2, s3] = got;
    expect(s1).toMatchObject({ status: "paid", currency: "USD" });
    expect(s2).toMatchObject({ status: "pending", receivedAmount: null });
    const sum = (s: NormalizedSettlement) => s.lines.reduce((t, l) => t.plus(l.amount), dec(0)).toFixed();
    expect(s1!.receivedAmount).toBe(sum(s1!));
    expect(s1!.lines.filter((l) => l.type === "fba_fee")).toHaveLength(3);
    expect(s1!.lines.filter((l) => l.platformType === "FBAPerUnitFulfillmentFee").every((l) => dec(l.amount).isNeg())).toBe(true);
    expect(s3!.lines.map((l) => [l.type, l.platformType]).sort()).toEqual([["commission", "Commission"], ["commission", "RefundCommission"], ["refund", "Principal"]].sort());
    expect(s3!.lines.find((l) => l.type === "refund")!.amount).toBe("-5");
  });

  it("pulls idempotently; an open group is pending until it closes; fees become the orders' platform fees", async () => {
    const m = await merchantWithStock({ "SYS-MUG": "1000" });
    const { sellerId, accountId } = await authorizedAmazon(m);
    const ctx = svcCtx(m.org);
    await saveSkuMapping(ctx, { accountId, platformSku: "AMZ-MUG", items: [{ sku: "SYS-MUG", quantity: "1" }] });
    const ids = sim.seedOrders({ sellerId, count: 2, skus: ["AMZ-MUG"], statuses: ["Unshipped"], itemsPerOrder: 1 });
    const sys = systemContext(testDb(), m.org.orgId, "test");
    await pullOrders(sys, { accountId, trigger: "manual", from: new Date(Date.now() - 8 * DAY), to: new Date() }, noSleep);
    const pos = await testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, m.org.orgId), eq(platformOrders.accountId, accountId)));
    expect(pos.every((p) => p.orderId)).toBe(true);

    const g = sim.settleOrders({ sellerId, orderIds: ids, commissionPct: 15, fbaFee: 2.5 });
    sim.faults.add([{ match: "listFinancialEventGroups", kind: "429" }, { match: "listFinancialEventsByGroupId", kind: "503" }]);
    const first = await pullSettlements(sys, { accountId, trigger: "manual", from: new Date(Date.now() - DAY), to: new Date() }, noSleep);
    expect(first.run).toMatchObject({ status: "ok", settlements: 1 });
    expect(sim.faults.pending()).toBe(0);
    let [row] = await testDb().select().from(settlements).where(and(eq(settlements.orgId, m.org.orgId), eq(settlements.externalId, g.FinancialEventGroupId)));
    expect(row).toMatchObject({ status: "pending", receivedAmount: null });

    sim.closeGroup(g.FinancialEventGroupId, { transfer: "Succeeded" });
    const second = await pullSettlements(sys, { accountId, trigger: "manual", from: new Date(Date.now() - DAY), to: new Date() }, noSleep);
    expect(second.run).toMatchObject({ status: "ok", settlements: 1, lines: first.run.lines });
    [row] = await testDb().select().from(settlements).where(and(eq(settlements.orgId, m.org.orgId), eq(settlements.externalId, g.FinancialEventGroupId)));
    // Hand-computed from the simulator's orders: principal − 15 % commission − 2.50 × quantity, per order.
    let expected = dec(0);
    const feeOf = new Map<string, string>();
    for (const id of ids) {
      const item = sim.orders.get(id)!.items[0]!;
      const principal = dec(item.ItemPrice.Amount);
      const commission = principal.times(0.15).toDecimalPlaces(2);
      const fba = dec(2.5).times(item.QuantityOrdered);
      expected = expected.plus(principal).minus(commission).minus(fba);
      feeOf.set(id, commission.plus(fba).toFixed(4));
    }
    expect(row).toMatchObject({ status: "paid", expectedAmount: expected.toFixed(4), receivedAmount: expected.toFixed(4) });
    expect(await testDb().select().from(settlementLines).where(and(eq(settlementLines.orgId, m.org.orgId), eq(settlementLines.settlementId, row!.id)))).toHaveLength(first.run.lines);
    for (const po of pos) {
      const charges = await testDb().select().from(orderCharges).where(and(eq(orderCharges.orgId, m.org.orgId), eq(orderCharges.orderId, po.orderId!)));
      expect(charges.map((c) => [c.kind, c.source, c.currency, c.amount])).toEqual([["platform_fee", "settlement", "USD", feeOf.get(po.platformOrderId)]]);
    }
    const summary = await reconciliationSummary(ctx, { accountId });
    expect(summary.currencies).toEqual([{ currency: "USD", settlements: 1, expected: expected.toFixed(), received: expected.toFixed(), outstanding: "0", difference: "0", mismatched: 0 }]);
  });
});

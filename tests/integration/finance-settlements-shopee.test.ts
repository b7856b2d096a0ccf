import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { orderCharges, platformOrders, settlementLines, settlements } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { createShopeeConnector } from "@/server/channels/shopee/connector";
import { SHOPEE_SIMULATOR_PARTNER } from "@/server/channels/shopee/config";
import { ChannelError, type NormalizedSettlement } from "@/server/channels/types";
import { systemContext } from "@/server/context";
import { createAccount, getAccountRow, readCredentials } from "@/server/services/channels/accounts";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { pullOrders } from "@/server/services/channels/pull";
import { claimDueSettlementPulls, pullSettlements, settlementIntervalMinutes, startSettlementPull, executeSettlementPull } from "@/server/services/channels/settlement-pull";
import { channelAccounts } from "@/db/schema";
import { addOrderCharge } from "@/server/services/finance/charges";
import { orderProfit } from "@/server/services/finance/profit";
import { listOrdersMissingSettlement, reconciliationSummary } from "@/server/services/finance/settlements";
import { startShopeeSimulator, type ShopeeSimulator } from "../simulators/shopee/server";
import { closeTestDb, svcCtx, testDb } from "../helpers/db";
import { merchantWithStock, type Merchant } from "./channels-kit";

/**
 * Shopee settlements: get_escrow_list (release window, page_no paging) + get_escrow_detail per order,
 * signed like every shop call and throttled by the simulator's per-shop limit; stored idempotently,
 * attached to the pulled orders, their fees written as the orders' platform-fee charges (replacing the
 * typed-in estimate), and reconciled (expected = the lines, received = payout_amount).
 */

let sim: ShopeeSimulator;
const noSleep = { sleep: async () => {} };
const APP_URL = "http://127.0.0.1:9";
const DAY = 86400_000;
let shopSeq = 700_000 + Math.floor(Math.random() * 90_000) * 100;

beforeAll(async () => {
  process.env.DATABASE_URL ??= inject("databaseUrl");
  process.env.CHANNEL_HTTP_TIMEOUT_MS = "800";
  process.env.CHANNEL_RETRY_BASE_MS = "20";
  sim = await startShopeeSimulator();
  process.env.MANIFOLD_SHOPEE_SIMULATOR_URL = sim.baseUrl;
});
afterAll(async () => {
  await sim.close();
  await closeTestDb();
});
beforeEach(() => {
  sim.faults.clear();
  sim.setRateLimit();
});

async function authorizedShopee(m: Merchant) {
  const shopId = ++shopSeq;
  sim.addShop({ shopId, shopName: `Shopee ${shopId}` });
  const ctx = svcCtx(m.org);
  const account = await createAccount(ctx, { platform: "shopee", alias: `Shopee ${shopId}`, useSimulator: true, pullMode: "manual", importEnabled: true });
  const { url } = await startAuthorization(ctx, { id: account!.id, appUrl: APP_URL });
  const html = await (await fetch(url)).text();
  const redirect = /name="redirect" value="([^"]*)"/.exec(html)![1]!.replace(/&amp;/g, "&");
  const res = await fetch(new URL("/api/v2/shop/auth_partner", url), { method: "POST", body: new URLSearchParams({ redirect, shop_id: String(shopId) }), redirect: "manual" });
  const query = new URL(res.headers.get("location")!).searchParams;
  const outcome = await completeAuthorization(testDb(), { platform: "shopee", query, userId: m.org.ownerId, appUrl: APP_URL });
  expect(outcome).toMatchObject({ ok: true });
  return { shopId, accountId: account!.id };
}

const cents = (c: number) => dec(c).div(100).toFixed();

describe("Shopee settlements", () => {
  it("the connector pages get_escrow_list, waits out error_rate_limit, and splits order_income into lines that sum to escrow_amount", async () => {
    const m = await merchantWithStock({});
    const { shopId, accountId } = await authorizedShopee(m);
    const sns = sim.seedOrders({ shopId, count: 5, statuses: ["COMPLETED"], createdFrom: Date.now() - 5 * DAY, createdTo: Date.now() - DAY });
    const t0 = Math.floor(Date.now() / 1000) - 3600;
    sns.forEach((sn, i) => sim.releaseEscrow(sn, { releaseTime: t0 + i, shippingRebate: 1.5, actualShipping: 4, buyerPaidShipping: 2 }));
    const account = await getAccountRow(svcCtx(m.org), accountId);
    const ref = { id: account.id, orgId: account.orgId, platform: "shopee" as const, externalShopId: account.externalShopId, settings: {}, baseUrl: account.baseUrl };
    const credentials = readCredentials(account)!;
    // Page size 2 and a per-shop limit of 3 calls a second: five escrows take three pages and some throttling.
    sim.setRateLimit({ perShopPerSecond: 3 });
    const connector = createShopeeConnector({ ...SHOPEE_SIMULATOR_PARTNER, pageSize: 2, retry: { rateLimitWaitMs: 200 } });
    const before = sim.stats["payment.get_escrow_list"]?.requests ?? 0;
    const got: NormalizedSettlement[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await connector.listSettlements!({ account: ref, credentials, from: new Date((t0 - 60) * 1000), to: new Date(), cursor });
      got.push(...page.settlements);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(sim.stats["payment.get_escrow_list"]!.requests - before).toBeGreaterThanOrEqual(3);
    expect(sim.stats["payment.get_escrow_detail"]!.throttled + sim.stats["payment.get_escrow_list"]!.throttled + (sim.stats["order.get_order_detail"]?.throttled ?? 0)).toBeGreaterThan(0);
    expect(got.map((s) => s.externalId)).toEqual(sns);
    for (const s of got) {
      const e = sim.escrows.get(s.externalId)!;
      expect(s.currency).toBe("SGD");
      expect(s.receivedAmount).toBe(cents(e.escrow));
      const sum = s.lines.reduce((t, l) => t.plus(l.amount), dec(0));
      expect(sum.toFixed()).toBe(cents(e.escrow));
      const byType = Object.fromEntries(s.lines.map((l) => [l.type, l.amount]));
      expect(byType).toMatchObject({ commission: cents(-e.commission), service_fee: cents(-e.service), transaction_fee: cents(-e.transaction), shipping_subsidy: "1.5", shipping_fee: "-2" });
    }

    // A wrong partner key is Shopee's error_sign, a signature error (never retried).
    const forged = createShopeeConnector({ partnerId: SHOPEE_SIMULATOR_PARTNER.partnerId, partnerKey: "00".repeat(32) });
    await expect(forged.listSettlements!({ account: ref, credentials, from: new Date((t0 - 60) * 1000), to: new Date(), cursor: null })).rejects.toSatisfy(
      (e: unknown) => e instanceof ChannelError && e.kind === "signature" && e.opts.platformCode === "error_sign",
    );
  });

  it("pulls through the settlement machinery idempotently, attaches orders, and the settled fees replace the typed-in platform fee in profit", async () => {
    const m = await merchantWithStock({ "SYS-TEE": "1000" });
    const { shopId, accountId } = await authorizedShopee(m);
    const ctx = svcCtx(m.org);
    await saveSkuMapping(ctx, { accountId, platformSku: "SHP-TEE", items: [{ sku: "SYS-TEE", quantity: "1" }] });
    const sns = sim.seedOrders({ shopId, count: 4, skus: ["SHP-TEE"], statuses: ["READY_TO_SHIP"], createdFrom: Date.now() - 6 * DAY, createdTo: Date.now() - 2 * DAY });
    const sys = systemContext(testDb(), m.org.orgId, "test");
    const pulled = await pullOrders(sys, { accountId, trigger: "manual", from: new Date(Date.now() - 7 * DAY), to: new Date() }, noSleep);
    expect(pulled.run).toMatchObject({ status: "ok", created: 4 });
    const pos = await testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, m.org.orgId), eq(platformOrders.accountId, accountId)));
    const orderOf = new Map(pos.map((p) => [p.platformOrderId, p.orderId!]));
    expect([...orderOf.values()].every(Boolean)).toBe(true);

    // A typed-in estimate on the first order, and its freight (which a settlement does not replace).
    const first = orderOf.get(sns[0]!)!;
    await addOrderCharge(ctx, { orderId: first, kind: "platform_fee", currency: "SGD", amount: "9.99" });
    await addOrderCharge(ctx, { orderId: first, kind: "freight", currency: "SGD", amount: "3" });

    // Three of the four are completed and released; the fourth stays unsettled; a fifth escrow names an order never pulled.
    for (const sn of sns.slice(0, 3)) sim.setStatus(sn, "COMPLETED", { push: false });
    sns.slice(0, 3).forEach((sn, i) => sim.releaseEscrow(sn, { releaseTime: Math.floor(Date.now() / 1000) - 600 + i, refund: i === 2 ? 1 : 0 }));
    const [stray] = sim.seedOrders({ shopId, count: 1, statuses: ["COMPLETED"], createdFrom: Date.now() - 90 * DAY, createdTo: Date.now() - 89 * DAY });
    sim.releaseEscrow(stray!, { releaseTime: Math.floor(Date.now() / 1000) - 300 });
    sim.faults.add([{ match: "payment.get_escrow_detail", kind: "500" }, { match: "payment.get_escrow_list", kind: "429" }]);

    const one = await pullSettlements(sys, { accountId, trigger: "manual", from: new Date(Date.now() - DAY), to: new Date() }, noSleep);
    expect(one.run).toMatchObject({ status: "ok", settlements: 4, lines: expect.any(Number) });
    expect(sim.faults.pending()).toBe(0); // the 500 and the 429 were retried by the Shopee client
    const two = await pullSettlements(sys, { accountId, trigger: "manual", from: new Date(Date.now() - DAY), to: new Date() }, noSleep);
    expect(two.run).toMatchObject({ status: "ok", settlements: 4, lines: one.run.lines });

    const stored = await testDb().select().from(settlements).where(and(eq(settlements.orgId, m.org.orgId), eq(settlements.accountId, accountId)));
    expect(stored).toHaveLength(4); // a re-pull never doubles
    const lines = await testDb().select().from(settlementLines).where(eq(settlementLines.orgId, m.org.orgId));
    expect(lines).toHaveLength(one.run.lines);
    for (const s of stored) {
      const e = sim.escrows.get(s.externalId)!;
      expect(s).toMatchObject({ currency: "SGD", status: "paid", receivedAmount: dec(cents(e.escrow)).toFixed(4), expectedAmount: dec(cents(e.escrow)).toFixed(4) });
    }
    for (const l of lines) {
      if (l.platformOrderId === stray) expect(l.orderId).toBeNull();
      else expect(l.orderId).toBe(orderOf.get(l.platformOrderId));
    }

    // The first order's platform fee is now the settlement's: commission + service + transaction fee; freight kept.
    const e0 = sim.escrows.get(sns[0]!)!;
    const charges = await testDb().select().from(orderCharges).where(and(eq(orderCharges.orgId, m.org.orgId), eq(orderCharges.orderId, first)));
    expect(charges.map((c) => [c.kind, c.source, c.amount]).sort()).toEqual(
      [
        ["freight", "manual", "3.0000"],
        ["platform_fee", "settlement", dec(e0.commission + e0.service + e0.transaction).div(100).toFixed(4)],
      ].sort(),
    );
    const profit = await orderProfit(ctx, first);
    expect(JSON.stringify(profit)).toContain(dec(e0.commission + e0.service + e0.transaction).div(100).toFixed(2));

    // Reconciliation: all paid as expected; one line names no pulled order; the unsettled order is missing.
    const summary = await reconciliationSummary(ctx, { accountId });
    const total = [...sim.escrows.values()].filter((e) => e.shopId === shopId).reduce((t, e) => t + e.escrow, 0);
    expect(summary.currencies).toEqual([{ currency: "SGD", settlements: 4, expected: cents(total), received: cents(total), outstanding: "0", difference: "0", mismatched: 0 }]);
    expect(summary.unmatchedLines.count).toBeGreaterThan(0);
    sim.setStatus(sns[3]!, "SHIPPED", { push: false });
    await pullOrders(sys, { accountId, trigger: "manual", from: new Date(Date.now() - 7 * DAY), to: new Date() }, noSleep);
    const missing = await listOrdersMissingSettlement(ctx, { accountId });
    expect(missing.items.map((o) => o.platformOrderId)).toEqual([sns[3]]);
  });

  it("is scheduled per account with its own cursor, and a failing account backs off like order pulls", async () => {
    const m = await merchantWithStock({});
    const { shopId, accountId } = await authorizedShopee(m);
    const [sn] = sim.seedOrders({ shopId, count: 1, statuses: ["COMPLETED"] });
    sim.releaseEscrow(sn!, { releaseTime: Math.floor(Date.now() / 1000) - 120 });
    await testDb().update(channelAccounts).set({ pullMode: "auto", settlementNextPullAt: null }).where(and(eq(channelAccounts.orgId, m.org.orgId), eq(channelAccounts.id, accountId)));
    const due = await claimDueSettlementPulls(testDb(), ["shopee"]);
    expect(due).toContainEqual({ id: accountId, orgId: m.org.orgId });
    // Claimed one interval ahead: a second tick does not send it again.
    expect((await claimDueSettlementPulls(testDb(), ["shopee"])).map((a) => a.id)).not.toContain(accountId);

    const sys = systemContext(testDb(), m.org.orgId, "test");
    const account = async () => (await testDb().select().from(channelAccounts).where(and(eq(channelAccounts.orgId, m.org.orgId), eq(channelAccounts.id, accountId))))[0]!;
    const scheduled = await startSettlementPull(sys, { accountId, trigger: "schedule" });
    // The first scheduled pull reads 30 days (+ the overlap) back; a second trigger meanwhile joins it.
    expect(Date.now() - scheduled.run.windowFrom.getTime()).toBeGreaterThanOrEqual(33 * DAY - 60_000);
    expect((await startSettlementPull(sys, { accountId, trigger: "manual" })).joined).toBe(true);
    const ok = await executeSettlementPull(sys, scheduled.run.id, noSleep);
    expect(ok).toMatchObject({ status: "ok", settlements: 1 });
    let a = await account();
    expect(a.settlementCursor?.getTime()).toBe(scheduled.run.windowTo.getTime());
    expect(a.lastSettlementPullSummary).toEqual({ key: "settlementsDone", params: { settlements: 1, lines: expect.any(Number) } });
    expect(a.settlementNextPullAt!.getTime() - ok.finishedAt!.getTime()).toBe(settlementIntervalMinutes() * 60_000);
    // The next scheduled window starts at the cursor less the overlap (3 days).
    const next = await startSettlementPull(sys, { accountId, trigger: "schedule" });
    expect(next.run.windowFrom.getTime()).toBe(a.settlementCursor!.getTime() - 3 * DAY);

    // Failing: every escrow-list call answers 500 (more than the client's and the pull's retries).
    sim.faults.add([{ match: "payment.get_escrow_list", kind: "500", times: 1000 }]);
    const delays: number[] = [];
    let run = await executeSettlementPull(sys, next.run.id, noSleep);
    for (let i = 0; i < 3; i++) {
      expect(run.status).toBe("failed");
      a = await account();
      delays.push(Math.round((a.settlementNextPullAt!.getTime() - run.finishedAt!.getTime()) / 60_000));
      if (i < 2) run = await executeSettlementPull(sys, (await startSettlementPull(sys, { accountId, trigger: "schedule" })).run.id, noSleep);
    }
    // pullRetryDelayMinutes: min(interval, 5) for the first two failures, then doubling from the third.
    expect(delays).toEqual([5, 5, 10]);
    expect(a.lastSettlementPullSummary).toMatchObject({ key: "failed", params: { reason: "upstream", failures: 3 } });
    expect(a.settlementCursor?.getTime()).toBe(scheduled.run.windowTo.getTime()); // a failed window never moves the cursor
    sim.faults.clear();
  });
});

import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orderCharges, platformOrders, settlements } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { systemContext } from "@/server/context";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { pullOrders } from "@/server/services/channels/pull";
import { pullSettlements } from "@/server/services/channels/settlement-pull";
import { getSettlement, reconciliationSummary } from "@/server/services/finance/settlements";
import { svcCtx, testDb } from "../helpers/db";
import { authorizedShop, merchantWithStock, shopifySimPerFile } from "./channels-kit";

/**
 * Shopify settlements: Shopify Payments payouts (one a page here) and each payout's balance transactions
 * over Admin GraphQL against the simulator's schema; THROTTLED and 429 retried; charges, refunds and the
 * processing fee as lines; re-pulls never double; fees become the orders' platform fees.
 */

const file = shopifySimPerFile();
const noSleep = { sleep: async () => {} };
const DAY = 86400_000;

describe("Shopify settlements (Shopify Payments payouts)", () => {
  it("pages payouts, retries THROTTLED and 429, stores charges, refunds and fees once, and reconciles them", async () => {
    const { sim } = file;
    const m = await merchantWithStock({ A1: "100" });
    const { shop, account } = await authorizedShop(sim, m, { pageSize: 1 });
    const ctx = svcCtx(m.org);
    await saveSkuMapping(ctx, { accountId: account.id, platformSku: "P-A", items: [{ sku: "A1", quantity: "1" }] });
    const o1 = sim.createOrder(shop, { lineItems: [{ sku: "P-A", quantity: 2, price: "25.00" }], financialStatus: "PAID" });
    const o2 = sim.createOrder(shop, { lineItems: [{ sku: "P-A", quantity: 1, price: "19.99" }], financialStatus: "PAID" });
    const sys = systemContext(testDb(), m.org.orgId, "test");
    await pullOrders(sys, { accountId: account.id, trigger: "manual", from: new Date(Date.now() - DAY), to: new Date(Date.now() + 60_000) }, noSleep);
    const pos = await testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, m.org.orgId), eq(platformOrders.accountId, account.id)));
    expect(pos).toHaveLength(2);
    const orderOf = (o: { id: number }) => pos.find((p) => p.platformOrderId === `gid://shopify/Order/${o.id}`)!.orderId!;

    // Hand-computed: 50.00 − (2.9 % of 50.00 = 1.45 + 0.30) = 48.25; 19.99 − (0.58 + 0.30) = 19.11 (0.57971 → 0.58);
    // the second payout refunds 5.00 of the first order and is still in transit.
    const p1 = sim.payout(shop, { orderIds: [o1.id, o2.id], issuedAt: new Date(Date.now() - 3600_000) });
    const p2 = sim.payout(shop, { orderIds: [], refunds: [{ orderId: o1.id, amount: "5.00" }], status: "IN_TRANSIT", issuedAt: new Date(Date.now() - 600_000) });
    expect([p1.net, p2.net]).toEqual(["67.36", "-5.00"]);
    sim.faults.set(shop, { queue: ["throttle", "429"], operations: ["Payouts", "BalanceTransactions"] });

    const window = { from: new Date(Date.now() - DAY), to: new Date() };
    const one = await pullSettlements(sys, { accountId: account.id, trigger: "manual", ...window }, noSleep);
    expect(one.run).toMatchObject({ status: "ok", pages: 2, settlements: 2, lines: 5 });
    expect(one.run.retries).toBeGreaterThanOrEqual(1);
    const two = await pullSettlements(sys, { accountId: account.id, trigger: "manual", ...window }, noSleep);
    expect(two.run).toMatchObject({ status: "ok", settlements: 2, lines: 5 });

    const rows = await testDb().select().from(settlements).where(and(eq(settlements.orgId, m.org.orgId), eq(settlements.accountId, account.id)));
    expect(rows).toHaveLength(2);
    const paid = rows.find((r) => r.externalId === `gid://shopify/ShopifyPaymentsPayout/${p1.id}`)!;
    const transit = rows.find((r) => r.externalId === `gid://shopify/ShopifyPaymentsPayout/${p2.id}`)!;
    expect(paid).toMatchObject({ status: "paid", currency: "USD", expectedAmount: "67.3600", receivedAmount: "67.3600" });
    expect(transit).toMatchObject({ status: "pending", expectedAmount: "-5.0000", receivedAmount: null });
    const detail = await getSettlement(ctx, paid.id);
    expect(detail.lines.map((l) => [l.type, l.amount, l.orderId]).sort()).toEqual(
      [
        ["sale", "50.0000", orderOf(o1)],
        ["transaction_fee", "-1.7500", orderOf(o1)],
        ["sale", "19.9900", orderOf(o2)],
        ["transaction_fee", "-0.8800", orderOf(o2)],
      ].sort(),
    );
    const fee = async (o: { id: number }) =>
      (await testDb().select().from(orderCharges).where(and(eq(orderCharges.orgId, m.org.orgId), eq(orderCharges.orderId, orderOf(o))))).map((c) => [c.kind, c.source, c.amount]);
    expect(await fee(o1)).toEqual([["platform_fee", "settlement", "1.7500"]]);
    expect(await fee(o2)).toEqual([["platform_fee", "settlement", "0.8800"]]);

    // Expected 67.36 − 5.00 = 62.36 over both; received 67.36 (the paid one); outstanding −5.00 in transit.
    const summary = await reconciliationSummary(ctx, { accountId: account.id });
    expect(summary.currencies).toEqual([{ currency: "USD", settlements: 2, expected: "62.36", received: "67.36", outstanding: "-5", difference: "0", mismatched: 1 }]);
    const mismatched = await reconciliationSummary(ctx, { accountId: account.id, mismatch: true });
    expect(mismatched.currencies[0]).toMatchObject({ settlements: 1, expected: "-5" });
    expect(dec(summary.currencies[0]!.expected).eq(dec(p1.net).plus(p2.net))).toBe(true);
  });
});

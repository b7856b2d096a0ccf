import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { channelAccounts, orderCharges, platformOrders, settlementLines, settlements } from "@/db/schema";
import { addOrderCharge } from "@/server/services/finance/charges";
import { listOrderProfit } from "@/server/services/finance/profit";
import { setExchangeRate } from "@/server/services/finance/rates";
import { importSettlements, listOrdersMissingSettlement, listSettlements, listUnmatchedLines, reconciliationSummary } from "@/server/services/finance/settlements";
import { createConvertedOrder } from "@/server/services/orders/create-order";
import { closeTestDb, createTestUser, keyCaller, newApiKey, sessionCaller, testDb } from "../helpers/db";
import { orderMerchant, simpleOrder, type OrderMerchant } from "./orders-fixtures";

/**
 * Settlement files (all or nothing per file, every row's errors listed), re-import idempotent, lines
 * attached by platform order id, fees into order charges, the reconciliation lists and totals checked
 * against hand-computed figures, and the finance.settlements router: permissions and other merchants.
 */

afterAll(closeTestDb);
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const HEADER = "平台 Platform,结算单号 Payout ID,结算日期 Payout date,币种 Currency,到账金额 Received,平台订单号 Platform order ID,类型 Type,金额 Amount,明细编号 Line ID,说明 Description";

/** A Lazada shop (no connector): its platform orders as a file-only platform would have them. */
async function lazadaMerchant() {
  const m = await orderMerchant();
  const db = testDb();
  const [account] = await db.insert(channelAccounts).values({ orgId: m.org.orgId, platform: "lazada", alias: "Lazada MY", baseUrl: "http://127.0.0.1:1" }).returning();
  const po = async (id: string, status: "completed" | "unshipped", at: string) =>
    (
      await db
        .insert(platformOrders)
        .values({ orgId: m.org.orgId, accountId: account!.id, platform: "lazada", platformOrderId: id, platformOrderNo: id, platformStatus: "delivered", normalizedStatus: status, currency: "MYR", platformCreatedAt: new Date(at), platformUpdatedAt: new Date(at), raw: {} })
        .returning()
    )[0]!;
  const lz1 = await po("LZ-1", "completed", "2026-10-28T08:00:00Z");
  const lz2 = await po("LZ-2", "completed", "2026-10-29T08:00:00Z");
  await po("LZ-3", "unshipped", "2026-10-30T08:00:00Z");
  const order = await createConvertedOrder(m.ctx, { ...simpleOrder(), platformOrderId: lz1.id });
  // What the conversion does (convert-single): the platform order points at its system order.
  await db.update(platformOrders).set({ orderId: order.id, state: "processed" }).where(and(eq(platformOrders.orgId, m.org.orgId), eq(platformOrders.id, lz1.id)));
  return { m, account: account!, lz1, lz2, order };
}

const GOOD = [
  HEADER,
  "lazada,LZ-P1,2026-11-01,MYR,80.50,LZ-1,sale,100.00,,goods",
  "lazada,LZ-P1,,,,LZ-1,佣金,-12.30,,",
  "lazada,LZ-P1,,,,LZ-1,transaction_fee,-2.20,,",
  "lazada,LZ-P1,,,,LZ-404,sale,5.00,,",
  "lazada,LZ-P1,,,,LZ-404,commission,-0.50,,",
  "lazada,LZ-P1,,,,,adjustment,-9.50,ADJ-7,storage fee",
  "lazada,LZ-P2,2026-11-08,MYR,,LZ-1,refund,-10.00,,",
].join("\n");

async function settlementCount(m: OrderMerchant) {
  const [r] = await testDb().select({ n: sql<number>`count(*)::int` }).from(settlements).where(eq(settlements.orgId, m.org.orgId));
  return r!.n;
}

describe("settlement files and reconciliation", () => {
  it("refuses a file with any bad row (all listed, nothing written), imports a good one once, and reconciles it", async () => {
    const { m, lz1, lz2, order } = await lazadaMerchant();
    await addOrderCharge(m.ctx, { orderId: order.id, kind: "platform_fee", currency: "MYR", amount: "20" });
    await setExchangeRate(m.ctx, { rateDate: "2020-01-01", currency: "MYR", rate: "1.5" });
    const feeInProfit = async () => (await listOrderProfit(m.ctx, {})).items.find((r) => r.orderId === order.id)?.platformFees;
    expect(await feeInProfit()).toBe("30.00"); // the typed-in 20 MYR × 1.5
    const bad = [
      HEADER,
      "lazada,LZ-P1,2026-11-01,MYR,80.50,LZ-1,sale,100.00,,",
      "lazada,LZ-P1,,,,LZ-1,bogus,-12.30,,",
      "lazada,LZ-P1,,USD,,LZ-1,commission,-1.23456,,",
      "Lazada Shop!,LZ-P9,2026-11-01,MYR,,LZ-1,sale,1,,",
      "lazada,LZ-P8,,MYR,,LZ-1,sale,1,,",
    ].join("\n");
    const refused = await importSettlements(m.ctx, { format: "csv", content: b64(bad), commit: true });
    expect(refused).toMatchObject({ committed: false, totalRows: 5, errorRows: 4, created: 0 });
    expect(refused.errors.map((e) => [e.row, e.ref.key])).toEqual([
      [3, "settlementTypeUnknown"],
      [4, "tooManyDecimals"],
      [5, "platformUnknown"],
      [6, "required"],
    ]);
    expect(await settlementCount(m)).toBe(0);
    // The currency disagreement is found once the amount is right.
    const disagree = await importSettlements(m.ctx, { format: "csv", content: b64([HEADER, "lazada,LZ-P1,2026-11-01,MYR,,LZ-1,sale,1,,", "lazada,LZ-P1,,USD,,LZ-1,commission,-1,,"].join("\n")), commit: true });
    expect(disagree.errors.map((e) => [e.row, e.column, e.ref.key])).toEqual([[3, "币种 Currency", "settlementRowDisagrees"]]);
    expect(await settlementCount(m)).toBe(0);

    const preview = await importSettlements(m.ctx, { format: "csv", content: b64(GOOD) });
    expect(preview).toMatchObject({ committed: false, errorRows: 0, validRows: 7 });
    expect(await settlementCount(m)).toBe(0);
    const done = await importSettlements(m.ctx, { format: "csv", content: b64(GOOD), commit: true });
    expect(done).toMatchObject({ committed: true, created: 2, updated: 0, errors: [] });
    const again = await importSettlements(m.ctx, { format: "csv", content: b64(GOOD), commit: true });
    expect(again).toMatchObject({ committed: true, created: 0, updated: 2 });
    const [lines] = await testDb().select({ n: sql<number>`count(*)::int` }).from(settlementLines).where(eq(settlementLines.orgId, m.org.orgId));
    expect(lines!.n).toBe(7);

    // LZ-P1: 100 − 12.30 − 2.20 + 5 − 0.50 − 9.50 = 80.50 = received. LZ-P2: −10, not paid yet.
    const list = await listSettlements(m.ctx, {});
    expect(list.items.map((s) => [s.externalId, s.expectedAmount, s.receivedAmount, s.difference, s.status, s.lineCount, s.unmatchedLines])).toEqual([
      ["LZ-P2", "-10.0000", null, null, "pending", 1, 0],
      ["LZ-P1", "80.5000", "80.5000", "0.0000", "paid", 6, 2],
    ]);
    const page1 = await listSettlements(m.ctx, { limit: 1 });
    const page2 = await listSettlements(m.ctx, { limit: 1, cursor: page1.nextCursor });
    expect([page1.items[0]!.externalId, page2.items[0]!.externalId, page2.nextCursor]).toEqual(["LZ-P2", "LZ-P1", null]);
    expect((await listSettlements(m.ctx, { mismatch: true })).items.map((s) => s.externalId)).toEqual(["LZ-P2"]);
    expect((await listSettlements(m.ctx, { from: "2026-11-05" })).items.map((s) => s.externalId)).toEqual(["LZ-P2"]);

    const summary = await reconciliationSummary(m.ctx, {});
    expect(summary).toEqual({
      currencies: [{ currency: "MYR", settlements: 2, expected: "70.5", received: "80.5", outstanding: "-10", difference: "0", mismatched: 1 }],
      unmatchedLines: { count: 2, capped: false },
      ordersMissing: { count: 1, capped: false },
    });
    expect((await listUnmatchedLines(m.ctx, {})).items.map((l) => [l.platformOrderId, l.type, l.amount]).sort()).toEqual([
      ["LZ-404", "commission", "-0.5000"],
      ["LZ-404", "sale", "5.0000"],
    ]);
    expect((await listOrdersMissingSettlement(m.ctx, {})).items.map((o) => o.id)).toEqual([lz2.id]);

    // The settled fees (12.30 commission + 2.20 transaction fee) replaced the typed-in 20 on LZ-1's order.
    const charges = await testDb().select().from(orderCharges).where(and(eq(orderCharges.orgId, m.org.orgId), eq(orderCharges.orderId, order.id)));
    expect(charges.map((c) => [c.kind, c.source, c.currency, c.amount])).toEqual([["platform_fee", "settlement", "MYR", "14.5000"]]);
    // …and order profit (the stored figures) follows: 14.50 MYR × 1.5 = 21.75 CNY.
    expect(await feeInProfit()).toBe("21.75");
    const attached = await testDb().select().from(settlementLines).where(and(eq(settlementLines.orgId, m.org.orgId), eq(settlementLines.platformOrderRef, lz1.id)));
    expect(attached).toHaveLength(4);
    expect(attached.every((l) => l.orderId === order.id)).toBe(true);
  });

  it("the router: finance roles only, and a merchant never sees another's settlements", async () => {
    const { m, account } = await lazadaMerchant();
    await importSettlements(m.ctx, { format: "csv", content: b64(GOOD), commit: true });
    const [own] = await testDb().select().from(settlements).where(eq(settlements.orgId, m.org.orgId)).limit(1);
    const finance = sessionCaller(await createTestUser(m.org.orgId, "finance"), m.org.orgId);
    expect((await finance.finance.settlements.list({})).items).toHaveLength(2);
    const warehouse = sessionCaller(await createTestUser(m.org.orgId, "warehouse"), m.org.orgId);
    await expect(warehouse.finance.settlements.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(warehouse.finance.settlements.import({ format: "csv", content: b64(GOOD), commit: true })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const other = await orderMerchant();
    const otherOwner = sessionCaller(other.org.ownerId, other.org.orgId);
    const otherKey = keyCaller(await newApiKey(other.org, "admin"));
    for (const caller of [otherOwner, otherKey]) {
      expect((await caller.finance.settlements.list({})).items).toEqual([]);
      expect(await caller.finance.settlements.summary({})).toEqual({ currencies: [], unmatchedLines: { count: 0, capped: false }, ordersMissing: { count: 0, capped: false } });
      expect((await caller.finance.settlements.unmatched({})).items).toEqual([]);
      expect((await caller.finance.settlements.missing({})).items).toEqual([]);
      await expect(caller.finance.settlements.byId({ id: own!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.finance.settlements.pull({ id: account.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await caller.finance.settlements.list({ accountId: account.id })).items).toEqual([]);
    }
    // Their own import of the same payout ids is theirs alone.
    await importSettlements(other.ctx, { format: "csv", content: b64(GOOD), commit: true });
    // (no platform orders there: every line that names an order is unmatched)
    expect((await otherOwner.finance.settlements.list({})).items.map((s) => s.unmatchedLines)).toEqual([1, 5]);
    expect((await finance.finance.settlements.list({})).items.map((s) => s.unmatchedLines)).toEqual([0, 2]);
  });
});

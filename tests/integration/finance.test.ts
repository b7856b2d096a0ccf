import { eq, sql } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { dayInZone } from "@/lib/i18n/day";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GET as financeRoute } from "@/app/api/finance/[entity]/route";
import { DomainError } from "@/server/errors";
import { importSkuCosts, listSkuCosts, setSkuCost } from "@/server/services/finance/costs";
import { exportOrderProfit, listOrderProfit, orderProfit, orderProfitTotals } from "@/server/services/finance/profit";
import { importExchangeRates, listExchangeRates, setExchangeRate } from "@/server/services/finance/rates";
import { closeTestDb, createTestUser, keyCaller, newApiKey, sessionCaller, testDb } from "../helpers/db";
import { A, B, financeMerchant } from "./finance-fixtures";
import { orderMerchant } from "./orders-fixtures";

// next-auth cannot load outside Next; the finance route is called here with API keys only.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

afterAll(closeTestDb);

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("order profit", () => {
  it("every figure and total matches the hand-computed values, in two currencies, with the rate date used", async () => {
    const { m, o1, o2, o3, returnNo } = await financeMerchant();

    const p1 = await orderProfit(m.ctx, o1.id);
    expect(p1).toMatchObject({
      currency: "CNY",
      reportingCurrency: "CNY",
      itemsRevenue: "50.00",
      shipping: "8.00",
      refunds: "10.00",
      platformFees: "8.90", // 1.25 × 7.1234 = 8.90425
      freight: "6.50",
      productCost: "29.94", // A 2 × 600/140 = 8.5714… (1 of 3 restocked) + B 2 × 1.50 × 7.1234 = 21.3702
      packaging: "1.50", // A 3 × 0.50
      otherCosts: "0.00",
      profit: "1.16",
      margin: "2.42", // 1.16 / 48.00
      ratesUsed: [{ currency: "USD", rateDate: "2021-05-01", rate: "7.1234000000" }],
      missingRates: [],
      missingCosts: [],
      refundReturns: [returnNo],
    });
    const a = p1.lines.find((l) => l.sku === A)!;
    expect(a).toMatchObject({ costMethod: "movingAverage", quantity: "3", costQuantity: "2", receiptQty: "140", unitCost: "4.285714" });

    const p2 = await orderProfit(m.ctx, o2.id);
    expect(p2).toMatchObject({
      currency: "USD",
      original: { itemsRevenue: "50.00", shipping: "5.00", refunds: "0.00" },
      itemsRevenue: "356.17",
      shipping: "35.62", // 35.617
      refunds: "0.00",
      platformFees: "14.96", // 14.95914
      freight: "15.00",
      productCost: "42.74", // 42.7404
      packaging: "0.00",
      profit: "319.09",
      margin: "81.44",
      platform: "shopify",
    });

    const p3 = await orderProfit(m.ctx, o3.id);
    expect(p3).toMatchObject({ currency: "EUR", missingRates: ["EUR"], profit: null, margin: null, itemsRevenue: null });

    const totals = await orderProfitTotals(m.ctx, {});
    expect(totals).toEqual({
      reportingCurrency: "CNY",
      orders: 2,
      missingRateOrders: 1,
      capped: false,
      itemsRevenue: "406.17",
      shipping: "43.62",
      refunds: "10.00",
      platformFees: "23.86",
      productCost: "72.68",
      freight: "21.50",
      packaging: "1.50",
      otherCosts: "0.00",
      profit: "320.25",
      margin: "72.82", // 320.25 / 439.79
      ratesUsed: ["USD 2021-05-01"],
    });
  });

  it("filters by shop, platform, SKU, date and margin below X, pages by keyset, exports formula-safe CSV with a totals row", async () => {
    const { m, o1, o2, o3, usAccount } = await financeMerchant();
    const ids = async (f: Record<string, unknown>) => (await listOrderProfit(m.ctx, f)).items.map((p) => p.orderId);
    expect(await ids({})).toEqual([o3.id, o2.id, o1.id]);
    expect(await ids({ marginBelow: "10" })).toEqual([o1.id]);
    expect(await ids({ sku: B })).toEqual([o2.id, o1.id]);
    expect(await ids({ platform: "shopify" })).toEqual([o3.id, o2.id]);
    expect(await ids({ platform: "manual" })).toEqual([o1.id]);
    expect(await ids({ accountId: usAccount.id })).toEqual([o2.id]);
    expect(await ids({ to: "2021-01-01" })).toEqual([]);
    expect((await orderProfitTotals(m.ctx, { marginBelow: "10" })).profit).toBe("1.16");

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listOrderProfit>> = await listOrderProfit(m.ctx, { limit: 1, cursor });
      seen.push(...page.items.map((p) => p.orderId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([o3.id, o2.id, o1.id]);

    const csv = (await exportOrderProfit(m.ctx, "csv", {})).toString("utf8");
    const lines = csv.replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    expect(lines).toHaveLength(5);
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(lines[4]).toMatch(/^合计 Total,/);
    expect(lines[4]).toContain("320.25");
  });
});

describe("costs and rates", () => {
  it("a cost keeps its history, refuses more decimals than the price precision, imports row by row with errors", async () => {
    const m = await orderMerchant();
    await setSkuCost(m.ctx, { sku: A, kind: "purchase", currency: "CNY", amount: "4", effectiveFrom: "2020-01-01" });
    await setSkuCost(m.ctx, { sku: A, kind: "purchase", currency: "CNY", amount: "4.5", effectiveFrom: "2024-01-01" });
    const bad = await setSkuCost(m.ctx, { sku: A, kind: "purchase", currency: "CNY", amount: "1.23456", effectiveFrom: "2024-02-01" }).catch((e: DomainError) => e);
    expect(bad).toBeInstanceOf(DomainError);
    expect((bad as DomainError).fieldErrors).toEqual({ amount: { key: "tooManyDecimals", params: { scale: 4 } } });
    expect((await listSkuCosts(m.ctx, {})).items.map((c) => c.amount)).toEqual(["4.5000", "4.0000"]);
    expect((await listSkuCosts(m.ctx, { currentOnly: true })).items.map((c) => c.amount)).toEqual(["4.5000"]);

    const file = [
      "SKU,成本类型,币种,单位成本,生效日期",
      `${B},采购成本,USD,1.2,2024-03-01`,
      `NOPE,purchase,CNY,1,2024-03-01`,
      `${B},包装成本,cny,0.3,2024-03-01`,
      `${B},运费,CNY,1,2024-03-01`,
      `${B},purchase,CNY,1,2024-13-01`,
      `${B},purchase,USD,1.3,2024-03-01`,
    ].join("\n");
    const preview = await importSkuCosts(m.ctx, { format: "csv", content: b64(file) });
    expect(preview).toMatchObject({ totalRows: 6, validRows: 2, errorRows: 4, committed: false, created: 0 });
    expect(preview.errors.map((e) => [e.row, e.column, e.ref.key])).toEqual([
      [3, "SKU", "skuUnknown"],
      [5, "成本类型 Kind", "costKindUnknown"],
      [6, "生效日期 Effective from", "dateFormat"],
      [7, "生效日期 Effective from", "duplicateInFile"],
    ]);
    expect((await listSkuCosts(m.ctx, { search: B })).items).toHaveLength(0);
    const done = await importSkuCosts(m.ctx, { format: "csv", content: b64(file), commit: true });
    expect(done).toMatchObject({ created: 2, committed: true });
    expect((await listSkuCosts(m.ctx, { search: B })).items.map((c) => [c.kind, c.currency, c.amount]).sort()).toEqual([
      ["packaging", "CNY", "0.3000"],
      ["purchase", "USD", "1.2000"],
    ]);
  });

  it("rates: entered or imported from CSV into the reporting currency, ten decimals at most, bad rows reported", async () => {
    const m = await orderMerchant();
    await expect(setExchangeRate(m.ctx, { rateDate: "2024-01-01", currency: "CNY", rate: "1" })).rejects.toMatchObject({ fieldErrors: { currency: { key: "rateSameCurrency" } } });
    await expect(setExchangeRate(m.ctx, { rateDate: "2024-01-01", currency: "JPY", rate: "0.04831234567" })).rejects.toMatchObject({ fieldErrors: { rate: { key: "tooManyDecimals" } } });
    const file = ["日期,币种,汇率", "2024-01-02,USD,7.1", "2024-01-02,JPY,0.0483123456", "2024-01-02,US,7", "2024-01-03,EUR,0"].join("\n");
    const r = await importExchangeRates(m.ctx, { format: "csv", content: b64(file), commit: true });
    expect(r).toMatchObject({ totalRows: 4, created: 2, errorRows: 2 });
    expect(r.errors.map((e) => [e.row, e.ref.key])).toEqual([
      [4, "currencyFormat"],
      [5, "mustBePositive"],
    ]);
    const list = await listExchangeRates(m.ctx, {});
    expect(list.quoteCurrency).toBe("CNY");
    expect(list.items.map((x) => [x.currency, x.rate]).sort()).toEqual([
      ["JPY", "0.0483123456"],
      ["USD", "7.1000000000"],
    ]);
  });
});

describe("finance router", () => {
  it("finance staff see costs and profit, warehouse staff do not; another merchant sees nothing (session and API key)", async () => {
    const { m, o1 } = await financeMerchant();
    const finance = sessionCaller(await createTestUser(m.org.orgId, "finance"), m.org.orgId);
    const warehouse = sessionCaller(await createTestUser(m.org.orgId, "warehouse"), m.org.orgId);
    expect((await finance.finance.costs.list({})).items.length).toBe(4);
    expect((await finance.finance.profit.byOrder({ orderId: o1.id })).profit).toBe("1.16");
    await finance.finance.charges.add({ orderId: o1.id, kind: "other", currency: "CNY", amount: "1" });
    expect((await finance.finance.profit.byOrder({ orderId: o1.id })).profit).toBe("0.16");
    await expect(warehouse.finance.costs.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(warehouse.finance.profit.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(warehouse.finance.rates.set({ rateDate: "2024-01-01", currency: "USD", rate: "7" })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const other = await orderMerchant();
    const otherOwner = sessionCaller(other.org.ownerId, other.org.orgId);
    const otherKey = keyCaller(await newApiKey(other.org, "admin"));
    const [costA] = (await finance.finance.costs.list({})).items;
    for (const caller of [otherOwner, otherKey]) {
      expect((await caller.finance.costs.list({})).items).toEqual([]);
      expect((await caller.finance.rates.list({})).items).toEqual([]);
      expect((await caller.finance.profit.list({})).items).toEqual([]);
      expect((await caller.finance.profit.totals({})).orders).toBe(0);
      await expect(caller.finance.profit.byOrder({ orderId: o1.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.finance.charges.ofOrder({ orderId: o1.id })).resolves.toEqual([]);
      await expect(caller.finance.charges.add({ orderId: o1.id, kind: "freight", currency: "CNY", amount: "1" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.finance.costs.remove({ id: costA!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(otherKey.finance.costs.set({ sku: A, kind: "purchase", currency: "CNY", amount: "1", effectiveFrom: "2024-01-01" })).resolves.toMatchObject({ sku: A });
    // The other merchant's cost of its own SKU A did not touch this merchant's.
    expect((await finance.finance.costs.list({})).items.length).toBe(4);
    expect((await finance.finance.profit.byOrder({ orderId: o1.id })).profit).toBe("0.16");
    const [{ n }] = (await testDb().execute<{ n: number }>(sql`select count(*)::int as n from sku_costs where org_id = ${other.org.orgId}`)) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it("GET /api/finance/order-profit exports the filtered list to finance staff's keys only; templates; another merchant's key sees none of it", async () => {
    const { m, o1 } = await financeMerchant();
    const call = (path: string, key: string) =>
      financeRoute(new Request(`http://test.local${path}`, { headers: { authorization: `Bearer ${key}` } }), {
        params: Promise.resolve({ entity: path.split("/")[3]!.split("?")[0]! }),
      });
    const admin = await newApiKey(m.org, "admin");
    const res = await call("/api/finance/order-profit?format=csv&marginBelow=10", admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="order-profit-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const text = (await res.text()).replace(/^\uFEFF/, "");
    expect(text.trim().split(/\r?\n/)).toHaveLength(3); // header, order 1, totals
    expect(text).toContain(o1.orderNo);
    expect(text).toContain("1.16");
    expect((await call("/api/finance/costs-template?format=csv", admin)).status).toBe(200);
    expect((await call("/api/finance/order-profit?format=csv", await newApiKey(m.org, "viewer"))).status).toBe(403);
    const other = await orderMerchant();
    const otherCsv = await (await call("/api/finance/order-profit?format=csv", await newApiKey(other.org, "admin"))).text();
    expect(otherCsv).not.toContain(o1.orderNo);
    expect(otherCsv.replace(/^\uFEFF/, "").trim().split(/\r?\n/)).toHaveLength(2); // header, totals of nothing
    expect((await call("/api/finance/order-profit?format=csv&from=2024-13-01", admin)).status).toBe(400);
  });

  it("export file names carry the merchant's day, not the UTC day", async () => {
    const m = await orderMerchant();
    // A zone whose day differs from UTC's right now: a day ahead from 10:00 UTC, a day behind before 11:00.
    const zone = new Date().getUTCHours() >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
    const day = dayInZone(zone);
    expect(day).not.toBe(new Date().toISOString().slice(0, 10));
    await testDb().update(organizations).set({ timezone: zone }).where(eq(organizations.id, m.org.orgId));
    const res = await financeRoute(new Request("http://test.local/api/finance/order-profit?format=csv", { headers: { authorization: `Bearer ${await newApiKey(m.org, "admin")}` } }), {
      params: Promise.resolve({ entity: "order-profit" }),
    });
    expect(res.headers.get("content-disposition")).toContain(`filename="order-profit-${day}.csv"`);
  });
});

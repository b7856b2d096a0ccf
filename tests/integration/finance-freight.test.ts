import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { orderCharges, outboundOrders } from "@/db/schema";
import { FREIGHT_BILL_COLUMNS, importFreightBill } from "@/server/services/finance/freight";
import { orderProfit } from "@/server/services/finance/profit";
import { setExchangeRate } from "@/server/services/finance/rates";
import { writeTable } from "@/server/services/_lib/tabular";
import { createOrder } from "@/server/services/orders/create-order";
import { bulkAudit } from "@/server/services/outbound/audit";
import { shipOutbound } from "@/server/services/outbound/ship";
import { closeTestDb, createTestOrg, createTestUser, keyCaller, newApiKey, sessionCaller, svcCtx, testDb } from "../helpers/db";
import { orderMerchant, simpleOrder, type OrderMerchant } from "./orders-fixtures";

/**
 * 物流成本 per outbound order (issue 13, item 1): a carrier bill imported row by row (matched by tracking
 * number within the merchant, per-row errors, preview writes nothing, idempotent per bill + tracking
 * number, replacing the freight entered on shipping), and freight entered with the shipment.
 */
afterAll(closeTestDb);

const b64 = (s: string | Buffer) => (typeof s === "string" ? Buffer.from(s, "utf8") : s).toString("base64");
const csv = (...lines: string[]) => ({ format: "csv" as const, content: b64(lines.join("\n")) });

/** An approved order of one line whose outbound order(s) are audited and shipped with this tracking number. */
async function shippedOrder(m: OrderMerchant, tracking: string, freight?: { freight: string; freightCurrency?: string }) {
  const order = await createOrder(m.ctx, simpleOrder({ status: "stock_up", freight: "0", lines: [{ sku: "00021002", quantity: "1", unitPrice: "10" }] }));
  const [ob] = await testDb().select().from(outboundOrders).where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.orderId, order.id)));
  await bulkAudit(m.ctx, { ids: [ob!.id] });
  await shipOutbound(m.ctx, { id: ob!.id, carrier: "顺丰速运", trackingNumber: tracking, ...freight });
  return { order, outbound: ob! };
}

async function chargesOf(orgId: string) {
  return testDb().select().from(orderCharges).where(eq(orderCharges.orgId, orgId)).orderBy(orderCharges.trackingNumber, orderCharges.billRef);
}

const tag = () => Math.random().toString(36).slice(2, 8).toUpperCase();

describe("carrier freight bills", () => {
  it("matches rows by tracking number, reports every bad row, writes nothing on a preview, and freight reaches order profit", async () => {
    const m = await orderMerchant();
    const t = tag();
    const a = await shippedOrder(m, `SF${t}1`);
    const b = await shippedOrder(m, `SF${t}2`);
    const dup1 = await shippedOrder(m, `SF${t}DUP`);
    const dup2 = await shippedOrder(m, `SF${t}DUP`);
    await setExchangeRate(m.ctx, { rateDate: "2020-01-01", currency: "USD", rate: "7.1" });
    const file = csv(
      "运单号,出库单号,运费,币种,账单日期,账单号",
      `SF${t}1,,12.50,CNY,2026-11-30,`, // 2 ok (bill from the dialog)
      `SF${t}2,,3.1,usd,,`, // 3 ok, USD
      `SF${t}9,,5,CNY,,`, // 4 unknown tracking
      `SF${t}DUP,,5,CNY,,`, // 5 ambiguous
      `SF${t}DUP,${dup2.outbound.outboundNo},6.00,,,`, // 6 ok: the outbound number picks one; currency = reporting
      `SF${t}1,${b.outbound.outboundNo},1,CNY,,`, // 7 that outbound has another tracking number
      `SF${t}2,,abc,CNY,,`, // 8 not a number
      `SF${t}2,,1.234,CNY,,`, // 9 more decimals than the merchant's amount precision (2)
      `SF${t}2,,-1,CNY,,`, // 10 negative
      `SF${t}2,,1,XYZ,,`, // 11 not an ISO currency
      `SF${t}2,,1,US,,`, // 12 not a currency code at all
      `SF${t}2,,1,CNY,2026-02-30,`, // 13 no such day
      `SF${t}1,,1,CNY,,`, // 14 same bill and tracking number as row 2
      `,,1,CNY,,`, // 15 no tracking number
      `SF${t}2,,1,CNY,,OTHER-BILL`, // 16 ok: the same tracking number on another bill is another charge
    );
    const preview = await importFreightBill(m.ctx, { ...file, billRef: "SF-2026-11" });
    expect(preview).toMatchObject({ totalRows: 15, validRows: 4, errorRows: 11, committed: false, created: 0, updated: 0 });
    expect(preview.errors.map((e) => [e.row, e.column, e.ref.key])).toEqual([
      [4, "跟踪号 Tracking number", "freightTrackingUnknown"],
      [5, "跟踪号 Tracking number", "freightTrackingAmbiguous"],
      [7, "出库单号 Outbound number", "freightOutboundMismatch"],
      [8, "运费 Amount", "decimalFormat"],
      [9, "运费 Amount", "tooManyDecimals"],
      [10, "运费 Amount", "mustNotBeNegative"],
      [11, "币种 Currency", "currencyUnknown"],
      [12, "币种 Currency", "currencyFormat"],
      [13, "账单日期 Bill date", "dateFormat"],
      [14, "跟踪号 Tracking number", "duplicateInFile"],
      [15, "跟踪号 Tracking number", "required"],
    ]);
    expect(preview.errors.find((e) => e.row === 5)!.ref.params).toMatchObject({ outbounds: [dup1.outbound.outboundNo, dup2.outbound.outboundNo].sort().join(", ") });
    // The preview says what each good row matched.
    expect(preview.preview[0]).toMatchObject({ trackingNumber: `SF${t}1`, outboundNo: a.outbound.outboundNo, orderNo: a.order.orderNo, billRef: "SF-2026-11", amount: "12.50" });
    expect(preview.preview[4]).toMatchObject({ outboundNo: dup2.outbound.outboundNo, currency: "CNY" });
    expect(await chargesOf(m.org.orgId)).toEqual([]);

    const done = await importFreightBill(m.ctx, { ...file, billRef: "SF-2026-11", commit: true });
    expect(done).toMatchObject({ committed: true, created: 4, updated: 0, errorRows: 11 });
    const rows = await chargesOf(m.org.orgId);
    expect(rows.map((r) => [r.orderId, r.outboundId, r.kind, r.source, r.billRef, r.trackingNumber, r.currency, r.amount, r.billDate])).toEqual([
      [a.order.id, a.outbound.id, "freight", "carrier_bill", "SF-2026-11", `SF${t}1`, "CNY", "12.5000", "2026-11-30"],
      [b.order.id, b.outbound.id, "freight", "carrier_bill", "OTHER-BILL", `SF${t}2`, "CNY", "1.0000", null],
      [b.order.id, b.outbound.id, "freight", "carrier_bill", "SF-2026-11", `SF${t}2`, "USD", "3.1000", null],
      [dup2.order.id, dup2.outbound.id, "freight", "carrier_bill", "SF-2026-11", `SF${t}DUP`, "CNY", "6.0000", null],
    ]);
    // Order profit counts it as freight: b = 1 CNY + 3.10 USD × 7.1 = 23.01 CNY.
    expect((await orderProfit(m.ctx, a.order.id)).freight).toBe("12.50");
    expect((await orderProfit(m.ctx, b.order.id)).freight).toBe("23.01");
    expect((await orderProfit(m.ctx, dup1.order.id)).freight).toBe("0.00");
  });

  it("importing the same bill twice never doubles the freight; a changed amount is updated; XLSX works the same", async () => {
    const m = await orderMerchant();
    const t = tag();
    const a = await shippedOrder(m, `YT${t}1`);
    const b = await shippedOrder(m, `YT${t}2`);
    const rows = [
      { trackingNumber: `YT${t}1`, amount: "8", currency: "CNY", billRef: "YTO-7" },
      { trackingNumber: `YT${t}2`, amount: "9.90", currency: "CNY", billRef: "YTO-7" },
    ];
    const xlsx = { format: "xlsx" as const, content: b64(await writeTable("xlsx", FREIGHT_BILL_COLUMNS, rows)) };
    expect(await importFreightBill(m.ctx, { ...xlsx, commit: true })).toMatchObject({ created: 2, updated: 0, errorRows: 0 });
    expect(await importFreightBill(m.ctx, { ...xlsx, commit: true })).toMatchObject({ created: 0, updated: 2, errorRows: 0 });
    // The same bill as CSV, with one amount corrected by the carrier.
    const again = await importFreightBill(m.ctx, { ...csv("tracking number,amount,currency,bill no", `YT${t}1,8,CNY,YTO-7`, `YT${t}2,10.40,CNY,YTO-7`), commit: true });
    expect(again).toMatchObject({ created: 0, updated: 2 });
    const charges = await chargesOf(m.org.orgId);
    expect(charges.map((c) => [c.trackingNumber, c.amount])).toEqual([
      [`YT${t}1`, "8.0000"],
      [`YT${t}2`, "10.4000"],
    ]);
    expect((await orderProfit(m.ctx, a.order.id)).freight).toBe("8.00");
    expect((await orderProfit(m.ctx, b.order.id)).freight).toBe("10.40");
  });

  it("a bill's line replaces the freight entered on shipping for that outbound order (never both)", async () => {
    const m = await orderMerchant();
    const t = tag();
    const a = await shippedOrder(m, `ZT${t}1`, { freight: "15" });
    const b = await shippedOrder(m, `ZT${t}2`, { freight: "2.5", freightCurrency: "usd" });
    await setExchangeRate(m.ctx, { rateDate: "2020-01-01", currency: "USD", rate: "7" });
    expect((await chargesOf(m.org.orgId)).map((c) => [c.outboundId, c.source, c.currency, c.amount, c.remark]).sort()).toEqual(
      [
        [a.outbound.id, "shipping", "CNY", "15.0000", a.outbound.outboundNo],
        [b.outbound.id, "shipping", "USD", "2.5000", b.outbound.outboundNo],
      ].sort(),
    );
    expect((await orderProfit(m.ctx, a.order.id)).freight).toBe("15.00");
    expect((await orderProfit(m.ctx, b.order.id)).freight).toBe("17.50");
    await importFreightBill(m.ctx, { ...csv("跟踪号,运费", `ZT${t}1,13.20`), billRef: "ZTO-1", commit: true });
    expect((await chargesOf(m.org.orgId)).map((c) => [c.outboundId, c.source, c.amount]).sort()).toEqual(
      [
        [a.outbound.id, "carrier_bill", "13.2000"],
        [b.outbound.id, "shipping", "2.5000"],
      ].sort(),
    );
    expect((await orderProfit(m.ctx, a.order.id)).freight).toBe("13.20");
  });

  it("freight on shipping: only finance staff may enter it, bad amounts are field errors and nothing ships", async () => {
    const m = await orderMerchant();
    const order = await createOrder(m.ctx, simpleOrder({ status: "stock_up", lines: [{ sku: "00021002", quantity: "1", unitPrice: "10" }] }));
    const [ob] = await testDb().select().from(outboundOrders).where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.orderId, order.id)));
    await bulkAudit(m.ctx, { ids: [ob!.id] });
    const warehouse = svcCtx(m.org, "warehouse", await createTestUser(m.org.orgId, "warehouse"));
    await expect(shipOutbound(warehouse, { id: ob!.id, carrier: "EMS", trackingNumber: "E1", freight: "5" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(shipOutbound(m.ctx, { id: ob!.id, carrier: "EMS", trackingNumber: "E1", freight: "5.123" })).rejects.toMatchObject({ fieldErrors: { freight: { key: "tooManyDecimals" } } });
    await expect(shipOutbound(m.ctx, { id: ob!.id, carrier: "EMS", trackingNumber: "E1", freight: "500", freightCurrency: "JPY" })).resolves.toBeTruthy();
    const [shipped] = await testDb().select().from(outboundOrders).where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.id, ob!.id)));
    expect(shipped!.status).toBe("shipped");
    expect((await chargesOf(m.org.orgId)).map((c) => [c.source, c.currency, c.amount])).toEqual([["shipping", "JPY", "500.0000"]]);
    // Warehouse staff ship without freight as before.
    const o2 = await createOrder(m.ctx, simpleOrder({ status: "stock_up", lines: [{ sku: "00021002", quantity: "1", unitPrice: "10" }] }));
    const [ob2] = await testDb().select().from(outboundOrders).where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.orderId, o2.id)));
    await bulkAudit(m.ctx, { ids: [ob2!.id] });
    await expect(shipOutbound(warehouse, { id: ob2!.id, carrier: "EMS", trackingNumber: "E2", freight: "" })).resolves.toBeTruthy();
    expect(await chargesOf(m.org.orgId)).toHaveLength(1);
  });

  it("JPY has no minor unit: 100.5 JPY is a row error", async () => {
    const m = await orderMerchant();
    const t = tag();
    await shippedOrder(m, `JP${t}`);
    const r = await importFreightBill(m.ctx, { ...csv("跟踪号,运费,币种", `JP${t},100.5,JPY`), billRef: "B" });
    expect(r.errors.map((e) => [e.row, e.ref.key, e.ref.params])).toEqual([[2, "amountMinorUnit", { field: "amount", currency: "JPY", scale: 0 }]]);
  });
});

describe("carrier freight bills across merchants (router)", () => {
  it("another merchant's tracking numbers are unknown, nothing of theirs is written, and only finance roles may import", async () => {
    const m = await orderMerchant();
    const t = tag();
    const a = await shippedOrder(m, `XT${t}`);
    const file = csv("跟踪号,运费,币种,账单号", `XT${t},9,CNY,X-1`);
    const other = await createTestOrg();
    for (const caller of [sessionCaller(other.ownerId, other.orgId), keyCaller(await newApiKey(other, "admin"))]) {
      const r = await caller.finance.charges.importFreightBill({ ...file, commit: true });
      expect(r).toMatchObject({ created: 0, updated: 0, validRows: 0, errorRows: 1, committed: false });
      expect(r.errors[0]!.message).toContain(`XT${t}`);
    }
    expect(await chargesOf(m.org.orgId)).toEqual([]);
    expect(await chargesOf(other.orgId)).toEqual([]);

    // Roles: warehouse and operator may not import (costs); finance staff may.
    for (const role of ["warehouse", "operator"] as const) {
      const caller = sessionCaller(await createTestUser(m.org.orgId, role), m.org.orgId);
      await expect(caller.finance.charges.importFreightBill({ ...file, commit: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    const finance = sessionCaller(await createTestUser(m.org.orgId, "finance"), m.org.orgId);
    const r = await finance.finance.charges.importFreightBill({ ...file, commit: true });
    expect(r).toMatchObject({ created: 1, committed: true });
    expect((await chargesOf(m.org.orgId)).map((c) => [c.orderId, c.amount])).toEqual([[a.order.id, "9.0000"]]);
    // A row error comes back in words, naming the tracking number.
    const en = await sessionCaller(m.org.ownerId, m.org.orgId).finance.charges.importFreightBill({ ...csv("tracking,amount", "NOPE-1,1"), billRef: "B" });
    expect(en.errors[0]!.message).toMatch(/NOPE-1/);
  });

  it("the database refuses a freight charge pointing at another merchant's outbound order", async () => {
    const m = await orderMerchant();
    const other = await orderMerchant();
    const t = tag();
    const theirs = await shippedOrder(other, `RL${t}`);
    const mine = await shippedOrder(m, `RM${t}`);
    const attempt = m.ctx.db.insert(orderCharges).values({
      orgId: m.org.orgId,
      orderId: mine.order.id,
      kind: "freight",
      currency: "CNY",
      amount: "1",
      source: "carrier_bill",
      outboundId: theirs.outbound.id,
      billRef: "X",
      trackingNumber: `RL${t}`,
    });
    // A foreign-key violation (23503): (org_id, outbound_id) finds no outbound order of this merchant.
    const err = await attempt.then(() => null, (e: { code?: string; cause?: { code?: string } }) => e);
    expect(err?.cause?.code ?? err?.code).toBe("23503");
  });
});

import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { customers, orders, payments } from "@/db/schema";
import { GET as financeRoute } from "@/app/api/finance/[entity]/route";
import { DomainError } from "@/server/errors";
import { addAttachment } from "@/server/services/orders/attachments";
import { createOrder } from "@/server/services/orders/create-order";
import {
  customerStatement,
  listReceivables,
  paymentsOfOrder,
  receivablesTotals,
  recordPayment,
  voidPayment,
} from "@/server/services/finance/receivables";
import { closeTestDb, createTestUser, keyCaller, newApiKey, sessionCaller, testDb } from "../helpers/db";
import { orderMerchant, simpleOrder, type OrderMerchant } from "./orders-fixtures";

// next-auth cannot load outside Next; the finance route is called here with API keys only.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

afterAll(closeTestDb);

/** Payments of the fixture are made today (after every order's day, so the ledger lists orders first). */
const today = new Date().toISOString().slice(0, 10);

/** Move an order to `days` days before today, at noon, both in the merchant's time zone. */
async function ageOrder(m: OrderMerchant, orderId: string, days: number) {
  await testDb().execute(sql`
    update orders o set created_at = ((((now() at time zone org.timezone)::date - ${days}::int) + time '12:00') at time zone org.timezone)
    from organizations org where org.id = o.org_id and o.org_id = ${m.org.orgId} and o.id = ${orderId}`);
}

const order = (m: OrderMerchant, sku: string, unitPrice: string, freight = "0") =>
  createOrder(m.ctx, simpleOrder({ freight, lines: [{ sku, quantity: "1", unitPrice }] }));

async function fieldErrorOf(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return (e as DomainError).fieldErrors ?? {};
}

/**
 * The hand-computed case (customer 10331, CNY, price precision 4, amount precision 2):
 *  - o1: 20 + freight 5 = 25.00, 30 days old; paid 10 + 15 → open 0        (bucket 0–30)
 *  - o2: 100.00, 31 days old; paid 30, a 20 payment voided → open 70.00    (bucket 31–60)
 *  - o3: 50.00, 90 days old; paid 12.3456 → open 37.6544                   (bucket 61–90)
 *  - o4: 40.00, 91 days old; nothing paid → open 40.00                     (bucket 90+)
 *  - a closed order (999) and a platform order (77) count for nothing.
 * Ordered 215.00, paid 67.3456, open 147.6544.
 * Customer 20001: one order of 60, paid in full → open 0 (listed only with openOnly: false).
 */
async function receivablesMerchant() {
  const m = await orderMerchant();
  const db = testDb();
  const o1 = await createOrder(m.ctx, simpleOrder({ freight: "5", lines: [{ sku: "00021002", quantity: "2", unitPrice: "10" }] }));
  const o2 = await order(m, "00031003", "100");
  const o3 = await order(m, "00031003", "50");
  const o4 = await order(m, "00021003", "40");
  const closed = await order(m, "00021003", "999");
  await db.update(orders).set({ status: "closed" }).where(and(eq(orders.orgId, m.org.orgId), eq(orders.id, closed.id)));
  const platform = await order(m, "00021003", "77");
  await db.update(orders).set({ source: "platform" }).where(and(eq(orders.orgId, m.org.orgId), eq(orders.id, platform.id)));
  for (const [o, d] of [[o1, 30], [o2, 31], [o3, 90], [o4, 91], [closed, 200], [platform, 200]] as const) await ageOrder(m, o.id, d);

  const [c2] = await db.insert(customers).values({ orgId: m.org.orgId, clientNum: "20001", companyName: "宁波二号贸易" }).returning();
  const o5 = await order(m, "00021003", "60");
  await db.update(orders).set({ customerId: c2!.id }).where(and(eq(orders.orgId, m.org.orgId), eq(orders.id, o5.id)));

  const att = await addAttachment(m.ctx, o1.id, { fileName: "slip.png", contentType: "image/png", data: Buffer.from("bank slip") });
  await recordPayment(m.ctx, { orderId: o1.id, amount: "10", method: "bank_transfer", paidOn: today, attachmentId: att.id });
  await recordPayment(m.ctx, { orderId: o1.id, amount: "15.00", method: "cash", paidOn: today });
  await recordPayment(m.ctx, { orderId: o2.id, amount: "30", method: "alipay", paidOn: today, note: '=HYPERLINK("http://x")' });
  const wrong = await recordPayment(m.ctx, { orderId: o2.id, amount: "20", method: "wechat", paidOn: today });
  await voidPayment(m.ctx, { id: wrong.id, reason: "重复登记" });
  await recordPayment(m.ctx, { orderId: o3.id, amount: "12.3456", method: "other", paidOn: today });
  await recordPayment(m.ctx, { orderId: o5.id, amount: "60", method: "bank_transfer", paidOn: today });
  return { m, o1, o2, o3, o4, o5, closed, platform, c2: c2!, wrong, att };
}

describe("receivables", () => {
  it("balances and ageing match the hand-computed values, with partial payments and a voided one", async () => {
    const { m, o1, o2, o3, o4, wrong } = await receivablesMerchant();
    const list = await listReceivables(m.ctx, {});
    expect(list.currency).toBe("CNY");
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      clientNum: "10331",
      orders: 4,
      ordered: "215.00",
      paid: "67.3456",
      open: "147.6544",
      age0to30: "0.00",
      age31to60: "70.00",
      age61to90: "37.6544",
      age90plus: "40.00",
    });
    const all = await listReceivables(m.ctx, { openOnly: false });
    expect(all.items.map((r) => [r.clientNum, r.ordered, r.paid, r.open])).toEqual([
      ["10331", "215.00", "67.3456", "147.6544"],
      ["20001", "60.00", "60.00", "0.00"],
    ]);
    // Keyset: one customer a page.
    const p1 = await listReceivables(m.ctx, { openOnly: false, limit: 1 });
    const p2 = await listReceivables(m.ctx, { openOnly: false, limit: 1, cursor: p1.nextCursor });
    expect([p1.items[0]!.clientNum, p2.items[0]!.clientNum, p2.nextCursor]).toEqual(["10331", "20001", null]);
    expect((await listReceivables(m.ctx, { openOnly: false, search: "宁波" })).items.map((r) => r.clientNum)).toEqual(["20001"]);

    expect(await receivablesTotals(m.ctx)).toMatchObject({ ordered: "275.00", paid: "127.3456", open: "147.6544", age0to30: "0.00", age90plus: "40.00" });

    const p = await paymentsOfOrder(m.ctx, o2.id);
    expect(p).toMatchObject({ receivable: true, total: "100.00", paid: "30.00", balance: "70.00" });
    expect(p.payments.map((x) => [x.amount, x.voided, x.voidReason])).toEqual([["30.00", false, null], ["20.00", true, "重复登记"]]);
    expect((await paymentsOfOrder(m.ctx, o1.id)).payments[0]).toMatchObject({ attachmentName: "slip.png" });

    const st = await customerStatement(m.ctx, { customerId: m.customer.id });
    expect(st).toMatchObject({ ordered: "215.00", paid: "67.3456", open: "147.6544" });
    expect(st.orders.map((o) => [o.orderNo, o.open])).toEqual([[o4.orderNo, "40.00"], [o3.orderNo, "37.6544"], [o2.orderNo, "70.00"], [o1.orderNo, "0.00"]]);
    expect(st.payments).toHaveLength(5);

    // Voiding twice is refused; a voided payment frees its amount.
    await expect(voidPayment(m.ctx, { id: wrong.id, reason: "again" })).rejects.toMatchObject({ code: "CONFLICT" });
    const rows = await testDb().select().from(payments).where(eq(payments.id, wrong.id));
    expect(rows[0]).toMatchObject({ voided: true, voidReason: "重复登记" });
    await recordPayment(m.ctx, { orderId: o2.id, amount: "70", method: "cash", paidOn: "2026-02-01" });
    expect((await listReceivables(m.ctx, {})).items[0]).toMatchObject({ open: "77.6544", age31to60: "0.00" });
  });

  it("refuses more decimals than the price precision, more than the open balance, closed and platform orders, another order's attachment", async () => {
    const { m, o1, o3, o4, closed, platform, att } = await receivablesMerchant();
    expect(await fieldErrorOf(recordPayment(m.ctx, { orderId: o4.id, amount: "1.23456", method: "cash", paidOn: "2026-01-01" }))).toMatchObject({
      amount: { key: "tooManyDecimals", params: { scale: 4 } },
    });
    expect(await fieldErrorOf(recordPayment(m.ctx, { orderId: o4.id, amount: "40.0001", method: "cash", paidOn: "2026-01-01" }))).toMatchObject({
      amount: { key: "paymentExceedsBalance", params: { open: "40.00" } },
    });
    expect(await fieldErrorOf(recordPayment(m.ctx, { orderId: o1.id, amount: "0.01", method: "cash", paidOn: "2026-01-01" }))).toMatchObject({
      amount: { key: "paymentExceedsBalance", params: { open: "0.00" } },
    });
    expect(await fieldErrorOf(recordPayment(m.ctx, { orderId: o4.id, amount: "0", method: "cash", paidOn: "2026-01-01" }))).toMatchObject({ amount: { key: "mustBePositive" } });
    await expect(recordPayment(m.ctx, { orderId: o4.id, amount: "1", method: "cash", paidOn: "2026-02-30" })).rejects.toMatchObject({ issues: [{ path: ["paidOn"], message: "dateFormat" }] });
    expect(await fieldErrorOf(recordPayment(m.ctx, { orderId: o3.id, amount: "1", method: "cash", paidOn: "2026-01-01", attachmentId: att.id }))).toMatchObject({
      attachmentId: { key: "paymentAttachmentNotOfOrder" },
    });
    await expect(recordPayment(m.ctx, { orderId: closed.id, amount: "1", method: "cash", paidOn: "2026-01-01" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(recordPayment(m.ctx, { orderId: platform.id, amount: "1", method: "cash", paidOn: "2026-01-01" })).rejects.toMatchObject({
      code: "VALIDATION",
      message: expect.stringContaining("paymentPlatformOrder"),
    });
    // Exactly the open balance at full precision is a full payment.
    await recordPayment(m.ctx, { orderId: o3.id, amount: "37.6544", method: "cash", paidOn: "2026-01-01" });
    expect((await paymentsOfOrder(m.ctx, o3.id)).balance).toBe("0.00");
  });
});

describe("receivables router and export", () => {
  it("finance staff record and read; warehouse staff cannot; another merchant's session and API key see nothing and get NOT_FOUND", async () => {
    const { m, o4, wrong } = await receivablesMerchant();
    const finance = sessionCaller(await createTestUser(m.org.orgId, "finance"), m.org.orgId);
    const warehouse = sessionCaller(await createTestUser(m.org.orgId, "warehouse"), m.org.orgId);
    await finance.finance.receivables.record({ orderId: o4.id, amount: "4", method: "cash", paidOn: "2026-03-01" });
    expect((await finance.finance.receivables.list({})).items[0]).toMatchObject({ open: "143.6544", age90plus: "36.00" });
    await expect(finance.finance.receivables.record({ orderId: o4.id, amount: "0.00001", method: "cash", paidOn: "2026-03-01" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(warehouse.finance.receivables.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(warehouse.finance.receivables.record({ orderId: o4.id, amount: "1", method: "cash", paidOn: "2026-03-01" })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const other = await orderMerchant();
    const otherOwner = sessionCaller(other.org.ownerId, other.org.orgId);
    const otherKey = keyCaller(await newApiKey(other.org, "admin"));
    for (const caller of [otherOwner, otherKey]) {
      expect((await caller.finance.receivables.list({ openOnly: false })).items).toEqual([]);
      expect((await caller.finance.receivables.totals()).ordered).toBe("0.00");
      await expect(caller.finance.receivables.statement({ customerId: m.customer.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.finance.receivables.payments({ orderId: o4.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.finance.receivables.record({ orderId: o4.id, amount: "1", method: "cash", paidOn: "2026-03-01" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.finance.receivables.void({ id: wrong.id, reason: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    const [{ n }] = (await testDb().execute<{ n: number }>(sql`select count(*)::int as n from payments where org_id = ${m.org.orgId}`)) as unknown as [{ n: number }];
    expect(n).toBe(7);
  });

  it("GET /api/finance/customer-statement exports the ledger with a running balance, formula-safe; another merchant's key gets 404", async () => {
    const { m, o1, o4 } = await receivablesMerchant();
    const call = (path: string, key: string) =>
      financeRoute(new Request(`http://test.local${path}`, { headers: { authorization: `Bearer ${key}` } }), {
        params: Promise.resolve({ entity: path.split("/")[3]!.split("?")[0]! }),
      });
    const admin = await newApiKey(m.org, "admin");
    const res = await call(`/api/finance/customer-statement?format=csv&customerId=${m.customer.id}`, admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="statement-10331-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = (await res.text()).replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    expect(lines).toHaveLength(11); // header, 4 orders, 5 payments (one voided), closing row
    expect(lines[1]).toContain(o4.orderNo); // the oldest order first
    expect(lines.find((l) => l.includes("HYPERLINK"))).toContain("'=HYPERLINK");
    expect(lines.find((l) => l.includes("Voided"))).toContain("重复登记");
    expect(lines.at(-1)).toMatch(/合计 Total.*215\.00.*67\.3456.*147\.6544/);
    expect(lines.filter((l) => l.includes(o1.orderNo))).toHaveLength(3); // charged once, paid twice
    const xlsx = await call(`/api/finance/customer-statement?format=xlsx&customerId=${m.customer.id}`, admin);
    expect(xlsx.status).toBe(200);
    expect((await call(`/api/finance/customer-statement?format=csv&customerId=${m.customer.id}`, await newApiKey(m.org, "viewer"))).status).toBe(403);
    expect((await call(`/api/finance/customer-statement?format=csv&customerId=nope`, admin)).status).toBe(400);
    const other = await orderMerchant();
    expect((await call(`/api/finance/customer-statement?format=csv&customerId=${m.customer.id}`, await newApiKey(other.org, "admin"))).status).toBe(404);
  });
});

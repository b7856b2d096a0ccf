import { and, eq } from "drizzle-orm";
import { channelAccounts, orderLines, outboundOrders, platformOrders, stockMovements } from "@/db/schema";
import { createConvertedOrder, createOrder } from "@/server/services/orders/create-order";
import { bulkAudit } from "@/server/services/outbound/audit";
import { shipOutbound } from "@/server/services/outbound/ship";
import { createReturn, getReturn, inspectReturn, receiveReturn } from "@/server/services/returns/returns";
import { addOrderCharge } from "@/server/services/finance/charges";
import { setSkuCost } from "@/server/services/finance/costs";
import { setExchangeRate } from "@/server/services/finance/rates";
import { testDb } from "../helpers/db";
import { orderMerchant, simpleOrder, type OrderMerchant } from "./orders-fixtures";

/** The hand-computed finance case shared by the order-profit and dashboard tests. */

export const A = "00021002";
export const B = "00021003";

/** A platform order of a shop in `currency`, converted into a system order the way channels does it. */
async function platformOrder(m: OrderMerchant, opts: { alias: string; currency: string; lines: { sku: string; quantity: string; unitPrice: string }[]; freight: string }) {
  const db = testDb();
  const [account] = await db
    .insert(channelAccounts)
    .values({ orgId: m.org.orgId, platform: "shopify", alias: opts.alias, baseUrl: "http://127.0.0.1:1" })
    .returning();
  const [po] = await db
    .insert(platformOrders)
    .values({
      orgId: m.org.orgId,
      accountId: account!.id,
      platform: "shopify",
      platformOrderId: `P${Math.random()}`,
      platformOrderNo: "#1001",
      platformStatus: "paid",
      normalizedStatus: "unshipped",
      currency: opts.currency,
      platformCreatedAt: new Date(),
      platformUpdatedAt: new Date(),
      raw: {},
    })
    .returning();
  const order = await createConvertedOrder(m.ctx, { ...simpleOrder({ lines: opts.lines, freight: opts.freight }), platformOrderId: po!.id });
  return { order, account: account! };
}

/**
 * The merchant of the hand-computed case (reporting currency CNY, rate 1 USD = 7.1234 CNY from 2021-05-01):
 *  - SKU A: purchase cost 4.00 CNY from 2020-01-01 and 5.00 CNY from 2020-06-01; 100 units came in on
 *    2020-03-01 (valued 4.00) and 40 on 2020-07-01 (valued 5.00) → moving average 600 / 140; packaging 0.50 CNY.
 *  - SKU B: purchase cost 1.50 USD from 2020-01-01, 140 units in today → 1.50 USD; no packaging cost.
 */
export async function financeMerchant() {
  const m = await orderMerchant();
  const db = testDb();
  for (const c of [
    { sku: A, kind: "purchase" as const, currency: "CNY", amount: "4", effectiveFrom: "2020-01-01" },
    { sku: A, kind: "purchase" as const, currency: "CNY", amount: "5.00", effectiveFrom: "2020-06-01" },
    { sku: A, kind: "packaging" as const, currency: "CNY", amount: "0.5", effectiveFrom: "2020-01-01" },
    { sku: B, kind: "purchase" as const, currency: "usd", amount: "1.5", effectiveFrom: "2020-01-01" },
  ])
    await setSkuCost(m.ctx, c);
  // The fixture's opening stock of A, dated as if it had come in months apart.
  const moved = (warehouseId: string, at: string) =>
    db
      .update(stockMovements)
      .set({ createdAt: new Date(at) })
      .where(and(eq(stockMovements.orgId, m.org.orgId), eq(stockMovements.productId, m.productId(A)), eq(stockMovements.warehouseId, warehouseId)));
  await moved(m.sz.id, "2020-03-01T04:00:00Z");
  await moved(m.yw.id, "2020-07-01T04:00:00Z");
  await setExchangeRate(m.ctx, { rateDate: "2021-05-01", currency: "USD", rate: "7.1234" });
  await setExchangeRate(m.ctx, { rateDate: "2099-12-31", currency: "USD", rate: "9.9999" });

  // Order 1 (manual, CNY): A 3 × 10 + B 2 × 10, shipping 8; shipped, 1 A returned and restocked.
  const o1 = await createOrder(m.ctx, simpleOrder({ status: "stock_up", freight: "8", lines: [{ sku: A, quantity: "3", unitPrice: "10" }, { sku: B, quantity: "2", unitPrice: "10" }] }));
  const obs = await db.select().from(outboundOrders).where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.orderId, o1.id)));
  await bulkAudit(m.ctx, { ids: obs.map((o) => o.id) });
  for (const ob of obs) await shipOutbound(m.ctx, { id: ob.id, carrier: "EMS", trackingNumber: `E${ob.outboundNo.slice(-5)}` });
  const [lineA] = await db.select().from(orderLines).where(and(eq(orderLines.orderId, o1.id), eq(orderLines.sku, A)));
  const rt = await createReturn(m.ctx, { orderId: o1.id, reason: "尺码不合适", lines: [{ orderLineId: lineA!.id, quantity: "1" }] });
  const rtLines = (await getReturn(m.ctx, rt.id)).lines.map((l) => l.id);
  await receiveReturn(m.ctx, { id: rt.id, lines: [{ lineId: rtLines[0]!, receivedQty: "1" }] });
  await inspectReturn(m.ctx, { id: rt.id, lines: [{ lineId: rtLines[0]!, disposition: "restock", warehouseId: m.sz.id }] });
  await addOrderCharge(m.ctx, { orderId: o1.id, kind: "freight", currency: "CNY", amount: "6.5" });
  await addOrderCharge(m.ctx, { orderId: o1.id, kind: "platform_fee", currency: "USD", amount: "1.25" });

  // Order 2 (Shopify, USD): B 4 × 12.5, shipping 5 USD; fee 2.10 USD, freight paid 15 CNY.
  const o2 = await platformOrder(m, { alias: "=HYPERLINK(\"http://x\")", currency: "USD", freight: "5", lines: [{ sku: B, quantity: "4", unitPrice: "12.5" }] });
  await addOrderCharge(m.ctx, { orderId: o2.order.id, kind: "platform_fee", currency: "USD", amount: "2.10" });
  await addOrderCharge(m.ctx, { orderId: o2.order.id, kind: "freight", currency: "CNY", amount: "15" });

  // Order 3 (Shopify, EUR): no EUR rate entered.
  const o3 = await platformOrder(m, { alias: "EU Shop", currency: "EUR", freight: "0", lines: [{ sku: A, quantity: "1", unitPrice: "20" }] });
  return { m, o1, o2: o2.order, o3: o3.order, usAccount: o2.account, returnNo: rt.returnNo };
}

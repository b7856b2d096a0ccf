import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { orderLines, outboundOrders } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { DomainError } from "@/server/errors";
import { createOrder } from "@/server/services/orders/create-order";
import { bulkAudit } from "@/server/services/outbound/audit";
import { shipOutbound } from "@/server/services/outbound/ship";
import {
  cancelReturn,
  closeReturn,
  createReturn,
  getReturn,
  inspectReturn,
  receiveReturn,
  returnableLines,
  returnsOfOrder,
} from "@/server/services/returns/returns";
import { closeTestDb, createTestOrg, keyCaller, newApiKey, sessionCaller, testDb } from "../helpers/db";
import { level, orderMerchant, simpleOrder, type OrderMerchant } from "./orders-fixtures";

afterAll(closeTestDb);

/** An order shipped through its outbound orders, as the warehouse would ship it. */
async function shippedOrder(m: OrderMerchant, lines = [{ sku: "00021002", quantity: "5", unitPrice: "10" }]) {
  const order = await createOrder(m.ctx, simpleOrder({ status: "stock_up", lines }));
  const obs = await testDb()
    .select()
    .from(outboundOrders)
    .where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.orderId, order.id)));
  await bulkAudit(m.ctx, { ids: obs.map((o) => o.id) });
  for (const ob of obs)
    await shipOutbound(m.ctx, { id: ob.id, carrier: "EMS", trackingNumber: `E${ob.outboundNo.slice(-5)}` });
  const ls = await testDb()
    .select()
    .from(orderLines)
    .where(eq(orderLines.orderId, order.id))
    .orderBy(orderLines.lineNo);
  return { order, outbounds: obs, lines: ls };
}

describe("returns", () => {
  it("never more than shipped minus already returned, line by line; a cancelled return gives its quantity back", async () => {
    const m = await orderMerchant();
    const { order, lines } = await shippedOrder(m);
    const line = lines[0]!;
    const r1 = await createReturn(m.ctx, {
      orderId: order.id,
      reason: "尺码不合适",
      lines: [{ orderLineId: line.id, quantity: "3" }],
    });
    expect(r1.returnNo).toMatch(/^RT-\d{6}-\d{5}$/);
    const tooMany = await createReturn(m.ctx, {
      orderId: order.id,
      reason: "质量问题",
      lines: [{ orderLineId: line.id, quantity: "3" }],
    }).catch((e: DomainError) => e);
    expect(tooMany).toBeInstanceOf(DomainError);
    expect((tooMany as DomainError).fieldErrors).toEqual({
      "lines.0.quantity": {
        key: "returnExceedsShipped",
        params: { sku: "00021002", max: "2", shipped: "5" },
      },
    });
    expect((await returnableLines(m.ctx, { orderId: order.id })).lines[0]!.returnableQty).toBe("2");
    await cancelReturn(m.ctx, { id: r1.id, reason: "客户改主意" });
    expect((await returnableLines(m.ctx, { orderId: order.id })).lines[0]!.returnableQty).toBe("5");
    await createReturn(m.ctx, {
      orderId: order.id,
      reason: "质量问题",
      lines: [{ orderLineId: line.id, quantity: "5" }],
    });
    await expect(
      createReturn(m.ctx, {
        orderId: order.id,
        reason: "x",
        lines: [{ orderLineId: line.id, quantity: "0.0001" }],
      }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("an order line that has not shipped cannot be returned; lines must belong to the order (or the chosen outbound order)", async () => {
    const m = await orderMerchant();
    const pending = await createOrder(m.ctx, simpleOrder());
    const pendingLines = await testDb().select().from(orderLines).where(eq(orderLines.orderId, pending.id));
    await expect(
      createReturn(m.ctx, {
        orderId: pending.id,
        reason: "x",
        lines: [{ orderLineId: pendingLines[0]!.id, quantity: "1" }],
      }),
    ).rejects.toMatchObject({
      fieldErrors: { "lines.0.quantity": { key: "returnExceedsShipped" } },
    });
    const { order } = await shippedOrder(m);
    await expect(
      createReturn(m.ctx, {
        orderId: order.id,
        reason: "x",
        lines: [{ orderLineId: pendingLines[0]!.id, quantity: "1" }],
      }),
    ).rejects.toMatchObject({
      fieldErrors: { "lines.0.orderLineId": { key: "returnLineNotOnOrder" } },
    });
    // Against one outbound order of a split order: only its lines.
    const split = await orderMerchant({ stock: { "00021002": { sz: "10" }, "00031003": { yw: "5" } } });
    const s = await shippedOrder(split, [
      { sku: "00021002", quantity: "2", unitPrice: "1" },
      { sku: "00031003", quantity: "1", unitPrice: "1" },
    ]);
    const szOb = s.outbounds.find((o) => o.warehouseId === split.sz.id)!;
    const ywLine = s.lines.find((l) => l.sku === "00031003")!;
    const view = await returnableLines(split.ctx, { number: szOb.outboundNo });
    expect(view.outbound?.id).toBe(szOb.id);
    expect(view.lines.map((l) => l.sku)).toEqual(["00021002"]);
    await expect(
      createReturn(split.ctx, {
        orderId: s.order.id,
        outboundId: szOb.id,
        reason: "x",
        lines: [{ orderLineId: ywLine.id, quantity: "1" }],
      }),
    ).rejects.toMatchObject({ fieldErrors: { "lines.0.orderLineId": { key: "returnLineNotOnOrder" } } });
  });

  it("20 concurrent returns of one line shipped 5: exactly 5 succeed, the rest are refused, nothing over-returned", async () => {
    const m = await orderMerchant();
    const { order, lines } = await shippedOrder(m);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        createReturn(m.ctx, {
          orderId: order.id,
          reason: "并发",
          lines: [{ orderLineId: lines[0]!.id, quantity: "1" }],
        }).then(
          () => "ok" as const,
          (e: unknown) => {
            if (e instanceof DomainError && e.code === "VALIDATION") return "refused" as const;
            throw e;
          },
        ),
      ),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(5);
    const [after] = await testDb().select().from(orderLines).where(eq(orderLines.id, lines[0]!.id));
    expect(dec(after!.returnedQty).toFixed()).toBe("5");
    expect(await returnsOfOrder(m.ctx, order.id)).toHaveLength(5);
  });

  it("requested → received → inspected → closed: restocked lines post a return movement into the chosen warehouse, scrapped ones do not", async () => {
    const m = await orderMerchant();
    const { order, lines } = await shippedOrder(m, [
      { sku: "00021002", quantity: "4", unitPrice: "10" },
      { sku: "00021003", quantity: "2", unitPrice: "10" },
    ]);
    const byS = (sku: string) => lines.find((l) => l.sku === sku)!;
    const r = await createReturn(m.ctx, {
      orderId: order.id,
      reason: "质量问题",
      platformRef: "RMA-123",
      lines: [
        { orderLineId: byS("00021002").id, quantity: "3" },
        { orderLineId: byS("00021003").id, quantity: "2" },
      ],
    });
    const detail = await getReturn(m.ctx, r.id);
    const rl = (sku: string) => detail.lines.find((l) => l.sku === sku)!.id;
    // Nothing can be inspected before it is received.
    await expect(
      inspectReturn(m.ctx, { id: r.id, lines: [{ lineId: rl("00021003"), disposition: "scrap" }] }),
    ).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await expect(
      receiveReturn(m.ctx, {
        id: r.id,
        lines: [
          { lineId: rl("00021002"), receivedQty: "4" },
          { lineId: rl("00021003"), receivedQty: "2" },
        ],
      }),
    ).rejects.toMatchObject({
      fieldErrors: { "lines.0.receivedQty": { key: "receivedExceedsRequested" } },
    });
    // Only 2 of the 3 came back: the third becomes returnable again.
    await receiveReturn(m.ctx, {
      id: r.id,
      lines: [
        { lineId: rl("00021002"), receivedQty: "2" },
        { lineId: rl("00021003"), receivedQty: "2" },
      ],
    });
    expect(
      (await returnableLines(m.ctx, { orderId: order.id })).lines.find((l) => l.sku === "00021002")!
        .returnableQty,
    ).toBe("2");

    const ywBefore = await level(m.org.orgId, m.productId("00021002"), m.yw.id);
    const szBefore = await level(m.org.orgId, m.productId("00021003"), m.sz.id);
    await expect(
      inspectReturn(m.ctx, {
        id: r.id,
        lines: [
          { lineId: rl("00021002"), disposition: "restock" },
          { lineId: rl("00021003"), disposition: "scrap" },
        ],
      }),
    ).rejects.toMatchObject({ fieldErrors: { "lines.0.warehouseId": { key: "restockWarehouseRequired" } } });
    await inspectReturn(m.ctx, {
      id: r.id,
      lines: [
        { lineId: rl("00021002"), disposition: "restock", warehouseId: m.yw.id },
        { lineId: rl("00021003"), disposition: "scrap" },
      ],
    });
    const ywAfter = await level(m.org.orgId, m.productId("00021002"), m.yw.id);
    expect(ywAfter.onHand.minus(ywBefore.onHand).toFixed()).toBe("2");
    expect((await level(m.org.orgId, m.productId("00021003"), m.sz.id)).onHand.eq(szBefore.onHand)).toBe(
      true,
    );
    const done = await getReturn(m.ctx, r.id);
    expect(done.movements.map((mv) => [mv.kind, mv.sku, mv.warehouseCode, mv.onHandDelta])).toEqual([
      ["return", "00021002", "WH-YW", "2.0000"],
    ]);
    expect(done.lines.map((l) => [l.sku, l.disposition, l.restockWarehouseCode])).toEqual([
      ["00021002", "restock", "WH-YW"],
      ["00021003", "scrap", null],
    ]);
    await expect(cancelReturn(m.ctx, { id: r.id, reason: "x" })).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
    });
    expect((await closeReturn(m.ctx, r.id)).status).toBe("closed");
    expect((await getReturn(m.ctx, r.id)).events.map((e) => e.type)).toEqual([
      "requested",
      "receive",
      "inspect",
      "close",
    ]);
  });

  it("another merchant's session and API key get NOT_FOUND for returns, returnable lines and actions", async () => {
    const m = await orderMerchant();
    const { order, lines } = await shippedOrder(m);
    const r = await createReturn(m.ctx, {
      orderId: order.id,
      reason: "x",
      lines: [{ orderLineId: lines[0]!.id, quantity: "1" }],
    });
    const other = await createTestOrg("B");
    for (const caller of [sessionCaller(other.ownerId, other.orgId), keyCaller(await newApiKey(other))]) {
      await expect(caller.returns.byId({ id: r.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.returns.returnable({ orderId: order.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(
        caller.returns.create({
          orderId: order.id,
          reason: "x",
          lines: [{ orderLineId: lines[0]!.id, quantity: "1" }],
        }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        caller.returns.receive({ id: r.id, lines: [{ lineId: r.id, receivedQty: "1" }] }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.returns.cancel({ id: r.id, reason: "x" })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(caller.returns.close({ id: r.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await caller.returns.list({})).items).toEqual([]);
    }
    expect((await sessionCaller(m.org.ownerId, m.org.orgId).returns.byId({ id: r.id })).return.id).toBe(r.id);
  });
});

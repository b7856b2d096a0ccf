import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import {
  deliveryMethods,
  orderLines,
  orders,
  outboundOrders,
  outbox,
  products,
  stockMovements,
} from "@/db/schema";
import { dec } from "@/lib/decimal";
import { DomainError } from "@/server/errors";
import { approveOrder } from "@/server/services/orders/approve-order";
import { createOrder } from "@/server/services/orders/create-order";
import { transitionOrder } from "@/server/services/orders/transitions";
import { auditOutbound, bulkAudit } from "@/server/services/outbound/audit";
import { cancelOutbound } from "@/server/services/outbound/cancel";
import { createPickBatch, getPickList } from "@/server/services/outbound/pick";
import { getOutbound, listOutbound, outboundStatusCounts } from "@/server/services/outbound/queries";
import {
  bulkShip,
  packOutbound,
  shipOutbound,
  uploadTracking,
} from "@/server/services/outbound/ship";
import { setLocation } from "@/server/services/inventory/stock";
import { TOPICS } from "@/server/services/outbox/topics";
import { closeTestDb, createTestOrg, keyCaller, newApiKey, sessionCaller, testDb } from "../helpers/db";
import { level, orderMerchant, simpleOrder, type OrderMerchant } from "./orders-fixtures";

afterAll(closeTestDb);

async function outboundsOf(m: OrderMerchant, orderId: string) {
  return testDb()
    .select()
    .from(outboundOrders)
    .where(and(eq(outboundOrders.orgId, m.org.orgId), eq(outboundOrders.orderId, orderId)))
    .orderBy(outboundOrders.outboundNo);
}

async function approvedOrder(m: OrderMerchant, over: Record<string, unknown> = {}) {
  const order = await createOrder(m.ctx, simpleOrder({ status: "stock_up", ...over }));
  expect(order.status).toBe("stock_up");
  return order;
}

const csv = (rows: string[][]) => Buffer.from(rows.map((r) => r.join(",")).join("\n")).toString("base64");

describe("outbound orders", () => {
  it("approval creates one outbound order per warehouse the lines are reserved in (split), in the same transaction", async () => {
    // 00031003 only in YW, 00021002 only in SZ: the order splits.
    const m = await orderMerchant({ stock: { "00021002": { sz: "10" }, "00031003": { yw: "5" } } });
    const order = await createOrder(m.ctx, simpleOrder());
    await approveOrder(m.ctx, { orderId: order.id });
    const obs = await outboundsOf(m, order.id);
    expect(obs).toHaveLength(2);
    expect(new Set(obs.map((o) => o.warehouseId))).toEqual(new Set([m.sz.id, m.yw.id]));
    expect(obs.every((o) => o.status === "pending_audit" && o.orderNo === order.orderNo)).toBe(true);
    const sz = await getOutbound(m.ctx, obs.find((o) => o.warehouseId === m.sz.id)!.id);
    expect(sz.lines.map((l) => [l.sku, dec(l.quantity).toFixed()])).toEqual([["00021002", "2"]]);
    expect(sz.siblings).toHaveLength(1);
    expect(sz.events[0]).toMatchObject({ type: "created", toStatus: "pending_audit" });
    // Approving fails as a whole when stock is short: no outbound order is left behind.
    const short = await createOrder(
      m.ctx,
      simpleOrder({ lines: [{ sku: "00031003", quantity: "50", unitPrice: "1" }] }),
    );
    await expect(approveOrder(m.ctx, { orderId: short.id })).rejects.toMatchObject({
      code: "INSUFFICIENT_STOCK",
    });
    expect(await outboundsOf(m, short.id)).toHaveLength(0);
  });

  it("200 concurrent stock_up approvals of one SKU with stock for 100: exactly 100 succeed, available 0, 100 outbound orders", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "100" } } });
    const orderIds: string[] = [];
    for (let i = 0; i < 200; i++) {
      orderIds.push(
        (
          await createOrder(
            m.ctx,
            simpleOrder({ lines: [{ sku: "00021002", quantity: "1", unitPrice: "1" }] }),
          )
        ).id,
      );
    }
    const results = await Promise.all(
      orderIds.map((orderId) =>
        approveOrder(m.ctx, { orderId }).then(
          () => "ok" as const,
          (e: unknown) => {
            if (e instanceof DomainError && e.code === "INSUFFICIENT_STOCK") return "short" as const;
            throw e;
          },
        ),
      ),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(100);
    const l = await level(m.org.orgId, m.productId("00021002"), m.sz.id);
    expect(l.available.toFixed()).toBe("0");
    expect(l.reserved.toFixed()).toBe("100");
    expect(await testDb().$count(outboundOrders, eq(outboundOrders.orgId, m.org.orgId))).toBe(100);
  });

  it("审核 lists every exception on the row; bulk audit passes the rest and leaves the failures pending", async () => {
    const m = await orderMerchant();
    const good = await approvedOrder(m);
    const bad = await approvedOrder(m);
    // Break the bad one the ways 003 warns about: incomplete address, unknown delivery method, a disabled SKU.
    await testDb()
      .update(orders)
      .set({ street: "", recipientPhone: " ", deliveryMethod: "火星快递" })
      .where(eq(orders.id, bad.id));
    await testDb()
      .update(products)
      .set({ enabled: false })
      .where(eq(products.id, m.productId("00031003")));
    const [badOb] = await outboundsOf(m, bad.id);
    const single = await auditOutbound(m.ctx, badOb!.id);
    expect(single.passed).toBe(false);
    const codes = single.exceptions.map(
      (e) => `${e.code}:${e.params?.field ?? e.params?.sku ?? e.params?.name ?? ""}`,
    );
    expect(codes).toEqual(expect.arrayContaining(["deliveryMethodUnknown:火星快递", "skuDisabled:00031003"]));
    // Unknown method: the address is still required (street, phone).
    expect(codes).toEqual(
      expect.arrayContaining(["addressIncomplete:street", "addressIncomplete:recipientPhone"]),
    );
    await testDb()
      .update(products)
      .set({ enabled: true })
      .where(eq(products.id, m.productId("00031003")));

    const listed = await listOutbound(m.ctx, { withExceptions: true });
    expect(listed.items.map((r) => r.id)).toEqual([badOb!.id]);
    expect(listed.items[0]!.auditExceptions.length).toBeGreaterThanOrEqual(3);

    const res = await bulkAudit(m.ctx, { notAuditedSince: new Date(Date.now() + 1000).toISOString() });
    expect(res.audited).toBe(1);
    expect(res.failed).toBe(1);
    const [goodOb] = await outboundsOf(m, good.id);
    expect(goodOb!.status).toBe("audited");
    const [stillBad] = await outboundsOf(m, bad.id);
    expect(stillBad!.status).toBe("pending_audit");
    expect(stillBad!.auditExceptions.map((e) => e.code)).not.toContain("skuDisabled");

    // Fixing the order and auditing again clears the exceptions.
    await testDb()
      .update(orders)
      .set({ street: "文三路 90 号", recipientPhone: "13800000000", deliveryMethod: "快递" })
      .where(eq(orders.id, bad.id));
    const again = await auditOutbound(m.ctx, badOb!.id);
    expect(again).toMatchObject({ passed: true, exceptions: [] });
    const counts = await outboundStatusCounts(m.ctx);
    expect(counts.byStatus.audited.count).toBe(2);
    expect(counts.pendingWithExceptions).toBe(0);
    // A second audit of an audited row is an invalid transition.
    await expect(auditOutbound(m.ctx, badOb!.id)).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
  });

  it("a disabled delivery method and a pick-up method are judged by the method's own settings", async () => {
    const m = await orderMerchant();
    const pickup = await approvedOrder(m, { deliveryMethod: "上门自取" });
    await testDb().update(orders).set({ street: "", recipientName: "" }).where(eq(orders.id, pickup.id));
    const [ob] = await outboundsOf(m, pickup.id);
    expect(await auditOutbound(m.ctx, ob!.id)).toMatchObject({ passed: true });
    const other = await approvedOrder(m);
    await testDb()
      .update(deliveryMethods)
      .set({ enabled: false })
      .where(and(eq(deliveryMethods.orgId, m.org.orgId), eq(deliveryMethods.name, "快递")));
    const [ob2] = await outboundsOf(m, other.id);
    const r = await auditOutbound(m.ctx, ob2!.id);
    expect(r.exceptions).toEqual([{ code: "deliveryMethodDisabled", params: { name: "快递" } }]);
  });

  it("pick batch → pick list sorted by bin then SKU → pack confirms quantities → ship: shipment movement, order shipped, order.shipped enqueued", async () => {
    const m = await orderMerchant();
    await setLocation(m.ctx, {
      productId: m.productId("00031003"),
      warehouseId: m.sz.id,
      location: "A-01-01",
    });
    await setLocation(m.ctx, {
      productId: m.productId("00021002"),
      warehouseId: m.sz.id,
      location: "B-02-03",
    });
    const o1 = await approvedOrder(m);
    const o2 = await approvedOrder(m, { lines: [{ sku: "00021002", quantity: "3", unitPrice: "1" }] });
    const [ob1] = await outboundsOf(m, o1.id);
    const [ob2] = await outboundsOf(m, o2.id);
    await bulkAudit(m.ctx, { ids: [ob1!.id, ob2!.id] });
    const batch = await createPickBatch(m.ctx, { ids: [ob1!.id, ob2!.id] });
    expect(batch.batchNo).toMatch(/^PK-\d{6}-\d{5}$/);
    const pick = await getPickList(m.ctx, batch.id);
    expect(pick.items.map((i) => [i.location, i.sku, i.total])).toEqual([
      ["A-01-01", "00031003", "1"],
      ["B-02-03", "00021002", "5"],
    ]);
    expect(pick.items[1]!.orders).toHaveLength(2);

    const before = await level(m.org.orgId, m.productId("00021002"), m.sz.id);
    const detail = await getOutbound(m.ctx, ob1!.id);
    // Packing a different quantity is refused, per line.
    const wrong = await packOutbound(m.ctx, {
      id: ob1!.id,
      lines: detail.lines.map((l) => ({ lineId: l.id, packedQty: l.sku === "00021002" ? "1" : l.quantity })),
    }).catch((e: DomainError) => e);
    expect(wrong).toBeInstanceOf(DomainError);
    expect(Object.keys((wrong as DomainError).fieldErrors!)).toEqual(["lines.0.packedQty"]);
    await packOutbound(m.ctx, {
      id: ob1!.id,
      lines: detail.lines.map((l) => ({ lineId: l.id, packedQty: l.quantity })),
    });

    const shipped = await shipOutbound(m.ctx, {
      id: ob1!.id,
      carrier: "顺丰",
      trackingNumber: "SF1234567890",
    });
    expect(shipped).toMatchObject({ status: "shipped", carrier: "顺丰", trackingNumber: "SF1234567890" });
    const after = await level(m.org.orgId, m.productId("00021002"), m.sz.id);
    expect(before.onHand.minus(after.onHand).toFixed()).toBe("2");
    expect(before.reserved.minus(after.reserved).toFixed()).toBe("2");
    expect(after.available.eq(before.available)).toBe(true);
    const moves = await testDb()
      .select()
      .from(stockMovements)
      .where(and(eq(stockMovements.orgId, m.org.orgId), eq(stockMovements.refId, ob1!.id)));
    expect(
      moves.map((mv) => [mv.kind, dec(mv.onHandDelta).toFixed(), dec(mv.reservedDelta).toFixed()]).sort(),
    ).toEqual([
      ["shipment", "-1", "-1"],
      ["shipment", "-2", "-2"],
    ]);
    const [order] = await testDb().select().from(orders).where(eq(orders.id, o1.id));
    expect(order!.status).toBe("shipped");
    const lines = await testDb().select().from(orderLines).where(eq(orderLines.orderId, o1.id));
    expect(lines.every((l) => dec(l.shippedQty).eq(l.quantity))).toBe(true);
    const events = await testDb()
      .select()
      .from(outbox)
      .where(and(eq(outbox.orgId, m.org.orgId), eq(outbox.topic, TOPICS.orderShipped)));
    expect(events.map((e) => e.payload)).toEqual([
      { orderId: o1.id, outboundId: ob1!.id, carrier: "顺丰", trackingNumber: "SF1234567890" },
    ]);

    // Shipping again is refused; the second order ships straight from picking (pack skipped, on the timeline).
    await expect(
      shipOutbound(m.ctx, { id: ob1!.id, carrier: "顺丰", trackingNumber: "X1" }),
    ).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await shipOutbound(m.ctx, { id: ob2!.id, carrier: "中通", trackingNumber: "ZT-1" });
    const d2 = await getOutbound(m.ctx, ob2!.id);
    expect(d2.events.map((e) => e.type)).toEqual(["created", "audit", "pick", "ship"]);
  });

  it("a split order ships when its last outbound order ships", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "10" }, "00031003": { yw: "5" } } });
    const order = await approvedOrder(m);
    const obs = await outboundsOf(m, order.id);
    await bulkAudit(m.ctx, { ids: obs.map((o) => o.id) });
    await shipOutbound(m.ctx, { id: obs[0]!.id, carrier: "EMS", trackingNumber: "E1" });
    expect((await testDb().select().from(orders).where(eq(orders.id, order.id)))[0]!.status).toBe("stock_up");
    await shipOutbound(m.ctx, { id: obs[1]!.id, carrier: "EMS", trackingNumber: "E2" });
    expect((await testDb().select().from(orders).where(eq(orders.id, order.id)))[0]!.status).toBe("shipped");
  });

  it("cancel releases the reservation; the last open outbound order closes its order (or ships it when a sibling shipped)", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "10" }, "00031003": { yw: "5" } } });
    const order = await approvedOrder(m);
    const [a, b] = await outboundsOf(m, order.id);
    const skuA = a!.warehouseId === m.sz.id ? "00021002" : "00031003";
    const before = await level(m.org.orgId, m.productId(skuA), a!.warehouseId);
    await cancelOutbound(m.ctx, { id: a!.id, reason: "客户改地址" });
    const after = await level(m.org.orgId, m.productId(skuA), a!.warehouseId);
    expect(before.reserved.minus(after.reserved).gt(0)).toBe(true);
    expect(after.available.gt(before.available)).toBe(true);
    expect((await testDb().select().from(orders).where(eq(orders.id, order.id)))[0]!.status).toBe("stock_up");
    await expect(cancelOutbound(m.ctx, { id: a!.id, reason: "again" })).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
    });
    // The other one cancelled too → nothing left to ship: the order is closed, nothing released twice.
    await cancelOutbound(m.ctx, { id: b!.id, reason: "客户取消" });
    const [closed] = await testDb().select().from(orders).where(eq(orders.id, order.id));
    expect(closed).toMatchObject({ status: "closed", statusReason: "客户取消" });
    for (const sku of ["00021002", "00031003"]) {
      for (const wh of [m.sz.id, m.yw.id])
        expect((await level(m.org.orgId, m.productId(sku), wh)).reserved.toFixed()).toBe("0");
    }

    // One shipped, the other cancelled → the order ships.
    const o2 = await approvedOrder(m);
    const [c, d] = await outboundsOf(m, o2.id);
    await auditOutbound(m.ctx, c!.id);
    await shipOutbound(m.ctx, { id: c!.id, carrier: "EMS", trackingNumber: "E9" });
    await cancelOutbound(m.ctx, { id: d!.id, reason: "缺货" });
    expect((await testDb().select().from(orders).where(eq(orders.id, o2.id)))[0]!.status).toBe("shipped");

    // An order closed on the order side takes its open outbound orders with it (stock released once).
    const o3 = await approvedOrder(m, { lines: [{ sku: "00021002", quantity: "1", unitPrice: "1" }] });
    const [e] = await outboundsOf(m, o3.id);
    await auditOutbound(m.ctx, e!.id);
    const lv = await level(m.org.orgId, m.productId("00021002"), m.sz.id);
    await transitionOrder(m.ctx, { orderId: o3.id, action: "close", reason: "客户取消" });
    const [closedOb] = await outboundsOf(m, o3.id);
    expect(closedOb).toMatchObject({ status: "cancelled", statusReason: "客户取消" });
    expect((await getOutbound(m.ctx, e!.id)).events.at(-1)).toMatchObject({ type: "order_closed", toStatus: "cancelled" });
    expect(lv.reserved.minus((await level(m.org.orgId, m.productId("00021002"), m.sz.id)).reserved).toFixed()).toBe("1");

    // A frozen order keeps its outbound order, but it cannot ship until the order is unfrozen.
    const o4 = await approvedOrder(m, { lines: [{ sku: "00021002", quantity: "1", unitPrice: "1" }] });
    const [f] = await outboundsOf(m, o4.id);
    await auditOutbound(m.ctx, f!.id);
    await transitionOrder(m.ctx, { orderId: o4.id, action: "freeze", reason: "核实地址" });
    await expect(shipOutbound(m.ctx, { id: f!.id, carrier: "EMS", trackingNumber: "E4" })).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
      messageRef: { key: "orderNotShippable" },
    });
    await transitionOrder(m.ctx, { orderId: o4.id, action: "unfreeze" });
    expect((await shipOutbound(m.ctx, { id: f!.id, carrier: "EMS", trackingNumber: "E4" })).status).toBe("shipped");
  });

  it("bulk ship is all or nothing and names every row that cannot ship", async () => {
    const m = await orderMerchant();
    const o1 = await approvedOrder(m);
    const o2 = await approvedOrder(m);
    const [ob1] = await outboundsOf(m, o1.id);
    const [ob2] = await outboundsOf(m, o2.id);
    await auditOutbound(m.ctx, ob1!.id);
    const err = await bulkShip(m.ctx, {
      items: [
        { id: ob1!.id, carrier: "EMS", trackingNumber: "A1" },
        { id: ob2!.id, carrier: "EMS", trackingNumber: "A2" },
      ],
    }).catch((e: DomainError) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).fieldErrors).toEqual({
      "items.1.id": { key: "outboundNotAudited", params: { no: ob2!.outboundNo } },
    });
    expect((await outboundsOf(m, o1.id))[0]!.status).toBe("audited");
    await auditOutbound(m.ctx, ob2!.id);
    const res = await bulkShip(m.ctx, {
      items: [
        { id: ob1!.id, carrier: "EMS", trackingNumber: "A1" },
        { id: ob2!.id, carrier: "EMS", trackingNumber: "A2" },
      ],
    });
    expect(res.shipped).toBe(2);
  });

  it("tracking numbers by CSV: order no. or outbound no. → tracking no., row-by-row errors, valid rows shipped together", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "50" }, "00031003": { sz: "20", yw: "5" } } });
    const o1 = await approvedOrder(m);
    const o2 = await approvedOrder(m);
    const pending = await approvedOrder(m);
    const another = await approvedOrder(m, { lines: [{ sku: "00021002", quantity: "1", unitPrice: "1" }] });
    await testDb().update(outboundOrders).set({ status: "audited" }).where(eq(outboundOrders.orderId, o1.id));
    const [ob2] = await outboundsOf(m, o2.id);
    await auditOutbound(m.ctx, ob2!.id);
    const file = csv([
      ["订单号", "跟踪号", "物流公司"],
      [o1.orderNo, "YT100", ""],
      [ob2!.outboundNo, "YT200", "圆通"],
      [pending.orderNo, "YT300", ""],
      ["SO-000000-99999", "YT400", ""],
      [o1.orderNo, "YT500", ""],
      [another.orderNo, "bad*number", ""],
    ]);
    const preview = await uploadTracking(m.ctx, {
      format: "csv",
      content: file,
      defaultCarrier: "韵达",
      commit: false,
    });
    expect(preview.validRows).toBe(2);
    expect(preview.errors.map((e) => [e.row, e.ref.key])).toEqual([
      [4, "outboundNotAudited"],
      [5, "orderNoUnknown"],
      [6, "duplicateInFile"],
      [7, "outboundNotAudited"],
      [7, "trackingFormat"],
    ]);
    expect((await outboundsOf(m, o1.id))[0]!.status).toBe("audited");
    const done = await uploadTracking(m.ctx, {
      format: "csv",
      content: file,
      defaultCarrier: "韵达",
      commit: true,
    });
    expect(done).toMatchObject({ committed: true, created: 2 });
    expect((await outboundsOf(m, o1.id))[0]).toMatchObject({
      status: "shipped",
      carrier: "韵达",
      trackingNumber: "YT100",
    });
    expect((await outboundsOf(m, o2.id))[0]).toMatchObject({
      status: "shipped",
      carrier: "圆通",
      trackingNumber: "YT200",
    });
  });

  it("another merchant's session and API key get NOT_FOUND for outbound orders, batches and actions; lists show nothing", async () => {
    const m = await orderMerchant();
    const order = await approvedOrder(m);
    const [ob] = await outboundsOf(m, order.id);
    await auditOutbound(m.ctx, ob!.id);
    const batch = await createPickBatch(m.ctx, { ids: [ob!.id] });
    const other = await createTestOrg("B");
    const callers = [sessionCaller(other.ownerId, other.orgId), keyCaller(await newApiKey(other))];
    for (const caller of callers) {
      await expect(caller.outbound.byId({ id: ob!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.outbound.pickList({ id: batch.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.outbound.audit({ id: ob!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        caller.outbound.ship({ id: ob!.id, carrier: "EMS", trackingNumber: "X" }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.outbound.cancel({ id: ob!.id, reason: "x" })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(caller.outbound.createPickBatch({ ids: [ob!.id] })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      expect((await caller.outbound.list({})).items).toEqual([]);
      expect((await caller.outbound.pickBatches({})).items).toEqual([]);
    }
    // The merchant's own session reads it; its read-only API key may not act on it.
    const own = sessionCaller(m.org.ownerId, m.org.orgId);
    expect((await own.outbound.byId({ id: ob!.id })).outbound.id).toBe(ob!.id);
    expect((await own.outbound.list({})).items).toHaveLength(1);
    const viewerKey = keyCaller(await newApiKey(m.org, "viewer"));
    await expect(
      viewerKey.outbound.ship({ id: ob!.id, carrier: "EMS", trackingNumber: "X" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { orders } from "@/db/schema";
import { ORDER_ACTIONS, ORDER_STATUSES, ORDER_TRANSITIONS, type OrderAction, type OrderStatus } from "@/lib/orders/status";
import { DomainError } from "@/server/errors";
import { approveOrder } from "@/server/services/orders/approve-order";
import { createOrder } from "@/server/services/orders/create-order";
import { transitionOrder } from "@/server/services/orders/transitions";
import { closeTestDb, testDb } from "../helpers/db";
import { eventsOf, level, orderMerchant, simpleOrder, type OrderMerchant } from "./orders-fixtures";

afterAll(closeTestDb);

/** Put a fresh order into `status` the way the system would get it there. */
async function orderIn(m: OrderMerchant, status: OrderStatus, frozenFrom: OrderStatus = "pending") {
  const order = await createOrder(m.ctx, simpleOrder());
  const path: Record<OrderStatus, OrderAction[]> = {
    pending: [],
    stock_up: ["approve"],
    scheduled: ["approve", "schedule"],
    shipped: ["approve", "ship"],
    completed: ["approve", "ship", "complete"],
    closed: ["close"],
    voided: ["void"],
    frozen: [...(frozenFrom === "stock_up" ? (["approve"] as const) : frozenFrom === "scheduled" ? (["approve", "schedule"] as const) : []), "freeze"],
  };
  let row = order;
  for (const action of path[status]) row = await transitionOrder(m.ctx, { orderId: order.id, action, reason: "test" });
  expect(row.status).toBe(status);
  return row;
}

describe("order transitions", () => {
  it("every action from every status is allowed exactly when the table says so", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "10000" }, "00031003": { sz: "10000" } } });
    for (const from of ORDER_STATUSES) {
      for (const action of ORDER_ACTIONS) {
        const order = await orderIn(m, from);
        const target = ORDER_TRANSITIONS[action][from];
        const attempt = transitionOrder(m.ctx, { orderId: order.id, action, reason: "because" });
        if (target) {
          const row = await attempt;
          const expected = target === "previous" ? order.statusBeforeFreeze : target;
          expect(row.status, `${action} from ${from}`).toBe(expected);
          expect(row.version).toBe(order.version + 1);
          const events = await eventsOf(m.ctx, order.id);
          const last = events[events.length - 1]!;
          expect(last).toMatchObject({ type: action, fromStatus: from, toStatus: expected });
        } else {
          const err = await attempt.then(
            () => null,
            (e: unknown) => e,
          );
          expect(err, `${action} from ${from} must be refused`).toBeInstanceOf(DomainError);
          expect((err as DomainError).code).toBe("INVALID_TRANSITION");
          expect((err as DomainError).details).toMatchObject({ from, action });
          const [after] = await testDb().select().from(orders).where(eq(orders.id, order.id));
          expect(after!.status).toBe(from);
          expect(after!.version).toBe(order.version);
        }
      }
    }
  });

  it("close after scheduled is refused (未排产的订单才能关闭), and a frozen scheduled order cannot be voided", async () => {
    const m = await orderMerchant();
    const scheduled = await orderIn(m, "scheduled");
    await expect(transitionOrder(m.ctx, { orderId: scheduled.id, action: "close" })).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
      details: { from: "scheduled", to: "closed", action: "close" },
    });
    const frozen = await orderIn(m, "frozen", "scheduled");
    await expect(transitionOrder(m.ctx, { orderId: frozen.id, action: "void", reason: "x" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    const back = await transitionOrder(m.ctx, { orderId: frozen.id, action: "unfreeze" });
    expect(back.status).toBe("scheduled");
  });

  it("freeze and void need a reason; unfreeze returns to where the order was", async () => {
    const m = await orderMerchant();
    const order = await orderIn(m, "stock_up");
    await expect(transitionOrder(m.ctx, { orderId: order.id, action: "freeze" })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { reason: { key: "reasonRequired" } },
    });
    const frozen = await transitionOrder(m.ctx, { orderId: order.id, action: "freeze", reason: "客户要求暂停" });
    expect(frozen).toMatchObject({ status: "frozen", statusBeforeFreeze: "stock_up", statusReason: "客户要求暂停" });
    const back = await transitionOrder(m.ctx, { orderId: order.id, action: "unfreeze" });
    expect(back).toMatchObject({ status: "stock_up", statusBeforeFreeze: null });
  });

  it("approval reserves stock; closing or voiding (also while frozen) releases it", async () => {
    const m = await orderMerchant();
    const p = m.productId("00021002");
    const before = await level(m.org.orgId, p, m.sz.id);
    const a = await createOrder(m.ctx, simpleOrder());
    await approveOrder(m.ctx, { orderId: a.id });
    expect((await level(m.org.orgId, p, m.sz.id)).reserved.minus(before.reserved).toFixed()).toBe("2");
    await transitionOrder(m.ctx, { orderId: a.id, action: "close", reason: "客户取消" });
    expect((await level(m.org.orgId, p, m.sz.id)).reserved.eq(before.reserved)).toBe(true);

    const b = await createOrder(m.ctx, simpleOrder());
    await approveOrder(m.ctx, { orderId: b.id });
    await transitionOrder(m.ctx, { orderId: b.id, action: "freeze", reason: "hold" });
    expect((await level(m.org.orgId, p, m.sz.id)).reserved.minus(before.reserved).toFixed()).toBe("2");
    await transitionOrder(m.ctx, { orderId: b.id, action: "void", reason: "作废" });
    expect((await level(m.org.orgId, p, m.sz.id)).reserved.eq(before.reserved)).toBe(true);

    // A pending order holds nothing: closing it moves no stock.
    const c = await createOrder(m.ctx, simpleOrder());
    await transitionOrder(m.ctx, { orderId: c.id, action: "close" });
    expect((await level(m.org.orgId, p, m.sz.id)).reserved.eq(before.reserved)).toBe(true);
  });

  it("short stock fails the approval with every short line, reserves nothing and leaves the order pending", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "1" }, "00031003": { sz: "0.5" }, "00021003": { sz: "100" } } });
    const order = await createOrder(m.ctx, {
      clientNum: "10331",
      lines: [
        { sku: "00021002", quantity: "3", unitPrice: "1" },
        { sku: "00021003", quantity: "1", unitPrice: "1" },
        { sku: "00031003", quantity: "2", unitPrice: "1" },
      ],
    });
    const err = await approveOrder(m.ctx, { orderId: order.id }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "INSUFFICIENT_STOCK" });
    const shortages = ((err as DomainError).details as { shortages: { sku: string; requested: string; available: string }[] }).shortages;
    expect(shortages.map((s) => [s.sku, s.requested, s.available]).sort()).toEqual([
      ["00021002", "3", "1"],
      ["00031003", "2", "0.5"],
    ]);
    expect((await level(m.org.orgId, m.productId("00021003"), m.sz.id)).reserved.toFixed()).toBe("0");
    const [row] = await testDb().select().from(orders).where(eq(orders.id, order.id));
    expect(row!.status).toBe("pending");
  });

  it("without an order warehouse, a SKU the default warehouse cannot serve is reserved where it can", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "1", yw: "40" }, "00031003": { sz: "5" } } });
    const order = await createOrder(m.ctx, simpleOrder());
    await approveOrder(m.ctx, { orderId: order.id });
    expect((await level(m.org.orgId, m.productId("00021002"), m.yw.id)).reserved.toFixed()).toBe("2");
    expect((await level(m.org.orgId, m.productId("00031003"), m.sz.id)).reserved.toFixed()).toBe("1");
  });

  it("two approvals of the same order at once: one wins, the other is refused, stock reserved once", async () => {
    const m = await orderMerchant();
    const order = await createOrder(m.ctx, simpleOrder());
    const results = await Promise.allSettled([approveOrder(m.ctx, { orderId: order.id }), approveOrder(m.ctx, { orderId: order.id })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "INVALID_TRANSITION" } });
    expect((await level(m.org.orgId, m.productId("00021002"), m.sz.id)).reserved.toFixed()).toBe("2");
  });
});

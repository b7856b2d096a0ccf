import { afterAll, describe, expect, it } from "vitest";
import { setStorage } from "@/server/storage";
import { stageAttachment } from "@/server/services/orders/attachments";
import { createOrder } from "@/server/services/orders/create-order";
import { closeTestDb, createTestUser, keyCaller, newApiKey, sessionCaller } from "../helpers/db";
import { orderCount, orderMerchant, simpleOrder } from "./orders-fixtures";

afterAll(closeTestDb);

describe("orders router", () => {
  it("merchant B's session and API key get NOT_FOUND for every one of A's orders and attachments", async () => {
    const files = new Map<string, Buffer>();
    setStorage({
      put: async (k, d) => void files.set(k, d),
      get: async (k) => files.get(k)!,
      exists: async (k) => files.has(k),
      remove: async (k) => void files.delete(k),
    });
    try {
      const a = await orderMerchant();
      const b = await orderMerchant();
      const staged = await stageAttachment(a.ctx, { fileName: "a.txt", contentType: "text/plain", data: Buffer.from("x") });
      const order = await createOrder(a.ctx, simpleOrder({ attachmentIds: [staged.id] }));
      const callers = { session: sessionCaller(b.org.ownerId, b.org.orgId), apiKey: keyCaller(await newApiKey(b.org, "admin")) };
      for (const [name, c] of Object.entries(callers)) {
        const orderId = order.id;
        const attempts: [string, () => Promise<unknown>][] = [
          ["byId", () => c.orders.byId({ id: orderId })],
          ["approve", () => c.orders.approve({ orderId })],
          ["close", () => c.orders.close({ orderId })],
          ["freeze", () => c.orders.freeze({ orderId, reason: "x" })],
          ["unfreeze", () => c.orders.unfreeze({ orderId })],
          ["void", () => c.orders.void({ orderId, reason: "x" })],
          ["copy", () => c.orders.copy({ orderId })],
          ["update", () => c.orders.update({ orderId, ...simpleOrder() })],
          ["removeAttachment", () => c.orders.removeAttachment({ attachmentId: staged.id })],
        ];
        for (const [what, attempt] of attempts) {
          await expect(attempt(), `${name} ${what}`).rejects.toMatchObject({ code: "NOT_FOUND" });
        }
        const bulk = await c.orders.bulkClose({ orderIds: [orderId] });
        expect(bulk.done).toHaveLength(0);
        expect(bulk.failed).toHaveLength(1);
        expect((await c.orders.list({ filter: { orderNos: [order.orderNo] } })).items).toHaveLength(0);
        expect((await c.orders.statusCounts()).all).toBe(0);
      }
      // A's own session sees and acts on it.
      const own = sessionCaller(a.org.ownerId, a.org.orgId);
      expect((await own.orders.byId({ id: order.id })).attachments).toHaveLength(1);
      expect(await own.orders.approve({ orderId: order.id })).toMatchObject({ status: "stock_up" });
    } finally {
      setStorage(null);
    }
  });

  it("checks permissions: a viewer reads only; a warehouse user may not approve", async () => {
    const m = await orderMerchant();
    const viewer = sessionCaller(await createTestUser(m.org.orgId, "viewer"), m.org.orgId);
    const warehouse = sessionCaller(await createTestUser(m.org.orgId, "warehouse"), m.org.orgId);
    const order = await createOrder(m.ctx, simpleOrder());
    await expect(viewer.orders.create(simpleOrder())).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(warehouse.orders.approve({ orderId: order.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await viewer.orders.byId({ id: order.id })).orderNo).toBe(order.orderNo);
    const operator = sessionCaller(await createTestUser(m.org.orgId, "operator"), m.org.orgId);
    // stock_up at creation needs the approve permission too (operators have it).
    expect(await operator.orders.create({ ...simpleOrder(), status: "stock_up" })).toMatchObject({ status: "stock_up" });
  });

  it("create with an idempotency key (double-clicked submit) makes one order; field errors come back by path", async () => {
    const m = await orderMerchant();
    const me = sessionCaller(m.org.ownerId, m.org.orgId);
    const [x, y] = await Promise.all([
      me.orders.create({ ...simpleOrder(), idempotencyKey: "form-1" }),
      me.orders.create({ ...simpleOrder(), idempotencyKey: "form-1" }),
    ]);
    expect(x).toEqual(y);
    expect(await orderCount(m.org)).toBe(1);
    const err = await me.orders
      .create({ ...simpleOrder({ lines: [{ sku: "00021002", quantity: "1.12345", unitPrice: "1" }] }) })
      .catch((e: unknown) => e as { code: string; shape?: { data?: { appError?: { fieldErrors: Record<string, string> } } } });
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    const detail = await me.orders.byId({ id: x.id });
    expect(detail.actions).toEqual(["edit", "approve", "close", "freeze", "void", "copy"]);
    const approved = await me.orders.approve({ orderId: x.id });
    expect(approved.status).toBe("stock_up");
    expect((await me.orders.byId({ id: x.id })).actions).toEqual(["close", "freeze", "void", "copy"]);
    const bulk = await me.orders.bulkApprove({ orderIds: [x.id] });
    expect(bulk.failed[0]!.message).toMatch(/cannot approve/);
  });

  it("formOptions and pickProducts offer enabled choices only, with stock summed over the warehouses", async () => {
    const m = await orderMerchant();
    const me = sessionCaller(m.org.ownerId, m.org.orgId);
    const options = await me.orders.formOptions();
    expect(options.warehouses.map((w) => w.code).sort()).toEqual(["WH-SZ", "WH-YW"]);
    expect(options.precision).toMatchObject({ quantityDecimals: expect.any(Number), priceDecimals: expect.any(Number) });
    const page = await me.orders.pickProducts({ search: "000" });
    expect(page.items.map((p) => p.sku)).toEqual(["00021002", "00021003", "00031003"]);
    expect(page.items.find((p) => p.sku === "00021002")!.available).toBe("140");
    expect(page.items.find((p) => p.sku === "00031003")!.available).toBe("100");
    await expect(me.orders.pickProducts({ search: "x".repeat(101) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

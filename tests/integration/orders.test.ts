import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { orderAttachments, orderLines, orders, organizations } from "@/db/schema";
import { DomainError } from "@/server/errors";
import { setStorage, type FileStorage } from "@/server/storage";
import { stageAttachment, addAttachment, readAttachment, removeAttachment } from "@/server/services/orders/attachments";
import { createOrder } from "@/server/services/orders/create-order";
import { copyOrder, updateOrder } from "@/server/services/orders/edit-order";
import { dayStamp } from "@/server/services/orders/internal";
import { getOrderDetail, listOrders, orderStatusCountsOf } from "@/server/services/orders/queries";
import { transitionOrder } from "@/server/services/orders/transitions";
import { closeTestDb, testDb } from "../helpers/db";
import { eventsOf, level, orderCount, orderMerchant, outboxTopics, simpleOrder } from "./orders-fixtures";

afterAll(closeTestDb);

class MemoryStorage implements FileStorage {
  files = new Map<string, Buffer>();
  async put(key: string, data: Buffer) {
    this.files.set(key, data);
  }
  async get(key: string) {
    const f = this.files.get(key);
    if (!f) throw new Error("missing");
    return f;
  }
  async exists(key: string) {
    return this.files.has(key);
  }
  async remove(key: string) {
    this.files.delete(key);
  }
}

async function errorOf(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe("order capture", () => {
  it("numbers orders SO-YYMMDD-00001 per merchant and day, copies the default address and writes the created event", async () => {
    const m = await orderMerchant();
    const a = await createOrder(m.ctx, simpleOrder());
    const b = await createOrder(m.ctx, simpleOrder({ remark: "second" }));
    const day = dayStamp(new Date(), "Asia/Shanghai");
    expect(a.orderNo).toBe(`SO-${day}-00001`);
    expect(b.orderNo).toBe(`SO-${day}-00002`);
    expect(a).toMatchObject({
      status: "pending",
      source: "manual",
      clientNum: "10331",
      customerId: m.customer.id,
      buyerCompany: "杭州示例服饰有限公司",
      addressId: m.defaultAddress.id,
      recipientName: "王小明",
      street: "文三路 90 号",
      deliveryMethod: "快递",
      linesTotal: "112.0000",
      discountTotal: "112.0000",
      totalQty: "3.0000",
      specialPrice: false,
    });
    const events = await eventsOf(m.ctx, a.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "created", toStatus: "pending", actorUserId: m.org.ownerId });
    // 002: after creation, every warehouse's stock of the ordered goods is synced (outbox, same transaction).
    const pushed = (await outboxTopics(m.org.orgId)).filter((e) => e.topic === "inventory.changed").map((e) => e.payload.productId);
    expect(pushed).toEqual(expect.arrayContaining([m.productId("00021002"), m.productId("00031003")]));
  });

  it("concurrent creations get distinct consecutive numbers", async () => {
    const m = await orderMerchant();
    const made = await Promise.all(Array.from({ length: 15 }, () => createOrder(m.ctx, simpleOrder())));
    const seqs = made.map((o) => Number(o.orderNo.slice(-5))).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it("refuses decimals beyond the merchant's precision — field by field, nothing rounded, nothing created", async () => {
    const m = await orderMerchant();
    const before = await orderCount(m.org);
    const e = await errorOf(
      createOrder(m.ctx, {
        clientNum: "10331",
        freight: "3.555",
        discountTotal: 10.001,
        lines: [
          { sku: "00021002", quantity: "1.00001", unitPrice: "11.5555" },
          { sku: "00021003", quantity: 1, unitPrice: "11.55555" },
        ],
      }),
    );
    expect(e.code).toBe("VALIDATION");
    expect(e.fieldErrors).toMatchObject({
      freight: { key: "tooManyDecimals", params: { scale: 2 } },
      discountTotal: { key: "tooManyDecimals", params: { scale: 2 } },
      "lines.0.quantity": { key: "tooManyDecimals", params: { scale: 4 } },
      "lines.1.unitPrice": { key: "tooManyDecimals", params: { scale: 4 } },
    });
    expect(await orderCount(m.org)).toBe(before);

    // A merchant selling whole units only.
    await testDb().update(organizations).set({ quantityDecimals: 0 }).where(eq(organizations.id, m.org.orgId));
    const whole = await errorOf(createOrder(m.ctx, simpleOrder({ lines: [{ sku: "00021002", quantity: "1.5", unitPrice: "1" }] })));
    expect(whole.fieldErrors?.["lines.0.quantity"]).toMatchObject({ key: "tooManyDecimals", params: { scale: 0 } });
    // Trailing zeros are not extra precision.
    const ok = await createOrder(m.ctx, simpleOrder({ lines: [{ sku: "00021002", quantity: "2.000", unitPrice: "1" }] }));
    expect(ok.totalQty).toBe("2.0000");
  });

  it("computes amounts at the amount precision and sets the special-price flag only when the settlement differs", async () => {
    const m = await orderMerchant();
    const lines = [
      { sku: "00021002", quantity: "5.5555", unitPrice: "11.5555", lineType: "buy" as const },
      { sku: "00021002", quantity: "4.4444", unitPrice: "11.4444", lineType: "gift" as const },
      { sku: "00021003", quantity: "3.3333", unitPrice: "11.3333", lineType: "buy" as const },
    ];
    // 5.5555 × 11.5555 = 64.19658… → 64.20; 3.3333 × 11.3333 = 37.77728… → 37.78; the gift is free.
    const plain = await createOrder(m.ctx, { clientNum: "10331", lines });
    expect(plain).toMatchObject({ linesTotal: "101.9800", discountTotal: "101.9800", specialPrice: false });
    const same = await createOrder(m.ctx, { clientNum: "10331", lines, discountTotal: "101.98" });
    expect(same.specialPrice).toBe(false);
    const special = await createOrder(m.ctx, { clientNum: "10331", lines, discountTotal: 255.56 });
    expect(special).toMatchObject({ linesTotal: "101.9800", discountTotal: "255.5600", specialPrice: true });
    const stored = await testDb().select().from(orderLines).where(eq(orderLines.orderId, special.id)).orderBy(orderLines.lineNo);
    expect(stored.map((l) => [l.quantity, l.unitPrice, l.amount, l.lineType])).toEqual([
      ["5.5555", "11.5555", "64.2000", "buy"],
      ["4.4444", "11.4444", "50.8600", "gift"],
      ["3.3333", "11.3333", "37.7800", "buy"],
    ]);
  });

  it("names every unknown or unusable reference and creates nothing", async () => {
    const m = await orderMerchant();
    const before = await orderCount(m.org);
    const e = await errorOf(
      createOrder(m.ctx, {
        clientNum: "10331",
        deliveryMethod: "火箭",
        addressId: 1,
        agreementType: "不存在",
        lines: [
          { sku: "NOPE", quantity: "1", unitPrice: "1" },
          { sku: "00099999", quantity: "1", unitPrice: "1" },
          { sku: "00021002", quantity: "0", unitPrice: "1" },
        ],
      }),
    );
    expect(Object.fromEntries(Object.entries(e.fieldErrors ?? {}).map(([k, v]) => [k, v.key]))).toEqual({
      deliveryMethod: "deliveryMethodUnknown",
      addressId: "addressUnknown",
      agreementType: "agreementTypeUnknown",
      "lines.0.sku": "skuUnknown",
      "lines.1.sku": "productDisabled",
      "lines.2.quantity": "mustBePositive",
    });
    const other = await orderMerchant();
    const cust = await errorOf(createOrder(m.ctx, simpleOrder({ clientNum: "99999" })));
    expect(cust.fieldErrors?.clientNum?.key).toBe("customerUnknown");
    // Another merchant's address id is unknown here.
    const addr = await errorOf(createOrder(m.ctx, simpleOrder({ addressId: other.defaultAddress.id })));
    expect(addr.fieldErrors?.addressId?.key).toBe("addressUnknown");
    expect(await orderCount(m.org)).toBe(before);
  });

  it("takes a picked address, a typed one, or none for pick-up (上门自取, no freight)", async () => {
    const m = await orderMerchant();
    const picked = await createOrder(m.ctx, simpleOrder({ addressId: m.otherAddress.id, freight: "8" }));
    expect(picked).toMatchObject({ addressId: m.otherAddress.id, recipientName: "李仓管", freight: "8.0000" });
    const typed = await createOrder(m.ctx, {
      buyerCompany: "散客",
      address: { recipientName: "张三", recipientPhone: "13700000000", country: "CN", province: "广东省", city: "广州市", street: "天河路 1 号" },
      lines: [{ sku: "00021002", quantity: "1", unitPrice: "1" }],
    });
    expect(typed).toMatchObject({ customerId: null, buyerCompany: "散客", recipientName: "张三", addressId: null });
    const pickup = await createOrder(m.ctx, simpleOrder({ deliveryMethod: "上门自取", freight: "9" }));
    expect(pickup).toMatchObject({ deliveryMethod: "上门自取", street: "", addressId: null, freight: "0.0000" });
    const missing = await errorOf(createOrder(m.ctx, { lines: [{ sku: "00021002", quantity: "1", unitPrice: "1" }] }));
    expect(missing.fieldErrors?.address?.key).toBe("addressRequired");
  });

  it("stock_up approves at once; 50 parallel stock_up orders on stock 20: exactly 20 succeed and available ends at 0", async () => {
    const m = await orderMerchant({ stock: { "00031003": { sz: "20" } } });
    const p = m.productId("00031003");
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        createOrder(m.ctx, { clientNum: "10331", status: "stock_up", lines: [{ sku: "00031003", quantity: "1", unitPrice: "89" }] }),
      ),
    );
    const ok = attempts.filter((r) => r.status === "fulfilled");
    const failed = attempts.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(20);
    expect(failed.every((f) => f.reason instanceof DomainError && f.reason.code === "INSUFFICIENT_STOCK")).toBe(true);
    const l = await level(m.org.orgId, p, m.sz.id);
    expect(l.available.toFixed()).toBe("0");
    expect(l.reserved.toFixed()).toBe("20");
    // Failed creations left nothing behind: 20 orders, all approved.
    const rows = await testDb().select({ status: orders.status }).from(orders).where(eq(orders.orgId, m.org.orgId));
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.status === "stock_up")).toBe(true);
  });
});

describe("edit and copy", () => {
  it("edits only pending orders, records field differences, refuses stale versions", async () => {
    const m = await orderMerchant();
    const order = await createOrder(m.ctx, simpleOrder());
    const edited = await updateOrder(m.ctx, {
      orderId: order.id,
      version: order.version,
      ...simpleOrder({ remark: "加急", freight: "12.5", lines: [{ sku: "00021003", quantity: "4", unitPrice: "10" }] }),
    });
    expect(edited).toMatchObject({ remark: "加急", freight: "12.5000", linesTotal: "40.0000", version: 2 });
    const events = await eventsOf(m.ctx, order.id);
    const upd = events.find((e) => e.type === "updated")!;
    expect(upd.changes).toMatchObject({
      remark: { from: "", to: "加急" },
      freight: { from: "0.0000", to: "12.5000" },
      linesTotal: { from: "112.0000", to: "40.0000" },
    });
    expect((upd.changes as Record<string, { to: string[] }>).lines!.to).toEqual(["00021003 × 4.0000 @ 10.0000"]);
    const stale = await errorOf(updateOrder(m.ctx, { orderId: order.id, version: 1, ...simpleOrder() }));
    expect(stale.code).toBe("CONFLICT");
    await transitionOrder(m.ctx, { orderId: order.id, action: "approve" });
    const late = await errorOf(updateOrder(m.ctx, { orderId: order.id, ...simpleOrder() }));
    expect(late.code).toBe("INVALID_TRANSITION");
  });

  it("copies everything into a new pending order (attachments included) and notes it on both timelines", async () => {
    const storage = new MemoryStorage();
    setStorage(storage);
    try {
      const m = await orderMerchant();
      const staged = await stageAttachment(m.ctx, { fileName: "合同.pdf", contentType: "application/pdf", data: Buffer.from("%PDF-1.4 demo") });
      const source = await createOrder(m.ctx, {
        ...simpleOrder({ addressId: m.otherAddress.id, freight: "3.55", discountTotal: "100", remark: "原单", deliveryDate: "2030-08-30" }),
        agreementType: "框架协议",
        processingType: "来料加工",
        agreedTotalQty: "100",
        agreedTotalAmount: "5000",
        warehouseId: m.sz.id,
        attachmentIds: [staged.id],
      });
      await transitionOrder(m.ctx, { orderId: source.id, action: "approve" });
      const copy = await copyOrder(m.ctx, { orderId: source.id });
      expect(copy.orderNo).not.toBe(source.orderNo);
      const same = [
        "clientNum", "buyerCompany", "addressId", "recipientName", "street", "deliveryMethod", "warehouseId", "deliveryDate", "freight",
        "remark", "agreementType", "agreedTotalQty", "processingType", "agreedTotalAmount", "linesTotal", "discountTotal", "specialPrice", "totalQty",
      ] as const;
      for (const k of same) expect(copy[k], k).toEqual(source[k]);
      expect(copy).toMatchObject({ status: "pending", copiedFromId: source.id, specialPrice: true });
      const detail = await getOrderDetail(m.ctx, copy.id);
      expect(detail.lines.map((l) => [l.sku, l.quantity, l.unitPrice, l.warehouseId])).toEqual([
        ["00021002", "2.0000", "11.5000", null],
        ["00031003", "1.0000", "89.0000", null],
      ]);
      expect(detail.attachments.map((a) => a.fileName)).toEqual(["合同.pdf"]);
      expect(detail.copiedFromNo).toBe(source.orderNo);
      expect(detail.events[0]).toMatchObject({ type: "created", changes: { copiedFrom: { to: source.orderNo } } });
      const sourceEvents = await eventsOf(m.ctx, source.id);
      expect(sourceEvents.at(-1)).toMatchObject({ type: "copied", changes: { copiedTo: { to: copy.orderNo } } });
      // The file is shared: removing it from the copy keeps it for the original.
      const copyAtt = detail.attachments[0]!;
      await removeAttachment(m.ctx, copyAtt.id);
      const original = (await getOrderDetail(m.ctx, source.id)).attachments[0]!;
      expect((await readAttachment(m.ctx, original.id)).data.toString()).toBe("%PDF-1.4 demo");
    } finally {
      setStorage(null);
    }
  });
});

describe("attachments", () => {
  it("stores files through the storage interface, refuses files over 20 MB, and links staged uploads only once", async () => {
    const storage = new MemoryStorage();
    setStorage(storage);
    try {
      const m = await orderMerchant();
      const big = await errorOf(stageAttachment(m.ctx, { fileName: "big.bin", contentType: "application/octet-stream", data: Buffer.alloc(20 * 1024 * 1024 + 1) }));
      expect(big.code).toBe("PAYLOAD_TOO_LARGE");
      const staged = await stageAttachment(m.ctx, { fileName: "a.txt", contentType: "text/plain", data: Buffer.from("hello") });
      const order = await createOrder(m.ctx, simpleOrder({ attachmentIds: [staged.id] }));
      const reuse = await errorOf(createOrder(m.ctx, simpleOrder({ attachmentIds: [staged.id] })));
      expect(reuse.fieldErrors?.attachmentIds?.key).toBe("attachmentUnknown");
      const added = await addAttachment(m.ctx, order.id, { fileName: "b.txt", contentType: "text/plain", data: Buffer.from("world") });
      const [row] = await testDb().select().from(orderAttachments).where(eq(orderAttachments.id, added.id));
      expect(row).toMatchObject({ orderId: order.id, sizeBytes: 5, orgId: m.org.orgId });
      expect(storage.files.get(row!.storageKey)?.toString()).toBe("world");
      expect((await eventsOf(m.ctx, order.id)).map((e) => e.type)).toEqual(["created", "attachment_added"]);
    } finally {
      setStorage(null);
    }
  });
});

describe("order list", () => {
  it("filters (pasted numbers, status, recipient, dates, customer), pages by keyset without repeats, counts per status", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "1000" }, "00031003": { sz: "1000" } } });
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await createOrder(m.ctx, simpleOrder()));
    await createOrder(m.ctx, {
      address: { recipientName: "赵六", recipientPhone: "13511112222", country: "US", street: "1 Main St" },
      lines: [{ sku: "00021002", quantity: "1", unitPrice: "1" }],
    });
    await transitionOrder(m.ctx, { orderId: made[0]!.id, action: "approve" });
    await transitionOrder(m.ctx, { orderId: made[1]!.id, action: "approve" });
    await transitionOrder(m.ctx, { orderId: made[2]!.id, action: "close" });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listOrders>> = await listOrders(m.ctx, { limit: 3, cursor });
      seen.push(...page.items.map((o) => o.orderNo));
      expect(page.total).toEqual({ count: 8, capped: false });
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);

    const pasted = `${made[3]!.orderNo.toLowerCase()}\n${made[4]!.orderNo}, ${made[5]!.orderNo}；SO-000000-99999`;
    const { parseOrderNos } = await import("@/lib/validators/orders");
    const byNos = await listOrders(m.ctx, { filter: { orderNos: parseOrderNos(pasted) } });
    expect(byNos.items.map((o) => o.orderNo).sort()).toEqual([made[3]!.orderNo, made[4]!.orderNo, made[5]!.orderNo].sort());

    expect((await listOrders(m.ctx, { filter: { status: "stock_up" } })).items).toHaveLength(2);
    expect((await listOrders(m.ctx, { filter: { recipient: "1351111" } })).items.map((o) => o.recipientName)).toEqual(["赵六"]);
    expect((await listOrders(m.ctx, { filter: { country: "US" } })).items).toHaveLength(1);
    expect((await listOrders(m.ctx, { filter: { clientNum: "10331" } })).items).toHaveLength(7);
    expect((await listOrders(m.ctx, { filter: { clientNum: "nobody" } })).items).toHaveLength(0);
    expect((await listOrders(m.ctx, { filter: { createdFrom: "2000-01-01", createdTo: "2000-01-02" } })).items).toHaveLength(0);
    expect((await listOrders(m.ctx, { filter: { createdFrom: "2000-01-01", createdTo: "2099-01-01" } })).items).toHaveLength(8);

    const byNo = await listOrders(m.ctx, { sort: "orderNo", dir: "asc", limit: 100 });
    expect(byNo.items.map((o) => o.orderNo)).toEqual([...byNo.items.map((o) => o.orderNo)].sort());

    const counts = await orderStatusCountsOf(m.ctx);
    expect(counts).toMatchObject({ all: 8, pending: 5, stock_up: 2, closed: 1, scheduled: 0 });
    // The counters agree with the rows.
    const [real] = await testDb()
      .select({ n: sql<number>`count(*)::int` })
      .from(orders)
      .where(and(eq(orders.orgId, m.org.orgId), eq(orders.status, "pending")));
    expect(real!.n).toBe(5);
  });

  it("lists nothing of another merchant and the counters are per merchant", async () => {
    const a = await orderMerchant();
    const b = await orderMerchant();
    await createOrder(a.ctx, simpleOrder());
    expect((await listOrders(b.ctx, {})).items).toHaveLength(0);
    expect((await orderStatusCountsOf(b.ctx)).all).toBe(0);
  });
});

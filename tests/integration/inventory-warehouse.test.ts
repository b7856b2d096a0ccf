import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import {
  orderLines,
  organizations,
  outboundOrders,
  products,
  stockLevels,
  stockMovements,
} from "@/db/schema";
import { dec, type Decimal } from "@/lib/decimal";
import { type DomainError } from "@/server/errors";
import { createReceipt, getReceipt, receiveReceipt, submitReceipt } from "@/server/services/inbound/receipts";
import { adjustStock } from "@/server/services/inventory/adjust";
import { listMovements, listStock, movementSeries, setLocation } from "@/server/services/inventory/stock";
import {
  addStocktakeLines,
  cancelStocktake,
  createStocktake,
  getStocktake,
  listStocktakeLines,
  postStocktake,
  recordCounts,
} from "@/server/services/inventory/stocktake";
import { createOrder } from "@/server/services/orders/create-order";
import { auditOutbound } from "@/server/services/outbound/audit";
import { cancelOutbound } from "@/server/services/outbound/cancel";
import { shipOutbound } from "@/server/services/outbound/ship";
import { createReturn, getReturn, inspectReturn, receiveReturn } from "@/server/services/returns/returns";
import { closeTestDb, createTestOrg, keyCaller, newApiKey, sessionCaller, testDb } from "../helpers/db";
import { level, orderMerchant, simpleOrder } from "./orders-fixtures";

afterAll(closeTestDb);

/** Small seeded PRNG (mulberry32): a failing sequence can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

/** Every balance of a merchant next to the sums of its movements. */
async function ledgerCheck(orgId: string) {
  const rows = await testDb().execute<{
    product_id: string;
    warehouse_id: string;
    on_hand: string;
    reserved: string;
    sum_on_hand: string | null;
    sum_reserved: string | null;
  }>(sql`
    select l.product_id, l.warehouse_id, l.on_hand::text, l.reserved::text,
           (select sum(on_hand_delta)::text from ${stockMovements} m where m.org_id = l.org_id and m.product_id = l.product_id and m.warehouse_id = l.warehouse_id) sum_on_hand,
           (select sum(reserved_delta)::text from ${stockMovements} m where m.org_id = l.org_id and m.product_id = l.product_id and m.warehouse_id = l.warehouse_id) sum_reserved
      from ${stockLevels} l where l.org_id = ${orgId}`);
  return rows as unknown as {
    product_id: string;
    warehouse_id: string;
    on_hand: string;
    reserved: string;
    sum_on_hand: string | null;
    sum_reserved: string | null;
  }[];
}

describe("inventory", () => {
  it("balance = sum of movements (and = a model of the operations) after a random sequence of receipts, approvals, shipments, cancellations, adjustments, stocktakes and returns", async () => {
    const SEED = 20261125;
    const r = rng(SEED);
    const m = await orderMerchant({
      stock: { "00021002": { sz: "20", yw: "10" }, "00021003": { sz: "15" }, "00031003": { yw: "8" } },
    });
    const skus = ["00021002", "00021003", "00031003"];
    const whs = [m.sz, m.yw];
    const model = new Map<string, { onHand: Decimal; reserved: Decimal }>();
    const key = (sku: string, wh: string) => `${m.productId(sku)}|${wh}`;
    const cell = (sku: string, wh: string) => {
      const k = key(sku, wh);
      if (!model.has(k)) model.set(k, { onHand: dec(0), reserved: dec(0) });
      return model.get(k)!;
    };
    cell("00021002", m.sz.id).onHand = dec(20);
    cell("00021002", m.yw.id).onHand = dec(10);
    cell("00021003", m.sz.id).onHand = dec(15);
    cell("00031003", m.yw.id).onHand = dec(8);
    const open: { id: string; sku: string; wh: string; qty: number }[] = [];
    const shippedLines: { orderId: string; lineId: string; sku: string; left: number }[] = [];
    const counts: Record<string, number> = {};

    for (let step = 0; step < 70; step++) {
      const op = r.pick([
        "adjust",
        "receipt",
        "approve",
        "approve",
        "ship",
        "cancel",
        "stocktake",
        "return",
      ] as const);
      const sku = r.pick(skus);
      const wh = r.pick(whs).id;
      const c = cell(sku, wh);
      const ctx = `step ${step} (seed ${SEED}) ${op} ${sku}@${wh === m.sz.id ? "SZ" : "YW"}`;
      counts[op] = (counts[op] ?? 0) + 1;
      if (op === "adjust") {
        const q = r.int(-6, 5) || 1;
        const ok = c.onHand.plus(q).gte(c.reserved);
        const res = await adjustStock(m.ctx, {
          productId: m.productId(sku),
          warehouseId: wh,
          quantity: String(q),
          reason: "random",
        }).then(
          () => "ok",
          (e: DomainError) => e.messageRef?.key,
        );
        expect(res, ctx).toBe(ok ? "ok" : "adjustBelowAvailable");
        if (ok) c.onHand = c.onHand.plus(q);
      } else if (op === "receipt") {
        const q = r.int(1, 9);
        const rc = await createReceipt(m.ctx, {
          warehouseId: wh,
          lines: [{ sku, expectedQty: String(q + 1) }],
        });
        await submitReceipt(m.ctx, rc.id);
        const lineId = (await getReceipt(m.ctx, rc.id)).lines[0]!.id;
        await receiveReceipt(m.ctx, { id: rc.id, lines: [{ lineId, qty: String(q) }] });
        c.onHand = c.onHand.plus(q);
      } else if (op === "approve") {
        const q = r.int(1, 6);
        const ok = c.onHand.minus(c.reserved).gte(q);
        const res = await createOrder(
          m.ctx,
          simpleOrder({
            status: "stock_up",
            warehouseId: wh,
            lines: [{ sku, quantity: String(q), unitPrice: "1" }],
          }),
        ).then(
          (o) => o,
          (e: DomainError) => e.code,
        );
        if (ok) {
          expect(typeof res, ctx).toBe("object");
          c.reserved = c.reserved.plus(q);
          const [ob] = await testDb()
            .select()
            .from(outboundOrders)
            .where(eq(outboundOrders.orderId, (res as { id: string }).id));
          open.push({ id: ob!.id, sku, wh, qty: q });
        } else expect(res, ctx).toBe("INSUFFICIENT_STOCK");
      } else if (op === "ship" && open.length) {
        const ob = open.splice(r.int(0, open.length - 1), 1)[0]!;
        await auditOutbound(m.ctx, ob.id);
        const shipped = await shipOutbound(m.ctx, { id: ob.id, carrier: "EMS", trackingNumber: `T${step}` });
        const oc = cell(ob.sku, ob.wh);
        oc.onHand = oc.onHand.minus(ob.qty);
        oc.reserved = oc.reserved.minus(ob.qty);
        const [line] = await testDb()
          .select()
          .from(orderLines)
          .where(eq(orderLines.orderId, shipped.orderId));
        shippedLines.push({ orderId: shipped.orderId, lineId: line!.id, sku: ob.sku, left: ob.qty });
      } else if (op === "cancel" && open.length) {
        const ob = open.splice(r.int(0, open.length - 1), 1)[0]!;
        await cancelOutbound(m.ctx, { id: ob.id, reason: "random" });
        cell(ob.sku, ob.wh).reserved = cell(ob.sku, ob.wh).reserved.minus(ob.qty);
      } else if (op === "stocktake") {
        const counted = c.reserved.plus(r.int(0, 6));
        const st = await createStocktake(m.ctx, { warehouseId: wh, scope: "empty" });
        await addStocktakeLines(m.ctx, { id: st.id, skus: [sku] });
        const [line] = (await listStocktakeLines(m.ctx, { id: st.id })).items;
        await recordCounts(m.ctx, {
          id: st.id,
          counts: [{ lineId: line!.id, countedQty: counted.toFixed() }],
        });
        await postStocktake(m.ctx, st.id);
        c.onHand = counted;
      } else if (op === "return") {
        const candidates = shippedLines.filter((l) => l.left > 0);
        if (!candidates.length) continue;
        const sl = r.pick(candidates);
        sl.left -= 1;
        const ret = await createReturn(m.ctx, {
          orderId: sl.orderId,
          reason: "random",
          lines: [{ orderLineId: sl.lineId, quantity: "1" }],
        });
        const retLine = (await getReturn(m.ctx, ret.id)).lines[0]!.id;
        await receiveReturn(m.ctx, { id: ret.id, lines: [{ lineId: retLine, receivedQty: "1" }] });
        await inspectReturn(m.ctx, {
          id: ret.id,
          lines: [{ lineId: retLine, disposition: "restock", warehouseId: wh }],
        });
        cell(sl.sku, wh).onHand = cell(sl.sku, wh).onHand.plus(1);
      }
    }
    // Every kind of operation actually ran.
    for (const op of ["adjust", "receipt", "approve", "ship", "cancel", "stocktake", "return"])
      expect(counts[op] ?? 0, op).toBeGreaterThan(0);
    const rows = await ledgerCheck(m.org.orgId);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      const where = `${row.product_id}|${row.warehouse_id}`;
      expect(dec(row.sum_on_hand ?? 0).eq(row.on_hand), `on hand = Σ movements ${where}`).toBe(true);
      expect(dec(row.sum_reserved ?? 0).eq(row.reserved), `reserved = Σ movements ${where}`).toBe(true);
      expect(dec(row.on_hand).gte(row.reserved), `available ≥ 0 ${where}`).toBe(true);
      const expected = model.get(where) ?? { onHand: dec(0), reserved: dec(0) };
      expect(dec(row.on_hand).toFixed(), `model on hand ${where}`).toBe(expected.onHand.toFixed());
      expect(dec(row.reserved).toFixed(), `model reserved ${where}`).toBe(expected.reserved.toFixed());
    }
  });

  it("stock list: warehouse, search, low (below the SKU's threshold) and out-of-stock filters, totals, keyset pages", async () => {
    const m = await orderMerchant({
      stock: { "00021002": { sz: "3", yw: "40" }, "00021003": { sz: "100" }, "00031003": { yw: "0.5" } },
    });
    await testDb()
      .update(products)
      .set({ lowStockThreshold: "5" })
      .where(eq(products.id, m.productId("00021002")));
    await createOrder(
      m.ctx,
      simpleOrder({
        status: "stock_up",
        warehouseId: m.sz.id,
        lines: [{ sku: "00021003", quantity: "100", unitPrice: "1" }],
      }),
    );
    const all = await listStock(m.ctx, {});
    expect(all.items.map((i) => `${i.sku}@${i.warehouseCode}`)).toEqual([
      "00021002@WH-SZ",
      "00021002@WH-YW",
      "00021003@WH-SZ",
      "00031003@WH-YW",
    ]);
    expect(all.totals).toMatchObject({
      onHand: "143.5000",
      reserved: "100.0000",
      available: "43.5000",
      lowCount: 1,
      outCount: 1,
    });
    expect(all.byWarehouse.map((w) => [w.warehouseCode, w.available])).toEqual([
      ["WH-SZ", "3.0000"],
      ["WH-YW", "40.5000"],
    ]);
    expect(
      (await listStock(m.ctx, { status: "low" })).items.map((i) => `${i.sku}@${i.warehouseCode}`),
    ).toEqual(["00021002@WH-SZ"]);
    expect(
      (await listStock(m.ctx, { status: "out" })).items.map((i) => `${i.sku}@${i.warehouseCode}`),
    ).toEqual(["00021003@WH-SZ"]);
    expect((await listStock(m.ctx, { warehouseId: m.yw.id })).items).toHaveLength(2);
    expect((await listStock(m.ctx, { search: "21003" })).items.map((i) => i.sku)).toEqual(["00021003"]);
    // SKU × warehouse pairs never stocked show up only on request, as out of stock.
    const withUnstocked = await listStock(m.ctx, { includeUnstocked: true, status: "out" });
    expect(withUnstocked.items.map((i) => `${i.sku}@${i.warehouseCode}`)).toContain("00021003@WH-YW");
    // Keyset pages of 3: no repeats, no gaps.
    const p1 = await listStock(m.ctx, { limit: 3 });
    const p2 = await listStock(m.ctx, { limit: 3, cursor: p1.nextCursor });
    expect([...p1.items, ...p2.items].map((i) => i.key)).toEqual(all.items.map((i) => i.key));
    expect(p2.nextCursor).toBeNull();
  });

  it("manual adjustment with a reason: precision checked (never rounded), cannot take reserved stock, journal shows it", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "10" } } });
    await testDb()
      .update(organizations)
      .set({ quantityDecimals: 1 })
      .where(eq(organizations.id, m.org.orgId));
    const p = m.productId("00021002");
    await expect(
      adjustStock(m.ctx, { productId: p, warehouseId: m.sz.id, quantity: "1.25", reason: "x" }),
    ).rejects.toMatchObject({
      fieldErrors: { quantity: { key: "tooManyDecimals", params: { scale: 1 } } },
    });
    await expect(
      adjustStock(m.ctx, { productId: p, warehouseId: m.sz.id, quantity: "0", reason: "x" }),
    ).rejects.toMatchObject({ fieldErrors: { quantity: { key: "mustNotBeZero" } } });
    await expect(
      adjustStock(m.ctx, { productId: p, warehouseId: m.sz.id, kind: "scrap", quantity: "2", reason: "x" }),
    ).rejects.toMatchObject({
      fieldErrors: { quantity: { key: "scrapMustBeNegative" } },
    });
    await expect(
      adjustStock(m.ctx, { productId: p, warehouseId: m.sz.id, quantity: "1", reason: " " }),
    ).rejects.toBeTruthy();
    await createOrder(
      m.ctx,
      simpleOrder({
        status: "stock_up",
        warehouseId: m.sz.id,
        lines: [{ sku: "00021002", quantity: "7", unitPrice: "1" }],
      }),
    );
    await expect(
      adjustStock(m.ctx, { productId: p, warehouseId: m.sz.id, quantity: "-4", reason: "破损" }),
    ).rejects.toMatchObject({
      fieldErrors: { quantity: { key: "adjustBelowAvailable", params: { available: "3" } } },
    });
    const res = await adjustStock(m.ctx, {
      productId: p,
      warehouseId: m.sz.id,
      kind: "scrap",
      quantity: "-2.5",
      reason: "破损",
    });
    expect(res).toMatchObject({ available: "0.5" });
    expect(res.refNo).toMatch(/^ADJ-\d{6}-\d{5}$/);
    const journal = await listMovements(m.ctx, { productId: p });
    expect(journal.items[0]).toMatchObject({
      kind: "scrap",
      onHandDelta: "-2.5000",
      reason: "破损",
      refNo: res.refNo,
    });
    expect(journal.items.map((i) => i.kind)).toEqual(["scrap", "reservation", "opening"]);
    expect((await listMovements(m.ctx, { search: res.refNo })).items).toHaveLength(1);
    const series = await movementSeries(m.ctx, { productId: p });
    expect(series.map((s) => [s.onHand, s.reserved].map((v) => dec(v).toFixed()))).toEqual([
      ["10", "0"],
      ["10", "7"],
      ["7.5", "7"],
    ]);
    await setLocation(m.ctx, { productId: p, warehouseId: m.sz.id, location: "A-01" });
    expect((await listStock(m.ctx, {})).items[0]!.location).toBe("A-01");
  });

  it("stocktake: counts → differences → post as one batch; a count below what is reserved is refused", async () => {
    const m = await orderMerchant({
      stock: { "00021002": { sz: "10" }, "00021003": { sz: "5" }, "00031003": { sz: "2" } },
    });
    await createOrder(
      m.ctx,
      simpleOrder({
        status: "stock_up",
        warehouseId: m.sz.id,
        lines: [{ sku: "00031003", quantity: "2", unitPrice: "1" }],
      }),
    );
    const st = await createStocktake(m.ctx, { warehouseId: m.sz.id, remark: "月末盘点" });
    expect(st.stocktakeNo).toMatch(/^ST-\d{6}-\d{5}$/);
    const lines = (await listStocktakeLines(m.ctx, { id: st.id })).items;
    expect(lines.map((l) => [l.sku, dec(l.systemQty).toFixed()])).toEqual([
      ["00021002", "10"],
      ["00021003", "5"],
      ["00031003", "2"],
    ]);
    const id = (sku: string) => lines.find((l) => l.sku === sku)!.id;
    await expect(
      recordCounts(m.ctx, { id: st.id, counts: [{ lineId: id("00021002"), countedQty: "-1" }] }),
    ).rejects.toMatchObject({
      fieldErrors: { "counts.0.countedQty": { key: "mustNotBeNegative" } },
    });
    await recordCounts(m.ctx, {
      id: st.id,
      counts: [
        { lineId: id("00021002"), countedQty: "12" },
        { lineId: id("00021003"), countedQty: "5" },
        { lineId: id("00031003"), countedQty: "1" },
      ],
    });
    const diffs = (await listStocktakeLines(m.ctx, { id: st.id, view: "differences" })).items;
    expect(diffs.map((l) => [l.sku, dec(l.differenceQty!).toFixed()])).toEqual([
      ["00021002", "2"],
      ["00031003", "-1"],
    ]);
    // 00031003: 1 counted but 2 reserved for an order → refused as a whole, nothing posted.
    await expect(postStocktake(m.ctx, st.id)).rejects.toMatchObject({
      code: "CONFLICT",
      messageRef: { key: "countBelowReservedList" },
    });
    expect((await level(m.org.orgId, m.productId("00021002"), m.sz.id)).onHand.toFixed()).toBe("10");
    await recordCounts(m.ctx, { id: st.id, counts: [{ lineId: id("00031003"), countedQty: null }] });
    const posted = await postStocktake(m.ctx, st.id);
    expect(posted).toMatchObject({ counted: 2, changed: 1, gain: "2", loss: "0" });
    expect((await level(m.org.orgId, m.productId("00021002"), m.sz.id)).onHand.toFixed()).toBe("12");
    expect((await level(m.org.orgId, m.productId("00031003"), m.sz.id)).onHand.toFixed()).toBe("2");
    const head = await getStocktake(m.ctx, st.id);
    expect(head).toMatchObject({ status: "posted" });
    const moves = await testDb()
      .select()
      .from(stockMovements)
      .where(and(eq(stockMovements.orgId, m.org.orgId), eq(stockMovements.refId, st.id)));
    expect(moves.map((mv) => [mv.kind, dec(mv.onHandDelta).toFixed(), mv.refNo])).toEqual([
      ["stocktake", "2", st.stocktakeNo],
    ]);
    // Posted is final.
    await expect(
      recordCounts(m.ctx, { id: st.id, counts: [{ lineId: id("00021002"), countedQty: "1" }] }),
    ).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await expect(cancelStocktake(m.ctx, st.id)).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    // Unknown SKUs are named.
    const st2 = await createStocktake(m.ctx, { warehouseId: m.sz.id, scope: "empty" });
    await expect(
      addStocktakeLines(m.ctx, { id: st2.id, skus: ["00021002", "NOPE", "NADA"] }),
    ).rejects.toMatchObject({ messageRef: { key: "unknownSkus", params: { skus: "NOPE, NADA" } } });
  });

  it("stocktake timeline: created, posted and cancelled are events from the transition table, with who and what", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "10" } } });
    const st = await createStocktake(m.ctx, { warehouseId: m.sz.id, remark: "年中盘点" });
    const [line] = (await listStocktakeLines(m.ctx, { id: st.id })).items;
    await recordCounts(m.ctx, { id: st.id, counts: [{ lineId: line!.id, countedQty: "9" }] });
    await postStocktake(m.ctx, st.id);
    const posted = await getStocktake(m.ctx, st.id);
    expect(posted.events.map((e) => [e.type, e.fromStatus, e.toStatus, e.reason])).toEqual([
      ["created", null, "counting", "年中盘点"],
      ["post", "counting", "posted", null],
    ]);
    expect(posted.events[1]).toMatchObject({ details: { counted: 1, changed: 1, gain: "0", loss: "1" }, actorLabel: expect.stringMatching(/^user:/) });
    // A refused move writes nothing.
    await expect(cancelStocktake(m.ctx, st.id)).rejects.toMatchObject({ code: "INVALID_TRANSITION", messageRef: { key: "stocktakeNotCounting" } });
    expect((await getStocktake(m.ctx, st.id)).events).toHaveLength(2);
    const st2 = await createStocktake(m.ctx, { warehouseId: m.sz.id, scope: "empty" });
    await cancelStocktake(m.ctx, st2.id);
    expect((await getStocktake(m.ctx, st2.id)).events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ["created", null, "counting"],
      ["cancel", "counting", "cancelled"],
    ]);
  });

  it("another merchant's session and API key get NOT_FOUND for stock, movements, adjustments and stocktakes", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "10" } } });
    const p = m.productId("00021002");
    const st = await createStocktake(m.ctx, { warehouseId: m.sz.id });
    const other = await createTestOrg("B");
    for (const caller of [sessionCaller(other.ownerId, other.orgId), keyCaller(await newApiKey(other))]) {
      await expect(caller.inventory.product({ productId: p })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        caller.inventory.adjust({ productId: p, warehouseId: m.sz.id, quantity: "-1", reason: "x" }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        caller.inventory.setLocation({ productId: p, warehouseId: m.sz.id, location: "X" }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.inventory.stocktakes.byId({ id: st.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(caller.inventory.stocktakes.lines({ id: st.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(caller.inventory.stocktakes.post({ id: st.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(caller.inventory.stocktakes.create({ warehouseId: m.sz.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      expect((await caller.inventory.list({})).items).toEqual([]);
      expect((await caller.inventory.movements({ productId: p })).items).toEqual([]);
      expect(await caller.inventory.series({ productId: p })).toEqual([]);
      expect((await caller.inventory.stocktakes.list({})).items).toEqual([]);
    }
    expect((await level(m.org.orgId, p, m.sz.id)).onHand.toFixed()).toBe("10");
    const own = sessionCaller(m.org.ownerId, m.org.orgId);
    expect((await own.inventory.list({})).items).toHaveLength(1);
  });
});

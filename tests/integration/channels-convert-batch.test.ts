import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { channelAccounts, organizations, platformOrders, products, skuMappings, stockLevels } from "@/db/schema";
import type { NormalizedOrder } from "@/server/channels/types";
import { inTransaction, type Actor, systemContext } from "@/server/context";
import type { ChannelAccountRow } from "@/server/services/channels/accounts";
import { convertPlatformOrders, pendingIds } from "@/server/services/channels/convert";
import { ingestOrders } from "@/server/services/channels/ingest";
import { createWarehouse } from "@/server/services/catalog/warehouses";
import { moveStock } from "@/server/services/inventory/ledger";
import { closeTestDb, createTestOrg, svcCtx, testDb, type TestOrg } from "../helpers/db";

/**
 * The batch conversion path (one transaction per chunk, multi-row writes) against the single path
 * (createOrder + approval + reservation + outbound orders, order by order): the same platform orders,
 * in two identical merchants, must leave the same rows behind apart from ids and timestamps — orders,
 * lines, timelines, numbers, stock, movements, outbound orders, outbox, counters, blockers. And
 * concurrent batch conversions of overlapping orders must never create two system orders for one
 * platform order, nor reserve more than there is.
 */

afterAll(async () => {
  await closeTestDb();
});

const SYSTEM: Actor = { type: "system", name: "channels.test" };
const sys = (orgId: string) => ({ db: testDb(), orgId, role: "admin" as const, actor: SYSTEM });
const T0 = new Date("2026-03-01T08:00:00Z");

type Line = [platformSku: string, qty: string, price: string];

function order(id: string, status: "pending" | "unshipped", lines: Line[], extra: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    platformOrderId: id,
    platformOrderNo: `#${id}`,
    platformStatus: status === "unshipped" ? "PAID" : "PENDING",
    status,
    createdAt: T0,
    updatedAt: T0,
    currency: "USD",
    totalAmount: "0",
    buyerName: `Buyer ${id}`,
    buyerEmail: null,
    shipping: { name: `Recipient ${id}`, phone: "+1 555 0100", country: "US", province: "CA", city: "Los Angeles", district: "", street: `${id} Main St`, postcode: "90001" },
    shippingMethod: "Standard",
    remark: "",
    lines: lines.map(([platformSku, quantity, unitPrice], i) => ({ platformLineId: `${id}-${i + 1}`, platformSku, title: platformSku, quantity, unitPrice })),
    raw: { id },
    ...extra,
  };
}

/** Every case of 001's conversion rules, and of approval's warehouse choice and stock guard. */
const SCENARIO: NormalizedOrder[] = [
  order("o01", "unshipped", [["P-A", "2", "10.00"]]),
  order("o02", "pending", [["P-A", "1", "10.00"], ["P-B", "3", "4.25"]]), // unpaid: created, not approved
  order("o03", "unshipped", [["P-KIT", "2", "33.33"]]), // bundle: amount spread by list price
  order("o04", "unshipped", [["P-NEW", "1", "5.00"], ["P-A", "1", "10.00"]]), // unmapped SKU
  order("o05", "unshipped", [["P-OFF", "1", "5.00"]]), // disabled product
  order("o06", "unshipped", [["P-LOW", "9", "1.00"]]), // not enough stock anywhere
  order("o07", "unshipped", [["P-W2", "6", "2.00"]]), // default warehouse short, W2 can serve: W2
  order("o08", "unshipped", [["P-SPLIT", "7", "2.00"]]), // enough in total, in no single warehouse
  order("o09", "unshipped", [["P-A", "1", "10.00"], ["P-W2", "1", "2.00"]]), // two warehouses: two outbound orders
  order("o10", "unshipped", [["P-A", "1", "10.00"], ["P-A", "2", "10.00"]]), // same SKU twice
  order("o11", "unshipped", [["P-HALF", "1", "3.00"]]), // 0.5 × 1 at 0 quantity decimals: invalid
  order("o12", "unshipped", [["P-SCARCE", "2", "1.00"]]), // takes the last two…
  order("o13", "unshipped", [["P-SCARCE", "1", "1.00"]]), // …so this one is short
  order("o14", "unshipped", [["P-B", "3", "0.3333"]]), // price beyond the merchant's 2 decimals: the unit price is rounded
  order("o15", "pending", [["P-LOW", "1", "1.00"]]),
  order("o16", "unshipped", [["P-A", "1", "10.00"]], { shipping: { name: "", phone: "", country: "", province: "", city: "", district: "", street: "", postcode: "" } }),
  order("o17", "unshipped", [["P-A", "1", "10.00"]], { shipping: { name: "N", phone: "1", country: "US", province: "", city: "", district: "", street: "   ", postcode: "" } }), // blank street
];

type Shop = { org: TestOrg; account: ChannelAccountRow; productIds: Record<string, string>; warehouses: Record<string, string> };

/** A merchant set up identically each time: two warehouses, stock, mappings, the scenario ingested. */
async function merchantWithScenario(orders: NormalizedOrder[] = SCENARIO): Promise<Shop> {
  const org = await createTestOrg();
  const ctx = svcCtx(org);
  await testDb().update(organizations).set({ quantityDecimals: 0, priceDecimals: 2, amountDecimals: 2 }).where(eq(organizations.id, org.orgId));
  const w1 = await createWarehouse(ctx, { code: "W1", name: "Main", isDefault: true });
  const w2 = await createWarehouse(ctx, { code: "W2", name: "Second", isDefault: false });
  const stock: Record<string, [string, string, string]> = {
    // sku: [price, stock in W1, stock in W2]
    A: ["10", "100", "0"],
    B: ["4", "100", "0"],
    C: ["20", "100", "0"],
    OFF: ["5", "100", "0"],
    LOW: ["1", "3", "0"],
    W2: ["2", "0", "50"],
    SPLIT: ["2", "4", "4"],
    HALF: ["3", "100", "0"],
    SCARCE: ["1", "2", "0"],
  };
  const productIds: Record<string, string> = {};
  for (const [sku, [price, s1, s2]] of Object.entries(stock)) {
    const [p] = await testDb().insert(products).values({ orgId: org.orgId, sku, name: `Product ${sku}`, spec: sku === "C" ? "red" : "", price }).returning();
    productIds[sku] = p!.id;
    for (const [wh, qty] of [[w1.id, s1], [w2.id, s2]] as const) {
      if (qty !== "0") await inTransaction(ctx, (tx) => moveStock(tx, { productId: p!.id, warehouseId: wh, kind: "opening", onHandDelta: qty, refType: "opening" }));
    }
  }
  await testDb().update(products).set({ enabled: false }).where(eq(products.id, productIds.OFF!));
  const [account] = await testDb()
    .insert(channelAccounts)
    .values({ orgId: org.orgId, platform: "shopify", alias: "Batch shop", baseUrl: "http://127.0.0.1:9", status: "enabled", pullMode: "manual" })
    .returning();
  const map: [string, string, string][] = [
    ["P-A", "A", "1"],
    ["P-B", "B", "1"],
    ["P-KIT", "A", "2"],
    ["P-KIT", "C", "1"],
    ["P-OFF", "OFF", "1"],
    ["P-LOW", "LOW", "1"],
    ["P-W2", "W2", "1"],
    ["P-SPLIT", "SPLIT", "1"],
    ["P-HALF", "HALF", "0.5"],
    ["P-SCARCE", "SCARCE", "1"],
  ];
  await testDb()
    .insert(skuMappings)
    .values(map.map(([platformSku, sku, quantity]) => ({ orgId: org.orgId, accountId: account!.id, platform: "shopify", platformSku, productId: productIds[sku]!, quantity })));
  const r = await ingestOrders(systemContext(testDb(), account!.orgId, "test"), account!, orders);
  expect(r.failed).toEqual([]);
  return { org, account: account!, productIds, warehouses: { W1: w1.id, W2: w2.id } };
}

/** Every row conversion writes, with ids, timestamps and merchant-specific references replaced by keys. */
async function snapshot(orgId: string) {
  const q = async (query: ReturnType<typeof sql>) => (await testDb().execute(query)) as unknown as Record<string, unknown>[];
  return {
    orders: await q(sql`
      select to_jsonb(o) - 'id' - 'org_id' - 'created_at' - 'updated_at' - 'approved_at' - 'platform_order_id' - 'created_by'
             || jsonb_build_object('po', po.platform_order_id, 'approved', o.approved_at is not null) as row
        from orders o join platform_orders po on po.id = o.platform_order_id where o.org_id = ${orgId} order by o.order_no`),
    orderLines: await q(sql`
      select to_jsonb(l) - 'id' - 'org_id' - 'order_id' - 'product_id' - 'warehouse_id' || jsonb_build_object('orderNo', o.order_no, 'warehouse', w.code) as row
        from order_lines l join orders o on o.id = l.order_id left join warehouses w on w.id = l.warehouse_id
       where l.org_id = ${orgId} order by o.order_no, l.line_no`),
    orderEvents: await q(sql`
      select to_jsonb(e) - 'id' - 'org_id' - 'order_id' - 'created_at' - 'actor_user_id' || jsonb_build_object('orderNo', o.order_no) as row
        from order_events e join orders o on o.id = e.order_id where e.org_id = ${orgId} order by o.order_no, e.id`),
    stock: await q(sql`
      select s.on_hand, s.reserved, p.sku, w.code from stock_levels s join products p on p.id = s.product_id join warehouses w on w.id = s.warehouse_id
       where s.org_id = ${orgId} order by p.sku, w.code`),
    movements: await q(sql`
      select to_jsonb(m) - 'id' - 'org_id' - 'product_id' - 'warehouse_id' - 'ref_id' - 'created_at' - 'created_by' || jsonb_build_object('sku', p.sku, 'warehouse', w.code) as row
        from stock_movements m join products p on p.id = m.product_id join warehouses w on w.id = m.warehouse_id
       where m.org_id = ${orgId} order by m.ref_no nulls first, p.sku, w.code, m.kind`),
    outbound: await q(sql`
      select to_jsonb(b) - 'id' - 'org_id' - 'order_id' - 'warehouse_id' - 'created_at' - 'updated_at' || jsonb_build_object('warehouse', w.code) as row
        from outbound_orders b join warehouses w on w.id = b.warehouse_id where b.org_id = ${orgId} order by b.outbound_no`),
    outboundLines: await q(sql`
      select to_jsonb(l) - 'id' - 'org_id' - 'outbound_id' - 'order_line_id' - 'product_id' || jsonb_build_object('outboundNo', b.outbound_no, 'orderLine', ol.line_no) as row
        from outbound_order_lines l join outbound_orders b on b.id = l.outbound_id join order_lines ol on ol.id = l.order_line_id
       where l.org_id = ${orgId} order by b.outbound_no, l.line_no`),
    outboundEvents: await q(sql`
      select to_jsonb(e) - 'id' - 'org_id' - 'outbound_id' - 'created_at' - 'actor_user_id' || jsonb_build_object('outboundNo', b.outbound_no) as row
        from outbound_events e join outbound_orders b on b.id = e.outbound_id where e.org_id = ${orgId} order by b.outbound_no, e.id`),
    platformOrders: await q(sql`
      select platform_order_id, state, order_no, blockers, blocked_skus, blocked_at is not null as blocked, convert_attempts, order_id is not null as linked
        from platform_orders where org_id = ${orgId} order by platform_order_id`),
    platformEvents: await q(sql`
      select po.platform_order_id, e.type, e.from_state, e.to_state, e.reason, e.actor_label
        from platform_order_events e join platform_orders po on po.id = e.platform_order_id where e.org_id = ${orgId} order by po.platform_order_id, e.id`),
    outbox: await q(sql`
      select x.topic, x.status, p.sku from outbox x left join products p on p.id::text = x.dedupe_key where x.org_id = ${orgId} order by x.topic, p.sku`),
    counts: await q(sql`select status, sum(n)::int as n from order_status_counts where org_id = ${orgId} group by status having sum(n) <> 0 order by status`),
    numbers: await q(sql`select name, value from number_sequences where org_id = ${orgId} order by name, period`),
  };
}

async function allIds(orgId: string) {
  const rows = await testDb().select({ id: platformOrders.id }).from(platformOrders).where(eq(platformOrders.orgId, orgId)).orderBy(platformOrders.id);
  return rows.map((r) => r.id);
}

describe("batch conversion", () => {
  it("leaves exactly the rows one-by-one conversion leaves, blockers included, and again on the retry", async () => {
    const single = await merchantWithScenario();
    const batch = await merchantWithScenario();

    const r1 = await convertPlatformOrders(sys(single.org.orgId), await allIds(single.org.orgId), { mode: "single", chunk: 500 });
    const r2 = await convertPlatformOrders(sys(batch.org.orgId), await allIds(batch.org.orgId), { mode: "batch" });
    expect({ ...r2, orderIds: r2.orderIds.length }).toEqual({ ...r1, orderIds: r1.orderIds.length });
    // The scenario really covers both outcomes, and an order split over two warehouses.
    expect(r1).toMatchObject({ converted: 10, blocked: 7, skipped: 0 });
    const a = await snapshot(single.org.orgId);
    const b = await snapshot(batch.org.orgId);
    expect(b).toEqual(a);
    expect(a.outbound.some((o) => (o.row as { status: string }).status === "pending_audit")).toBe(true);
    expect(a.outboundEvents.some((e) => (e.row as { details: { split?: number } }).details.split === 2)).toBe(true);
    const blockers = Object.fromEntries(a.platformOrders.map((p) => [p.platform_order_id, (p.blockers as { kind: string }[]).map((x) => x.kind)]));
    expect(blockers).toMatchObject({ o04: ["unmapped_sku"], o05: ["disabled_product"], o06: ["no_stock"], o08: ["no_stock"], o11: ["invalid"], o13: ["no_stock"], o17: ["error"] });

    // Fix two causes and retry everything still pending: same again.
    for (const m of [single, batch]) {
      await testDb().update(products).set({ enabled: true }).where(eq(products.id, m.productIds.OFF!));
      await inTransaction(svcCtx(m.org), (tx) => moveStock(tx, { productId: m.productIds.SPLIT!, warehouseId: m.warehouses.W2!, kind: "receipt", onHandDelta: "10", refType: "inbound" }));
    }
    const again1 = await convertPlatformOrders(sys(single.org.orgId), await pendingIds({ db: testDb(), orgId: single.org.orgId }, {}), { mode: "single", chunk: 500 });
    const again2 = await convertPlatformOrders(sys(batch.org.orgId), await pendingIds({ db: testDb(), orgId: batch.org.orgId }, {}), { mode: "batch" });
    expect(again2.converted).toBe(again1.converted);
    expect(again1.converted).toBe(2);
    expect(await snapshot(batch.org.orgId)).toEqual(await snapshot(single.org.orgId));
  });

  it("converts a chunk larger than one statement's slice, with numbers in one gapless run", async () => {
    const many = Array.from({ length: 1200 }, (_, i) => order(`m${String(i).padStart(4, "0")}`, "unshipped", [["P-A", "1", "10.00"], ["P-B", "1", "4.00"]]));
    const m = await merchantWithScenario(many);
    await testDb()
      .update(stockLevels)
      .set({ onHand: "5000" })
      .where(and(eq(stockLevels.orgId, m.org.orgId), eq(stockLevels.warehouseId, m.warehouses.W1!)));
    const r = await convertPlatformOrders(sys(m.org.orgId), await allIds(m.org.orgId));
    expect(r).toMatchObject({ converted: 1200, blocked: 0 });
    const [n] = (await testDb().execute(sql`
      select count(*)::int as orders, count(distinct order_no)::int as numbers, max(substr(order_no, 11)::int) as last,
             (select count(*)::int from outbound_orders where org_id = ${m.org.orgId}) as outbounds,
             (select sum(reserved)::int from stock_levels where org_id = ${m.org.orgId}) as reserved
        from orders where org_id = ${m.org.orgId}`)) as unknown as { orders: number; numbers: number; last: number; outbounds: number; reserved: number }[];
    expect(n).toEqual({ orders: 1200, numbers: 1200, last: 1200, outbounds: 1200, reserved: 2400 });
  });

  it("never makes two system orders for one platform order, nor reserves more than there is, under concurrent conversions", async () => {
    const many = Array.from({ length: 300 }, (_, i) => order(`c${String(i).padStart(3, "0")}`, "unshipped", [["P-SCARCE", "1", "1.00"]]));
    const m = await merchantWithScenario(many);
    // 120 in stock for 300 orders.
    await testDb().update(stockLevels).set({ onHand: "120" }).where(and(eq(stockLevels.orgId, m.org.orgId), eq(stockLevels.productId, m.productIds.SCARCE!)));
    const ids = await allIds(m.org.orgId);
    // Two pulls of overlapping pages, a bulk convert of everything, a retry, and one-off conversions, all at once.
    const results = await Promise.all([
      convertPlatformOrders(sys(m.org.orgId), ids.slice(0, 200), { chunk: 100 }),
      convertPlatformOrders(sys(m.org.orgId), ids.slice(100, 300), { chunk: 100 }),
      convertPlatformOrders(sys(m.org.orgId), [...ids].reverse(), { chunk: 250 }),
      convertPlatformOrders(sys(m.org.orgId), ids.slice(50, 250), { chunk: 200 }),
      ...ids.slice(140, 150).map((id) => convertPlatformOrders(sys(m.org.orgId), [id])),
    ]);
    const converted = results.reduce((s, r) => s + r.converted, 0);
    const [check] = (await testDb().execute(sql`
      select (select count(*)::int from orders where org_id = ${m.org.orgId}) as orders,
             (select count(distinct platform_order_id)::int from orders where org_id = ${m.org.orgId}) as distinct_pos,
             (select count(*)::int from platform_orders where org_id = ${m.org.orgId} and state = 'processed' and order_id is not null) as processed,
             (select reserved::int from stock_levels where org_id = ${m.org.orgId} and product_id = ${m.productIds.SCARCE!} and warehouse_id = ${m.warehouses.W1!}) as reserved,
             (select on_hand::int from stock_levels where org_id = ${m.org.orgId} and product_id = ${m.productIds.SCARCE!} and warehouse_id = ${m.warehouses.W1!}) as on_hand,
             (select coalesce(sum(reserved_delta), 0)::int from stock_movements where org_id = ${m.org.orgId} and kind = 'reservation') as moved,
             (select count(*)::int from outbound_orders where org_id = ${m.org.orgId}) as outbounds`)) as unknown as Record<string, number>[];
    expect(check).toEqual({ orders: 120, distinct_pos: 120, processed: 120, reserved: 120, on_hand: 120, moved: 120, outbounds: 120 });
    expect(converted).toBe(120);
    // Everything else is pending with the reason on its row, ready for the next retry.
    const [pending] = (await testDb().execute(sql`
      select count(*)::int as n, count(*) filter (where blockers @> '[{"kind":"no_stock"}]')::int as short
        from platform_orders where org_id = ${m.org.orgId} and state = 'pending'`)) as unknown as { n: number; short: number }[];
    expect(pending).toEqual({ n: 180, short: 180 });
  });

  it("skips platform orders that are not convertible: converted, voided, view-only account, cancelled", async () => {
    const m = await merchantWithScenario([order("s1", "unshipped", [["P-A", "1", "10"]]), order("s2", "unshipped", [["P-A", "1", "10"]]), order("s3", "unshipped", [["P-A", "1", "10"]])]);
    const ids = await allIds(m.org.orgId);
    await convertPlatformOrders(sys(m.org.orgId), [ids[0]!]);
    await testDb().update(platformOrders).set({ state: "voided" }).where(eq(platformOrders.id, ids[1]!));
    const r = await convertPlatformOrders(sys(m.org.orgId), ids);
    expect(r).toMatchObject({ converted: 1, skipped: 2 });
    const again = await convertPlatformOrders(sys(m.org.orgId), ids);
    expect(again).toMatchObject({ converted: 0, blocked: 0, skipped: 3 });
  });
});

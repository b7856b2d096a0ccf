import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orders, organizations } from "@/db/schema";
import { R_STATUS, handleOpenRequest, type OpenResponse } from "@/server/open/handler";
import { createApiKey } from "@/server/services/auth/api-keys";
import { systemContext } from "@/server/context";
import { setProductEnabled } from "@/server/services/catalog/products";
import { demoAddressIds, seedDemo } from "@/server/services/seed/demo";
import { closeTestDb, keyCaller, newApiKey, testDb } from "../helpers/db";
import { level, orderCount, orderMerchant } from "./orders-fixtures";

afterAll(closeTestDb);

/** The request example of 002, verbatim except for sKey and address_id. */
const EXAMPLE = {
  f: "createOrders",
  v: {
    sKey: "e5fbdb372f95d10b5986cf0ce6defba1",
    client_num: "10331",
    status: "pending",
    distrib_mode: "快递",
    address_id: 3619,
    freight: 3.55,
    delivery_date: "2020-08-30",
    discount_total: 255.56,
    remark: "erp create",
    body: [
      { options_goods_num: "00021002", orders_price: "11.5555", orders_number: "5.5555", list_type: "buy" as const, remark: "erp创建订单商品1" },
      { options_goods_num: "00021002", orders_price: "11.4444", orders_number: "4.4444", list_type: "gift" as const, remark: "erp创建订单赠品1" },
      { options_goods_num: "00021003", orders_price: "11.3333", orders_number: "3.3333", list_type: "buy" as const, remark: "erp创建订单商品2" },
      { options_goods_num: "00031003", orders_price: "11.2222", orders_number: "2.2222", list_type: "buy" as const, remark: "erp创建订单商品3" },
    ],
  },
};

async function call(body: unknown, headers: Record<string, string> = {}): Promise<OpenResponse> {
  const res = await handleOpenRequest(testDb(), {
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: new Headers({ "content-type": "application/json", "accept-language": "zh-CN", ...headers }),
  });
  expect(res.status).toBe(200);
  return res.body;
}

const withV = (key: string, v: Record<string, unknown>, f = "createOrders") => ({ f, v: { ...v, sKey: key } });

let demoOrg: { orgId: string };
let demoKey: string;
let addressIds: { id: number; isDefault: boolean }[];

beforeAll(async () => {
  const { orgId } = await seedDemo(testDb());
  demoOrg = { orgId };
  demoKey = (await createApiKey(systemContext(testDb(), orgId, "test"), { name: "erp", role: "operator" })).key;
  addressIds = await demoAddressIds({ db: testDb(), orgId });
});

describe("open API createOrders (002) against the demo merchant", () => {
  it("accepts the source document's example with only sKey and address_id replaced", async () => {
    const other = addressIds.find((a) => !a.isDefault)!;
    const res = await call({ ...EXAMPLE, v: { ...EXAMPLE.v, sKey: demoKey, address_id: other.id } });
    expect(res).toMatchObject({ rStatus: 100, message: "订单创建成功" });
    const [{ orders_num }] = res.rData as [{ orders_num: string }];
    expect(orders_num).toMatch(/^SO-\d{6}-\d{5}$/);
    const [row] = await testDb()
      .select()
      .from(orders)
      .where(and(eq(orders.orgId, demoOrg.orgId), eq(orders.orderNo, orders_num)));
    expect(row).toMatchObject({
      source: "api",
      status: "pending",
      addressId: other.id,
      recipientName: "李仓管",
      deliveryMethod: "快递",
      freight: "3.5500",
      deliveryDate: "2020-08-30",
      discountTotal: "255.5600",
      specialPrice: true,
      remark: "erp create",
    });

    // getOrders returns it with the createOrders field names and decimals exactly as stored.
    const got = await call(withV(demoKey, { orders_num: [orders_num] }, "getOrders"));
    expect(got.rStatus).toBe(100);
    const data = got.rData as { total: number; orders: Record<string, unknown>[] };
    expect(data.total).toBe(1);
    expect(data.orders[0]).toMatchObject({
      orders_num,
      status: "pending",
      special_price: true,
      client_num: "10331",
      distrib_mode: "快递",
      address_id: other.id,
      freight: "3.5500",
      delivery_date: "2020-08-30",
      discount_total: "255.5600",
      remark: "erp create",
    });
    expect((data.orders[0]!.body as unknown[])[0]).toMatchObject({
      options_goods_num: "00021002",
      orders_price: "11.5555",
      orders_number: "5.5555",
      list_type: "buy",
      remark: "erp创建订单商品1",
    });
    expect(typeof data.orders[0]!.created_at).toBe("string");
  });

  it("uses the customer's default address when address_id is left out", async () => {
    const { address_id: _omit, ...v } = EXAMPLE.v;
    const res = await call({ f: "createOrders", v: { ...v, sKey: demoKey } });
    expect(res.rStatus).toBe(100);
    const [{ orders_num }] = res.rData as [{ orders_num: string }];
    const [row] = await testDb()
      .select()
      .from(orders)
      .where(and(eq(orders.orgId, demoOrg.orgId), eq(orders.orderNo, orders_num)));
    expect(row!.addressId).toBe(addressIds.find((a) => a.isDefault)!.id);
  });

  it("takes the key from an Authorization header too, and getAddresses / getStock answer", async () => {
    const addrs = await call({ f: "getAddresses", v: { client_num: "10331" } }, { authorization: `Bearer ${demoKey}` });
    expect(addrs.rStatus).toBe(100);
    expect(addrs.rData).toEqual(
      expect.arrayContaining([expect.objectContaining({ address_id: expect.any(Number), is_default: true, recipient: "王小明" })]),
    );
    const stock = await call(withV(demoKey, { options_goods_num: ["00021002"] }, "getStock"));
    expect(stock.rStatus).toBe(100);
    const rows = stock.rData as { warehouse: string; on_hand: string; reserved: string; available: string }[];
    expect(rows.map((r) => r.warehouse).sort()).toEqual(["WH-SZ", "WH-YW"]);
    for (const r of rows) expect(Number(r.available)).toBeCloseTo(Number(r.on_hand) - Number(r.reserved));
  });
});

describe("open API errors: a specific rStatus and message, nothing created", () => {
  it.each([
    ["not JSON", "{oops", R_STATUS.badRequest, /JSON/],
    ["no function", { v: {} }, R_STATUS.badRequest, /f/],
    ["unknown function", { f: "dropTables", v: {} }, R_STATUS.unknownFunction, /dropTables/],
    ["no sKey", { f: "createOrders", v: { client_num: "10331", body: [] } }, R_STATUS.badKey, /sKey/],
    ["unknown sKey", { f: "createOrders", v: { ...EXAMPLE.v } }, R_STATUS.badKey, /sKey/],
  ])("%s", async (_name, body, status, message) => {
    const before = await orderCount({ orgId: demoOrg.orgId } as never);
    const res = await call(body);
    expect(res.rStatus).toBe(status);
    expect(res.message).toMatch(message);
    expect(res.rData).toBeNull();
    expect(await orderCount({ orgId: demoOrg.orgId } as never)).toBe(before);
  });

  it("each business error names the field", async () => {
    const m = await orderMerchant({ stock: { "00021002": { sz: "1" }, "00021003": { sz: "100" }, "00031003": { sz: "100" } } });
    const key = await newApiKey(m.org, "operator");
    const base = { ...EXAMPLE.v, sKey: key, address_id: undefined };
    const line = EXAMPLE.v.body[2]!;
    const cases: [string, Record<string, unknown>, number, RegExp][] = [
      ["unknown customer", { ...base, client_num: "99999" }, R_STATUS.customer, /client_num.*99999/],
      ["unknown SKU", { ...base, body: [{ ...line, options_goods_num: "NOPE-1" }] }, R_STATUS.sku, /body\[0\]\.options_goods_num.*NOPE-1/],
      ["disabled product", { ...base, body: [line, { ...line, options_goods_num: "00099999" }] }, R_STATUS.productDisabled, /body\[1\]\.options_goods_num.*00099999/],
      ["price precision", { ...base, body: [{ ...line, orders_price: "11.33333" }] }, R_STATUS.invalidParam, /body\[0\]\.orders_price.*4/],
      ["quantity precision", { ...base, body: [{ ...line, orders_number: 1.00001 }] }, R_STATUS.invalidParam, /body\[0\]\.orders_number/],
      ["freight precision", { ...base, freight: 3.555 }, R_STATUS.invalidParam, /freight.*2/],
      ["discount_total precision", { ...base, discount_total: "255.561" }, R_STATUS.invalidParam, /discount_total/],
      ["not a number", { ...base, freight: "abc" }, R_STATUS.invalidParam, /freight/],
      ["unknown distrib_mode", { ...base, distrib_mode: "火箭快递" }, R_STATUS.deliveryMethod, /distrib_mode.*火箭快递/],
      ["address of nobody", { ...base, address_id: 1 }, R_STATUS.address, /address_id/],
      ["bad delivery_date", { ...base, delivery_date: "2020-13-40" }, R_STATUS.invalidParam, /delivery_date/],
      ["bad status", { ...base, status: "shipped" }, R_STATUS.invalidParam, /status/],
      ["bad list_type", { ...base, body: [{ ...line, list_type: "free" }] }, R_STATUS.invalidParam, /body\[0\]\.list_type/],
      ["no lines", { ...base, body: [] }, R_STATUS.invalidParam, /body/],
      ["missing client_num", { ...base, client_num: undefined }, R_STATUS.invalidParam, /client_num/],
      [
        "short stock for stock_up",
        { ...base, status: "stock_up", body: [{ ...line, options_goods_num: "00021002", orders_number: "5" }] },
        R_STATUS.insufficientStock,
        /00021002.*5.*1/,
      ],
    ];
    for (const [name, v, status, message] of cases) {
      const res = await call({ f: "createOrders", v });
      expect(res.rStatus, name).toBe(status);
      expect(res.message, name).toMatch(message);
    }
    expect(await orderCount(m.org)).toBe(0);
    expect((await level(m.org.orgId, m.productId("00021002"), m.sz.id)).reserved.toFixed()).toBe("0");

    // A read-only key may read but not create.
    const viewer = await newApiKey(m.org, "viewer");
    expect((await call({ f: "createOrders", v: { ...base, sKey: viewer } })).rStatus).toBe(R_STATUS.forbidden);
    expect((await call({ f: "getAddresses", v: { client_num: "10331", sKey: viewer } })).rStatus).toBe(100);
    expect((await call({ f: "getAddresses", v: { client_num: "nobody", sKey: viewer } })).rStatus).toBe(R_STATUS.customer);
    expect((await call({ f: "getStock", v: { options_goods_num: ["NOPE"], sKey: viewer } })).rStatus).toBe(R_STATUS.sku);
    expect(await orderCount(m.org)).toBe(0);
  });

  it("answers in English when asked", async () => {
    const res = await handleOpenRequest(testDb(), {
      body: JSON.stringify({ f: "createOrders", v: { sKey: demoKey, client_num: "99999", body: EXAMPLE.v.body } }),
      headers: new Headers({ "accept-language": "en-US" }),
    });
    expect(res.body).toMatchObject({ rStatus: R_STATUS.customer, message: "client_num: Customer 99999 does not exist" });
  });
});

describe("stock_up through the open API", () => {
  it("approves at once and reserves stock; a disabled SKU later makes it fail with nothing created", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const { address_id: _a, ...v } = EXAMPLE.v;
    const res = await call({ f: "createOrders", v: { ...v, sKey: key, status: "stock_up" } });
    expect(res.rStatus).toBe(100);
    const [row] = await testDb().select().from(orders).where(eq(orders.orgId, m.org.orgId));
    expect(row!.status).toBe("stock_up");
    expect((await level(m.org.orgId, m.productId("00021002"), m.sz.id)).reserved.toFixed()).toBe("9.9999");
    await setProductEnabled(m.ctx, { id: m.productId("00031003"), enabled: false });
    const again = await call({ f: "createOrders", v: { ...v, sKey: key, status: "stock_up" } });
    expect(again.rStatus).toBe(R_STATUS.productDisabled);
    expect(await orderCount(m.org)).toBe(1);
  });
});

describe("Idempotency-Key", () => {
  it("a repeated request returns the first response and creates nothing new; a different body is refused", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const { address_id: _a, ...v } = EXAMPLE.v;
    const body = { f: "createOrders", v: { ...v, sKey: key } };
    const first = await call(body, { "idempotency-key": "erp-42" });
    const second = await call(body, { "idempotency-key": "erp-42" });
    expect(first.rStatus).toBe(100);
    expect(second).toEqual(first);
    expect(await orderCount(m.org)).toBe(1);
    // Parallel repeats of a new key: one order.
    const burst = await Promise.all(Array.from({ length: 5 }, () => call(body, { "idempotency-key": "erp-43" })));
    expect(new Set(burst.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(await orderCount(m.org)).toBe(2);
    const changed = await call({ ...body, v: { ...body.v, remark: "changed" } }, { "idempotency-key": "erp-42" });
    expect(changed.rStatus).toBe(R_STATUS.idempotencyMismatch);
    // A failed request does not burn its key: the corrected retry runs.
    const bad = await call({ ...body, v: { ...body.v, client_num: "99999" } }, { "idempotency-key": "erp-44" });
    expect(bad.rStatus).toBe(R_STATUS.customer);
    expect(await orderCount(m.org)).toBe(2);
    // Without a key, every request creates an order.
    await call(body);
    expect(await orderCount(m.org)).toBe(3);
  });
});

describe("getOrders", () => {
  it("filters by time window and status, pages, and refuses deep pages", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const { address_id: _a, ...v } = EXAMPLE.v;
    for (let i = 0; i < 3; i++) await call({ f: "createOrders", v: { ...v, sKey: key } });
    const since = new Date(Date.now() - 3600_000).toISOString();
    const p1 = await call({ f: "getOrders", v: { sKey: key, created_from: since, status: "pending", page: 1, page_size: 2 } });
    expect(p1.rStatus).toBe(100);
    const d1 = p1.rData as { total: number; orders: { orders_num: string }[]; next_cursor: string | null };
    expect(d1.total).toBe(3);
    expect(d1.orders).toHaveLength(2);
    const p2 = await call({ f: "getOrders", v: { sKey: key, created_from: since, page: 2, page_size: 2 } });
    const d2 = p2.rData as { orders: { orders_num: string }[] };
    expect(d2.orders).toHaveLength(1);
    expect(new Set([...d1.orders, ...d2.orders].map((o) => o.orders_num)).size).toBe(3);
    const viaCursor = await call({ f: "getOrders", v: { sKey: key, created_from: since, page_size: 2, cursor: d1.next_cursor } });
    expect((viaCursor.rData as { orders: { orders_num: string }[] }).orders.map((o) => o.orders_num)).toEqual(d2.orders.map((o) => o.orders_num));
    expect((await call({ f: "getOrders", v: { sKey: key, status: "closed" } })).rData).toMatchObject({ total: 0, orders: [] });
    expect((await call({ f: "getOrders", v: { sKey: key, created_from: "yesterday" } })).rStatus).toBe(R_STATUS.invalidParam);
    expect((await call({ f: "getOrders", v: { sKey: key, page: 60, page_size: 200 } })).rStatus).toBe(R_STATUS.invalidParam);
  });
});

describe("the same operations over tRPC with an API key", () => {
  it("createOrders / getOrders / getStock / getAddresses, errors named by the API's fields, tenant-isolated", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const api = keyCaller(key);
    const { address_id: _a, sKey: _k, ...v } = EXAMPLE.v;
    const created = await api.orders.createOrders({ ...v, status: "pending", idempotencyKey: "t-1" });
    const again = await api.orders.createOrders({ ...v, status: "pending", idempotencyKey: "t-1" });
    expect(again).toEqual(created);
    expect(await orderCount(m.org)).toBe(1);
    const got = await api.orders.getOrders({ orders_num: [created[0]!.orders_num] });
    expect(got.orders[0]!.body).toHaveLength(4);
    expect((await api.orders.getStock({ options_goods_num: ["00031003"] }))[0]).toMatchObject({ warehouse: "WH-SZ" });
    expect(await api.orders.getAddresses({ client_num: "10331" })).toHaveLength(2);
    await expect(api.orders.createOrders({ ...v, status: "pending", body: [{ ...v.body[0]!, orders_price: "1.00001" }] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { "body[0].orders_price": { key: "tooManyDecimals" } } },
    });

    // Merchant B's key sees none of A's orders.
    const b = await orderMerchant();
    const other = keyCaller(await newApiKey(b.org, "operator"));
    expect((await other.orders.getOrders({ orders_num: [created[0]!.orders_num] })).orders).toHaveLength(0);
    const [{ timezone }] = (await testDb().select({ timezone: organizations.timezone }).from(organizations).where(eq(organizations.id, m.org.orgId))) as [
      { timezone: string },
    ];
    expect(timezone).toBe("Asia/Shanghai");
  });
});

import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { customerAddresses, customers, products } from "@/db/schema";
import { createCustomer, updateCustomer } from "@/server/services/catalog/customers";
import { importCustomers } from "@/server/services/catalog/import";
import { closeTestDb, createTestOrg, keyCaller, newApiKey, sessionCaller, svcCtx, testDb, type TestOrg } from "../helpers/db";
import { expectFieldError, failure, httpCall } from "../helpers/trpc";

afterAll(closeTestDb);

let org: TestOrg;
let c: ReturnType<typeof sessionCaller>;
const NOT_A_UUID = "not-a-uuid";

beforeAll(async () => {
  org = await createTestOrg("Validation merchant");
  c = sessionCaller(org.ownerId, org.orgId);
});

const csv = (s: string) => Buffer.from(s).toString("base64");

describe("bad input gets a field-level error from every foundation procedure", () => {
  it("products", async () => {
    await expectFieldError(c.products.list({ cursor: "%%%" }), "cursor");
    await expectFieldError(c.products.list({ limit: 0 }), "limit");
    await expectFieldError(c.products.list({ sort: "nope" as "sku" }), "sort");
    await expectFieldError(c.products.byId({ id: NOT_A_UUID }), "id");
    await expectFieldError(c.products.create({ sku: "", name: "x" }), "sku");
    await expectFieldError(c.products.create({ sku: "has space", name: "x" }), "sku");
    await expectFieldError(c.products.create({ sku: "OK-1", name: "" }), "name");
    await expectFieldError(c.products.create({ sku: "OK-1", name: "x", price: "abc" }), "price");
    await expectFieldError(c.products.create({ sku: "OK-1", name: "x", price: "-1" }), "price");
    await expectFieldError(c.products.create({ sku: "OK-1", name: "x", weight: "1.23456" }), "weight");
    await expectFieldError(c.products.create({ sku: "OK-1", name: "x", imageUrl: "javascript:alert(1)" }), "imageUrl");
    await expectFieldError(c.products.update({ id: NOT_A_UUID, sku: "OK-1", name: "x" }), "id");
    await expectFieldError(c.products.setEnabled({ id: NOT_A_UUID, enabled: true }), "id");
    await expectFieldError(c.products.setEnabled({ id: org.orgId, enabled: "yes" as unknown as boolean }), "enabled");
    await expectFieldError(c.products.import({ format: "pdf" as "csv", content: "" }), "format");
    await expectFieldError(c.products.import({ format: "xlsx", content: csv("this is not a workbook") }), "content");
    await expectFieldError(c.products.import({ format: "csv", content: "" }), "content");
  });

  it("all field errors of a product come back at once", async () => {
    const err = await failure(c.products.create({ sku: "MULTI-1", name: "x", price: "1.123456", weight: "x", lowStockThreshold: "-3" }));
    expect(Object.keys(err.fieldErrors).sort()).toEqual(["lowStockThreshold", "price", "weight"]);
    expect(err.fieldErrors.price).toContain("4");
  });

  it("customers", async () => {
    await expectFieldError(c.customers.list({ cursor: "%%%" }), "cursor");
    await expectFieldError(c.customers.byId({ id: NOT_A_UUID }), "id");
    await expectFieldError(c.customers.create({ clientNum: "", companyName: "x" }), "clientNum");
    await expectFieldError(c.customers.create({ clientNum: "C-1", companyName: "" }), "companyName");
    await expectFieldError(c.customers.create({ clientNum: "C-1", companyName: "x", email: "not-an-email" }), "email");
    await expectFieldError(
      c.customers.create({ clientNum: "C-1", companyName: "x", addresses: [{ recipient: "a", phone: "1", street: "s" }, { recipient: "b", phone: "2", street: "" }] }),
      "addresses.1.street",
    );
    await expectFieldError(
      c.customers.create({
        clientNum: "C-1",
        companyName: "x",
        addresses: [
          { recipient: "a", phone: "1", street: "s", isDefault: true },
          { recipient: "b", phone: "2", street: "t", isDefault: true },
        ],
      }),
      "addresses",
    );
    await expectFieldError(c.customers.update({ id: NOT_A_UUID, clientNum: "C-1", companyName: "x" }), "id");
    await expectFieldError(c.customers.setEnabled({ id: NOT_A_UUID, enabled: false }), "id");
    await expectFieldError(c.customers.import({ format: "csv", content: "" }), "content");
    // Nothing above was written.
    expect((await c.customers.list({})).items).toEqual([]);
  });

  it("warehouses", async () => {
    await expectFieldError(c.warehouses.list({ enabledOnly: "yes" as unknown as boolean }), "enabledOnly");
    await expectFieldError(c.warehouses.byId({ id: NOT_A_UUID }), "id");
    await expectFieldError(c.warehouses.create({ code: "", name: "x" }), "code");
    await expectFieldError(c.warehouses.create({ code: "W 1", name: "x" }), "code");
    await expectFieldError(c.warehouses.create({ code: "W1", name: "" }), "name");
    const first = await c.warehouses.create({ code: "W1", name: "Main" });
    expect(first.isDefault).toBe(true);
    await expectFieldError(c.warehouses.update({ ...first, isDefault: false }), "isDefault");
    await expectFieldError(c.warehouses.update({ ...first, enabled: false }), "enabled");
    await expectFieldError(c.warehouses.setEnabled({ id: first.id, enabled: false }), "enabled");
    await expectFieldError(c.warehouses.setEnabled({ id: NOT_A_UUID, enabled: false }), "id");
  });

  it("delivery methods", async () => {
    await expectFieldError(c.deliveryMethods.create({ name: "" }), "name");
    await expectFieldError(c.deliveryMethods.create({ name: "x", sortOrder: -1 }), "sortOrder");
    await expectFieldError(c.deliveryMethods.create({ name: "x", sortOrder: 1.5 }), "sortOrder");
    await expectFieldError(c.deliveryMethods.update({ id: NOT_A_UUID, name: "x" }), "id");
    await expectFieldError(c.deliveryMethods.setEnabled({ id: NOT_A_UUID, enabled: true }), "id");
  });

  it("settings", async () => {
    await expectFieldError(c.settings.updatePrecision({ amountDecimals: 2, priceDecimals: 5, quantityDecimals: 4 }), "priceDecimals");
    await expectFieldError(c.settings.updatePrecision({ amountDecimals: -1, priceDecimals: 4, quantityDecimals: 4 }), "amountDecimals");
    await expectFieldError(c.settings.updateProfile({ name: "x", timezone: "Mars/Olympus" }), "timezone");
    await expectFieldError(c.settings.updateProfile({ name: "", timezone: "UTC" }), "name");
    expect((await c.settings.get()).precision).toEqual({ amountDecimals: 2, priceDecimals: 4, quantityDecimals: 4 });
  });

  it("account", async () => {
    await expectFieldError(c.account.invite({ email: "nope", role: "viewer" }), "email");
    await expectFieldError(c.account.invite({ email: "x@test.local", role: "boss" as "viewer" }), "role");
    await expectFieldError(c.account.revokeInvitation({ id: NOT_A_UUID }), "id");
    await expectFieldError(c.account.changeRole({ userId: org.ownerId, role: "king" as "viewer" }), "role");
    await expectFieldError(c.account.removeMember({ userId: NOT_A_UUID }), "userId");
    await expectFieldError(c.account.createApiKey({ name: "", role: "viewer" }), "name");
    await expectFieldError(c.account.createApiKey({ name: "k", role: "owner" as "admin" }), "role");
    await expectFieldError(c.account.revokeApiKey({ id: NOT_A_UUID }), "id");
    await expectFieldError(c.account.updateProfile({ name: "" }), "name");
    await expectFieldError(c.account.changePassword({ currentPassword: "x", newPassword: "short" }), "newPassword");
  });

  it("over HTTP the error carries the field, a translated message and the right status", async () => {
    const key = await newApiKey(org, "admin");
    const bad = await httpCall("products.create", { sku: "HTTP-1", name: "x", price: "9.99999" }, { key });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.data.appError).toMatchObject({ code: "VALIDATION", fieldErrors: { price: expect.stringContaining("4") } });
    const zh = await httpCall("products.create", { sku: "", name: "x" }, { key, locale: "zh-CN" });
    expect(zh.status).toBe(400);
    expect(zh.body.error?.data.appError?.fieldErrors.sku).toBe("SKU：必填");
    await httpCall("products.create", { sku: "HTTP-1", name: "x" }, { key });
    const dup = await httpCall("products.create", { sku: "HTTP-1", name: "y" }, { key });
    expect(dup.status).toBe(409);
    expect(dup.body.error?.data.appError).toMatchObject({ code: "CONFLICT", fieldErrors: { sku: "SKU already exists" } });
    const unauth = await httpCall("products.list", {}, { method: "GET" });
    expect(unauth.status).toBe(401);
  });
});

describe("duplicate codes are a CONFLICT on the field", () => {
  it("SKU, customer number, warehouse code, delivery method name — on create and on update", async () => {
    const p1 = await c.products.create({ sku: "DUP-1", name: "one" });
    const p2 = await c.products.create({ sku: "DUP-2", name: "two" });
    await expectFieldError(c.products.create({ sku: "DUP-1", name: "again" }), "sku", "CONFLICT");
    await expectFieldError(c.products.update({ ...p2, sku: "DUP-1", weight: null, lowStockThreshold: null }), "sku", "CONFLICT");
    expect((await c.products.byId({ id: p1.id })).name).toBe("one");

    const c1 = await c.customers.create({ clientNum: "10331", companyName: "one" });
    const c2 = await c.customers.create({ clientNum: "10332", companyName: "two" });
    await expectFieldError(c.customers.create({ clientNum: "10331", companyName: "again" }), "clientNum", "CONFLICT");
    await expectFieldError(c.customers.update({ id: c2.id, clientNum: "10331", companyName: "two" }), "clientNum", "CONFLICT");
    expect((await c.customers.byId({ id: c1.id })).companyName).toBe("one");

    const w = await c.warehouses.create({ code: "DUP-WH", name: "one" });
    const w2 = await c.warehouses.create({ code: "DUP-WH2", name: "two" });
    await expectFieldError(c.warehouses.create({ code: "DUP-WH", name: "again" }), "code", "CONFLICT");
    await expectFieldError(c.warehouses.update({ ...w2, code: "DUP-WH" }), "code", "CONFLICT");
    expect((await c.warehouses.byId({ id: w.id })).name).toBe("one");

    await expectFieldError(c.deliveryMethods.create({ name: "顺丰快递" }), "name", "CONFLICT");
  });
});

describe("the merchant's precision: too many decimals is refused, never rounded", () => {
  it("follows the precision settings and stores exactly what was accepted", async () => {
    const m = await createTestOrg("Precision merchant");
    const pc = sessionCaller(m.ownerId, m.orgId);
    await expectFieldError(pc.products.create({ sku: "P-1", name: "x", price: "1.23456" }), "price");
    await pc.settings.updatePrecision({ amountDecimals: 2, priceDecimals: 2, quantityDecimals: 0 });
    const err = await expectFieldError(pc.products.create({ sku: "P-1", name: "x", price: "1.234" }), "price");
    expect(err.fieldErrors.price).toContain("2");
    await expectFieldError(pc.products.create({ sku: "P-1", name: "x", price: "1", weight: "0.5" }), "weight");
    expect((await pc.products.list({})).items).toEqual([]);
    const ok = await pc.products.create({ sku: "P-1", name: "x", price: "1.20", weight: "3" });
    expect(ok.price).toBe("1.2000");
    // A JSON number is read as written, not through binary floating point.
    const n = await pc.products.create({ sku: "P-2", name: "x", price: 0.1 + 0.2 === 0.3 ? 1 : 19.99 });
    expect(n.price).toBe("19.9900");
    // The import applies the same rule, row by row.
    const r = await pc.products.import({ format: "csv", content: csv("SKU,名称,价格\nP-3,ok,2.5\nP-4,bad,2.555\n"), commit: true });
    expect(r).toMatchObject({ created: 1, errorRows: 1 });
    expect(r.errors).toEqual([{ row: 3, column: "价格 Price", message: expect.stringContaining("2") }]);
  });
});

/**
 * A database whose transactions fail on the n-th insert into `table` — to prove that a multi-row
 * write that breaks half-way leaves nothing behind.
 */
function failingOnInsert(db: Db, table: unknown, failAt = 1): Db {
  let seen = 0;
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (prop === "insert") {
          return (tbl: unknown) => {
            if (tbl === table && ++seen >= failAt) throw new Error("injected failure");
            return (value as (x: unknown) => unknown).call(t, tbl);
          };
        }
        if (prop === "transaction") {
          return (fn: (tx: unknown) => unknown) => (value as (f: (tx: object) => unknown) => unknown).call(t, (tx: object) => fn(wrap(tx)));
        }
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  return wrap(db);
}

describe("nothing is half-written", () => {
  it("a customer whose addresses fail to save is not created", async () => {
    const m = await createTestOrg("Atomic merchant");
    const ctx = { ...svcCtx(m), db: failingOnInsert(testDb(), customerAddresses) };
    await expect(
      createCustomer(ctx, { clientNum: "HALF-1", companyName: "x", addresses: [{ recipient: "a", phone: "1", street: "s" }] }),
    ).rejects.toThrow("injected failure");
    expect(await testDb().select().from(customers).where(eq(customers.orgId, m.orgId))).toEqual([]);
  });

  it("an address book edit that fails half-way keeps the old addresses", async () => {
    const m = await createTestOrg("Atomic merchant 2");
    const made = await createCustomer(svcCtx(m), {
      clientNum: "HALF-2",
      companyName: "before",
      addresses: [{ recipient: "old", phone: "1", street: "old street" }],
    });
    const ctx = { ...svcCtx(m), db: failingOnInsert(testDb(), customerAddresses) };
    await expect(
      updateCustomer(ctx, { id: made.id, clientNum: "HALF-2", companyName: "after", addresses: [{ recipient: "new", phone: "2", street: "new street" }] }),
    ).rejects.toThrow("injected failure");
    const after = await sessionCaller(m.ownerId, m.orgId).customers.byId({ id: made.id });
    expect(after.companyName).toBe("before");
    expect(after.addresses.map((a) => a.recipient)).toEqual(["old"]);
  });

  it("an import that fails on its second customer writes none of them", async () => {
    const m = await createTestOrg("Atomic import");
    const ctx = { ...svcCtx(m), db: failingOnInsert(testDb(), customers, 2) };
    const content = csv("客户编号,公司名称,收货人,收货电话,详细地址\nI-1,One,a,1,s\nI-2,Two,b,2,t\nI-3,Three,c,3,u\n");
    await expect(importCustomers(ctx, { format: "csv", content, commit: true })).rejects.toThrow("injected failure");
    expect(await testDb().select().from(customers).where(eq(customers.orgId, m.orgId))).toEqual([]);
    expect(await testDb().select().from(customerAddresses).where(eq(customerAddresses.orgId, m.orgId))).toEqual([]);
  });

  it("an import with bad rows writes only the good rows; a preview writes nothing", async () => {
    const m = await createTestOrg("Partial import");
    const kc = keyCaller(await newApiKey(m, "admin"));
    const content = csv("SKU,名称,价格,启用\nG-1,good,1,1\n,missing sku,1,1\nG-2,good,2,是\nG-3,bad flag,3,maybe\nG-1,dup,1,1\n");
    const preview = await kc.products.import({ format: "csv", content });
    expect(preview).toMatchObject({ totalRows: 5, validRows: 2, errorRows: 3, created: 0, committed: false });
    expect(await testDb().select().from(products).where(eq(products.orgId, m.orgId))).toEqual([]);
    const done = await kc.products.import({ format: "csv", content, commit: true });
    expect(done).toMatchObject({ created: 2, updated: 0, committed: true });
    expect(done.errors.map((e) => [e.row, e.column])).toEqual([
      [3, "SKU"],
      [5, "启用 Enabled"],
      [6, "SKU"],
    ]);
    const rows = await testDb().select({ sku: products.sku }).from(products).where(and(eq(products.orgId, m.orgId)));
    expect(rows.map((r) => r.sku).sort()).toEqual(["G-1", "G-2"]);
  });
});

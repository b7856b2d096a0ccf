import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, ROLES, type Role } from "@/lib/permissions";
import { closeTestDb, createTestOrg, createTestUser, keyCaller, newApiKey, sessionCaller, type TestOrg } from "../helpers/db";
import { failure, httpCall } from "../helpers/trpc";

afterAll(closeTestDb);

let org: TestOrg;
let productId: string;
let customerId: string;
let warehouseId: string;
let methodId: string;
const callers = {} as Record<Role, ReturnType<typeof sessionCaller>>;

beforeAll(async () => {
  org = await createTestOrg("Roles merchant");
  const owner = sessionCaller(org.ownerId, org.orgId);
  productId = (await owner.products.create({ sku: "ROLE-1", name: "Tee", price: "29.9", barcode: "111" })).id;
  customerId = (await owner.customers.create({ clientNum: "R-1", companyName: "Buyer" })).id;
  warehouseId = (await owner.warehouses.create({ code: "R-WH", name: "Main" })).id;
  methodId = (await owner.deliveryMethods.list({}))[0]!.id;
  for (const role of ROLES) callers[role] = role === "owner" ? owner : sessionCaller(await createTestUser(org.orgId, role), org.orgId);
});

const csv = (s: string) => Buffer.from(s).toString("base64");

/** One write per permission-guarded foundation procedure family. */
function writes(c: ReturnType<typeof sessionCaller>) {
  return {
    "catalog.write": () => c.products.setEnabled({ id: productId, enabled: true }),
    "customers.write": () => c.customers.setEnabled({ id: customerId, enabled: true }),
    "warehouses.write": () => c.warehouses.setEnabled({ id: warehouseId, enabled: true }),
    "settings.write": () => c.deliveryMethods.setEnabled({ id: methodId, enabled: true }),
    "members.manage": () => c.account.invite({ email: "someone@test.local", role: "viewer" }),
    "apikeys.manage": () => c.account.apiKeys(),
  } as const;
}

describe("role checks follow the one table in lib/permissions.ts", () => {
  it.each(ROLES)("%s may do exactly what the table allows", async (role) => {
    const outcome: Record<string, boolean> = {};
    const expected: Record<string, boolean> = {};
    for (const [permission, call] of Object.entries(writes(callers[role]))) {
      expected[permission] = can(role, permission as Parameters<typeof can>[1]);
      try {
        await call();
        outcome[permission] = true;
      } catch (e) {
        const err = await failure(Promise.reject(e));
        expect(err.code, `${role} ${permission}`).toBe("FORBIDDEN");
        outcome[permission] = false;
      }
    }
    expect(outcome).toEqual(expected);
  });

  it("a viewer reads everything and writes nothing", async () => {
    const v = callers.viewer;
    expect((await v.products.list({})).items.length).toBe(1);
    expect((await v.customers.byId({ id: customerId })).clientNum).toBe("R-1");
    expect((await v.settings.get()).name).toBe("Roles merchant");
    const attempts = [
      () => v.products.create({ sku: "V-1", name: "x" }),
      () => v.products.update({ id: productId, sku: "ROLE-1", name: "renamed", price: "29.9" }),
      () => v.products.import({ format: "csv", content: csv("SKU,名称\nV-2,x\n"), commit: true }),
      () => v.customers.create({ clientNum: "V-1", companyName: "x" }),
      () => v.customers.update({ id: customerId, clientNum: "R-1", companyName: "renamed" }),
      () => v.customers.import({ format: "csv", content: csv("客户编号,公司名称\nV-2,x\n"), commit: true }),
      () => v.warehouses.create({ code: "V-WH", name: "x" }),
      () => v.deliveryMethods.create({ name: "viewer courier" }),
      () => v.settings.updatePrecision({ amountDecimals: 0, priceDecimals: 0, quantityDecimals: 0 }),
      () => v.settings.updateProfile({ name: "renamed", timezone: "UTC" }),
      () => v.account.createApiKey({ name: "k", role: "viewer" }),
    ];
    for (const call of attempts) expect((await failure(call())).code).toBe("FORBIDDEN");
    expect((await callers.owner.products.byId({ id: productId })).name).toBe("Tee");
    expect((await callers.owner.settings.get()).precision.priceDecimals).toBe(4);
  });

  it("a warehouse user can fix a barcode but cannot change a price — by form or by import", async () => {
    const w = callers.warehouse;
    const p = await w.products.byId({ id: productId });
    const base = { id: p.id, sku: p.sku, name: p.name, spec: p.spec, unit: p.unit, price: p.price, weight: p.weight, barcode: p.barcode };
    const fixed = await w.products.update({ ...base, barcode: "6900000000001" });
    expect(fixed.barcode).toBe("6900000000001");
    expect(fixed.price).toBe("29.9000");
    const err = await failure(w.products.update({ ...base, price: "19.9" }));
    expect(err.code).toBe("FORBIDDEN");
    expect((await w.products.byId({ id: productId })).price).toBe("29.9000");
    // New products without a price are fine; with a price they need prices.write.
    expect((await w.products.create({ sku: "W-NEW", name: "Box" })).price).toBe("0.0000");
    expect((await failure(w.products.create({ sku: "W-NEW-2", name: "Box", price: "5" }))).code).toBe("FORBIDDEN");
    const r = await w.products.import({ format: "csv", content: csv("SKU,名称,价格,条码\nROLE-1,Tee,1,222\nW-NEW,Box,0,333\n"), commit: true });
    expect(r).toMatchObject({ updated: 1, errorRows: 1 });
    expect(r.errors).toEqual([{ row: 2, column: "价格 Price", message: "Your role may not change prices" }]);
    expect((await w.products.byId({ id: productId })).price).toBe("29.9000");
    // The operator may change prices.
    expect((await callers.operator.products.update({ ...base, barcode: fixed.barcode, price: "19.9" })).price).toBe("19.9000");
  });

  it("an admin manages API keys but not members; only an owner can make another owner", async () => {
    expect((await failure(callers.admin.account.invite({ email: "x@test.local", role: "viewer" }))).code).toBe("FORBIDDEN");
    const k = await callers.admin.account.createApiKey({ name: "admin's key", role: "operator" });
    expect(k.key).toMatch(/^mk_/);
    const owner = callers.owner;
    const member = await createTestUser(org.orgId, "viewer");
    await owner.account.changeRole({ userId: member, role: "owner" });
    expect((await owner.account.members()).members.find((m) => m.userId === member)?.role).toBe("owner");
    // The last owner cannot leave or be demoted.
    await owner.account.removeMember({ userId: member });
    expect((await failure(owner.account.changeRole({ userId: org.ownerId, role: "admin" }))).code).toBe("CONFLICT");
    expect((await failure(owner.account.removeMember({ userId: org.ownerId }))).code).toBe("CONFLICT");
  });

  it("an API key acts with its own role", async () => {
    const viewerKey = keyCaller(await newApiKey(org, "viewer"));
    expect((await viewerKey.products.list({})).items.length).toBeGreaterThan(0);
    expect((await failure(viewerKey.products.create({ sku: "K-1", name: "x" }))).code).toBe("FORBIDDEN");
    const operatorKey = keyCaller(await newApiKey(org, "operator"));
    expect((await operatorKey.products.create({ sku: "K-1", name: "x", price: "3" })).price).toBe("3.0000");
    expect((await failure(operatorKey.account.apiKeys())).code).toBe("FORBIDDEN");
    // Profile procedures belong to people, not keys.
    expect((await failure(operatorKey.account.updateProfile({ name: "bot" }))).code).toBe("FORBIDDEN");
  });
});

describe("API keys", () => {
  it("a revoked key is refused at once (tRPC and HTTP); last-used time is recorded", async () => {
    const owner = callers.owner;
    const created = await owner.account.createApiKey({ name: "to revoke", role: "admin" });
    const listed = (await owner.account.apiKeys()).find((k) => k.id === created.id)!;
    expect(listed).toMatchObject({ name: "to revoke", role: "admin", prefix: created.key.slice(0, 10), lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(await owner.account.apiKeys())).not.toContain(created.key);

    const kc = keyCaller(created.key);
    expect((await kc.products.list({})).items.length).toBeGreaterThan(0);
    expect((await owner.account.apiKeys()).find((k) => k.id === created.id)!.lastUsedAt).not.toBeNull();
    expect((await httpCall("products.list", {}, { key: created.key, method: "GET" })).status).toBe(200);

    await owner.account.revokeApiKey({ id: created.id });
    expect((await failure(kc.products.list({}))).code).toBe("UNAUTHORIZED");
    const http = await httpCall("products.list", {}, { key: created.key, method: "GET" });
    expect(http.status).toBe(401);
    expect(http.body.error?.data.appError?.message).toBe("API key is invalid or revoked");
    expect((await owner.account.apiKeys()).find((k) => k.id === created.id)!.revokedAt).not.toBeNull();
    // Revoking twice is NOT_FOUND (there is no live key with that id).
    expect((await failure(owner.account.revokeApiKey({ id: created.id }))).code).toBe("NOT_FOUND");
  });

  it("made-up and malformed keys are refused", async () => {
    expect((await failure(keyCaller("mk_" + "A".repeat(32)).products.list({}))).code).toBe("UNAUTHORIZED");
    expect((await failure(keyCaller("not a key").products.list({}))).code).toBe("UNAUTHORIZED");
    expect((await httpCall("products.list", {}, { key: "", method: "GET" })).status).toBe(401);
  });
});

describe("profile", () => {
  it("a person renames themselves and changes their password with the current one", async () => {
    const me = callers.finance;
    expect((await me.account.updateProfile({ name: "  Fiona  " })).name).toBe("Fiona");
    const wrong = await failure(me.account.changePassword({ currentPassword: "not it", newPassword: "a-new-password" }));
    expect(wrong.fieldErrors).toHaveProperty("currentPassword");
  });
});

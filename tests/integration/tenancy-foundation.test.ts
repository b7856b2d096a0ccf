import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDb, createTestOrg, createTestUser, keyCaller, newApiKey, sessionCaller, type TestOrg } from "../helpers/db";
import { failure } from "../helpers/trpc";

afterAll(closeTestDb);

type Caller = ReturnType<typeof sessionCaller>;

let a: TestOrg;
let b: TestOrg;
/** Merchant B's records, which merchant A must never reach. */
const B = {} as {
  productId: string;
  sku: string;
  customerId: string;
  clientNum: string;
  addressId: number;
  warehouseId: string;
  deliveryMethodId: string;
  invitationId: string;
  memberId: string;
  apiKeyId: string;
};

beforeAll(async () => {
  a = await createTestOrg("Merchant A");
  b = await createTestOrg("Merchant B");
  const owner = sessionCaller(b.ownerId, b.orgId);
  const product = await owner.products.create({ sku: "B-SECRET-1", name: "B product", price: "10" });
  const customer = await owner.customers.create({
    clientNum: "B-C1",
    companyName: "B customer",
    addresses: [{ recipient: "B", phone: "1", street: "B street" }],
  });
  const warehouse = await owner.warehouses.create({ code: "B-WH2", name: "B warehouse" });
  const method = await owner.deliveryMethods.create({ name: "B only courier" });
  await owner.account.invite({ email: `pending-${b.orgId}@test.local`, role: "viewer" });
  const { pending } = await owner.account.members();
  const key = await owner.account.createApiKey({ name: "B key", role: "viewer" });
  Object.assign(B, {
    productId: product.id,
    sku: product.sku,
    customerId: customer.id,
    clientNum: customer.clientNum,
    addressId: customer.addresses[0]!.id,
    warehouseId: warehouse.id,
    deliveryMethodId: method.id,
    invitationId: pending[0]!.id,
    memberId: await createTestUser(b.orgId, "operator"),
    apiKeyId: key.id,
  });
});

/** Every foundation procedure that takes one of B's ids, called by merchant A. */
function writesAndReads(c: Caller) {
  return {
    "products.byId": () => c.products.byId({ id: B.productId }),
    "products.update": () => c.products.update({ id: B.productId, sku: "STOLEN", name: "x", price: "10" }),
    "products.setEnabled": () => c.products.setEnabled({ id: B.productId, enabled: false }),
    "customers.byId": () => c.customers.byId({ id: B.customerId }),
    "customers.update": () => c.customers.update({ id: B.customerId, clientNum: "STOLEN", companyName: "x" }),
    "customers.setEnabled": () => c.customers.setEnabled({ id: B.customerId, enabled: false }),
    "warehouses.byId": () => c.warehouses.byId({ id: B.warehouseId }),
    "warehouses.update": () => c.warehouses.update({ id: B.warehouseId, code: "STOLEN", name: "x", isDefault: true }),
    "warehouses.setEnabled": () => c.warehouses.setEnabled({ id: B.warehouseId, enabled: false }),
    "deliveryMethods.update": () => c.deliveryMethods.update({ id: B.deliveryMethodId, name: "stolen", isDefault: true }),
    "deliveryMethods.setEnabled": () => c.deliveryMethods.setEnabled({ id: B.deliveryMethodId, enabled: false }),
    "account.revokeApiKey": () => c.account.revokeApiKey({ id: B.apiKeyId }),
  };
}

/** Member management needs members.manage, which only an owner (never an API key) holds. */
function memberWrites(c: Caller) {
  return {
    "account.revokeInvitation": () => c.account.revokeInvitation({ id: B.invitationId }),
    "account.changeRole": () => c.account.changeRole({ userId: B.memberId, role: "viewer" }),
    "account.removeMember": () => c.account.removeMember({ userId: B.memberId }),
    "account.removeMember(B's owner)": () => c.account.removeMember({ userId: b.ownerId }),
  };
}

async function codesOf(calls: Record<string, () => Promise<unknown>>) {
  const out: Record<string, string> = {};
  for (const [name, call] of Object.entries(calls)) out[name] = (await failure(call())).code;
  return out;
}

const allNotFound = (calls: Record<string, unknown>) => Object.fromEntries(Object.keys(calls).map((k) => [k, "NOT_FOUND"]));

async function expectListsHideB(c: Caller) {
  const products = await c.products.list({ search: "B-SECRET" });
  expect(products.items).toEqual([]);
  expect(products.total.count).toBe(0);
  expect((await c.customers.list({ search: B.clientNum })).items).toEqual([]);
  expect((await c.warehouses.list({})).map((w) => w.id)).not.toContain(B.warehouseId);
  expect((await c.deliveryMethods.list({})).map((d) => d.id)).not.toContain(B.deliveryMethodId);
}

async function expectBUntouched() {
  const owner = sessionCaller(b.ownerId, b.orgId);
  const product = await owner.products.byId({ id: B.productId });
  expect(product).toMatchObject({ sku: B.sku, name: "B product", enabled: true });
  const customer = await owner.customers.byId({ id: B.customerId });
  expect(customer).toMatchObject({ clientNum: B.clientNum, enabled: true });
  expect(customer.addresses.map((x) => x.id)).toEqual([B.addressId]);
  expect(await owner.warehouses.byId({ id: B.warehouseId })).toMatchObject({ code: "B-WH2", enabled: true });
  const methods = await owner.deliveryMethods.list({});
  expect(methods.find((m) => m.id === B.deliveryMethodId)).toMatchObject({ name: "B only courier", enabled: true, isDefault: false });
  const keys = await owner.account.apiKeys();
  expect(keys.find((k) => k.id === B.apiKeyId)?.revokedAt).toBeNull();
  const { members, pending } = await owner.account.members();
  expect(members.map((m) => m.userId)).toEqual(expect.arrayContaining([b.ownerId, B.memberId]));
  expect(pending.map((p) => p.id)).toContain(B.invitationId);
}

describe("tenancy: foundation routers (account, products, customers, warehouses, deliveryMethods, settings)", () => {
  it("A's owner session gets NOT_FOUND for every read and write of B's records", async () => {
    const c = sessionCaller(a.ownerId, a.orgId);
    const calls = { ...writesAndReads(c), ...memberWrites(c) };
    expect(await codesOf(calls)).toEqual(allNotFound(calls));
    await expectListsHideB(c);
    await expectBUntouched();
  });

  it("A's API key gets NOT_FOUND for B's records (and may not manage members at all)", async () => {
    const c = keyCaller(await newApiKey(a, "admin"));
    const calls = writesAndReads(c);
    // Key management is for signed-in people only: a key is refused before any record is looked up.
    expect(await codesOf(calls)).toEqual({ ...allNotFound(calls), "account.revokeApiKey": "FORBIDDEN" });
    const members = await codesOf(memberWrites(c));
    expect(Object.values(members).every((code) => code === "FORBIDDEN")).toBe(true);
    await expectListsHideB(c);
    await expectBUntouched();
  });

  it("a session that names B's merchant is still served A's data (the org comes from memberships, not the client)", async () => {
    const c = sessionCaller(a.ownerId, b.orgId);
    const me = await c.account.me();
    expect(me.org.id).toBe(a.orgId);
    const calls = writesAndReads(c);
    expect(await codesOf(calls)).toEqual(allNotFound(calls));
    await expectListsHideB(c);
  });

  it("settings, members and API keys read and write only the caller's merchant", async () => {
    const c = sessionCaller(a.ownerId, a.orgId);
    await c.settings.updatePrecision({ amountDecimals: 0, priceDecimals: 1, quantityDecimals: 2 });
    await c.settings.updateProfile({ name: "A renamed", timezone: "Europe/Berlin" });
    const bSettings = await sessionCaller(b.ownerId, b.orgId).settings.get();
    expect(bSettings).toMatchObject({ name: "Merchant B", timezone: "Asia/Shanghai", precision: { amountDecimals: 2, priceDecimals: 4, quantityDecimals: 4 } });
    expect((await c.settings.get()).name).toBe("A renamed");

    const { members, pending } = await c.account.members();
    expect(members.map((m) => m.userId)).toEqual([a.ownerId]);
    expect(pending).toEqual([]);
    expect((await c.account.apiKeys()).map((k) => k.id)).not.toContain(B.apiKeyId);
  });

  it("importing a SKU or customer number that B also uses creates A's own record and leaves B's alone", async () => {
    const c = keyCaller(await newApiKey(a, "admin"));
    const csv = (s: string) => Buffer.from(s).toString("base64");
    const p = await c.products.import({ format: "csv", content: csv(`SKU,名称,价格\n${B.sku},A's own,5\n`), commit: true });
    expect(p).toMatchObject({ created: 1, updated: 0 });
    const cu = await c.customers.import({ format: "csv", content: csv(`客户编号,公司名称\n${B.clientNum},A's customer\n`), commit: true });
    expect(cu).toMatchObject({ created: 1, updated: 0 });
    await expectBUntouched();
    expect((await c.products.list({ search: B.sku })).items.map((x) => x.name)).toEqual(["A's own"]);
  });

  it("an address id of B's customer cannot be taken over through A's customer", async () => {
    const c = sessionCaller(a.ownerId, a.orgId);
    const mine = await c.customers.create({ clientNum: "A-C1", companyName: "A customer" });
    const err = await failure(
      c.customers.update({ id: mine.id, clientNum: "A-C1", companyName: "A customer", addresses: [{ id: B.addressId, recipient: "x", phone: "1", street: "x" }] }),
    );
    expect(err.code).toBe("NOT_FOUND");
    await expectBUntouched();
  });
});

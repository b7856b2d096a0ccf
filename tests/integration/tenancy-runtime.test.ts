import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { merchantOf, tenantDb, type DbExecutor } from "@/db";
import { memberships, outbox, products } from "@/db/schema";
import { resolveServiceContext } from "@/server/api/resolve";
import { inSavepoint, inTransaction, systemContext } from "@/server/context";
import { tenancyRefusal } from "@/server/errors";
import { createProduct, testSeams } from "@/server/services/catalog/products";
import { listMyOrganizations } from "@/server/services/orgs/orgs";
import { relayOnce } from "@/server/services/outbox/outbox";
import { createTestOrg, newApiKey, sessionCaller, svcCtx, testDb, uid, type TestOrg } from "../helpers/db";

/**
 * Issue 11, item 2 at run time: every entry point hands services the merchant's database — the
 * application role `manifold_app`, with `app.org_id` set in every transaction — so row-level security
 * holds for real requests, jobs and relays, not only in a test that switches roles by hand.
 */
let a: TestOrg;
let b: TestOrg;

/** Who the database thinks is asking, on `db`. */
async function whoAmI(db: DbExecutor) {
  const rows = await db.execute<{ role: string; org: string | null }>(sql`select current_user as role, nullif(current_setting('app.org_id', true), '') as org`);
  return rows[0]!;
}

beforeAll(async () => {
  a = await createTestOrg("Runtime A");
  b = await createTestOrg("Runtime B");
  for (const org of [a, b]) {
    for (const n of [1, 2, 3]) await createProduct(svcCtx(org), { sku: uid(`RT${n}-`), name: `runtime ${n}`, unit: "件" });
  }
});

afterAll(() => {
  testSeams.skipOrgFilter = false;
});

describe("merchant work runs as manifold_app with its merchant set", () => {
  it("a session's context: every statement, inside and outside transactions and savepoints", async () => {
    const svc = await resolveServiceContext({ db: testDb(), session: { userId: a.ownerId, orgId: a.orgId }, authorization: null });
    expect(merchantOf(svc.db as never)).toBe(a.orgId);
    expect(await whoAmI(svc.db)).toEqual({ role: "manifold_app", org: a.orgId });
    await inTransaction(svc, async (tx) => {
      expect(await whoAmI(tx.db)).toEqual({ role: "manifold_app", org: a.orgId });
      await inSavepoint(tx, async (sp) => expect(await whoAmI(sp.db)).toEqual({ role: "manifold_app", org: a.orgId }));
    });
  });

  it("an API key's context, and the owner pool stays the owner", async () => {
    const key = await newApiKey(b);
    const svc = await resolveServiceContext({ db: testDb(), session: null, authorization: `Bearer ${key}` });
    expect(await whoAmI(svc.db)).toEqual({ role: "manifold_app", org: b.orgId });
    const owner = await whoAmI(testDb());
    expect(owner.role).not.toBe("manifold_app");
    expect(owner.org).toBeNull();
  });

  it("jobs and webhooks (systemContext) get the merchant's database; an open transaction is joined as is", async () => {
    expect(await whoAmI(systemContext(testDb(), a.orgId, "test").db)).toEqual({ role: "manifold_app", org: a.orgId });
    await testDb().transaction(async (tx) => {
      expect(systemContext(tx, a.orgId, "test").db).toBe(tx);
    });
    // A merchant's database asked for the same merchant is itself; for another it is that one's.
    const da = tenantDb(testDb(), a.orgId);
    expect(tenantDb(da, a.orgId)).toBe(da);
    expect(await whoAmI(tenantDb(da, b.orgId))).toEqual({ role: "manifold_app", org: b.orgId });
    expect(() => tenantDb(testDb(), "not-a-uuid")).toThrow(/not a merchant id/);
  });

  it("the outbox relay hands each event's handler its own merchant's database", async () => {
    const topic = uid("test.tenancy.");
    await testDb().insert(outbox).values([
      { orgId: a.orgId, topic, payload: {} },
      { orgId: b.orgId, topic, payload: {} },
    ]);
    const seen: { event: string; role: string; org: string | null }[] = [];
    const r = await relayOnce(testDb(), {
      [topic]: async (event, db) => {
        seen.push({ event: event.orgId, ...(await whoAmI(db)) });
      },
    });
    expect(r).toMatchObject({ claimed: 2, done: 2, failed: 0 });
    expect(seen.sort((x, y) => x.event.localeCompare(y.event))).toEqual(
      [a.orgId, b.orgId].sort().map((org) => ({ event: org, role: "manifold_app", org })),
    );
  });
});

describe("the named ways across merchants", () => {
  it("the merchant switcher lists all of a person's merchants from one merchant's database, first joined first", async () => {
    await testDb().insert(memberships).values({ orgId: b.orgId, userId: a.ownerId, role: "viewer" });
    const svc = await resolveServiceContext({ db: testDb(), session: { userId: a.ownerId, orgId: a.orgId }, authorization: null });
    // Row-level security alone shows this merchant's memberships only…
    const direct = await svc.db.select({ orgId: memberships.orgId }).from(memberships).where(eq(memberships.userId, a.ownerId));
    expect(direct.map((m) => m.orgId)).toEqual([a.orgId]);
    // …the switcher goes through manifold_memberships_of.
    expect((await listMyOrganizations(svc.db, a.ownerId)).map((o) => [o.id, o.role])).toEqual([
      [a.orgId, "owner"],
      [b.orgId, "viewer"],
    ]);
    const me = await sessionCaller(a.ownerId, a.orgId).account.me();
    expect(me.memberships.map((m) => m.id)).toEqual([a.orgId, b.orgId]);
  });
});

describe("what the database itself refuses on a real request path", () => {
  it("a list query that forgot its merchant filter, called through tRPC, still shows only the caller's rows", async () => {
    testSeams.skipOrgFilter = true;
    try {
      // The seam really drops the filter: on the owner pool the same call reaches other merchants.
      const { listProducts } = await import("@/server/services/catalog/products");
      const unguarded = await listProducts({ ...svcCtx(a), db: testDb() }, { limit: 100 });
      expect(unguarded.items.some((p) => p.orgId !== a.orgId)).toBe(true);

      const page = await sessionCaller(a.ownerId, a.orgId).products.list({ limit: 100 });
      expect(page.items.length).toBe(3);
      expect(new Set(page.items.map((p) => p.orgId))).toEqual(new Set([a.orgId]));
    } finally {
      testSeams.skipOrgFilter = false;
    }
  });

  it("a write naming another merchant is refused by PostgreSQL and maps to NOT_FOUND", async () => {
    const svc = await resolveServiceContext({ db: testDb(), session: { userId: a.ownerId, orgId: a.orgId }, authorization: null });
    let caught: unknown = null;
    try {
      await svc.db.insert(products).values({ orgId: b.orgId, sku: uid("X-"), name: "smuggled", unit: "件" });
    } catch (e) {
      caught = e;
    }
    expect(caught).not.toBeNull();
    expect(tenancyRefusal(caught)?.code).toBe("NOT_FOUND");
    const [n] = await testDb().select({ n: sql<number>`count(*)::int` }).from(products).where(sql`${products.name} = 'smuggled'`);
    expect(n!.n).toBe(0);
    // …and B's rows cannot be changed from A's database either: the update matches nothing.
    const updated = await svc.db.update(products).set({ name: "renamed by A" }).where(sql`${products.orgId} = ${b.orgId}`).returning({ id: products.id });
    expect(updated).toEqual([]);
  });
});

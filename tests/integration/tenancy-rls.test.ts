import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "@/db";
import { LEAKPROOF_SEARCH } from "@/db/migrate";
import { orderLines, products } from "@/db/schema";
import { listProducts, testSeams } from "@/server/services/catalog/products";
import { approveOrder } from "@/server/services/orders/approve-order";
import { createOrder } from "@/server/services/orders/create-order";
import { inviteMember } from "@/server/services/orgs/orgs";
import { newApiKey, testDb, uid } from "../helpers/db";
import { orderMerchant, simpleOrder, type OrderMerchant } from "./orders-fixtures";
import { factory } from "./production-helpers";

/**
 * The second line of tenancy: PostgreSQL itself, as the application role `manifold_app`, shows and
 * accepts only the rows of the merchant set for the transaction (app.org_id), and nothing with none.
 */
let a: OrderMerchant;
let b: OrderMerchant;
let tenantTables: string[];

/** Run `fn` as manifold_app in a transaction, with `orgId` as the transaction's merchant (or none). */
async function asApp<T>(orgId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return testDb().transaction(async (tx) => {
    await tx.execute(sql`set local role manifold_app`);
    if (orgId) await tx.execute(sql`select set_config('app.org_id', ${orgId}, true)`);
    return fn(tx);
  });
}

/** The PostgreSQL error of `p` (the statement's, not drizzle's wrapper). */
async function pgError(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { cause?: { code?: string; message: string }; code?: string; message: string };
    return err.cause?.code ? err.cause : err;
  }
  throw new Error("expected the statement to fail");
}

const q = (t: string) => sql.identifier(t);

beforeAll(async () => {
  [a, b] = [await orderMerchant(), await orderMerchant()];
  for (const m of [a, b]) {
    const o = await createOrder(m.ctx, simpleOrder());
    await approveOrder(m.ctx, { orderId: o.id });
    await newApiKey(m.org);
    await inviteMember(m.ctx, { email: `${uid("inv")}@test.local`, role: "viewer" });
  }
  await factory({ map: true });
  const rows = await testDb().execute<{ t: string }>(sql`
    select c.relname as t from pg_class c join pg_attribute x on x.attrelid = c.oid and x.attname = 'org_id' and not x.attisdropped
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname <> 'global_keys' order by 1`);
  tenantTables = rows.map((r) => r.t);
}, 120_000);

describe("row-level security as manifold_app", () => {
  it("is a role that cannot bypass it", async () => {
    const [role] = await testDb().execute<{ rolsuper: boolean; rolbypassrls: boolean }>(
      sql`select rolsuper, rolbypassrls from pg_roles where rolname = 'manifold_app'`,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await testDb().execute(sql`select 1 from pg_tables where schemaname = 'public' and tableowner = 'manifold_app'`);
    expect(owned.length).toBe(0);
  });

  it("every tenant table, with merchant A set and no where clause, shows exactly A's rows", async () => {
    expect(tenantTables.length).toBeGreaterThanOrEqual(54);
    const wrong: string[] = [];
    for (const t of tenantTables) {
      const [own] = await testDb().execute<{ n: number }>(sql`select count(*)::int as n from ${q(t)} where org_id = ${a.org.orgId}`);
      const [seen] = await asApp(a.org.orgId, (tx) =>
        tx.execute<{ n: number; others: number }>(sql`select count(*)::int as n, count(*) filter (where org_id <> ${a.org.orgId})::int as others from ${q(t)}`),
      );
      if (seen!.others !== 0 || seen!.n !== own!.n) wrong.push(`${t}: saw ${seen!.n} (${seen!.others} of others), A has ${own!.n}`);
    }
    expect(wrong).toEqual([]);
    // Not vacuous: other merchants' rows exist in the tables A reads.
    const [others] = await testDb().execute<{ n: number }>(sql`select count(*)::int as n from ${orderLines} where org_id <> ${a.org.orgId}`);
    expect(others!.n).toBeGreaterThan(0);
  });

  it("every tenant table refuses a row with B's org_id written under A", async () => {
    const accepted: string[] = [];
    let tried = 0;
    for (const t of tenantTables) {
      const [has] = await testDb().execute<{ n: number }>(sql`select count(*)::int as n from ${q(t)} where org_id = ${a.org.orgId}`);
      if (!has!.n) continue;
      tried++;
      // A copy of one of A's rows, moved to B (new id where there is one): the policy's WITH CHECK refuses it.
      const err = await pgError(
        asApp(a.org.orgId, (tx) =>
          tx.execute(sql`insert into ${q(t)} overriding system value select (jsonb_populate_record(null::${q(t)}, to_jsonb(x) || jsonb_build_object('org_id', ${b.org.orgId}::uuid)
            || case when to_jsonb(x) ? 'id' and jsonb_typeof(to_jsonb(x) -> 'id') = 'string' then jsonb_build_object('id', gen_random_uuid()) else '{}'::jsonb end)).*
            from ${q(t)} x limit 1`),
        ),
      ).catch(() => null);
      if (!err || err.code !== "42501") accepted.push(`${t}: ${err ? `${err.code} ${err.message}` : "accepted"}`);
    }
    expect(tried).toBeGreaterThanOrEqual(20);
    expect(accepted).toEqual([]);
  });

  it("with no merchant set every tenant table reads empty and refuses writes", async () => {
    const seen: string[] = [];
    for (const t of tenantTables) {
      const [r] = await asApp(null, (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from ${q(t)}`));
      if (r!.n !== 0) seen.push(`${t}: ${r!.n}`);
    }
    expect(seen).toEqual([]);
    const err = await pgError(asApp(null, (tx) => tx.insert(products).values({ orgId: a.org.orgId, sku: uid("S"), name: "x" })));
    expect(err.code).toBe("42501");
    // and a read of A's rows by id, with no merchant, finds nothing
    const rows = await asApp(null, (tx) => tx.select().from(products).where(sql`${products.id} = ${a.productId("00021002")}`));
    expect(rows).toEqual([]);
  });

  it("an order line of A pointing at B's product is refused by the foreign key, whoever writes it", async () => {
    const [line] = await testDb().select().from(orderLines).where(sql`${orderLines.orgId} = ${a.org.orgId}`).limit(1);
    const bProduct = b.productId("00021002");
    const values = { ...line!, id: undefined, productId: bProduct };
    // As the owner (no RLS at all), PostgreSQL's own foreign key (org_id, product_id) → products(org_id, id).
    const asOwner = await pgError(testDb().insert(orderLines).values(values));
    expect(asOwner.code).toBe("23503");
    expect(asOwner.message).toContain("order_lines_product_id_fk");
    const asA = await pgError(asApp(a.org.orgId, (tx) => tx.insert(orderLines).values(values)));
    expect(asA.code).toBe("23503");
  });

  it("ilike / like are leakproof, so text searches keep their indexes under the policy (db/migrate.ts; figures in bench:orders)", async () => {
    const rows = await testDb().execute<{ fn: string; leakproof: boolean }>(
      sql`select f as fn, (select proleakproof from pg_proc where oid = f::regprocedure) as leakproof from unnest(array[${sql.join(LEAKPROOF_SEARCH.map((f) => sql`${f}`), sql`, `)}]::text[]) f`,
    );
    expect(rows.map((r) => [r.fn, r.leakproof])).toEqual(LEAKPROOF_SEARCH.map((f) => [f, true]));
  });

  it("a list query that forgot its merchant filter still shows only A's rows", async () => {
    testSeams.skipOrgFilter = true;
    try {
      const all = await testDb().select({ n: sql<number>`count(*)::int` }).from(products);
      expect(all[0]!.n).toBeGreaterThan(4); // without RLS the unfiltered list would reach other merchants
      const page = await asApp(a.org.orgId, (tx) => listProducts({ ...a.ctx, db: tx }, { limit: 100 }));
      expect(page.items.length).toBe(4);
      expect(new Set(page.items.map((p) => p.orgId))).toEqual(new Set([a.org.orgId]));
    } finally {
      testSeams.skipOrgFilter = false;
    }
  });
});

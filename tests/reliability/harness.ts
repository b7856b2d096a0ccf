import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { and, desc, eq } from "drizzle-orm";
import postgres from "postgres";
import type { Db } from "@/db";
import { products, stockLevels } from "@/db/schema";
import { inTransaction, systemContext } from "@/server/context";
import { moveStock } from "@/server/services/inventory/ledger";

/** RELIABILITY_SCALE=10 runs every drill ten times larger (by hand; CI runs scale 1). */
export const SCALE = Math.max(1, Number(process.env.RELIABILITY_SCALE ?? 1));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A child process (tsx script) that prints READY when it is serving; killed with SIGKILL by drills. */
export class Child {
  proc: ChildProcess | null = null;
  starts = 0;
  output = "";
  constructor(
    private script: string,
    private env: Record<string, string>,
  ) {}
  async start(timeoutMs = 60_000) {
    this.starts++;
    const proc = spawn(process.execPath, ["--import", "tsx", this.script], {
      env: { ...process.env, ...this.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.script} did not get ready:\n${this.output.slice(-2000)}`)), timeoutMs);
      proc.stdout!.on("data", (d: Buffer) => {
        this.output += d.toString();
        if (this.output.includes("READY")) {
          clearTimeout(t);
          resolve();
        }
      });
      proc.stderr!.on("data", (d: Buffer) => (this.output += d.toString()));
      proc.on("exit", (code) => {
        clearTimeout(t);
        if (!this.output.includes("READY")) reject(new Error(`${this.script} exited ${code}:\n${this.output.slice(-2000)}`));
      });
    });
    this.output = "";
  }
  /** SIGKILL: no handler runs, nothing is flushed. */
  async kill() {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await exited;
    this.proc = null;
  }
  async stop() {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await Promise.race([exited, sleep(15_000)]);
    if (p.exitCode === null) p.kill("SIGKILL");
    this.proc = null;
  }
}

/** A fresh database on the test run's server; returns its URL and a drop function. */
export async function freshDatabase(baseUrl: string, name: string) {
  const u = new URL(baseUrl);
  const adminUrl = Object.assign(new URL(u.href), { pathname: "/postgres" }).href;
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists "${name}" with (force)`);
  await sql.unsafe(`create database "${name}"`);
  await sql.end();
  return {
    url: Object.assign(new URL(u.href), { pathname: `/${name}` }).href,
    drop: async () => {
      const s = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await s.unsafe(`drop database if exists "${name}" with (force)`);
      await s.end();
    },
  };
}

const PG_BIN = process.env.RELIABILITY_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/**
 * A private PostgreSQL cluster the drill owns (initdb + pg_ctl from the machine's PostgreSQL, run as
 * the `postgres` user when we are root, since the server refuses to run as root), on a free port.
 */
export class PrivateCluster {
  dir = "";
  port = 0;
  private asPostgres = typeof process.getuid === "function" && process.getuid() === 0;
  /** `bin`: the server binaries' folder (default the machine's PostgreSQL, or RELIABILITY_PG_BIN). */
  constructor(private bin = PG_BIN) {}
  static available(bin = PG_BIN) {
    return fs.existsSync(path.join(bin, "initdb")) && fs.existsSync(path.join(bin, "pg_ctl"));
  }
  private run(bin: string, args: string[]) {
    const cmd = path.join(this.bin, bin);
    if (this.asPostgres) return execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }
  async init() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifold-drill-pg-"));
    fs.chmodSync(this.dir, 0o700);
    if (this.asPostgres) execFileSync("chown", ["postgres:postgres", this.dir]);
    this.port = await freePort();
    this.run("initdb", ["-D", path.join(this.dir, "data"), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]);
    fs.appendFileSync(path.join(this.dir, "data", "postgresql.conf"), `\nport = ${this.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${this.dir}'\nfsync = off\nmax_connections = 100\n`);
    this.start();
    return this;
  }
  start() {
    this.run("pg_ctl", ["-D", path.join(this.dir, "data"), "-l", path.join(this.dir, "log"), "-w", "-t", "60", "start"]);
  }
  /** `pg_ctl restart -m fast` (without blocking this process): every connection is terminated, the server comes back. */
  async restart() {
    const cmd = path.join(this.bin, "pg_ctl");
    const args = ["-D", path.join(this.dir, "data"), "-l", path.join(this.dir, "log"), "-m", "fast", "-w", "-t", "60", "restart"];
    if (this.asPostgres) await promisify(execFile)("runuser", ["-u", "postgres", "--", cmd, ...args]);
    else await promisify(execFile)(cmd, args);
  }
  stopServer() {
    this.run("pg_ctl", ["-D", path.join(this.dir, "data"), "-m", "fast", "-w", "-t", "60", "stop"]);
  }
  url(db = "postgres") {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }
  async destroy() {
    try {
      this.stopServer();
    } catch {
      /* already stopped */
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The drills' open-API request: one stock_up order of the fixture SKUs, told apart by its remark. */
export const createOrdersBody = (apiKey: string, n: number) =>
  JSON.stringify({
    f: "createOrders",
    v: {
      sKey: apiKey,
      client_num: "10331",
      status: "stock_up",
      distrib_mode: "快递",
      remark: `drill ${n}`,
      body: [
        { options_goods_num: "00021002", orders_price: "11.5000", orders_number: "1", list_type: "buy" },
        { options_goods_num: "00021003", orders_price: "11.3000", orders_number: "2", list_type: "buy" },
      ],
    },
  });

/**
 * Enough stock of createOrdersBody's two SKUs for `orders` of them in the merchant's first warehouse
 * holding them (the demo merchant's own stock runs out around a hundred drill orders, so a
 * RELIABILITY_SCALE run would get rStatus 115 instead of orders). Through the ledger, as an opening.
 */
export async function stockForDrillOrders(db: Db, orgId: string, orders: number) {
  const ctx = systemContext(db, orgId, "drill");
  for (const sku of ["00021002", "00021003"]) {
    const [p] = await db.select({ id: products.id }).from(products).where(and(eq(products.orgId, orgId), eq(products.sku, sku)));
    const [w] = await db
      .select({ id: stockLevels.warehouseId })
      .from(stockLevels)
      .where(and(eq(stockLevels.orgId, orgId), eq(stockLevels.productId, p!.id)))
      .orderBy(desc(stockLevels.onHand))
      .limit(1);
    await inTransaction(ctx, (tx) => moveStock(tx, { productId: p!.id, warehouseId: w!.id, kind: "opening", onHandDelta: String(orders * 2), refType: "opening" }));
  }
}

import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { embeddedUrl } from "./embedded";
import * as schema from "./schema";

/**
 * The one place that decides which PostgreSQL we talk to: DATABASE_URL when set, otherwise the embedded
 * server that `npm run dev` / `npm start` / `npm test` / the CLI started under `.data/pg`.
 */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL ?? embeddedUrl();
  if (!url) {
    throw new Error(
      "No database: set DATABASE_URL, or start the app with `npm run dev` (embedded PostgreSQL under .data/).",
    );
  }
  return url;
}

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Anything that can run a query: the pool or an open transaction. */
export type DbExecutor = Db | Tx;

/** The role every merchant's query runs as (migration 0014): not the owner, not a superuser, NOBYPASSRLS. */
export const APP_ROLE = "manifold_app";

type Handle = { sql: postgres.Sql; db: Db; url: string; max: number };
const globalForDb = globalThis as unknown as { __manifoldDb?: Handle };

function connect(url: string, max: number, role?: string, name = role ? "manifold" : "manifold-owner"): postgres.Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    idle_timeout: 30,
    // Fail fast when the server is away (a request gets a 503 instead of hanging), and let no stuck
    // statement or lock wait hold a pooled connection forever. DB_*_MS override (0 = off).
    connect_timeout: Number(process.env.DB_CONNECT_TIMEOUT_S ?? 5),
    connection: {
      application_name: name,
      statement_timeout: Number(process.env.DB_STATEMENT_TIMEOUT_MS ?? 60_000),
      lock_timeout: Number(process.env.DB_LOCK_TIMEOUT_MS ?? 15_000),
      idle_in_transaction_session_timeout: Number(process.env.DB_IDLE_TX_TIMEOUT_MS ?? 120_000),
      // A startup parameter: the session runs as the application role from its first statement, so
      // DATABASE_URL stays the owner's (migrations, CLI) and the README's commands are unchanged.
      ...(role ? { role } : {}),
    },
  });
}

/**
 * The owner's pool: migrations, the admin CLI, pg-boss, and the named cross-merchant reads listed in
 * DEVELOPING.md ("The named ways across merchants"). Merchant work never runs on it: it goes through
 * `tenantDb(db, orgId)`, which the tenant procedure, route wrapper, open API, jobs and webhooks build.
 */
export function createDb(url: string, max = Number(process.env.DB_POOL_MAX ?? 10)): Handle {
  const sql = connect(url, max);
  const db = drizzle(sql, { schema, casing: "snake_case" });
  const h: Handle = { sql, db, url, max };
  owners.set(db, h);
  return h;
}

// ---------------------------------------------------------------------------------------------------
// Merchant-scoped databases: the application role's pool, with the merchant set in every transaction.
// ---------------------------------------------------------------------------------------------------

type AppPool = { sql: postgres.Sql; tenants: Map<string, Db> };
/** Owner Db → its handle (to find the URL of the application pool that goes with it). */
const owners = new WeakMap<object, Handle>();
/** One application-role pool per owner pool. */
const appPools = new WeakMap<Handle, AppPool>();
/** A merchant's Db → its merchant (so `tenantDb` of a tenant Db is itself), and → its owner pool. */
const tenantOf = new WeakMap<object, string>();
const ownerOfTenant = new WeakMap<object, Handle>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CACHED_TENANTS = 2_000;

/**
 * A postgres.js client that runs everything inside a transaction whose first statement is
 * `set_config('app.org_id', orgId, true)`: `begin` (drizzle's `transaction`) starts with it, and a
 * statement outside any transaction is wrapped in one of its own. `is_local`, so the setting ends with
 * the transaction and a pooled connection never carries it to the next merchant.
 */
/**
 * `sql.reserve()` with a deadline. postgres.js 3.4.9 strands a queued reserve for good when the
 * connection it waits on is closed by the server (porsager/postgres #1195: `onclose` hands the reserve
 * to the reconnect, which drops it): during a database restart a statement outside a transaction then
 * never settles, and whatever awaits it — the outbox relay's pass — stops for good (found by
 * tests/reliability/db-restart at RELIABILITY_SCALE=9: the relay stopped after the third restart). Past
 * `DB_ACQUIRE_TIMEOUT_MS` (30 s) the caller gets CONNECT_TIMEOUT, which reads as "database unavailable"
 * (503, retried); a reserve that does arrive after its caller gave up is released at once.
 */
export function reserveWithin(sql: postgres.Sql, ms = Number(process.env.DB_ACQUIRE_TIMEOUT_MS ?? 30_000)): Promise<postgres.ReservedSql> {
  let timedOut = false;
  const pending = sql.reserve();
  pending.then(
    (c) => timedOut && c.release(),
    () => {},
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(Object.assign(new Error(`no database connection within ${ms} ms`), { code: "CONNECT_TIMEOUT" }));
    }, ms);
  });
  return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
}

function merchantClient(sql: postgres.Sql, orgId: string) {
  // The setting is sent at once and the transaction's first statements are queued behind it on the
  // same connection (postgres.js pipelines them): one round trip, not two. No `SET TRANSACTION` can
  // follow it (it must come first): merchant transactions use the default isolation level.
  const begin = <T>(fn: (t: postgres.TransactionSql) => T | Promise<T>) =>
    sql.begin(async (t) => {
      const setting = t`select set_config('app.org_id', ${orgId}, true)`.execute();
      const [, result] = await Promise.all([setting, (async () => fn(t))()]);
      return result;
    });
  type Unsafe = postgres.Sql["unsafe"];
  // A statement outside a transaction: begin, the setting, the statement and commit are pipelined on
  // one reserved connection — one round trip, as on the plain pool. A failed statement makes the
  // commit a rollback (PostgreSQL answers COMMIT in an aborted transaction with ROLLBACK).
  const runAlone = async (query: string, params: Parameters<Unsafe>[1], opts: Parameters<Unsafe>[2], values: boolean) => {
    const c = await reserveWithin(sql);
    try {
      const q = c.unsafe(query, params, opts);
      const steps = await Promise.allSettled([
        c`begin`.execute(),
        c`select set_config('app.org_id', ${orgId}, true)`.execute(),
        (values ? q.values() : q).execute(),
        c`commit`.execute(),
      ]);
      const failed = steps.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
      return (steps[2] as PromiseFulfilledResult<unknown>).value;
    } finally {
      c.release();
    }
  };
  const unsafe = (query: string, params?: Parameters<Unsafe>[1], opts?: Parameters<Unsafe>[2]) => {
    // drizzle awaits the query or calls `.values()` on it: both run it in its own transaction.
    return {
      values: () => runAlone(query, params, opts, true),
      then: <A, B>(ok: (v: unknown) => A, fail?: (e: unknown) => B) => runAlone(query, params, opts, false).then(ok, fail),
    };
  };
  return { options: sql.options, unsafe, begin };
}

function appPoolOf(owner: Handle): AppPool {
  let pool = appPools.get(owner);
  if (!pool) {
    const max = Number(process.env.DB_APP_POOL_MAX ?? owner.max);
    // A deployment may give manifold_app a login of its own (DATABASE_APP_URL, for DATABASE_URL's server);
    // by default the owner's login switches to the role at connection start.
    const ownUrl = process.env.DATABASE_APP_URL && owner.url === process.env.DATABASE_URL ? process.env.DATABASE_APP_URL : null;
    pool = { sql: ownUrl ? connect(ownUrl, max, undefined, "manifold") : connect(owner.url, max, APP_ROLE), tenants: new Map() };
    appPools.set(owner, pool);
  }
  return pool;
}

/**
 * The database of one merchant: the same drizzle API, on the application role's pool, every statement
 * in a transaction that names the merchant — so row-level security answers only this merchant's rows
 * and refuses writes of any other, whatever the query forgot. `base` is the owner pool (`db`, or a
 * test's `createDb`), or already a merchant's Db (returned as is for the same merchant).
 */
export function tenantDb(base: Db, orgId: string): Db {
  if (!UUID.test(orgId)) throw new Error(`tenantDb: not a merchant id: ${JSON.stringify(orgId)}`);
  const current = tenantOf.get(base);
  if (current === orgId) return base;
  const owner = current ? ownerOfTenant.get(base)! : ownerHandle(base);
  const pool = appPoolOf(owner);
  let tdb = pool.tenants.get(orgId);
  if (!tdb) {
    if (pool.tenants.size >= MAX_CACHED_TENANTS) pool.tenants.delete(pool.tenants.keys().next().value!);
    tdb = drizzle(merchantClient(pool.sql, orgId) as unknown as postgres.Sql, { schema, casing: "snake_case" });
    tenantOf.set(tdb, orgId);
    ownerOfTenant.set(tdb, owner);
    pool.tenants.set(orgId, tdb);
  }
  return tdb;
}
/** The merchant a Db is bound to (a `tenantDb`), or null for the owner pool. */
export const merchantOf = (d: Db): string | null => tenantOf.get(d) ?? null;

function ownerHandle(base: Db): Handle {
  const h = owners.get(base) ?? (base === db ? handle() : undefined);
  if (!h) throw new Error("tenantDb: base is neither the owner pool nor a merchant's database");
  return h;
}

function handle(): Handle {
  globalForDb.__manifoldDb ??= createDb(databaseUrl());
  return globalForDb.__manifoldDb;
}

/** Lazily connected so that importing this module (e.g. during `next build`) needs no database. */
export const db: Db = new Proxy({} as Db, {
  get(_t, prop) {
    const target = handle().db as unknown as Record<string | symbol, unknown>;
    const value = target[prop];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  },
});

/** Close a pool made by `createDb` and the application pool that goes with it. */
export async function closeHandle(h: Handle, timeout = 5) {
  const app = appPools.get(h);
  appPools.delete(h);
  await Promise.all([h.sql.end({ timeout }), app?.sql.end({ timeout })]);
}

export async function closeDb() {
  const h = globalForDb.__manifoldDb;
  globalForDb.__manifoldDb = undefined;
  if (h) await closeHandle(h);
}

export { schema };

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

type Handle = { sql: postgres.Sql; db: Db };
const globalForDb = globalThis as unknown as { __manifoldDb?: Handle };

export function createDb(url: string, max = Number(process.env.DB_POOL_MAX ?? 10)): Handle {
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    idle_timeout: 30,
    connection: { application_name: "manifold" },
  });
  return { sql, db: drizzle(sql, { schema, casing: "snake_case" }) };
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

export const sqlClient = () => handle().sql;

export async function closeDb() {
  const h = globalForDb.__manifoldDb;
  globalForDb.__manifoldDb = undefined;
  if (h) await h.sql.end({ timeout: 5 });
}

export { schema };

import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "migrations");

export async function runMigrations(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`create extension if not exists pg_trgm`;
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_DIR });
    await ensureLeakproofSearch(sql);
  } finally {
    await sql.end();
  }
}

/**
 * The pattern-match functions behind `ilike` / `like` (`texticlike`, `textlike`), marked LEAKPROOF.
 * Under row-level security PostgreSQL evaluates a query's non-leakproof conditions only after the
 * policy's, so they cannot be index conditions: the order list's recipient search (a trigram GIN index)
 * fell back to a sequential scan as manifold_app (bench:orders, 200k orders: p50 90 ms as the owner,
 * 547 ms under the policy). Their only errors are about the pattern (a bad escape), never about the row
 * they read, which is what LEAKPROOF promises. A catalog attribute, not a migration: pg_catalog is not
 * dumped, so a restored database gets it again here; only a superuser may set it — elsewhere this warns
 * and searches stay correct, just slower (DEVELOPING.md, "Tenancy in depth").
 */
export const LEAKPROOF_SEARCH = ["pg_catalog.texticlike(text, text)", "pg_catalog.textlike(text, text)"] as const;

async function ensureLeakproofSearch(sql: postgres.Sql) {
  const missing = await sql<{ fn: string }[]>`
    select f as fn from unnest(${LEAKPROOF_SEARCH as unknown as string[]}::text[]) f
     where not (select proleakproof from pg_proc where oid = f::regprocedure)`;
  if (missing.length === 0) return;
  const [me] = await sql<{ su: boolean }[]>`select rolsuper as su from pg_roles where rolname = current_user`;
  if (!me?.su) {
    console.warn(`[migrate] not a superuser: ${missing.map((m) => m.fn).join(", ")} stay non-leakproof; text searches under row-level security cannot use their indexes`);
    return;
  }
  for (const { fn } of missing) await sql.unsafe(`alter function ${fn} leakproof`);
}

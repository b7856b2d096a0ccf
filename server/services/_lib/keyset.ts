import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, AnyPgTable } from "drizzle-orm/pg-core";
import type { OrgScope } from "@/server/context";
import { DomainError } from "@/server/errors";

/**
 * Keyset pagination over (sort column, id): no OFFSET anywhere, so page 2,000 costs what page 1 costs.
 * The cursor carries the last row's sort value as PostgreSQL text (so timestamps keep microseconds).
 */
export type Cursor = { v: string | null; id: string };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

export function decodeCursor(s: string | null | undefined): Cursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Cursor;
    if (typeof c.id !== "string" || (c.v !== null && typeof c.v !== "string")) throw new Error("bad cursor");
    return c;
  } catch {
    throw new DomainError("VALIDATION", { key: "badCursor" }, { fieldErrors: { cursor: { key: "badCursor" } } });
  }
}

/** `(col, id) < (cursor)` for descending order, `>` for ascending; `col` must be NOT NULL. */
export function afterCursor(col: AnyPgColumn | SQL, idCol: AnyPgColumn, dir: "asc" | "desc", cursor: Cursor | null) {
  if (!cursor) return undefined;
  const op = dir === "desc" ? sql`<` : sql`>`;
  if (cursor.v === null) return sql`${idCol} ${op} ${cursor.id}`;
  return sql`(${col}, ${idCol}) ${op} (${cursor.v}, ${cursor.id})`;
}

export function orderByKeyset(col: AnyPgColumn | SQL, idCol: AnyPgColumn, dir: "asc" | "desc") {
  return dir === "desc" ? [sql`${col} desc`, sql`${idCol} desc`] : [sql`${col} asc`, sql`${idCol} asc`];
}

/** Turn `limit + 1` fetched rows into a page and the cursor of the next one. */
export function toPage<T extends { id: string }>(rows: T[], limit: number, sortValue: (row: T) => string | null) {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: hasMore && last ? encodeCursor({ v: sortValue(last), id: last.id }) : null,
  };
}

/** Counts stop at this many rows: exact below it, "10,000+" above (no unbounded count(*)). */
export const COUNT_CAP = 10_000;

export type CappedCount = { count: number; capped: boolean };

export const cappedCount = (n: number): CappedCount => ({ count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP });

/**
 * The one capped count of a list: counts at most COUNT_CAP + 1 rows of `from` (a table, or a join as
 * an `sql` fragment) matching `where`, so a total costs no more than 10,001 index entries.
 */
export async function countCapped(ctx: Pick<OrgScope, "db">, from: AnyPgTable | SQL, where: SQL | undefined): Promise<CappedCount> {
  const [row] = await ctx.db.execute<{ n: number }>(
    sql`select count(*)::int as n from (select 1 from ${from} where ${where ?? sql`true`} limit ${COUNT_CAP + 1}) as capped`,
  );
  return cappedCount(Number(row?.n ?? 0));
}

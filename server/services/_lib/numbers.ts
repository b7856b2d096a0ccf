import { sql } from "drizzle-orm";
import type { TxContext } from "@/server/context";
import { notFound } from "@/server/errors";

/**
 * Every kind of human document number, `PREFIX-YYMMDD-00001`: its prefix and the name of its counter
 * in `number_sequences` (kept as they were, so existing counters go on where they stopped).
 */
export const NUMBER_KINDS = {
  order: { prefix: "SO", counter: "order" },
  productionPlan: { prefix: "PP", counter: "production_plan" },
  inbound: { prefix: "IN", counter: "doc:inbound" },
  outbound: { prefix: "OB", counter: "doc:outbound" },
  pickBatch: { prefix: "PK", counter: "doc:pickBatch" },
  return: { prefix: "RT", counter: "doc:return" },
  stocktake: { prefix: "ST", counter: "doc:stocktake" },
  adjustment: { prefix: "ADJ", counter: "doc:adjustment" },
} as const;
export type NumberKind = keyof typeof NUMBER_KINDS;

/**
 * The next `count` numbers of a kind, in one upsert on `number_sequences`: the day is `at` (default: the
 * transaction's start) in the merchant's time zone, the counter per merchant, kind and day. The upsert
 * locks the day's counter row until the caller's transaction ends, so concurrent callers take turns and
 * never get the same number, and a rolled-back document gives its numbers back (no gaps) — which is why
 * callers take numbers as late in their transaction as they can.
 */
export async function nextNumbers(ctx: Pick<TxContext, "db" | "orgId">, kind: NumberKind, count: number, at?: Date): Promise<string[]> {
  if (count <= 0) return [];
  const { prefix, counter } = NUMBER_KINDS[kind];
  const moment = at ? sql`${at.toISOString()}::timestamptz` : sql`now()`;
  const rows = await ctx.db.execute<{ period: string; value: number }>(sql`
    insert into number_sequences (org_id, name, period, value)
    select ${ctx.orgId}, ${counter}, to_char(${moment} at time zone o.timezone, 'YYMMDD'), ${count}
      from organizations o where o.id = ${ctx.orgId}
    on conflict (org_id, name, period) do update set value = number_sequences.value + ${count}
    returning period, value`);
  const row = (rows as unknown as { period: string; value: number }[])[0];
  if (!row) throw notFound("organization");
  const first = Number(row.value) - count + 1;
  return Array.from({ length: count }, (_, i) => `${prefix}-${row.period}-${String(first + i).padStart(5, "0")}`);
}

/** The next number of a kind (see `nextNumbers`). */
export async function nextNumber(ctx: Pick<TxContext, "db" | "orgId">, kind: NumberKind, at?: Date): Promise<string> {
  return (await nextNumbers(ctx, kind, 1, at))[0]!;
}

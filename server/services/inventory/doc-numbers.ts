import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";

/** Prefixes of the warehouse documents' human numbers, e.g. `IN-250301-00001`. */
export const DOC_PREFIX = {
  inbound: "IN",
  outbound: "OB",
  pickBatch: "PK",
  return: "RT",
  stocktake: "ST",
  adjustment: "ADJ",
} as const;
export type DocKind = keyof typeof DOC_PREFIX;

/**
 * Next human number of a document kind: `PREFIX-YYMMDD-00001`, the date in the merchant's time zone
 * and the counter per merchant, kind and day. One upsert on `number_sequences` — the row lock makes
 * concurrent callers queue for a moment and never hand out the same number twice.
 */
export async function nextDocNumber(db: DbExecutor, orgId: string, kind: DocKind): Promise<string> {
  const rows = await db.execute<{ period: string; value: number }>(sql`
    insert into number_sequences (org_id, name, period, value)
    select ${orgId}, ${"doc:" + kind}, to_char(now() at time zone o.timezone, 'YYMMDD'), 1
      from organizations o where o.id = ${orgId}
    on conflict (org_id, name, period) do update set value = number_sequences.value + 1
    returning period, value`);
  const row = (rows as unknown as { period: string; value: number }[])[0];
  if (!row) throw new Error(`organization ${orgId} not found`);
  return `${DOC_PREFIX[kind]}-${row.period}-${String(row.value).padStart(5, "0")}`;
}

import { and, desc, eq, inArray, lte, sql } from "drizzle-orm";
import { type z } from "zod";
import { exchangeRates } from "@/db/schema";
import { checkDecimal } from "@/lib/decimal";
import { ExchangeRateInput, ExchangeRateListInput } from "@/lib/validators/finance";
import { type ImportInput } from "@/lib/validators/tabular";
import { actorUserId, inTransaction, type OrgScope, type ServiceContext } from "@/server/context";
import { fieldError, notFound } from "@/server/errors";
import { importSummary, loadRows, validateRows, type ImportResult } from "../_lib/import-rows";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import type { ColumnSpec } from "../_lib/tabular";
import { reportingCurrency } from "./settings";

/** Rates keep ten decimals (1 JPY ≈ 0.0483 CNY needs more than four); more is refused, never rounded. */
export const RATE_SCALE = 10;

type RateValues = { rateDate: string; currency: string; quoteCurrency: string; rate: string };

function normalizeRate(raw: ExchangeRateInput, quote: string): RateValues {
  const input = ExchangeRateInput.parse(raw);
  if (input.currency === quote) throw fieldError("currency", "rateSameCurrency", { currency: quote });
  const r = checkDecimal(input.rate, RATE_SCALE, { maxIntegerDigits: 14 });
  if (!r.ok) {
    if (r.reason === "scale") throw fieldError("rate", "tooManyDecimals", { scale: RATE_SCALE });
    if (r.reason === "negative") throw fieldError("rate", "mustBePositive");
    if (r.reason === "range") throw fieldError("rate", "outOfRange");
    throw fieldError("rate", "decimalFormat");
  }
  if (!(Number(r.value) > 0)) throw fieldError("rate", "mustBePositive");
  return { rateDate: input.rateDate, currency: input.currency, quoteCurrency: quote, rate: r.value };
}

async function upsertRates(ctx: ServiceContext, values: RateValues[]) {
  let created = 0;
  let updated = 0;
  await inTransaction(ctx, async (tx) => {
    for (let i = 0; i < values.length; i += 500) {
      const res = await tx.db
        .insert(exchangeRates)
        .values(values.slice(i, i + 500).map((v) => ({ ...v, orgId: tx.orgId, createdBy: actorUserId(tx) })))
        .onConflictDoUpdate({
          target: [exchangeRates.orgId, exchangeRates.currency, exchangeRates.quoteCurrency, exchangeRates.rateDate],
          set: { rate: sql`excluded.rate`, updatedAt: sql`now()` },
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      for (const r of res) if (r.inserted) created++;
      else updated++;
    }
  });
  return { created, updated };
}

/** 汇率录入: 1 currency = rate reporting currency on a day (a second entry for the day replaces it). */
export async function setExchangeRate(ctx: ServiceContext, raw: ExchangeRateInput) {
  const values = normalizeRate(raw, await reportingCurrency(ctx));
  await upsertRates(ctx, [values]);
  const [row] = await ctx.db
    .select()
    .from(exchangeRates)
    .where(
      and(
        eq(exchangeRates.orgId, ctx.orgId),
        eq(exchangeRates.currency, values.currency),
        eq(exchangeRates.quoteCurrency, values.quoteCurrency),
        eq(exchangeRates.rateDate, values.rateDate),
      ),
    );
  return row!;
}

export async function deleteExchangeRate(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db
    .delete(exchangeRates)
    .where(and(eq(exchangeRates.orgId, ctx.orgId), eq(exchangeRates.id, id)))
    .returning({ id: exchangeRates.id });
  if (!row) throw notFound("exchangeRate");
  return row;
}

/** Rates into the current reporting currency, latest day first. */
export async function listExchangeRates(ctx: ServiceContext, raw: z.input<typeof ExchangeRateListInput>) {
  const input = ExchangeRateListInput.parse(raw);
  const quote = await reportingCurrency(ctx);
  const cursor = decodeCursor(input.cursor);
  const where = and(
    eq(exchangeRates.orgId, ctx.orgId),
    eq(exchangeRates.quoteCurrency, quote),
    input.currency ? eq(exchangeRates.currency, input.currency) : undefined,
  );
  const sortText = sql<string>`${exchangeRates.rateDate}::text`;
  const rows = await ctx.db
    .select({ rate: exchangeRates, sortKey: sortText })
    .from(exchangeRates)
    .where(and(where, afterCursor(exchangeRates.rateDate, exchangeRates.id, "desc", cursor)))
    .orderBy(...orderByKeyset(exchangeRates.rateDate, exchangeRates.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(rows.map((r) => ({ ...r.rate, sortKey: r.sortKey })), input.limit, (r) => r.sortKey);
  return { ...page, quoteCurrency: quote, total: await countCapped(ctx, exchangeRates, where) };
}

export type RateUsed = { currency: string; rateDate: string; rate: string };

/**
 * The rate of each currency into `quote` on `day`: the latest entered on or before it (a weekend uses
 * Friday's). One query per currency through the (org, currency, quote, date) index.
 */
export async function ratesOn(ctx: OrgScope, currencies: string[], quote: string, day: string): Promise<Map<string, RateUsed>> {
  const out = new Map<string, RateUsed>();
  for (const currency of new Set(currencies)) {
    if (currency === quote) continue;
    const [row] = await ctx.db
      .select({ rateDate: exchangeRates.rateDate, rate: exchangeRates.rate })
      .from(exchangeRates)
      .where(
        and(
          eq(exchangeRates.orgId, ctx.orgId),
          eq(exchangeRates.currency, currency),
          eq(exchangeRates.quoteCurrency, quote),
          lte(exchangeRates.rateDate, day),
        ),
      )
      .orderBy(desc(exchangeRates.rateDate))
      .limit(1);
    if (row) out.set(currency, { currency, rateDate: row.rateDate, rate: row.rate });
  }
  return out;
}

/** All rates into `quote` of these currencies up to `day` (for a page of orders on different days). */
export async function rateHistory(ctx: OrgScope, currencies: string[], quote: string, day: string) {
  const list = [...new Set(currencies)].filter((c) => c !== quote);
  if (!list.length) return new Map<string, { rateDate: string; rate: string }[]>();
  const rows = await ctx.db
    .select({ currency: exchangeRates.currency, rateDate: exchangeRates.rateDate, rate: exchangeRates.rate })
    .from(exchangeRates)
    .where(
      and(
        eq(exchangeRates.orgId, ctx.orgId),
        inArray(exchangeRates.currency, list),
        eq(exchangeRates.quoteCurrency, quote),
        lte(exchangeRates.rateDate, day),
      ),
    )
    .orderBy(exchangeRates.currency, desc(exchangeRates.rateDate));
  const out = new Map<string, { rateDate: string; rate: string }[]>();
  for (const r of rows) out.set(r.currency, [...(out.get(r.currency) ?? []), { rateDate: r.rateDate, rate: r.rate }]);
  return out;
}

export const EXCHANGE_RATE_COLUMNS: ColumnSpec[] = [
  { key: "rateDate", header: "日期 Date", aliases: ["日期", "汇率日期", "date", "ratedate"] },
  { key: "currency", header: "币种 Currency", aliases: ["币种", "货币", "currency", "from"] },
  { key: "rate", header: "汇率 Rate", aliases: ["汇率", "rate"] },
];

/** Rates from CSV (or XLSX), row by row like the other imports: bad rows are reported and skipped. */
export async function importExchangeRates(ctx: ServiceContext, input: z.input<typeof ImportInput>): Promise<ImportResult> {
  const { parsed, rows } = await loadRows(input, EXCHANGE_RATE_COLUMNS);
  const quote = await reportingCurrency(ctx);
  const { valid, errors } = validateRows(
    rows,
    EXCHANGE_RATE_COLUMNS,
    (r) => normalizeRate({ rateDate: r.rateDate ?? "", currency: r.currency ?? "", rate: r.rate ?? "" }, quote),
    { key: (v) => `${v.currency}|${v.rateDate}`, field: "rateDate" },
  );
  const commit = parsed.commit && valid.length > 0;
  const written = commit ? await upsertRates(ctx, valid.map((v) => v.values)) : { created: 0, updated: 0 };
  return importSummary(rows, valid.length, errors, written, commit);
}

import { and, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { type z } from "zod";
import { products, skuCosts } from "@/db/schema";
import { SKU_COST_KINDS, type SkuCostKind } from "@/lib/finance/kinds";
import { type ImportInput } from "@/lib/validators/tabular";
import { SkuCostInput, SkuCostListInput } from "@/lib/validators/finance";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { fieldError, notFound } from "@/server/errors";
import { importSummary, loadRows, validateRows, type ImportResult } from "../_lib/import-rows";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { likeContains } from "../_lib/like";
import { getPrecision, parseDecimalField } from "../_lib/precision";
import type { ColumnSpec } from "../_lib/tabular";
import type { Precision } from "@/lib/precision";

export type SkuCostRow = typeof skuCosts.$inferSelect & { sku: string; productName: string };

type CostValues = { productId: string; kind: SkuCostKind; currency: string; amount: string; effectiveFrom: string; remark: string };

/** Validate a cost (form or file row) against the merchant's SKUs and price precision. */
function normalizeCost(raw: SkuCostInput, precision: Precision, productOf: (sku: string) => string | undefined): CostValues {
  const input = SkuCostInput.parse(raw);
  const productId = productOf(input.sku);
  if (!productId) throw fieldError("sku", "skuUnknown", { sku: input.sku });
  const amount = parseDecimalField(input.amount, "amount", precision, "price");
  return { productId, kind: input.kind, currency: input.currency, amount, effectiveFrom: input.effectiveFrom, remark: input.remark };
}

async function productIdsBySku(ctx: ServiceContext, skus: string[]) {
  const unique = [...new Set(skus.filter(Boolean))];
  if (!unique.length) return new Map<string, string>();
  const rows = await ctx.db
    .select({ id: products.id, sku: products.sku })
    .from(products)
    .where(and(eq(products.orgId, ctx.orgId), inArray(products.sku, unique)));
  return new Map(rows.map((r) => [r.sku, r.id]));
}

/** Write costs; a SKU's cost of the same kind from the same day is replaced (history keeps the other days). */
async function upsertCosts(ctx: ServiceContext, values: CostValues[]) {
  let created = 0;
  let updated = 0;
  await inTransaction(ctx, async (tx) => {
    for (let i = 0; i < values.length; i += 500) {
      const res = await tx.db
        .insert(skuCosts)
        .values(values.slice(i, i + 500).map((v) => ({ ...v, orgId: tx.orgId, createdBy: actorUserId(tx) })))
        .onConflictDoUpdate({
          target: [skuCosts.orgId, skuCosts.productId, skuCosts.kind, skuCosts.effectiveFrom],
          set: { currency: sql`excluded.currency`, amount: sql`excluded.amount`, remark: sql`excluded.remark`, updatedAt: sql`now()` },
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      for (const r of res) if (r.inserted) created++;
      else updated++;
    }
  });
  return { created, updated };
}

/** 成本录入: one SKU's purchase or packaging cost per unit from a date on. */
export async function setSkuCost(ctx: ServiceContext, raw: SkuCostInput) {
  const precision = await getPrecision(ctx);
  const sku = typeof raw.sku === "string" ? raw.sku.trim() : "";
  const ids = await productIdsBySku(ctx, [sku]);
  const values = normalizeCost(raw, precision, (s) => ids.get(s));
  await upsertCosts(ctx, [values]);
  const [row] = await ctx.db
    .select({ id: skuCosts.id })
    .from(skuCosts)
    .where(and(eq(skuCosts.orgId, ctx.orgId), eq(skuCosts.productId, values.productId), eq(skuCosts.kind, values.kind), eq(skuCosts.effectiveFrom, values.effectiveFrom)));
  return getSkuCost(ctx, row!.id);
}

export async function getSkuCost(ctx: ServiceContext, id: string): Promise<SkuCostRow> {
  const [row] = await ctx.db
    .select({ cost: skuCosts, sku: products.sku, productName: products.name })
    .from(skuCosts)
    .innerJoin(products, and(eq(products.orgId, skuCosts.orgId), eq(products.id, skuCosts.productId)))
    .where(and(eq(skuCosts.orgId, ctx.orgId), eq(skuCosts.id, id)));
  if (!row) throw notFound("skuCost");
  return { ...row.cost, sku: row.sku, productName: row.productName };
}

export async function deleteSkuCost(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db.delete(skuCosts).where(and(eq(skuCosts.orgId, ctx.orgId), eq(skuCosts.id, id))).returning({ id: skuCosts.id });
  if (!row) throw notFound("skuCost");
  return { id: row.id };
}

/** 成本列表: every cost row (history) or only those in force today, newest entry first, keyset pages. */
export async function listSkuCosts(ctx: ServiceContext, raw: z.input<typeof SkuCostListInput>) {
  const input = SkuCostListInput.parse(raw);
  const cursor = decodeCursor(input.cursor);
  const search: SQL | undefined = input.search
    ? or(ilike(products.sku, likeContains(input.search)), ilike(products.name, likeContains(input.search)))
    : undefined;
  // In force today: no later row of the same SKU and kind has started by today (merchant's day).
  const current = input.currentOnly
    ? sql`${skuCosts.effectiveFrom} <= (now() at time zone (select timezone from organizations where id = ${ctx.orgId}))::date
        and not exists (select 1 from sku_costs later where later.org_id = ${skuCosts.orgId} and later.product_id = ${skuCosts.productId}
          and later.kind = ${skuCosts.kind} and later.effective_from > ${skuCosts.effectiveFrom}
          and later.effective_from <= (now() at time zone (select timezone from organizations where id = ${ctx.orgId}))::date)`
    : undefined;
  const where = and(eq(skuCosts.orgId, ctx.orgId), search, input.kind ? eq(skuCosts.kind, input.kind) : undefined, current);
  const sortText = sql<string>`${skuCosts.createdAt}::text`;
  const rows = await ctx.db
    .select({ cost: skuCosts, sku: products.sku, productName: products.name, sortKey: sortText })
    .from(skuCosts)
    .innerJoin(products, and(eq(products.orgId, skuCosts.orgId), eq(products.id, skuCosts.productId)))
    .where(and(where, afterCursor(skuCosts.createdAt, skuCosts.id, "desc", cursor)))
    .orderBy(...orderByKeyset(skuCosts.createdAt, skuCosts.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r.cost, sku: r.sku, productName: r.productName, sortKey: r.sortKey })),
    input.limit,
    (r) => r.sortKey,
  );
  const total = await countCapped(
    ctx,
    sql`${skuCosts} inner join ${products} on ${products.orgId} = ${skuCosts.orgId} and ${products.id} = ${skuCosts.productId}`,
    where,
  );
  return { ...page, total };
}

const KIND_WORDS: Record<string, SkuCostKind> = {
  purchase: "purchase",
  采购: "purchase",
  采购成本: "purchase",
  进货成本: "purchase",
  packaging: "packaging",
  包装: "packaging",
  包装成本: "packaging",
  包材: "packaging",
};

export const SKU_COST_COLUMNS: ColumnSpec[] = [
  { key: "sku", header: "SKU", aliases: ["系统SKU", "商品编码"] },
  { key: "kind", header: "成本类型 Kind", aliases: ["成本类型", "类型", "kind", "type"] },
  { key: "currency", header: "币种 Currency", aliases: ["币种", "货币", "currency"] },
  { key: "amount", header: "单位成本 Unit cost", aliases: ["单位成本", "成本", "cost", "amount", "unitcost"] },
  { key: "effectiveFrom", header: "生效日期 Effective from", aliases: ["生效日期", "生效日", "effectivefrom", "date"] },
  { key: "remark", header: "备注 Remark", aliases: ["备注", "remark"] },
];

/**
 * SKU costs from CSV/XLSX, row by row: each bad row is reported (row, column, reason) and skipped, the
 * valid rest written in one transaction; nothing is written on a preview (`commit: false`).
 */
export async function importSkuCosts(ctx: ServiceContext, input: z.input<typeof ImportInput>): Promise<ImportResult> {
  const { parsed, rows } = await loadRows(input, SKU_COST_COLUMNS);
  const precision = await getPrecision(ctx);
  const ids = await productIdsBySku(ctx, rows.map((r) => r.sku ?? ""));
  const { valid, errors } = validateRows(
    rows,
    SKU_COST_COLUMNS,
    (r) => {
      const kindText = (r.kind ?? "").trim();
      const kind = kindText === "" ? "purchase" : KIND_WORDS[kindText.toLowerCase()];
      if (!kind) throw fieldError("kind", "costKindUnknown", { values: SKU_COST_KINDS.join(", ") });
      return normalizeCost(
        { sku: r.sku ?? "", kind, currency: r.currency ?? "", amount: r.amount ?? "", effectiveFrom: r.effectiveFrom ?? "", remark: r.remark ?? "" },
        precision,
        (s) => ids.get(s),
      );
    },
    { key: (v) => `${v.productId}|${v.kind}|${v.effectiveFrom}`, field: "effectiveFrom" },
  );
  const commit = parsed.commit && valid.length > 0;
  const written = commit ? await upsertCosts(ctx, valid.map((v) => v.values)) : { created: 0, updated: 0 };
  return importSummary(rows, valid.length, errors, written, commit);
}

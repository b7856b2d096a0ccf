import { and, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { type z } from "zod";
import { products } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { can } from "@/lib/permissions";
import { ProductInput, ProductListInput, ProductUpdateInput, SetEnabledInput } from "@/lib/validators/catalog";
import { inTransaction, type ServiceContext } from "@/server/context";
import { conflict, forbidden, isUniqueViolation, notFound } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { FieldErrorCollector, getPrecision, parseDecimalField, parseOptionalDecimalField } from "../_lib/precision";
import type { Precision } from "@/lib/precision";
import { likeContains } from "../_lib/like";

export type ProductRow = typeof products.$inferSelect;

/** Validate decimals at the merchant's precision; all field errors at once. */
export function normalizeProduct(raw: z.input<typeof ProductInput>, p: Precision) {
  const input = ProductInput.parse(raw);
  const errors = new FieldErrorCollector();
  const price = errors.run(() => parseDecimalField(input.price, "price", p, "price"));
  const weight = errors.run(() => parseOptionalDecimalField(input.weight, "weight", p, "quantity"));
  const lowStockThreshold = errors.run(() => parseOptionalDecimalField(input.lowStockThreshold, "lowStockThreshold", p, "quantity"));
  errors.throwIfAny();
  return { ...input, price: price!, weight: weight ?? null, lowStockThreshold: lowStockThreshold ?? null };
}

function searchCondition(search?: string): SQL | undefined {
  if (!search) return undefined;
  const term = likeContains(search);
  return or(ilike(products.sku, term), ilike(products.name, term), ilike(products.barcode, term));
}

const SORTS = {
  created: { col: products.createdAt, text: sql<string>`${products.createdAt}::text` },
  sku: { col: products.sku, text: sql<string>`${products.sku}` },
  name: { col: products.name, text: sql<string>`${products.name}` },
  price: { col: products.price, text: sql<string>`${products.price}::text` },
} as const;

/**
 * Test-only seam (honoured only under MANIFOLD_TEST): drop the merchant filter from the product list,
 * to show that row-level security still keeps it to the transaction's merchant (tests/integration/
 * tenancy-rls.test.ts).
 */
export const testSeams = { skipOrgFilter: false };

export async function listProducts(ctx: ServiceContext, raw: z.input<typeof ProductListInput>) {
  const input = ProductListInput.parse(raw);
  const sort = SORTS[input.sort];
  const skipOrgFilter = testSeams.skipOrgFilter && process.env.MANIFOLD_TEST === "1";
  const filters = and(
    skipOrgFilter ? undefined : eq(products.orgId, ctx.orgId),
    searchCondition(input.search),
    input.enabled === undefined ? undefined : eq(products.enabled, input.enabled),
  );
  const rows = await ctx.db
    .select({ product: products, sortKey: sort.text })
    .from(products)
    .where(and(filters, afterCursor(sort.col, products.id, input.dir, decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(sort.col, products.id, input.dir))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r.product, sortKey: r.sortKey })),
    input.limit,
    (r) => r.sortKey,
  );
  const total = await countCapped(ctx, products, filters);
  return { ...page, total };
}

export async function getProduct(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db.select().from(products).where(and(eq(products.id, id), eq(products.orgId, ctx.orgId)));
  if (!row) throw notFound("product");
  return row;
}

function translateUnique(e: unknown): never {
  if (isUniqueViolation(e, "products_org_sku_uq")) throw conflict("sku", "skuTaken");
  throw e;
}

export async function createProduct(ctx: ServiceContext, raw: z.input<typeof ProductInput>) {
  const values = normalizeProduct(raw, await getPrecision(ctx));
  if (!dec(values.price).isZero() && !can(ctx.role, "prices.write")) throw forbidden("prices.write");
  try {
    const [row] = await ctx.db.insert(products).values({ ...values, orgId: ctx.orgId }).returning();
    return row!;
  } catch (e) {
    translateUnique(e);
  }
}

export async function updateProduct(ctx: ServiceContext, raw: z.input<typeof ProductUpdateInput>) {
  const { id, ...rest } = ProductUpdateInput.parse(raw);
  const values = normalizeProduct(rest, await getPrecision(ctx));
  return inTransaction(ctx, async (ctx) => {
    const [current] = await ctx.db
      .select({ price: products.price })
      .from(products)
      .where(and(eq(products.id, id), eq(products.orgId, ctx.orgId)))
      .for("update");
    if (!current) throw notFound("product");
    // Price changes need their own permission: a warehouse user may fix a barcode but not a price.
    if (!dec(current.price).eq(values.price) && !can(ctx.role, "prices.write")) throw forbidden("prices.write");
    try {
      const [row] = await ctx.db
        .update(products)
        .set(values)
        .where(and(eq(products.id, id), eq(products.orgId, ctx.orgId)))
        .returning();
      return row!;
    } catch (e) {
      translateUnique(e);
    }
  });
}

export async function setProductEnabled(ctx: ServiceContext, raw: z.input<typeof SetEnabledInput>) {
  const input = SetEnabledInput.parse(raw);
  const [row] = await ctx.db
    .update(products)
    .set({ enabled: input.enabled })
    .where(and(eq(products.id, input.id), eq(products.orgId, ctx.orgId)))
    .returning();
  if (!row) throw notFound("product");
  return row;
}

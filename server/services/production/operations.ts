import { and, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { productionOperations } from "@/db/schema";
import { OperationInput, OperationListInput, OperationUpdateInput, SetEnabledInput } from "@/lib/validators/production";
import type { ServiceContext } from "@/server/context";
import { conflict, isUniqueViolation, notFound } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { getPrecision, parseDecimalField } from "../_lib/precision";
import type { Precision } from "@/lib/precision";
import { likeContains } from "../_lib/like";

export type OperationRow = typeof productionOperations.$inferSelect;

function normalize(raw: z.input<typeof OperationInput>, p: Precision) {
  const input = OperationInput.parse(raw);
  // Standard time uses the quantity precision: it is a measured amount, refused (not rounded) beyond it.
  const standardMinutes = parseDecimalField(input.standardMinutes, "standardMinutes", p, "quantity");
  return { ...input, standardMinutes };
}

function searchCondition(search?: string): SQL | undefined {
  if (!search) return undefined;
  const term = likeContains(search);
  return or(ilike(productionOperations.code, term), ilike(productionOperations.name, term), ilike(productionOperations.workCentre, term));
}

const SORTS = {
  created: { col: productionOperations.createdAt, text: sql<string>`${productionOperations.createdAt}::text` },
  code: { col: productionOperations.code, text: sql<string>`${productionOperations.code}` },
  name: { col: productionOperations.name, text: sql<string>`${productionOperations.name}` },
} as const;

export async function listOperations(ctx: ServiceContext, raw: z.input<typeof OperationListInput>) {
  const input = OperationListInput.parse(raw);
  const sort = SORTS[input.sort];
  const filters = and(
    eq(productionOperations.orgId, ctx.orgId),
    searchCondition(input.search),
    input.enabled === undefined ? undefined : eq(productionOperations.enabled, input.enabled),
  );
  const rows = await ctx.db
    .select({ op: productionOperations, sortKey: sort.text })
    .from(productionOperations)
    .where(and(filters, afterCursor(sort.col, productionOperations.id, input.dir, decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(sort.col, productionOperations.id, input.dir))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r.op, sortKey: r.sortKey })),
    input.limit,
    (r) => r.sortKey,
  );
  const total = await countCapped(ctx, productionOperations, filters);
  return { ...page, total };
}

export async function getOperation(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db
    .select()
    .from(productionOperations)
    .where(and(eq(productionOperations.id, id), eq(productionOperations.orgId, ctx.orgId)));
  if (!row) throw notFound("operation");
  return row;
}

function translateUnique(e: unknown): never {
  if (isUniqueViolation(e, "production_operations_org_code_uq")) throw conflict("code", "codeTaken");
  throw e;
}

export async function createOperation(ctx: ServiceContext, raw: z.input<typeof OperationInput>) {
  const values = normalize(raw, await getPrecision(ctx));
  try {
    const [row] = await ctx.db
      .insert(productionOperations)
      .values({ ...values, orgId: ctx.orgId })
      .returning();
    return row!;
  } catch (e) {
    translateUnique(e);
  }
}

export async function updateOperation(ctx: ServiceContext, raw: z.input<typeof OperationUpdateInput>) {
  const { id, ...rest } = OperationUpdateInput.parse(raw);
  const values = normalize(rest, await getPrecision(ctx));
  try {
    const [row] = await ctx.db
      .update(productionOperations)
      .set(values)
      .where(and(eq(productionOperations.id, id), eq(productionOperations.orgId, ctx.orgId)))
      .returning();
    if (!row) throw notFound("operation");
    return row;
  } catch (e) {
    translateUnique(e);
  }
}

/** Disabled operations stay in the routes that have them, but cannot be added to a route. */
export async function setOperationEnabled(ctx: ServiceContext, raw: z.input<typeof SetEnabledInput>) {
  const input = SetEnabledInput.parse(raw);
  const [row] = await ctx.db
    .update(productionOperations)
    .set({ enabled: input.enabled })
    .where(and(eq(productionOperations.id, input.id), eq(productionOperations.orgId, ctx.orgId)))
    .returning();
  if (!row) throw notFound("operation");
  return row;
}

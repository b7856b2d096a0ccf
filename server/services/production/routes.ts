import { and, asc, count, eq, ilike, inArray, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import {
  productionMappingEntries,
  productionOperations,
  productionPlans,
  productionRouteMappings,
  productionRouteProducts,
  productionRoutes,
  productionRouteSteps,
  productionWorkReports,
  products,
} from "@/db/schema";
import { RouteCopyInput, RouteInput, RouteListInput, RouteUpdateInput, SetEnabledInput } from "@/lib/validators/production";
import { inTransaction, type ServiceContext } from "@/server/context";
import { conflict, DomainError, fieldError, isUniqueViolation, notFound } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { mappingStates } from "./mapping";
import { defaultProgrammeId } from "./programmes";
import { likeContains } from "../_lib/like";

export type RouteRow = typeof productionRoutes.$inferSelect;

function searchCondition(search?: string): SQL | undefined {
  if (!search) return undefined;
  const term = likeContains(search);
  return or(ilike(productionRoutes.code, term), ilike(productionRoutes.name, term));
}

const SORTS = {
  created: { col: productionRoutes.createdAt, text: sql<string>`${productionRoutes.createdAt}::text` },
  code: { col: productionRoutes.code, text: sql<string>`${productionRoutes.code}` },
  name: { col: productionRoutes.name, text: sql<string>`${productionRoutes.name}` },
} as const;

/**
 * Routes with their operation count, product count and mapping state against a programme (the default
 * one when none is given), for the routes page and the mapping page.
 */
export async function listRoutes(ctx: ServiceContext, raw: z.input<typeof RouteListInput> & { programmeId?: string }) {
  const input = RouteListInput.parse(raw);
  const sort = SORTS[input.sort];
  const filters = and(
    eq(productionRoutes.orgId, ctx.orgId),
    searchCondition(input.search),
    input.enabled === undefined ? undefined : eq(productionRoutes.enabled, input.enabled),
  );
  const rows = await ctx.db
    .select({
      route: productionRoutes,
      sortKey: sort.text,
      // Correlated subqueries name the outer table explicitly: drizzle leaves selected columns unqualified.
      operationCount: sql<number>`(select count(*)::int from ${productionRouteSteps} s where s.org_id = production_routes.org_id and s.route_id = production_routes.id)`,
      productCount: sql<number>`(select count(*)::int from ${productionRouteProducts} p where p.org_id = production_routes.org_id and p.route_id = production_routes.id)`,
    })
    .from(productionRoutes)
    .where(and(filters, afterCursor(sort.col, productionRoutes.id, input.dir, decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(sort.col, productionRoutes.id, input.dir))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r.route, operationCount: r.operationCount, productCount: r.productCount, sortKey: r.sortKey })),
    input.limit,
    (r) => r.sortKey,
  );
  const programmeId = raw.programmeId ?? (await defaultProgrammeId(ctx));
  const states = await mappingStates(ctx, page.items.map((r) => r.id), programmeId);
  const total = await countCapped(ctx, productionRoutes, filters);
  return {
    ...page,
    items: page.items.map((r) => ({ ...r, mapping: states.get(r.id)! })),
    programmeId,
    total: total,
  };
}

/** A route with its ordered operations, assigned products, and what is in use (plans, reports). */
export async function getRoute(ctx: ServiceContext, id: string) {
  const [route] = await ctx.db
    .select()
    .from(productionRoutes)
    .where(and(eq(productionRoutes.id, id), eq(productionRoutes.orgId, ctx.orgId)));
  if (!route) throw notFound("route");
  const steps = await ctx.db
    .select({
      seq: productionRouteSteps.seq,
      operationId: productionOperations.id,
      code: productionOperations.code,
      name: productionOperations.name,
      standardMinutes: productionOperations.standardMinutes,
      workCentre: productionOperations.workCentre,
      enabled: productionOperations.enabled,
    })
    .from(productionRouteSteps)
    .innerJoin(productionOperations, eq(productionOperations.id, productionRouteSteps.operationId))
    .where(and(eq(productionRouteSteps.orgId, ctx.orgId), eq(productionRouteSteps.routeId, id)))
    .orderBy(asc(productionRouteSteps.seq));
  const assigned = await ctx.db
    .select({ id: products.id, sku: products.sku, name: products.name, spec: products.spec })
    .from(productionRouteProducts)
    .innerJoin(products, eq(products.id, productionRouteProducts.productId))
    .where(and(eq(productionRouteProducts.orgId, ctx.orgId), eq(productionRouteProducts.routeId, id)))
    .orderBy(asc(products.sku));
  const reported = await reportedOperationIds(ctx, id);
  const [plans] = await ctx.db
    .select({ n: count() })
    .from(productionPlans)
    .where(and(eq(productionPlans.orgId, ctx.orgId), eq(productionPlans.routeId, id)));
  return {
    ...route,
    steps: steps.map((s) => ({ ...s, hasReports: reported.has(s.operationId) })),
    products: assigned,
    planCount: plans?.n ?? 0,
  };
}

/** Operations of this route that work reports of its plans point at. */
async function reportedOperationIds(ctx: ServiceContext, routeId: string, only?: string[]) {
  if (only && only.length === 0) return new Set<string>();
  const rows = await ctx.db
    .selectDistinct({ operationId: productionWorkReports.operationId })
    .from(productionWorkReports)
    .innerJoin(productionPlans, eq(productionPlans.id, productionWorkReports.planId))
    .where(
      and(
        eq(productionWorkReports.orgId, ctx.orgId),
        eq(productionPlans.orgId, ctx.orgId),
        eq(productionPlans.routeId, routeId),
        only ? inArray(productionWorkReports.operationId, only) : undefined,
      ),
    );
  return new Set(rows.map((r) => r.operationId));
}

/** Every operation must be the merchant's; new ones must be enabled. */
async function checkOperations(ctx: ServiceContext, operationIds: string[], alreadyOnRoute: Set<string>) {
  const ops = await ctx.db
    .select({ id: productionOperations.id, enabled: productionOperations.enabled, code: productionOperations.code })
    .from(productionOperations)
    .where(and(eq(productionOperations.orgId, ctx.orgId), inArray(productionOperations.id, operationIds)));
  const byId = new Map(ops.map((o) => [o.id, o]));
  operationIds.forEach((opId, i) => {
    const op = byId.get(opId);
    if (!op) throw fieldError(`operationIds.${i}`, "operationUnknown");
    if (!op.enabled && !alreadyOnRoute.has(opId)) throw fieldError(`operationIds.${i}`, "operationDisabled", { code: op.code });
  });
  return byId;
}

async function checkProducts(ctx: ServiceContext, productIds: string[]) {
  if (productIds.length === 0) return;
  const found = await ctx.db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.orgId, ctx.orgId), inArray(products.id, productIds)));
  const known = new Set(found.map((p) => p.id));
  productIds.forEach((id, i) => {
    if (!known.has(id)) throw fieldError(`productIds.${i}`, "productUnknown");
  });
}

async function writeSteps(ctx: ServiceContext, routeId: string, operationIds: string[]) {
  await ctx.db.delete(productionRouteSteps).where(and(eq(productionRouteSteps.orgId, ctx.orgId), eq(productionRouteSteps.routeId, routeId)));
  await ctx.db
    .insert(productionRouteSteps)
    .values(operationIds.map((operationId, i) => ({ orgId: ctx.orgId, routeId, operationId, seq: i + 1 })));
}

/** Assign the products to this route (moving them from any other route) and unassign the rest. */
async function writeProducts(ctx: ServiceContext, routeId: string, productIds: string[]) {
  await ctx.db
    .delete(productionRouteProducts)
    .where(
      and(
        eq(productionRouteProducts.orgId, ctx.orgId),
        eq(productionRouteProducts.routeId, routeId),
        productIds.length ? notInArray(productionRouteProducts.productId, productIds) : undefined,
      ),
    );
  if (productIds.length === 0) return;
  await ctx.db
    .insert(productionRouteProducts)
    .values(productIds.map((productId) => ({ orgId: ctx.orgId, productId, routeId })))
    .onConflictDoUpdate({ target: [productionRouteProducts.orgId, productionRouteProducts.productId], set: { routeId } });
}

function translateUnique(e: unknown): never {
  if (isUniqueViolation(e, "production_routes_org_code_uq")) throw conflict("code", "codeTaken");
  throw e;
}

export async function createRoute(ctx: ServiceContext, raw: z.input<typeof RouteInput>) {
  const input = RouteInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    await checkOperations(ctx, input.operationIds, new Set());
    await checkProducts(ctx, input.productIds);
    let route: RouteRow;
    try {
      [route] = (await ctx.db
        .insert(productionRoutes)
        .values({ orgId: ctx.orgId, code: input.code, name: input.name, description: input.description })
        .returning()) as [RouteRow];
    } catch (e) {
      translateUnique(e);
    }
    await writeSteps(ctx, route.id, input.operationIds);
    await writeProducts(ctx, route.id, input.productIds);
    return getRoute(ctx, route.id);
  });
}

/**
 * Edit a route. Its operations may be reordered, added or removed — except operations that work reports
 * of the route's plans point at, which stay (refused with their codes). Changing the set of operations
 * clears the confirmation of the route's mappings, so the merchant checks the mapping again.
 */
export async function updateRoute(ctx: ServiceContext, raw: z.input<typeof RouteUpdateInput>) {
  const input = RouteUpdateInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const [current] = await ctx.db
      .select()
      .from(productionRoutes)
      .where(and(eq(productionRoutes.id, input.id), eq(productionRoutes.orgId, ctx.orgId)))
      .for("update");
    if (!current) throw notFound("route");
    if (current.version !== input.version) throw new DomainError("CONFLICT", { key: "staleVersion" });
    const steps = await ctx.db
      .select({ operationId: productionRouteSteps.operationId })
      .from(productionRouteSteps)
      .where(and(eq(productionRouteSteps.orgId, ctx.orgId), eq(productionRouteSteps.routeId, current.id)));
    const before = new Set(steps.map((s) => s.operationId));
    const after = new Set(input.operationIds);
    const removed = [...before].filter((id) => !after.has(id));
    const added = [...after].filter((id) => !before.has(id));
    if (removed.length) {
      const inUse = await reportedOperationIds(ctx, current.id, removed);
      if (inUse.size) {
        const ops = await ctx.db
          .select({ code: productionOperations.code, name: productionOperations.name })
          .from(productionOperations)
          .where(and(eq(productionOperations.orgId, ctx.orgId), inArray(productionOperations.id, [...inUse])));
        const list = ops.map((o) => `${o.code} ${o.name}`).join("、");
        throw new DomainError(
          "CONFLICT",
          { key: "operationHasReports", params: { operations: list } },
          { fieldErrors: { operationIds: { key: "operationHasReports", params: { operations: list } } }, details: { operationIds: [...inUse] } },
        );
      }
    }
    await checkOperations(ctx, input.operationIds, before);
    await checkProducts(ctx, input.productIds);
    try {
      await ctx.db
        .update(productionRoutes)
        .set({ code: input.code, name: input.name, description: input.description, version: current.version + 1 })
        .where(and(eq(productionRoutes.id, current.id), eq(productionRoutes.orgId, ctx.orgId)));
    } catch (e) {
      translateUnique(e);
    }
    await writeSteps(ctx, current.id, input.operationIds);
    await writeProducts(ctx, current.id, input.productIds);
    if (removed.length || added.length) {
      const mappingIds = ctx.db
        .select({ id: productionRouteMappings.id })
        .from(productionRouteMappings)
        .where(and(eq(productionRouteMappings.orgId, ctx.orgId), eq(productionRouteMappings.routeId, current.id)));
      if (removed.length) {
        await ctx.db
          .delete(productionMappingEntries)
          .where(
            and(
              eq(productionMappingEntries.orgId, ctx.orgId),
              inArray(productionMappingEntries.mappingId, mappingIds),
              inArray(productionMappingEntries.operationId, removed),
            ),
          );
      }
      await ctx.db
        .update(productionRouteMappings)
        .set({ confirmedAt: null, confirmedBy: null })
        .where(and(eq(productionRouteMappings.orgId, ctx.orgId), eq(productionRouteMappings.routeId, current.id)));
    }
    return getRoute(ctx, current.id);
  });
}

/** Copy a route under a new code: same operations, its mappings copied unconfirmed, no products. */
export async function copyRoute(ctx: ServiceContext, raw: z.input<typeof RouteCopyInput>) {
  const input = RouteCopyInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const source = await getRoute(ctx, input.id);
    let route: RouteRow;
    try {
      [route] = (await ctx.db
        .insert(productionRoutes)
        .values({ orgId: ctx.orgId, code: input.code, name: input.name, description: source.description, copiedFromId: source.id })
        .returning()) as [RouteRow];
    } catch (e) {
      translateUnique(e);
    }
    await writeSteps(
      ctx,
      route.id,
      source.steps.map((s) => s.operationId),
    );
    const mappings = await ctx.db
      .select()
      .from(productionRouteMappings)
      .where(and(eq(productionRouteMappings.orgId, ctx.orgId), eq(productionRouteMappings.routeId, source.id)));
    for (const m of mappings) {
      const [copy] = await ctx.db
        .insert(productionRouteMappings)
        .values({ orgId: ctx.orgId, routeId: route.id, programmeId: m.programmeId })
        .returning({ id: productionRouteMappings.id });
      const entries = await ctx.db
        .select({ stageId: productionMappingEntries.stageId, operationId: productionMappingEntries.operationId })
        .from(productionMappingEntries)
        .where(and(eq(productionMappingEntries.orgId, ctx.orgId), eq(productionMappingEntries.mappingId, m.id)));
      if (entries.length) {
        await ctx.db.insert(productionMappingEntries).values(entries.map((e) => ({ ...e, orgId: ctx.orgId, mappingId: copy!.id })));
      }
    }
    return getRoute(ctx, route.id);
  });
}

/** Disabled routes keep their plans running but take no new plans. */
export async function setRouteEnabled(ctx: ServiceContext, raw: z.input<typeof SetEnabledInput>) {
  const input = SetEnabledInput.parse(raw);
  const [row] = await ctx.db
    .update(productionRoutes)
    .set({ enabled: input.enabled, version: sql`${productionRoutes.version} + 1` })
    .where(and(eq(productionRoutes.id, input.id), eq(productionRoutes.orgId, ctx.orgId)))
    .returning();
  if (!row) throw notFound("route");
  return row;
}

/** The route assigned to each of these products. */
export async function routesOfProducts(ctx: ServiceContext, productIds: string[]) {
  if (productIds.length === 0) return new Map<string, string>();
  const rows = await ctx.db
    .select({ productId: productionRouteProducts.productId, routeId: productionRouteProducts.routeId })
    .from(productionRouteProducts)
    .where(and(eq(productionRouteProducts.orgId, ctx.orgId), inArray(productionRouteProducts.productId, productIds)));
  return new Map(rows.map((r) => [r.productId, r.routeId]));
}

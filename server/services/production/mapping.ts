import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import {
  productionMappingEntries,
  productionOperations,
  productionProgrammes,
  productionRouteMappings,
  productionRoutes,
  productionRouteSteps,
  productionStages,
} from "@/db/schema";
import { MappingKey, MappingSaveInput } from "@/lib/validators/production";
import { actorUserId, inTransaction, type ServiceContext, type OrgScope } from "@/server/context";
import { DomainError, notFound, type FieldErrors } from "@/server/errors";

export type StageRef = { id: string; code: string; name: string; seq: number };

export type MappingState = {
  /** A mapping row exists (the merchant has started mapping this route). */
  exists: boolean;
  confirmed: boolean;
  confirmedAt: Date | null;
  stageCount: number;
  /** Enabled stages with no operation of the route mapped to them. */
  unmappedStages: StageRef[];
  /** Confirmed and every enabled stage has at least one of the route's operations: may report upstream. */
  complete: boolean;
};

export async function enabledStages(ctx: OrgScope, programmeId: string): Promise<StageRef[]> {
  const { db, orgId } = ctx;
  return db
    .select({ id: productionStages.id, code: productionStages.code, name: productionStages.name, seq: productionStages.seq })
    .from(productionStages)
    .where(and(eq(productionStages.orgId, orgId), eq(productionStages.programmeId, programmeId), eq(productionStages.enabled, true)))
    .orderBy(asc(productionStages.seq));
}

/**
 * Mapping state of several routes against one programme, computed from what is stored now: a stage
 * counts as mapped only through operations still on the route, so removing an operation or adding a
 * stage makes a confirmed mapping incomplete again.
 */
export async function mappingStates(ctx: OrgScope, routeIds: string[], programmeId: string): Promise<Map<string, MappingState>> {
  const { db, orgId } = ctx;
  const out = new Map<string, MappingState>();
  if (routeIds.length === 0) return out;
  const stages = await enabledStages(ctx, programmeId);
  const mappings = await db
    .select()
    .from(productionRouteMappings)
    .where(
      and(
        eq(productionRouteMappings.orgId, orgId),
        eq(productionRouteMappings.programmeId, programmeId),
        inArray(productionRouteMappings.routeId, routeIds),
      ),
    );
  const mapped = mappings.length
    ? await db
        .selectDistinct({ routeId: productionRouteMappings.routeId, stageId: productionMappingEntries.stageId })
        .from(productionMappingEntries)
        .innerJoin(productionRouteMappings, eq(productionRouteMappings.id, productionMappingEntries.mappingId))
        .innerJoin(
          productionRouteSteps,
          and(
            eq(productionRouteSteps.orgId, productionMappingEntries.orgId),
            eq(productionRouteSteps.routeId, productionRouteMappings.routeId),
            eq(productionRouteSteps.operationId, productionMappingEntries.operationId),
          ),
        )
        .where(and(eq(productionMappingEntries.orgId, orgId), inArray(productionMappingEntries.mappingId, mappings.map((m) => m.id))))
    : [];
  for (const routeId of routeIds) {
    const m = mappings.find((x) => x.routeId === routeId);
    const stageIds = new Set(mapped.filter((x) => x.routeId === routeId).map((x) => x.stageId));
    const unmappedStages = stages.filter((s) => !stageIds.has(s.id));
    const confirmed = !!m?.confirmedAt;
    out.set(routeId, {
      exists: !!m,
      confirmed,
      confirmedAt: m?.confirmedAt ?? null,
      stageCount: stages.length,
      unmappedStages,
      complete: confirmed && unmappedStages.length === 0 && stages.length > 0,
    });
  }
  return out;
}

export async function mappingState(ctx: OrgScope, routeId: string, programmeId: string): Promise<MappingState> {
  return (await mappingStates(ctx, [routeId], programmeId)).get(routeId)!;
}

export function mappingIncompleteError(state: MappingState) {
  const stages = state.unmappedStages.map((s) => s.name).join("、");
  if (!state.confirmed && state.unmappedStages.length === 0) {
    return new DomainError("CONFLICT", { key: "mappingNotConfirmed" }, { details: { unmappedStages: [] } });
  }
  return new DomainError("CONFLICT", { key: "mappingIncomplete", params: { stages } }, { details: { unmappedStages: state.unmappedStages } });
}

async function requireRoute(ctx: OrgScope, routeId: string) {
  const { db, orgId } = ctx;
  const [route] = await db
    .select()
    .from(productionRoutes)
    .where(and(eq(productionRoutes.id, routeId), eq(productionRoutes.orgId, orgId)));
  if (!route) throw notFound("route");
  return route;
}

async function requireProgramme(ctx: OrgScope, programmeId: string) {
  const { db, orgId } = ctx;
  const [p] = await db
    .select()
    .from(productionProgrammes)
    .where(and(eq(productionProgrammes.id, programmeId), eq(productionProgrammes.orgId, orgId)));
  if (!p) throw notFound("programme");
  return p;
}

/** The mapping page: the route's operations beside the programme's standard stages. */
export async function getMapping(ctx: ServiceContext, raw: z.input<typeof MappingKey>) {
  const { routeId, programmeId } = MappingKey.parse(raw);
  const route = await requireRoute(ctx, routeId);
  const programme = await requireProgramme(ctx, programmeId);
  const operations = await ctx.db
    .select({
      operationId: productionOperations.id,
      code: productionOperations.code,
      name: productionOperations.name,
      workCentre: productionOperations.workCentre,
      seq: productionRouteSteps.seq,
    })
    .from(productionRouteSteps)
    .innerJoin(productionOperations, eq(productionOperations.id, productionRouteSteps.operationId))
    .where(and(eq(productionRouteSteps.orgId, ctx.orgId), eq(productionRouteSteps.routeId, routeId)))
    .orderBy(asc(productionRouteSteps.seq));
  const stages = await enabledStages(ctx, programmeId);
  const [mapping] = await ctx.db
    .select()
    .from(productionRouteMappings)
    .where(
      and(
        eq(productionRouteMappings.orgId, ctx.orgId),
        eq(productionRouteMappings.routeId, routeId),
        eq(productionRouteMappings.programmeId, programmeId),
      ),
    );
  const entries = mapping
    ? await ctx.db
        .select({ operationId: productionMappingEntries.operationId, stageId: productionMappingEntries.stageId })
        .from(productionMappingEntries)
        .where(and(eq(productionMappingEntries.orgId, ctx.orgId), eq(productionMappingEntries.mappingId, mapping.id)))
    : [];
  const stageOf = new Map(entries.map((e) => [e.operationId, e.stageId]));
  const state = await mappingState(ctx, routeId, programmeId);
  return {
    route: { id: route.id, code: route.code, name: route.name, enabled: route.enabled },
    programme: { id: programme.id, code: programme.code, name: programme.name },
    operations: operations.map((o) => ({ ...o, stageId: stageOf.get(o.operationId) ?? null })),
    stages,
    state,
  };
}

/**
 * Save which stage each of the route's operations belongs to (an operation maps to at most one stage;
 * a stage to one or more operations). Any change clears the confirmation; `confirm` saves and confirms
 * in one transaction and is refused, saving nothing, while a stage is unmapped.
 */
export async function saveMapping(ctx: ServiceContext, raw: z.input<typeof MappingSaveInput>) {
  const input = MappingSaveInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const [route] = await ctx.db
      .select({ id: productionRoutes.id })
      .from(productionRoutes)
      .where(and(eq(productionRoutes.id, input.routeId), eq(productionRoutes.orgId, ctx.orgId)))
      .for("update");
    if (!route) throw notFound("route");
    await requireProgramme(ctx, input.programmeId);
    const steps = await ctx.db
      .select({ operationId: productionRouteSteps.operationId })
      .from(productionRouteSteps)
      .where(and(eq(productionRouteSteps.orgId, ctx.orgId), eq(productionRouteSteps.routeId, route.id)));
    const onRoute = new Set(steps.map((s) => s.operationId));
    const stageIds = new Set((await enabledStages(ctx, input.programmeId)).map((s) => s.id));
    const fieldErrors: FieldErrors = {};
    const seen = new Set<string>();
    input.entries.forEach((e, i) => {
      if (!onRoute.has(e.operationId)) fieldErrors[`entries.${i}.operationId`] = { key: "operationNotInRoute" };
      else if (seen.has(e.operationId)) fieldErrors[`entries.${i}.operationId`] = { key: "operationOneStage" };
      else if (e.stageId && !stageIds.has(e.stageId)) fieldErrors[`entries.${i}.stageId`] = { key: "stageUnknown" };
      seen.add(e.operationId);
    });
    const first = Object.values(fieldErrors)[0];
    if (first) throw new DomainError("VALIDATION", first, { fieldErrors });

    const [mapping] = await ctx.db
      .insert(productionRouteMappings)
      .values({ orgId: ctx.orgId, routeId: route.id, programmeId: input.programmeId })
      .onConflictDoUpdate({
        target: [productionRouteMappings.orgId, productionRouteMappings.routeId, productionRouteMappings.programmeId],
        set: { confirmedAt: null, confirmedBy: null, updatedAt: sql`now()` },
      })
      .returning({ id: productionRouteMappings.id });
    await ctx.db
      .delete(productionMappingEntries)
      .where(and(eq(productionMappingEntries.orgId, ctx.orgId), eq(productionMappingEntries.mappingId, mapping!.id)));
    const rows = input.entries
      .filter((e) => e.stageId)
      .map((e) => ({ orgId: ctx.orgId, mappingId: mapping!.id, stageId: e.stageId!, operationId: e.operationId }));
    if (rows.length) await ctx.db.insert(productionMappingEntries).values(rows);
    if (input.confirm) await confirmIn(ctx, route.id, input.programmeId, mapping!.id);
    return getMapping(ctx, { routeId: route.id, programmeId: input.programmeId });
  });
}

async function confirmIn(ctx: ServiceContext, routeId: string, programmeId: string, mappingId: string) {
  const stages = await enabledStages(ctx, programmeId);
  const state = await mappingState(ctx, routeId, programmeId);
  if (stages.length === 0 || state.unmappedStages.length > 0) throw mappingIncompleteError({ ...state, confirmed: true });
  await ctx.db
    .update(productionRouteMappings)
    .set({ confirmedAt: new Date(), confirmedBy: actorUserId(ctx) })
    .where(and(eq(productionRouteMappings.id, mappingId), eq(productionRouteMappings.orgId, ctx.orgId)));
}

/** Confirm the stored mapping; refused while a stage has no operation. */
export async function confirmMapping(ctx: ServiceContext, raw: z.input<typeof MappingKey>) {
  const { routeId, programmeId } = MappingKey.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const [mapping] = await ctx.db
      .select({ id: productionRouteMappings.id })
      .from(productionRouteMappings)
      .where(
        and(
          eq(productionRouteMappings.orgId, ctx.orgId),
          eq(productionRouteMappings.routeId, routeId),
          eq(productionRouteMappings.programmeId, programmeId),
        ),
      )
      .for("update");
    if (!mapping) {
      await requireRoute(ctx, routeId);
      await requireProgramme(ctx, programmeId);
      throw mappingIncompleteError({
        exists: false,
        confirmed: true,
        confirmedAt: null,
        stageCount: 0,
        unmappedStages: await enabledStages(ctx, programmeId),
        complete: false,
      });
    }
    await confirmIn(ctx, routeId, programmeId, mapping.id);
    return getMapping(ctx, { routeId, programmeId });
  });
}

/** Programmes this route has a mapping for (complete or not). */
export async function mappedProgrammesOf(ctx: OrgScope, routeId: string) {
  const { db, orgId } = ctx;
  return db
    .select({ programmeId: productionRouteMappings.programmeId, name: productionProgrammes.name, enabled: productionProgrammes.enabled })
    .from(productionRouteMappings)
    .innerJoin(productionProgrammes, eq(productionProgrammes.id, productionRouteMappings.programmeId))
    .where(and(eq(productionRouteMappings.orgId, orgId), eq(productionRouteMappings.routeId, routeId)));
}

/** stage id → operation ids of the route mapped to it (only operations still on the route). */
export async function stageOperations(ctx: OrgScope, routeId: string, programmeId: string) {
  const { db, orgId } = ctx;
  const rows = await db
    .select({ stageId: productionMappingEntries.stageId, operationId: productionMappingEntries.operationId })
    .from(productionMappingEntries)
    .innerJoin(productionRouteMappings, eq(productionRouteMappings.id, productionMappingEntries.mappingId))
    .innerJoin(
      productionRouteSteps,
      and(
        eq(productionRouteSteps.orgId, productionMappingEntries.orgId),
        eq(productionRouteSteps.routeId, productionRouteMappings.routeId),
        eq(productionRouteSteps.operationId, productionMappingEntries.operationId),
      ),
    )
    .where(
      and(
        eq(productionMappingEntries.orgId, orgId),
        eq(productionRouteMappings.routeId, routeId),
        eq(productionRouteMappings.programmeId, programmeId),
      ),
    );
  return rows;
}

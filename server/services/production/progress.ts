import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { OrgScope } from "@/server/context";
import { productionOperations, productionRouteSteps, productionWorkReports } from "@/db/schema";
import { Decimal, dec } from "@/lib/decimal";
import type { StageRef } from "./mapping";

/** Percentages are shown and reported with two decimals, rounded half-up once at the end. */
export const PERCENT_SCALE = 2;

export type StepInfo = { operationId: string; code: string; name: string; seq: number; standardMinutes: string };
export type Totals = Map<string, { good: string; defective: string }>;

export type OperationProgress = StepInfo & {
  good: string;
  defective: string;
  /** good + defective: units that went through the operation. */
  processed: string;
  remaining: string;
  percent: string;
  done: boolean;
};

export type StageProgress = StageRef & {
  operationIds: string[];
  mapped: boolean;
  /** Good output of the stage: what its last operation (in route order) reported good. */
  good: string;
  defective: string;
  percent: string;
};

/** An operation's share done: processed / planned, never above 1 (an override may report more). */
function fraction(processed: Decimal, planned: Decimal): Decimal {
  if (planned.lte(0)) return new Decimal(0);
  return Decimal.min(processed.div(planned), 1);
}

/**
 * Weighted share of several operations: Σ(fraction × standard minutes) / Σ standard minutes, so a
 * 40-minute sewing step counts more than a 2-minute trim; with no standard times, a plain average.
 * All in decimal.js, rounded once at the end — no float drift (1/3 + 2/3 is exactly 100.00 %).
 */
function weightedPercent(ops: OperationProgress[], planned: Decimal): string {
  if (ops.length === 0) return new Decimal(0).toFixed(PERCENT_SCALE);
  const weights = ops.map((o) => dec(o.standardMinutes));
  const totalWeight = weights.reduce((a, w) => a.plus(w), new Decimal(0));
  const useWeights = totalWeight.gt(0);
  let acc = new Decimal(0);
  ops.forEach((o, i) => {
    const f = fraction(dec(o.processed), planned);
    acc = acc.plus(useWeights ? f.times(weights[i]!) : f);
  });
  const share = acc.div(useWeights ? totalWeight : ops.length);
  return share.times(100).toDecimalPlaces(PERCENT_SCALE, Decimal.ROUND_HALF_UP).toFixed(PERCENT_SCALE);
}

export function operationProgress(quantity: string, steps: StepInfo[], totals: Totals): OperationProgress[] {
  const planned = dec(quantity);
  return steps.map((s) => {
    const t = totals.get(s.operationId) ?? { good: "0", defective: "0" };
    const processed = dec(t.good).plus(t.defective);
    return {
      ...s,
      good: dec(t.good).toFixed(),
      defective: dec(t.defective).toFixed(),
      processed: processed.toFixed(),
      remaining: Decimal.max(planned.minus(processed), 0).toFixed(),
      percent: fraction(processed, planned).times(100).toDecimalPlaces(PERCENT_SCALE, Decimal.ROUND_HALF_UP).toFixed(PERCENT_SCALE),
      done: processed.gte(planned),
    };
  });
}

/**
 * Roll operation progress up through the mapping into progress per standard stage: each stage's
 * percentage is the weighted share of its operations; an unmapped stage shows 0 and `mapped: false`.
 */
export function rollUpStages(
  quantity: string,
  ops: OperationProgress[],
  stages: StageRef[],
  entries: { stageId: string; operationId: string }[],
): StageProgress[] {
  const planned = dec(quantity);
  return stages.map((stage) => {
    const opIds = new Set(entries.filter((e) => e.stageId === stage.id).map((e) => e.operationId));
    const mine = ops.filter((o) => opIds.has(o.operationId)).sort((a, b) => a.seq - b.seq);
    const last = mine[mine.length - 1];
    return {
      ...stage,
      operationIds: mine.map((o) => o.operationId),
      mapped: mine.length > 0,
      good: last ? last.good : "0",
      defective: mine.reduce((a, o) => a.plus(o.defective), new Decimal(0)).toFixed(),
      percent: weightedPercent(mine, planned),
    };
  });
}

/** The whole plan: the weighted share of all its operations. */
export function overallPercent(quantity: string, ops: OperationProgress[]): string {
  return weightedPercent(ops, dec(quantity));
}

/** The route's steps in order, with what the rollup needs. */
export async function routeSteps(ctx: OrgScope, routeId: string): Promise<StepInfo[]> {
  const { db, orgId } = ctx;
  return db
    .select({
      operationId: productionOperations.id,
      code: productionOperations.code,
      name: productionOperations.name,
      seq: productionRouteSteps.seq,
      standardMinutes: productionOperations.standardMinutes,
    })
    .from(productionRouteSteps)
    .innerJoin(productionOperations, eq(productionOperations.id, productionRouteSteps.operationId))
    .where(and(eq(productionRouteSteps.orgId, orgId), eq(productionRouteSteps.routeId, routeId)))
    .orderBy(asc(productionRouteSteps.seq));
}

/** Σ good and Σ defective per plan × operation, for one or many plans. */
export async function reportTotals(ctx: OrgScope, planIds: string[]): Promise<Map<string, Totals>> {
  const { db, orgId } = ctx;
  const out = new Map<string, Totals>();
  if (planIds.length === 0) return out;
  const rows = await db
    .select({
      planId: productionWorkReports.planId,
      operationId: productionWorkReports.operationId,
      good: sql<string>`sum(${productionWorkReports.goodQty})::text`,
      defective: sql<string>`sum(${productionWorkReports.defectiveQty})::text`,
    })
    .from(productionWorkReports)
    .where(and(eq(productionWorkReports.orgId, orgId), inArray(productionWorkReports.planId, planIds)))
    .groupBy(productionWorkReports.planId, productionWorkReports.operationId);
  for (const r of rows) {
    let m = out.get(r.planId);
    if (!m) out.set(r.planId, (m = new Map()));
    m.set(r.operationId, { good: r.good, defective: r.defective });
  }
  return out;
}

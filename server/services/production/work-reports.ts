import { and, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { productionOperations, productionPlans, productionWorkReports } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { REPORTABLE_STATUSES, type WorkReportSource } from "@/lib/production/status";
import { WorkReportInput, WorkReportListInput } from "@/lib/validators/production";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, fieldError } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { FieldErrorCollector, parseDecimalField } from "../_lib/precision";
import type { Precision } from "@/lib/precision";
import { merchantSettings } from "../_lib/settings";
import { applyPlanStatus, lockPlan, planProgress, type PlanRow } from "./plans";
import { reportTotals, routeSteps } from "./progress";
import { queueUpstreamReports } from "./upstream";
import { likeContains } from "../_lib/like";
import { recordEvent } from "../_lib/events";

export type WorkReportRow = typeof productionWorkReports.$inferSelect;

/** Quantities at the merchant's precision; all field errors at once. */
export function normalizeWorkReport(raw: z.input<typeof WorkReportInput>, p: Precision) {
  const input = WorkReportInput.parse(raw);
  const errors = new FieldErrorCollector();
  const goodQty = errors.run(() => parseDecimalField(input.goodQty, "goodQty", p, "quantity"));
  const defectiveQty = errors.run(() => parseDecimalField(input.defectiveQty, "defectiveQty", p, "quantity"));
  errors.throwIfAny();
  if (dec(goodQty!).plus(defectiveQty!).lte(0)) throw fieldError("goodQty", "reportQtyZero");
  return { ...input, goodQty: goodQty!, defectiveQty: defectiveQty!, reportedAt: input.reportedAt ? new Date(input.reportedAt) : null };
}

/**
 * Record work on a plan whose row the caller holds locked: the operation must be on the plan's route,
 * the plan released or in progress, and good + defective may not take the operation past the planned
 * quantity unless the report says so explicitly with a reason (the override is kept on the report and
 * in the plan's timeline). The first report starts a released plan; the report that brings the route's
 * last operation to the full quantity completes it. Upstream reports are queued in the same
 * transaction.
 */
export async function recordOnLockedPlan(
  ctx: ServiceContext,
  plan: PlanRow,
  input: ReturnType<typeof normalizeWorkReport>,
  source: WorkReportSource,
): Promise<{ report: WorkReportRow; plan: PlanRow }> {
  if (!REPORTABLE_STATUSES.includes(plan.status)) {
    throw new DomainError("CONFLICT", { key: "planNotReportable", params: { planNo: plan.planNo, status: plan.status } }, { details: { status: plan.status } });
  }
  const steps = await routeSteps(ctx, plan.routeId);
  const step = steps.find((s) => s.operationId === input.operationId);
  if (!step) throw fieldError("operationId", "operationNotInRoute");
  const totals = (await reportTotals(ctx, [plan.id])).get(plan.id)?.get(step.operationId) ?? { good: "0", defective: "0" };
  const already = dec(totals.good).plus(totals.defective);
  const after = already.plus(input.goodQty).plus(input.defectiveQty);
  const over = after.gt(plan.quantity);
  if (over && !input.override) {
    const remaining = dec(plan.quantity).minus(already);
    throw new DomainError(
      "VALIDATION",
      { key: "overReported", params: { planned: dec(plan.quantity).toFixed(), reported: already.toFixed(), remaining: remaining.lt(0) ? "0" : remaining.toFixed() } },
      {
        fieldErrors: {
          goodQty: { key: "overReported", params: { planned: dec(plan.quantity).toFixed(), reported: already.toFixed(), remaining: remaining.lt(0) ? "0" : remaining.toFixed() } },
        },
        details: { planned: plan.quantity, reported: already.toFixed(), remaining: remaining.toFixed() },
      },
    );
  }
  const [report] = await ctx.db
    .insert(productionWorkReports)
    .values({
      orgId: ctx.orgId,
      planId: plan.id,
      operationId: step.operationId,
      goodQty: input.goodQty,
      defectiveQty: input.defectiveQty,
      operator: input.operator,
      reportedAt: input.reportedAt ?? new Date(),
      overrideReason: over ? input.overrideReason : null,
      remark: input.remark,
      source,
      createdBy: actorUserId(ctx),
    })
    .returning();
  if (over) {
    await recordEvent(ctx, "productionPlan", plan.id, { type: "overReported", reason: input.overrideReason, details: { operation: step.code, planned: plan.quantity, reportedBefore: already.toFixed(), reportedAfter: after.toFixed() } });
  }
  let current = plan;
  if (current.status === "released") current = await applyPlanStatus(ctx, current, "start", null);
  const last = steps[steps.length - 1]!;
  if (last.operationId === step.operationId && after.gte(plan.quantity) && current.status === "in_progress") {
    current = await applyPlanStatus(ctx, current, "complete", null);
  }
  await queueUpstreamReports(ctx, current);
  return { report: report!, plan: current };
}

/** One work report (quick entry page, API): returns the report and the plan's new progress. */
export async function recordWorkReport(ctx: ServiceContext, raw: z.input<typeof WorkReportInput>, source: WorkReportSource = "manual") {
  return inTransaction(ctx, async (ctx) => {
    const input = normalizeWorkReport(raw, await merchantSettings(ctx));
    // The plan row lock serialises reports of one plan, so two tablets cannot both take the last units.
    const plan = await lockPlan(ctx, input.planId);
    const { report, plan: after } = await recordOnLockedPlan(ctx, plan, input, source);
    return { report, plan: after, progress: await planProgress(ctx, after) };
  });
}

export async function listWorkReports(ctx: ServiceContext, raw: z.input<typeof WorkReportListInput>) {
  const input = WorkReportListInput.parse(raw);
  const search: SQL | undefined = input.search
    ? or(
        ilike(productionWorkReports.operator, likeContains(input.search)),
        ilike(productionPlans.planNo, likeContains(input.search)),
        ilike(productionOperations.code, likeContains(input.search)),
      )
    : undefined;
  const filters = and(
    eq(productionWorkReports.orgId, ctx.orgId),
    input.planId ? eq(productionWorkReports.planId, input.planId) : undefined,
    search,
  );
  const rows = await ctx.db
    .select({
      report: productionWorkReports,
      planNo: productionPlans.planNo,
      operationCode: productionOperations.code,
      operationName: productionOperations.name,
      sortKey: sql<string>`${productionWorkReports.createdAt}::text`,
    })
    .from(productionWorkReports)
    .innerJoin(productionPlans, eq(productionPlans.id, productionWorkReports.planId))
    .innerJoin(productionOperations, eq(productionOperations.id, productionWorkReports.operationId))
    .where(and(filters, afterCursor(productionWorkReports.createdAt, productionWorkReports.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(productionWorkReports.createdAt, productionWorkReports.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r.report, planNo: r.planNo, operationCode: r.operationCode, operationName: r.operationName, sortKey: r.sortKey })),
    input.limit,
    (r) => r.sortKey,
  );
  const total = await countCapped(ctx, sql`${productionWorkReports}
             join ${productionPlans} on ${productionPlans.id} = ${productionWorkReports.planId}
             join ${productionOperations} on ${productionOperations.id} = ${productionWorkReports.operationId}`, filters);
  return { ...page, total };
}

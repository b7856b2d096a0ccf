import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { orderLines, orders, productionPlanEvents, productionPlanOrderLines, productionPlans, productionRoutes } from "@/db/schema";
import { REPORTABLE_STATUSES } from "@/lib/production/status";
import { LinkableLinesInput, PlanListInput } from "@/lib/validators/production";
import type { ServiceContext } from "@/server/context";
import { notFound } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { likeContains } from "../_lib/like";
import { enabledStages, mappedProgrammesOf, mappingState, stageOperations } from "./mapping";
import { operationProgress, overallPercent, reportTotals, rollUpStages, routeSteps } from "./progress";

/** Reads of production plans: list, detail, progress, linkable order lines, an order's production. */

type PlanRow = typeof productionPlans.$inferSelect;

function searchCondition(ctx: ServiceContext, search?: string): SQL | undefined {
  if (!search) return undefined;
  const term = likeContains(search);
  return or(
    ilike(productionPlans.planNo, term),
    ilike(productionPlans.sku, term),
    ilike(productionPlans.productName, term),
    sql`exists (select 1 from ${productionPlanOrderLines} l join ${orders} o on o.id = l.order_id
                 where l.org_id = ${ctx.orgId} and l.plan_id = ${productionPlans.id} and o.order_no ilike ${term})`,
  );
}

const SORTS = {
  created: { col: productionPlans.createdAt, text: sql<string>`${productionPlans.createdAt}::text` },
  planNo: { col: productionPlans.planNo, text: sql<string>`${productionPlans.planNo}` },
  plannedEnd: {
    col: sql`coalesce(${productionPlans.plannedEnd}, '9999-12-31'::date)`,
    text: sql<string>`coalesce(${productionPlans.plannedEnd}, '9999-12-31'::date)::text`,
  },
} as const;

/** Plans with their route, linked order numbers and overall progress; keyset pages, capped count. */
export async function listPlans(ctx: ServiceContext, raw: z.input<typeof PlanListInput>) {
  const input = PlanListInput.parse(raw);
  const sort = SORTS[input.sort];
  const filters = and(
    eq(productionPlans.orgId, ctx.orgId),
    searchCondition(ctx, input.search),
    input.status ? eq(productionPlans.status, input.status) : undefined,
    input.reportable ? inArray(productionPlans.status, [...REPORTABLE_STATUSES]) : undefined,
    input.routeId ? eq(productionPlans.routeId, input.routeId) : undefined,
  );
  const rows = await ctx.db
    .select({
      plan: productionPlans,
      sortKey: sort.text,
      routeCode: productionRoutes.code,
      routeName: productionRoutes.name,
      orderNos: sql<string[]>`coalesce((select array_agg(distinct o.order_no) from ${productionPlanOrderLines} l join ${orders} o on o.id = l.order_id
                                        where l.org_id = production_plans.org_id and l.plan_id = production_plans.id), '{}')`,
    })
    .from(productionPlans)
    .innerJoin(productionRoutes, eq(productionRoutes.id, productionPlans.routeId))
    .where(and(filters, afterCursor(sort.col, productionPlans.id, input.dir, decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(sort.col, productionPlans.id, input.dir))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r.plan, routeCode: r.routeCode, routeName: r.routeName, orderNos: r.orderNos, sortKey: r.sortKey })),
    input.limit,
    (r) => r.sortKey,
  );
  const totals = await reportTotals(ctx, page.items.map((p) => p.id));
  const stepsByRoute = new Map<string, Awaited<ReturnType<typeof routeSteps>>>();
  for (const routeId of new Set(page.items.map((p) => p.routeId))) stepsByRoute.set(routeId, await routeSteps(ctx, routeId));
  const total = await countCapped(ctx, productionPlans, filters);
  return {
    ...page,
    items: page.items.map((p) => ({
      ...p,
      percent: overallPercent(p.quantity, operationProgress(p.quantity, stepsByRoute.get(p.routeId) ?? [], totals.get(p.id) ?? new Map())),
    })),
    total: total,
  };
}

/** Progress of one plan: per operation, overall, and per standard stage of each programme it maps to. */
export async function planProgress(ctx: ServiceContext, plan: Pick<PlanRow, "id" | "quantity" | "routeId">) {
  const steps = await routeSteps(ctx, plan.routeId);
  const totals = (await reportTotals(ctx, [plan.id])).get(plan.id) ?? new Map();
  const operations = operationProgress(plan.quantity, steps, totals);
  const programmes = [];
  for (const p of await mappedProgrammesOf(ctx, plan.routeId)) {
    const stages = await enabledStages(ctx, p.programmeId);
    const entries = await stageOperations(ctx, plan.routeId, p.programmeId);
    const state = await mappingState(ctx, plan.routeId, p.programmeId);
    programmes.push({
      programmeId: p.programmeId,
      name: p.name,
      enabled: p.enabled,
      mapping: state,
      stages: rollUpStages(plan.quantity, operations, stages, entries),
    });
  }
  return { operations, percent: overallPercent(plan.quantity, operations), programmes };
}

export async function getPlan(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db
    .select({ plan: productionPlans, routeCode: productionRoutes.code, routeName: productionRoutes.name })
    .from(productionPlans)
    .innerJoin(productionRoutes, eq(productionRoutes.id, productionPlans.routeId))
    .where(and(eq(productionPlans.id, id), eq(productionPlans.orgId, ctx.orgId)));
  if (!row) throw notFound("plan");
  const plan = row.plan;
  const links = await ctx.db
    .select({
      orderLineId: productionPlanOrderLines.orderLineId,
      orderId: orders.id,
      orderNo: orders.orderNo,
      orderStatus: orders.status,
      lineNo: orderLines.lineNo,
      sku: orderLines.sku,
      quantity: orderLines.quantity,
    })
    .from(productionPlanOrderLines)
    .innerJoin(orders, eq(orders.id, productionPlanOrderLines.orderId))
    .innerJoin(orderLines, eq(orderLines.id, productionPlanOrderLines.orderLineId))
    .where(and(eq(productionPlanOrderLines.orgId, ctx.orgId), eq(productionPlanOrderLines.planId, plan.id)))
    .orderBy(asc(orders.orderNo), asc(orderLines.lineNo));
  const events = await ctx.db
    .select()
    .from(productionPlanEvents)
    .where(and(eq(productionPlanEvents.orgId, ctx.orgId), eq(productionPlanEvents.planId, plan.id)))
    .orderBy(desc(productionPlanEvents.createdAt), desc(productionPlanEvents.id))
    .limit(100);
  return { ...plan, routeCode: row.routeCode, routeName: row.routeName, links, events, progress: await planProgress(ctx, plan) };
}

/** Order lines of the plan's product in orders that can be scheduled, for the "link orders" picker. */
export async function findLinkableOrderLines(ctx: ServiceContext, raw: z.input<typeof LinkableLinesInput>) {
  const input = LinkableLinesInput.parse(raw);
  const [plan] = await ctx.db
    .select({ id: productionPlans.id, productId: productionPlans.productId })
    .from(productionPlans)
    .where(and(eq(productionPlans.id, input.planId), eq(productionPlans.orgId, ctx.orgId)));
  if (!plan) throw notFound("plan");
  return ctx.db
    .select({
      orderLineId: orderLines.id,
      orderId: orders.id,
      orderNo: orders.orderNo,
      orderStatus: orders.status,
      buyerCompany: orders.buyerCompany,
      deliveryDate: orders.deliveryDate,
      lineNo: orderLines.lineNo,
      sku: orderLines.sku,
      quantity: orderLines.quantity,
    })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(
      and(
        eq(orderLines.orgId, ctx.orgId),
        eq(orders.orgId, ctx.orgId),
        eq(orderLines.productId, plan.productId),
        inArray(orders.status, ["stock_up", "scheduled"]),
        input.search ? ilike(orders.orderNo, likeContains(input.search)) : undefined,
        sql`not exists (select 1 from ${productionPlanOrderLines} l where l.org_id = ${ctx.orgId} and l.plan_id = ${plan.id} and l.order_line_id = ${orderLines.id})`,
      ),
    )
    .orderBy(desc(orders.createdAt), asc(orderLines.lineNo))
    .limit(30);
}

/** Production of one order, for the order page: each linked plan with its progress per stage. */
export async function orderProduction(ctx: ServiceContext, orderId: string) {
  const [order] = await ctx.db
    .select({ id: orders.id, orderNo: orders.orderNo, status: orders.status })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.orgId, ctx.orgId)));
  if (!order) throw notFound("order");
  const plans = await ctx.db
    .selectDistinct({ plan: productionPlans, routeCode: productionRoutes.code, routeName: productionRoutes.name })
    .from(productionPlanOrderLines)
    .innerJoin(productionPlans, eq(productionPlans.id, productionPlanOrderLines.planId))
    .innerJoin(productionRoutes, eq(productionRoutes.id, productionPlans.routeId))
    .where(and(eq(productionPlanOrderLines.orgId, ctx.orgId), eq(productionPlanOrderLines.orderId, order.id)));
  const out = [];
  for (const p of plans.sort((a, b) => a.plan.planNo.localeCompare(b.plan.planNo))) {
    out.push({
      id: p.plan.id,
      planNo: p.plan.planNo,
      status: p.plan.status,
      sku: p.plan.sku,
      productName: p.plan.productName,
      quantity: p.plan.quantity,
      plannedEnd: p.plan.plannedEnd,
      routeCode: p.routeCode,
      routeName: p.routeName,
      progress: await planProgress(ctx, p.plan),
    });
  }
  return { order, plans: out };
}

import { and, asc, count, desc, eq, ilike, inArray, ne, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { DbExecutor } from "@/db";
import {
  orderLines,
  orders,
  organizations,
  productionPlanEvents,
  productionPlanOrderLines,
  productionPlans,
  productionRoutes,
  products,
} from "@/db/schema";
import { LIVE_PLAN_STATUSES, nextPlanStatus, REPORTABLE_STATUSES, type PlanAction, type PlanStatus } from "@/lib/production/status";
import { LinkableLinesInput, PlanInput, PlanLinkInput, PlanListInput, PlanTransitionInput } from "@/lib/validators/production";
import { actorLabel, actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { conflict, DomainError, fieldError, isUniqueViolation, notFound } from "@/server/errors";
import { afterCursor, cappedCount, COUNT_CAP, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { parseDecimalField, type Precision } from "../_lib/precision";
import { transitionOrder } from "../orders/transitions";
import { enabledStages, mappedProgrammesOf, mappingState, stageOperations } from "./mapping";
import { operationProgress, overallPercent, reportTotals, rollUpStages, routeSteps } from "./progress";
import { routesOfProducts } from "./routes";
import { queueUpstreamReports } from "./upstream";

export type PlanRow = typeof productionPlans.$inferSelect;

export type PlanSettings = Precision & { timezone: string };

export async function planSettings(db: DbExecutor, orgId: string): Promise<PlanSettings> {
  const [row] = await db
    .select({
      amountDecimals: organizations.amountDecimals,
      priceDecimals: organizations.priceDecimals,
      quantityDecimals: organizations.quantityDecimals,
      timezone: organizations.timezone,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!row) throw notFound("organization");
  return row;
}

/**
 * Next plan number `PP-YYMMDD-00001`: the day in the merchant's time zone, the counter per merchant and
 * day in `number_sequences`. The upsert's row lock makes concurrent callers take turns.
 */
export async function nextPlanNo(db: DbExecutor, orgId: string): Promise<string> {
  const rows = await db.execute<{ period: string; value: number }>(sql`
    insert into number_sequences (org_id, name, period, value)
    select ${orgId}, 'production_plan', to_char(now() at time zone o.timezone, 'YYMMDD'), 1
      from organizations o where o.id = ${orgId}
    on conflict (org_id, name, period) do update set value = number_sequences.value + 1
    returning period, value`);
  const row = (rows as unknown as { period: string; value: number }[])[0];
  if (!row) throw notFound("organization");
  return `PP-${row.period}-${String(row.value).padStart(5, "0")}`;
}

export async function recordPlanEvent(
  ctx: ServiceContext,
  e: { planId: string; type: string; fromStatus?: PlanStatus | null; toStatus?: PlanStatus | null; reason?: string | null; details?: Record<string, unknown> | null },
) {
  await ctx.db.insert(productionPlanEvents).values({
    orgId: ctx.orgId,
    planId: e.planId,
    type: e.type,
    fromStatus: e.fromStatus ?? null,
    toStatus: e.toStatus ?? null,
    reason: e.reason ?? null,
    details: e.details ?? null,
    actorUserId: actorUserId(ctx),
    actorLabel: actorLabel(ctx),
  });
}

export async function lockPlan(ctx: ServiceContext, planId: string): Promise<PlanRow> {
  const [row] = await ctx.db
    .select()
    .from(productionPlans)
    .where(and(eq(productionPlans.id, planId), eq(productionPlans.orgId, ctx.orgId)))
    .for("update");
  if (!row) throw notFound("plan");
  return row;
}

/** Move a plan through the transition table and write its timeline event (row already locked). */
export async function applyPlanStatus(ctx: ServiceContext, plan: PlanRow, action: PlanAction, reason: string | null): Promise<PlanRow> {
  const to = nextPlanStatus(action, plan.status);
  if (!to) {
    throw new DomainError(
      "INVALID_TRANSITION",
      { key: "planInvalidTransition", params: { planNo: plan.planNo, action, from: plan.status } },
      { details: { from: plan.status, action, planNo: plan.planNo } },
    );
  }
  const now = new Date();
  const patch: Partial<typeof productionPlans.$inferInsert> = { status: to, statusReason: reason };
  if (to === "released") patch.releasedAt = now;
  if (to === "in_progress") patch.startedAt = now;
  if (to === "completed") patch.completedAt = now;
  if (to === "cancelled") patch.cancelledAt = now;
  const [row] = await ctx.db
    .update(productionPlans)
    .set(patch)
    .where(and(eq(productionPlans.id, plan.id), eq(productionPlans.orgId, ctx.orgId), eq(productionPlans.status, plan.status)))
    .returning();
  if (!row) throw new DomainError("CONFLICT", { key: "planChanged" });
  await recordPlanEvent(ctx, { planId: plan.id, type: action, fromStatus: plan.status, toStatus: to, reason });
  return row;
}

export type ResolvedPlan = {
  planNo: string | null;
  productId: string;
  sku: string;
  productName: string;
  quantity: string;
  routeId: string;
  plannedStart: string | null;
  plannedEnd: string | null;
  workCentre: string;
  remark: string;
};

/**
 * Check a plan's content against the merchant's data: the SKU is a known, enabled product; the route
 * (given, or else the product's assigned route) is the merchant's and enabled; the quantity fits the
 * merchant's precision. Field errors name the field.
 */
export async function resolvePlanContent(
  ctx: ServiceContext,
  input: Pick<z.output<typeof PlanInput>, "planNo" | "sku" | "quantity" | "routeId" | "plannedStart" | "plannedEnd" | "workCentre" | "remark">,
  precision: Precision,
): Promise<ResolvedPlan> {
  const [product] = await ctx.db
    .select({ id: products.id, sku: products.sku, name: products.name, spec: products.spec, enabled: products.enabled })
    .from(products)
    .where(and(eq(products.orgId, ctx.orgId), eq(products.sku, input.sku)));
  if (!product) throw fieldError("sku", "skuUnknown", { sku: input.sku });
  if (!product.enabled) throw fieldError("sku", "planProductDisabled", { sku: input.sku });
  const quantity = parseDecimalField(input.quantity, "quantity", precision, "quantity", { positive: true });
  let routeId = input.routeId ?? null;
  if (!routeId) {
    routeId = (await routesOfProducts(ctx, [product.id])).get(product.id) ?? null;
    if (!routeId) throw fieldError("routeId", "productHasNoRoute", { sku: product.sku });
  }
  const [route] = await ctx.db
    .select({ id: productionRoutes.id, enabled: productionRoutes.enabled, code: productionRoutes.code })
    .from(productionRoutes)
    .where(and(eq(productionRoutes.id, routeId), eq(productionRoutes.orgId, ctx.orgId)));
  if (!route) throw fieldError("routeId", "routeUnknown");
  if (!route.enabled) throw fieldError("routeId", "routeDisabled", { code: route.code });
  return {
    planNo: input.planNo || null,
    productId: product.id,
    sku: product.sku,
    productName: [product.name, product.spec].filter(Boolean).join(" "),
    quantity,
    routeId: route.id,
    plannedStart: input.plannedStart,
    plannedEnd: input.plannedEnd,
    workCentre: input.workCentre,
    remark: input.remark,
  };
}

/** Insert a resolved plan (number from the sequence when none is given) and its "created" event. */
export async function insertPlan(ctx: ServiceContext, p: ResolvedPlan): Promise<PlanRow> {
  const planNo = p.planNo ?? (await nextPlanNo(ctx.db, ctx.orgId));
  try {
    const [row] = await ctx.db
      .insert(productionPlans)
      .values({
        orgId: ctx.orgId,
        planNo,
        productId: p.productId,
        sku: p.sku,
        productName: p.productName,
        quantity: p.quantity,
        routeId: p.routeId,
        plannedStart: p.plannedStart,
        plannedEnd: p.plannedEnd,
        workCentre: p.workCentre,
        remark: p.remark,
        createdBy: actorUserId(ctx),
      })
      .returning();
    await recordPlanEvent(ctx, { planId: row!.id, type: "created", toStatus: "planned" });
    return row!;
  } catch (e) {
    if (isUniqueViolation(e, "production_plans_org_no_uq")) throw conflict("planNo", "planNoTaken", { planNo });
    throw e;
  }
}

/** Create a plan by hand, optionally linked to order lines at once (one transaction). */
export async function createPlan(ctx: ServiceContext, raw: z.input<typeof PlanInput>) {
  const input = PlanInput.parse(raw);
  return inTransaction(ctx, async (tx) => {
    const resolved = await resolvePlanContent(tx, input, await planSettings(tx.db, ctx.orgId));
    const plan = await insertPlan(tx, resolved);
    if (input.orderLineIds.length) await linkLines(tx, plan, input.orderLineIds);
    return plan;
  });
}

const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (c) => "\\" + c)}%`;

function searchCondition(ctx: ServiceContext, search?: string): SQL | undefined {
  if (!search) return undefined;
  const term = escapeLike(search);
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
  const totals = await reportTotals(ctx.db, ctx.orgId, page.items.map((p) => p.id));
  const stepsByRoute = new Map<string, Awaited<ReturnType<typeof routeSteps>>>();
  for (const routeId of new Set(page.items.map((p) => p.routeId))) stepsByRoute.set(routeId, await routeSteps(ctx.db, ctx.orgId, routeId));
  const [total] = await ctx.db
    .select({ n: count() })
    .from(sql`(select 1 from ${productionPlans} where ${filters} limit ${COUNT_CAP + 1}) as capped`);
  return {
    ...page,
    items: page.items.map((p) => ({
      ...p,
      percent: overallPercent(p.quantity, operationProgress(p.quantity, stepsByRoute.get(p.routeId) ?? [], totals.get(p.id) ?? new Map())),
    })),
    total: cappedCount(total?.n ?? 0),
  };
}

/** Progress of one plan: per operation, overall, and per standard stage of each programme it maps to. */
export async function planProgress(ctx: ServiceContext, plan: Pick<PlanRow, "id" | "quantity" | "routeId">) {
  const steps = await routeSteps(ctx.db, ctx.orgId, plan.routeId);
  const totals = (await reportTotals(ctx.db, ctx.orgId, [plan.id])).get(plan.id) ?? new Map();
  const operations = operationProgress(plan.quantity, steps, totals);
  const programmes = [];
  for (const p of await mappedProgrammesOf(ctx.db, ctx.orgId, plan.routeId)) {
    const stages = await enabledStages(ctx.db, ctx.orgId, p.programmeId);
    const entries = await stageOperations(ctx.db, ctx.orgId, plan.routeId, p.programmeId);
    const state = await mappingState(ctx.db, ctx.orgId, plan.routeId, p.programmeId);
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

/**
 * Orders whose last live plan link is gone go back from scheduled to stock_up. The caller holds the
 * order rows locked (lockOrders), so a concurrent link cannot slip between the count and the change.
 */
async function reconcileOrders(ctx: ServiceContext, lockedOrders: OrderLock[], reason: string) {
  for (const o of lockedOrders) {
    const [live] = await ctx.db
      .select({ n: count() })
      .from(productionPlanOrderLines)
      .innerJoin(productionPlans, eq(productionPlans.id, productionPlanOrderLines.planId))
      .where(
        and(
          eq(productionPlanOrderLines.orgId, ctx.orgId),
          eq(productionPlanOrderLines.orderId, o.id),
          inArray(productionPlans.status, [...LIVE_PLAN_STATUSES]),
        ),
      );
    if ((live?.n ?? 0) > 0) continue;
    if (o.status === "scheduled") await transitionOrder(ctx, { orderId: o.id, action: "unschedule", reason });
  }
}

type OrderLock = { id: string; orderNo: string; status: string; statusBeforeFreeze: string | null };

/** Lock orders in id order (the same order everywhere, so two plans never deadlock on them). */
async function lockOrders(ctx: ServiceContext, orderIds: string[]): Promise<OrderLock[]> {
  if (orderIds.length === 0) return [];
  return ctx.db
    .select({ id: orders.id, orderNo: orders.orderNo, status: orders.status, statusBeforeFreeze: orders.statusBeforeFreeze })
    .from(orders)
    .where(and(eq(orders.orgId, ctx.orgId), inArray(orders.id, orderIds)))
    .orderBy(asc(orders.id))
    .for("update");
}

/** Order statuses a plan can be linked in: approved (备货中) or already scheduled (已排产). */
const LINKABLE_ORDER_STATUSES = ["stock_up", "scheduled"];

/**
 * Link order lines of the plan's product to the plan; each order still in stock_up becomes scheduled
 * (已排产) through the order transition table, which from then on refuses to close it.
 */
export async function linkLines(ctx: ServiceContext, plan: PlanRow, orderLineIds: string[]) {
  if (plan.status === "cancelled") throw new DomainError("CONFLICT", { key: "planCancelled", params: { planNo: plan.planNo } });
  const ids = [...new Set(orderLineIds)];
  const lines = await ctx.db
    .select({ id: orderLines.id, orderId: orderLines.orderId, productId: orderLines.productId, sku: orderLines.sku })
    .from(orderLines)
    .where(and(eq(orderLines.orgId, ctx.orgId), inArray(orderLines.id, ids)));
  if (lines.length !== ids.length) throw notFound("orderLine");
  const locked = await lockOrders(ctx, [...new Set(lines.map((l) => l.orderId))]);
  const byId = new Map(locked.map((o) => [o.id, o]));
  for (const [i, line] of lines.entries()) {
    const order = byId.get(line.orderId)!;
    if (line.productId !== plan.productId) {
      throw fieldError(`orderLineIds.${i}`, "lineSkuMismatch", { orderNo: order.orderNo, sku: line.sku, planSku: plan.sku });
    }
  }
  for (const o of locked) {
    if (!LINKABLE_ORDER_STATUSES.includes(o.status)) {
      throw new DomainError("CONFLICT", { key: "orderNotSchedulable", params: { orderNo: o.orderNo, status: o.status } }, { details: { orderNo: o.orderNo, status: o.status } });
    }
  }
  const inserted = await ctx.db
    .insert(productionPlanOrderLines)
    .values(lines.map((l) => ({ orgId: ctx.orgId, planId: plan.id, orderId: l.orderId, orderLineId: l.id })))
    .onConflictDoNothing()
    .returning({ orderId: productionPlanOrderLines.orderId });
  for (const o of locked) {
    if (o.status === "stock_up") await transitionOrder(ctx, { orderId: o.id, action: "schedule", reason: `生产计划 ${plan.planNo}` });
  }
  if (inserted.length) {
    const nos = [...new Set(inserted.map((r) => byId.get(r.orderId)!.orderNo))];
    await recordPlanEvent(ctx, { planId: plan.id, type: "linked", details: { orderNos: nos, lines: inserted.length } });
  }
}

export async function linkOrderLines(ctx: ServiceContext, raw: z.input<typeof PlanLinkInput>) {
  const input = PlanLinkInput.parse(raw);
  return inTransaction(ctx, async (tx) => {
    const plan = await lockPlan(tx, input.planId);
    await linkLines(tx, plan, input.orderLineIds);
    return getPlan(tx, plan.id);
  });
}

/**
 * Refuse to take the last live plan away from a frozen order: it would come back from the freeze as
 * scheduled with nothing scheduled. Unfreeze first.
 */
function assertCanLoseSchedule(o: OrderLock) {
  if (o.status === "frozen" && o.statusBeforeFreeze === "scheduled") {
    throw new DomainError("CONFLICT", { key: "orderFrozenScheduled", params: { orderNo: o.orderNo } });
  }
}

async function liveLinkCountExcept(ctx: ServiceContext, orderId: string, planId: string, exceptLineIds: string[] | null) {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(productionPlanOrderLines)
    .innerJoin(productionPlans, eq(productionPlans.id, productionPlanOrderLines.planId))
    .where(
      and(
        eq(productionPlanOrderLines.orgId, ctx.orgId),
        eq(productionPlanOrderLines.orderId, orderId),
        inArray(productionPlans.status, [...LIVE_PLAN_STATUSES]),
        exceptLineIds
          ? or(ne(productionPlanOrderLines.planId, planId), notInArray(productionPlanOrderLines.orderLineId, exceptLineIds))
          : ne(productionPlanOrderLines.planId, planId),
      ),
    );
  return row?.n ?? 0;
}

/** Unlink order lines; an order left without a live plan goes back to stock_up (备货中). */
export async function unlinkOrderLines(ctx: ServiceContext, raw: z.input<typeof PlanLinkInput>) {
  const input = PlanLinkInput.parse(raw);
  return inTransaction(ctx, async (tx) => {
    const plan = await lockPlan(tx, input.planId);
    const links = await tx.db
      .select({ orderLineId: productionPlanOrderLines.orderLineId, orderId: productionPlanOrderLines.orderId })
      .from(productionPlanOrderLines)
      .where(
        and(
          eq(productionPlanOrderLines.orgId, ctx.orgId),
          eq(productionPlanOrderLines.planId, plan.id),
          inArray(productionPlanOrderLines.orderLineId, input.orderLineIds),
        ),
      );
    if (links.length === 0) throw notFound("planLink");
    const locked = await lockOrders(tx, [...new Set(links.map((l) => l.orderId))]);
    for (const o of locked) {
      if ((await liveLinkCountExcept(tx, o.id, plan.id, links.map((l) => l.orderLineId))) === 0) assertCanLoseSchedule(o);
    }
    await tx.db.delete(productionPlanOrderLines).where(
      and(
        eq(productionPlanOrderLines.orgId, ctx.orgId),
        eq(productionPlanOrderLines.planId, plan.id),
        inArray(
          productionPlanOrderLines.orderLineId,
          links.map((l) => l.orderLineId),
        ),
      ),
    );
    await recordPlanEvent(tx, { planId: plan.id, type: "unlinked", details: { orderNos: locked.map((o) => o.orderNo), lines: links.length } });
    await reconcileOrders(tx, locked, `生产计划 ${plan.planNo} 取消关联`);
    return getPlan(tx, plan.id);
  });
}

/** release (planned → released) or cancel (→ cancelled, with a reason; its orders are unscheduled). */
export async function transitionPlan(ctx: ServiceContext, raw: z.input<typeof PlanTransitionInput>) {
  const input = PlanTransitionInput.parse(raw);
  return inTransaction(ctx, async (tx) => {
    const plan = await lockPlan(tx, input.id);
    if (input.action === "cancel") {
      const linked = await tx.db
        .selectDistinct({ orderId: productionPlanOrderLines.orderId })
        .from(productionPlanOrderLines)
        .where(and(eq(productionPlanOrderLines.orgId, ctx.orgId), eq(productionPlanOrderLines.planId, plan.id)));
      const locked = await lockOrders(tx, linked.map((l) => l.orderId));
      for (const o of locked) if ((await liveLinkCountExcept(tx, o.id, plan.id, null)) === 0) assertCanLoseSchedule(o);
      const row = await applyPlanStatus(tx, plan, "cancel", input.reason);
      await reconcileOrders(tx, locked, `生产计划 ${plan.planNo} 已取消`);
      await queueUpstreamReports(tx, row);
      return row;
    }
    return applyPlanStatus(tx, plan, input.action, input.reason || null);
  });
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
        input.search ? ilike(orders.orderNo, escapeLike(input.search)) : undefined,
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

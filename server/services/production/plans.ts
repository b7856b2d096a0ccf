import { and, asc, count, eq, inArray, ne, notInArray, or } from "drizzle-orm";
import type { z } from "zod";
import {
  orderLines,
  orders,
  productionPlanOrderLines,
  productionPlans,
  productionRoutes,
  products,
} from "@/db/schema";
import { LIVE_PLAN_STATUSES, nextPlanStatus, type PlanAction } from "@/lib/production/status";
import { PlanInput, PlanLinkInput, PlanTransitionInput } from "@/lib/validators/production";
import { actorUserId, inTransaction, type ServiceContext, type TxContext } from "@/server/context";
import { conflict, DomainError, fieldError, isUniqueViolation, notFound } from "@/server/errors";
import { parseDecimalField } from "../_lib/precision";
import type { Precision } from "@/lib/precision";
import { merchantSettings } from "../_lib/settings";
import { transitionOrder } from "../orders/transitions";
import { routesOfProducts } from "./routes";
import { queueUpstreamReports } from "./upstream";
import { nextNumber } from "../_lib/numbers";
import { recordEvent } from "../_lib/events";
import { getPlan } from "./plan-queries";

export type PlanRow = typeof productionPlans.$inferSelect;

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
  await recordEvent(ctx, "productionPlan", plan.id, { type: action, from: plan.status, to: to, reason });
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
export async function insertPlan(ctx: TxContext, p: ResolvedPlan): Promise<PlanRow> {
  const planNo = p.planNo ?? (await nextNumber(ctx, "productionPlan"));
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
    await recordEvent(ctx, "productionPlan", row!.id, { type: "created", to: "planned" });
    return row!;
  } catch (e) {
    if (isUniqueViolation(e, "production_plans_org_no_uq")) throw conflict("planNo", "planNoTaken", { planNo });
    throw e;
  }
}

/** Create a plan by hand, optionally linked to order lines at once (one transaction). */
export async function createPlan(ctx: ServiceContext, raw: z.input<typeof PlanInput>) {
  const input = PlanInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const resolved = await resolvePlanContent(ctx, input, await merchantSettings(ctx));
    const plan = await insertPlan(ctx, resolved);
    if (input.orderLineIds.length) await linkLines(ctx, plan, input.orderLineIds);
    return plan;
  });
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
    await recordEvent(ctx, "productionPlan", plan.id, { type: "linked", details: { orderNos: nos, lines: inserted.length } });
  }
}

export async function linkOrderLines(ctx: ServiceContext, raw: z.input<typeof PlanLinkInput>) {
  const input = PlanLinkInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const plan = await lockPlan(ctx, input.planId);
    await linkLines(ctx, plan, input.orderLineIds);
    return getPlan(ctx, plan.id);
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
  return inTransaction(ctx, async (ctx) => {
    const plan = await lockPlan(ctx, input.planId);
    const links = await ctx.db
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
    const locked = await lockOrders(ctx, [...new Set(links.map((l) => l.orderId))]);
    for (const o of locked) {
      if ((await liveLinkCountExcept(ctx, o.id, plan.id, links.map((l) => l.orderLineId))) === 0) assertCanLoseSchedule(o);
    }
    await ctx.db.delete(productionPlanOrderLines).where(
      and(
        eq(productionPlanOrderLines.orgId, ctx.orgId),
        eq(productionPlanOrderLines.planId, plan.id),
        inArray(
          productionPlanOrderLines.orderLineId,
          links.map((l) => l.orderLineId),
        ),
      ),
    );
    await recordEvent(ctx, "productionPlan", plan.id, { type: "unlinked", details: { orderNos: locked.map((o) => o.orderNo), lines: links.length } });
    await reconcileOrders(ctx, locked, `生产计划 ${plan.planNo} 取消关联`);
    return getPlan(ctx, plan.id);
  });
}

/** release (planned → released) or cancel (→ cancelled, with a reason; its orders are unscheduled). */
export async function transitionPlan(ctx: ServiceContext, raw: z.input<typeof PlanTransitionInput>) {
  const input = PlanTransitionInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const plan = await lockPlan(ctx, input.id);
    if (input.action === "cancel") {
      const linked = await ctx.db
        .selectDistinct({ orderId: productionPlanOrderLines.orderId })
        .from(productionPlanOrderLines)
        .where(and(eq(productionPlanOrderLines.orgId, ctx.orgId), eq(productionPlanOrderLines.planId, plan.id)));
      const locked = await lockOrders(ctx, linked.map((l) => l.orderId));
      for (const o of locked) if ((await liveLinkCountExcept(ctx, o.id, plan.id, null)) === 0) assertCanLoseSchedule(o);
      const row = await applyPlanStatus(ctx, plan, "cancel", input.reason);
      await reconcileOrders(ctx, locked, `生产计划 ${plan.planNo} 已取消`);
      await queueUpstreamReports(ctx, row);
      return row;
    }
    return applyPlanStatus(ctx, plan, input.action, input.reason || null);
  });
}

export { findLinkableOrderLines, getPlan, listPlans, orderProduction, planProgress } from "./plan-queries";

import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { orderEvents, productionPlanEvents } from "@/db/schema";
import { transitionOrder } from "@/server/services/orders/transitions";
import {
  createPlan,
  findLinkableOrderLines,
  getPlan,
  linkOrderLines,
  listPlans,
  orderProduction,
  transitionPlan,
  unlinkOrderLines,
} from "@/server/services/production/plans";
import { copyRoute, getRoute, updateRoute } from "@/server/services/production/routes";
import { recordWorkReport } from "@/server/services/production/work-reports";
import { linesOf } from "@/server/services/orders/internal";
import { closeTestDb, testDb } from "../helpers/db";
import { approvedOrder, factory, orderStatus } from "./production-helpers";

afterAll(closeTestDb);

describe("production plans linked to orders", () => {
  it("linking a plan schedules the order (已排产), which then cannot be closed; unlinking the last plan returns it to stock_up", async () => {
    const f = await factory();
    const order = await approvedOrder(f, [{ sku: "TEE", quantity: "60" }]);
    expect(order.status).toBe("stock_up");
    const [line] = await linesOf(f.ctx, order.id);
    const plan = await createPlan(f.ctx, { sku: "TEE", quantity: "60", orderLineIds: [line!.id] });
    expect(plan.planNo).toMatch(/^PP-\d{6}-\d{5}$/);
    expect(await orderStatus(f.org.orgId, order.id)).toBe("scheduled");

    await expect(transitionOrder(f.ctx, { orderId: order.id, action: "close", reason: "客户取消" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    expect(await orderStatus(f.org.orgId, order.id)).toBe("scheduled");

    // The order's timeline says who scheduled it and why.
    const events = await testDb()
      .select()
      .from(orderEvents)
      .where(and(eq(orderEvents.orgId, f.org.orgId), eq(orderEvents.orderId, order.id), eq(orderEvents.type, "schedule")));
    expect(events[0]!.reason).toContain(plan.planNo);

    await unlinkOrderLines(f.ctx, { planId: plan.id, orderLineIds: [line!.id] });
    expect(await orderStatus(f.org.orgId, order.id)).toBe("stock_up");
    await expect(transitionOrder(f.ctx, { orderId: order.id, action: "close", reason: "客户取消" })).resolves.toMatchObject({ status: "closed" });
  });

  it("an order stays scheduled while any live plan is linked; cancelling the last plan unschedules it", async () => {
    const f = await factory();
    const order = await approvedOrder(f, [
      { sku: "TEE", quantity: "30" },
      { sku: "JEANS", quantity: "10" },
    ]);
    const lines = await linesOf(f.ctx, order.id);
    const tee = lines.find((l) => l.sku === "TEE")!;
    const a = await createPlan(f.ctx, { sku: "TEE", quantity: "20", orderLineIds: [tee.id] });
    const b = await createPlan(f.ctx, { sku: "TEE", quantity: "10" });
    await linkOrderLines(f.ctx, { planId: b.id, orderLineIds: [tee.id] });
    await unlinkOrderLines(f.ctx, { planId: a.id, orderLineIds: [tee.id] });
    expect(await orderStatus(f.org.orgId, order.id)).toBe("scheduled");
    await transitionPlan(f.ctx, { id: b.id, action: "cancel", reason: "面料缺货" });
    expect(await orderStatus(f.org.orgId, order.id)).toBe("stock_up");
    const planEvents = await testDb().select().from(productionPlanEvents).where(eq(productionPlanEvents.planId, b.id));
    expect(planEvents.map((e) => e.type)).toEqual(expect.arrayContaining(["created", "linked", "cancel"]));
    expect(planEvents.find((e) => e.type === "cancel")!.reason).toBe("面料缺货");
  });

  it("refuses lines of another product, orders not approved, and a cancel without a reason", async () => {
    const f = await factory();
    const order = await approvedOrder(f, [{ sku: "JEANS", quantity: "5" }]);
    const [jeans] = await linesOf(f.ctx, order.id);
    const plan = await createPlan(f.ctx, { sku: "TEE", quantity: "5" });
    await expect(linkOrderLines(f.ctx, { planId: plan.id, orderLineIds: [jeans!.id] })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { "orderLineIds.0": { key: "lineSkuMismatch" } },
    });
    const closed = await approvedOrder(f, [{ sku: "TEE", quantity: "5" }]);
    const [closedLine] = await linesOf(f.ctx, closed.id);
    await transitionOrder(f.ctx, { orderId: closed.id, action: "close", reason: "不要了" });
    await expect(linkOrderLines(f.ctx, { planId: plan.id, orderLineIds: [closedLine!.id] })).rejects.toMatchObject({
      code: "CONFLICT",
      messageRef: { key: "orderNotSchedulable" },
    });
    await expect(transitionPlan(f.ctx, { id: plan.id, action: "cancel" })).rejects.toMatchObject({ name: "ZodError" });
    // The picker offers only lines of the plan's product in schedulable orders.
    const open = await approvedOrder(f, [{ sku: "TEE", quantity: "7" }]);
    const offered = await findLinkableOrderLines(f.ctx, { planId: plan.id });
    expect(offered.map((l) => l.orderNo)).toEqual([open.orderNo]);
  });

  it("keeps a frozen scheduled order scheduled: its last plan cannot be unlinked until it is unfrozen", async () => {
    const f = await factory();
    const order = await approvedOrder(f, [{ sku: "TEE", quantity: "5" }]);
    const [line] = await linesOf(f.ctx, order.id);
    const plan = await createPlan(f.ctx, { sku: "TEE", quantity: "5", orderLineIds: [line!.id] });
    await transitionOrder(f.ctx, { orderId: order.id, action: "freeze", reason: "核对地址" });
    await expect(unlinkOrderLines(f.ctx, { planId: plan.id, orderLineIds: [line!.id] })).rejects.toMatchObject({
      messageRef: { key: "orderFrozenScheduled" },
    });
    await transitionOrder(f.ctx, { orderId: order.id, action: "unfreeze" });
    await unlinkOrderLines(f.ctx, { planId: plan.id, orderLineIds: [line!.id] });
    expect(await orderStatus(f.org.orgId, order.id)).toBe("stock_up");
  });

  it("concurrent link and unlink of two plans on one order leave the order's status matching its links", async () => {
    for (let round = 0; round < 5; round++) {
      const f = await factory();
      const order = await approvedOrder(f, [{ sku: "TEE", quantity: "10" }]);
      const [line] = await linesOf(f.ctx, order.id);
      const a = await createPlan(f.ctx, { sku: "TEE", quantity: "10", orderLineIds: [line!.id] });
      const b = await createPlan(f.ctx, { sku: "TEE", quantity: "10" });
      // Separate transactions, truly in parallel: A unlinks (its last link) while B links.
      await Promise.all([
        unlinkOrderLines(f.ctx, { planId: a.id, orderLineIds: [line!.id] }),
        linkOrderLines(f.ctx, { planId: b.id, orderLineIds: [line!.id] }),
      ]);
      expect(await orderStatus(f.org.orgId, order.id)).toBe("scheduled");
      expect((await getPlan(f.ctx, b.id)).links).toHaveLength(1);
    }
  });

  it("lists plans with filters, linked order numbers and progress, and shows an order's production", async () => {
    const f = await factory();
    const order = await approvedOrder(f, [{ sku: "TEE", quantity: "40" }]);
    const [line] = await linesOf(f.ctx, order.id);
    const plan = await createPlan(f.ctx, { planNo: "PP-LIST-1", sku: "TEE", quantity: "40", orderLineIds: [line!.id], plannedEnd: "2030-01-31" });
    await createPlan(f.ctx, { planNo: "PP-LIST-2", sku: "TEE", quantity: "10" });
    await transitionPlan(f.ctx, { id: plan.id, action: "release" });
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "40", operator: "王五" });

    const byOrder = await listPlans(f.ctx, { search: order.orderNo });
    expect(byOrder.items.map((p) => p.planNo)).toEqual(["PP-LIST-1"]);
    expect(byOrder.items[0]!.orderNos).toEqual([order.orderNo]);
    expect(byOrder.items[0]!.status).toBe("in_progress");
    expect(Number(byOrder.items[0]!.percent)).toBeGreaterThan(0);
    expect((await listPlans(f.ctx, { status: "planned" })).items.map((p) => p.planNo)).toEqual(["PP-LIST-2"]);
    const page1 = await listPlans(f.ctx, { limit: 1, sort: "planNo", dir: "asc" });
    const page2 = await listPlans(f.ctx, { limit: 1, sort: "planNo", dir: "asc", cursor: page1.nextCursor });
    expect([page1.items[0]!.planNo, page2.items[0]!.planNo]).toEqual(["PP-LIST-1", "PP-LIST-2"]);
    expect(page1.total).toEqual({ count: 2, capped: false });

    const prod = await orderProduction(f.ctx, order.id);
    expect(prod.plans).toHaveLength(1);
    expect(prod.plans[0]!.progress.operations.find((o) => o.code === "CUT")!.percent).toBe("100.00");
  });

  it("a route in use cannot lose operations that work reports point at; others can go, and copies start unconfirmed", async () => {
    const f = await factory({ map: true });
    const plan = await createPlan(f.ctx, { sku: "TEE", quantity: "10" });
    await transitionPlan(f.ctx, { id: plan.id, action: "release" });
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "3", operator: "王五" });
    const route = await getRoute(f.ctx, f.route.id);
    expect(route.steps.find((s) => s.code === "CUT")!.hasReports).toBe(true);
    const without = (code: string) => route.steps.filter((s) => s.code !== code).map((s) => s.operationId);
    await expect(
      updateRoute(f.ctx, { id: route.id, version: route.version, code: route.code, name: route.name, operationIds: without("CUT"), productIds: [] }),
    ).rejects.toMatchObject({ code: "CONFLICT", messageRef: { key: "operationHasReports", params: { operations: expect.stringContaining("CUT") } } });
    const edited = await updateRoute(f.ctx, { id: route.id, version: route.version, code: route.code, name: "T恤工艺 v2", operationIds: without("IRON"), productIds: [] });
    expect(edited.steps.map((s) => s.code)).not.toContain("IRON");
    expect(edited.version).toBe(route.version + 1);
    // A stale form is refused rather than silently overwriting.
    await expect(
      updateRoute(f.ctx, { id: route.id, version: route.version, code: route.code, name: "old", operationIds: without("IRON"), productIds: [] }),
    ).rejects.toMatchObject({ messageRef: { key: "staleVersion" } });
    const copy = await copyRoute(f.ctx, { id: route.id, code: "TEE-R2", name: "T恤工艺（复制）" });
    expect(copy.steps.map((s) => s.code)).toEqual(edited.steps.map((s) => s.code));
    expect(copy.copiedFromId).toBe(route.id);
    await expect(copyRoute(f.ctx, { id: route.id, code: "TEE-R2", name: "again" })).rejects.toMatchObject({ fieldErrors: { code: { key: "codeTaken" } } });
  });

  it("refuses plans for unknown SKUs, products without a route, disabled routes and quantities beyond the precision", async () => {
    const f = await factory();
    await expect(createPlan(f.ctx, { sku: "NOPE", quantity: "1" })).rejects.toMatchObject({ fieldErrors: { sku: { key: "skuUnknown" } } });
    await expect(createPlan(f.ctx, { sku: "JEANS", quantity: "1" })).rejects.toMatchObject({ fieldErrors: { routeId: { key: "productHasNoRoute" } } });
    await expect(createPlan(f.ctx, { sku: "TEE", quantity: "1.00001" })).rejects.toMatchObject({ fieldErrors: { quantity: { key: "tooManyDecimals" } } });
    await expect(createPlan(f.ctx, { sku: "TEE", quantity: "0" })).rejects.toMatchObject({ fieldErrors: { quantity: { key: "mustBePositive" } } });
    await expect(createPlan(f.ctx, { sku: "TEE", quantity: "1", plannedStart: "2030-02-01", plannedEnd: "2030-01-01" })).rejects.toMatchObject({ name: "ZodError" });
    await createPlan(f.ctx, { planNo: "PP-X", sku: "TEE", quantity: "1" });
    await expect(createPlan(f.ctx, { planNo: "PP-X", sku: "TEE", quantity: "1" })).rejects.toMatchObject({ fieldErrors: { planNo: { key: "planNoTaken" } } });
  });
});

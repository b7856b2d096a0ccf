import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linesOf } from "@/server/services/orders/internal";
import { createPlan, transitionPlan } from "@/server/services/production/plans";
import { recordWorkReport } from "@/server/services/production/work-reports";
import { closeTestDb, createTestUser, keyCaller, newApiKey, sessionCaller } from "../helpers/db";
import { approvedOrder, factory, orderStatus, type Factory } from "./production-helpers";

afterAll(closeTestDb);

let a: Factory;
let b: Factory;
let bPlanId: string;
let bOrderId: string;
let bLineId: string;

beforeAll(async () => {
  a = await factory({ map: true });
  b = await factory({ map: true });
  const order = await approvedOrder(b, [{ sku: "TEE", quantity: "10" }]);
  bOrderId = order.id;
  bLineId = (await linesOf(b.ctx, order.id))[0]!.id;
  const plan = await createPlan(b.ctx, { sku: "TEE", quantity: "10", orderLineIds: [bLineId] });
  await transitionPlan(b.ctx, { id: plan.id, action: "release" });
  await recordWorkReport(b.ctx, { planId: plan.id, operationId: b.ops.CUT!, goodQty: "2", operator: "B" });
  bPlanId = plan.id;
});

type Caller = ReturnType<typeof sessionCaller>;

/** Every production procedure that takes an id, called by merchant A with merchant B's ids. */
function attempts(c: Caller) {
  return {
    "operations.byId": () => c.production.operations.byId({ id: b.ops.CUT! }),
    "operations.update": () => c.production.operations.update({ id: b.ops.CUT!, code: "X", name: "x" }),
    "operations.setEnabled": () => c.production.operations.setEnabled({ id: b.ops.CUT!, enabled: false }),
    "routes.byId": () => c.production.routes.byId({ id: b.route.id }),
    "routes.update": () => c.production.routes.update({ id: b.route.id, version: 1, code: "X", name: "x", operationIds: [a.ops.CUT!] }),
    "routes.copy": () => c.production.routes.copy({ id: b.route.id, code: "STOLEN", name: "x" }),
    "routes.setEnabled": () => c.production.routes.setEnabled({ id: b.route.id, enabled: false }),
    "mapping.get": () => c.production.mapping.get({ routeId: b.route.id, programmeId: b.programme.id }),
    "mapping.get(own route, B's programme)": () => c.production.mapping.get({ routeId: a.route.id, programmeId: b.programme.id }),
    "mapping.save": () => c.production.mapping.save({ routeId: b.route.id, programmeId: b.programme.id, entries: [] }),
    "mapping.confirm": () => c.production.mapping.confirm({ routeId: b.route.id, programmeId: b.programme.id }),
    "programmes.update": () => c.production.programmes.update({ id: b.programme.id, name: "x" }),
    "programmes.saveStages": () => c.production.programmes.saveStages({ programmeId: b.programme.id, stages: [{ code: "X", name: "x" }] }),
    "plans.byId": () => c.production.plans.byId({ id: bPlanId }),
    "plans.transition": () => c.production.plans.transition({ id: bPlanId, action: "cancel", reason: "x" }),
    "plans.link": () => c.production.plans.link({ planId: bPlanId, orderLineIds: [bLineId] }),
    "plans.unlink": () => c.production.plans.unlink({ planId: bPlanId, orderLineIds: [bLineId] }),
    "plans.linkableLines": () => c.production.plans.linkableLines({ planId: bPlanId }),
    "plans.reportUpstream": () => c.production.plans.reportUpstream({ id: bPlanId }),
    "workReports.create": () => c.production.workReports.create({ planId: bPlanId, operationId: b.ops.CUT!, goodQty: "1", operator: "A" }),
    orderProgress: () => c.production.orderProgress({ orderId: bOrderId }),
  };
}

async function expectAllNotFound(c: Caller, except: Record<string, string> = {}) {
  const results: Record<string, string> = {};
  for (const [name, call] of Object.entries(attempts(c))) {
    results[name] = await call().then(
      () => "OK (leak!)",
      (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
    );
  }
  expect(results).toEqual({ ...Object.fromEntries(Object.keys(results).map((k) => [k, "NOT_FOUND"])), ...except });
}

describe("production tenancy", () => {
  it("merchant A's session gets NOT_FOUND for every one of merchant B's records", async () => {
    await expectAllNotFound(sessionCaller(a.org.ownerId, a.org.orgId));
  });

  it("merchant A's API key gets NOT_FOUND for every one of merchant B's records", async () => {
    // Where production data is sent (endpoint, credentials) is for signed-in people only: a key is refused outright.
    await expectAllNotFound(keyCaller(await newApiKey(a.org, "admin")), { "programmes.update": "FORBIDDEN" });
  });

  it("lists show only the merchant's own rows, and B's plan, order and reports are untouched", async () => {
    const c = sessionCaller(a.org.ownerId, a.org.orgId);
    expect((await c.production.plans.list({})).items).toEqual([]);
    expect((await c.production.workReports.list({})).items).toEqual([]);
    expect((await c.production.upstreamReports.list({})).items).toEqual([]);
    expect((await c.production.routes.list({})).items.map((r) => r.id)).toEqual([a.route.id]);
    expect((await c.production.operations.list({ limit: 200 })).items.every((o) => Object.values(a.ops).includes(o.id))).toBe(true);
    const programmes = await c.production.programmes.list();
    expect(programmes.map((p) => p.id)).toEqual([a.programme.id]);
    // Searching by B's order number finds nothing either.
    const bc = sessionCaller(b.org.ownerId, b.org.orgId);
    const bPlan = await bc.production.plans.byId({ id: bPlanId });
    expect((await c.production.plans.list({ search: bPlan.links[0]!.orderNo })).items).toEqual([]);
    expect(bPlan.status).toBe("in_progress");
    expect(bPlan.links).toHaveLength(1);
    expect(await orderStatus(b.org.orgId, bOrderId)).toBe("scheduled");
    // A plan for A's product cannot be linked to B's order line.
    const aPlan = await createPlan(a.ctx, { sku: "TEE", quantity: "1" });
    await expect(c.production.plans.link({ planId: aPlan.id, orderLineIds: [bLineId] })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("needs production.write to change anything, but any member may read", async () => {
    const viewer = await createTestUser(a.org.orgId, "viewer");
    const c = sessionCaller(viewer, a.org.orgId);
    await expect(c.production.plans.list({})).resolves.toBeTruthy();
    await expect(c.production.operations.create({ code: "NEW", name: "新工序" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const warehouse = await createTestUser(a.org.orgId, "warehouse");
    await expect(
      sessionCaller(warehouse, a.org.orgId).production.workReports.create({ planId: bPlanId, operationId: b.ops.CUT!, goodQty: "1", operator: "x" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const operator = await createTestUser(a.org.orgId, "operator");
    await expect(sessionCaller(operator, a.org.orgId).production.operations.create({ code: "NEW", name: "新工序", standardMinutes: "1.5" })).resolves.toMatchObject({
      code: "NEW",
      standardMinutes: "1.5000",
    });
  });
});

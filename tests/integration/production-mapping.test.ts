import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { productionMappingEntries, productionRouteMappings } from "@/db/schema";
import { DomainError } from "@/server/errors";
import { confirmMapping, getMapping, mappingState, saveMapping } from "@/server/services/production/mapping";
import { createPlan, transitionPlan } from "@/server/services/production/plans";
import { listProgrammes, saveStages, TIANTIAN_STAGES } from "@/server/services/production/programmes";
import { getRoute, listRoutes, updateRoute } from "@/server/services/production/routes";
import { requestUpstreamReport } from "@/server/services/production/upstream";
import { recordWorkReport } from "@/server/services/production/work-reports";
import { closeTestDb, testDb } from "../helpers/db";
import { factory, mapFully, upstreamEvents } from "./production-helpers";

afterAll(closeTestDb);

describe("standard production stages", () => {
  it("every new merchant gets 天天工厂 with its seven standard stages, editable per merchant", async () => {
    const f = await factory();
    const [p] = await listProgrammes(f.ctx);
    expect(p!.name).toBe("天天工厂");
    expect(p!.stages.map((s) => s.code)).toEqual(TIANTIAN_STAGES.map((s) => s.code));
    const edited = await saveStages(f.ctx, {
      programmeId: p!.id,
      stages: [...p!.stages.map((s) => ({ id: s.id, code: s.code, name: s.code === "QC" ? "成品检验" : s.name, enabled: s.code !== "SHIPPING" })), { code: "EMBROIDERY", name: "绣花" }],
    });
    expect(edited.stages.find((s) => s.code === "QC")!.name).toBe("成品检验");
    expect(edited.stages.find((s) => s.code === "SHIPPING")!.enabled).toBe(false);
    expect(edited.stages.at(-1)!.code).toBe("EMBROIDERY");
    // Another merchant's list is untouched.
    const other = await factory();
    expect((await listProgrammes(other.ctx))[0]!.stages.find((s) => s.code === "QC")!.name).toBe("质检");
  });
});

describe("route ↔ stage mapping", () => {
  it("shows unmapped stages and refuses to confirm until every stage has an operation", async () => {
    const f = await factory();
    const saved = await saveMapping(f.ctx, {
      routeId: f.route.id,
      programmeId: f.programme.id,
      entries: [
        { operationId: f.ops.CUT!, stageId: f.stage("CUTTING") },
        { operationId: f.ops.SEW1!, stageId: f.stage("SEWING") },
        { operationId: f.ops.SEW2!, stageId: f.stage("SEWING") },
      ],
    });
    expect(saved.state.confirmed).toBe(false);
    expect(saved.state.unmappedStages.map((s) => s.code)).toEqual(["MATERIAL", "FINISHING", "QC", "PACKING", "SHIPPING"]);
    const err = await confirmMapping(f.ctx, { routeId: f.route.id, programmeId: f.programme.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).messageRef.key).toBe("mappingIncomplete");
    expect((err as DomainError).details).toMatchObject({ unmappedStages: expect.arrayContaining([expect.objectContaining({ code: "QC" })]) });
    // "Save and confirm" with an incomplete mapping saves nothing.
    await expect(
      saveMapping(f.ctx, { routeId: f.route.id, programmeId: f.programme.id, confirm: true, entries: [{ operationId: f.ops.CUT!, stageId: f.stage("CUTTING") }] }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await getMapping(f.ctx, { routeId: f.route.id, programmeId: f.programme.id })).operations.filter((o) => o.stageId)).toHaveLength(3);

    const done = await mapFully(f.ctx, f.route.id, f.programme.id, f.ops, f.stage);
    expect(done.state).toMatchObject({ confirmed: true, complete: true, unmappedStages: [] });
  });

  it("maps every operation to at most one stage (in the service and in the database)", async () => {
    const f = await factory();
    await expect(
      saveMapping(f.ctx, {
        routeId: f.route.id,
        programmeId: f.programme.id,
        entries: [
          { operationId: f.ops.CUT!, stageId: f.stage("CUTTING") },
          { operationId: f.ops.CUT!, stageId: f.stage("MATERIAL") },
        ],
      }),
    ).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: { "entries.1.operationId": { key: "operationOneStage" } } });
    // The unique index is the backstop even for a writer that skips the service.
    await mapFully(f.ctx, f.route.id, f.programme.id, f.ops, f.stage);
    const [m] = await testDb().select().from(productionRouteMappings).where(eq(productionRouteMappings.routeId, f.route.id));
    await expect(
      testDb().insert(productionMappingEntries).values({ orgId: f.org.orgId, mappingId: m!.id, stageId: f.stage("QC"), operationId: f.ops.CUT! }),
    ).rejects.toThrow();
  });

  it("refuses operations that are not on the route and stages of nobody", async () => {
    const f = await factory();
    const other = await factory();
    await expect(
      saveMapping(f.ctx, { routeId: f.route.id, programmeId: f.programme.id, entries: [{ operationId: other.ops.CUT!, stageId: f.stage("CUTTING") }] }),
    ).rejects.toMatchObject({ fieldErrors: { "entries.0.operationId": { key: "operationNotInRoute" } } });
    await expect(
      saveMapping(f.ctx, { routeId: f.route.id, programmeId: f.programme.id, entries: [{ operationId: f.ops.CUT!, stageId: other.stage("CUTTING") }] }),
    ).rejects.toMatchObject({ fieldErrors: { "entries.0.stageId": { key: "stageUnknown" } } });
  });

  it("a confirmed mapping becomes incomplete when a stage is added or the route loses a stage's only operation", async () => {
    const f = await factory({ map: true });
    expect((await mappingState({ db: testDb(), orgId: f.org.orgId }, f.route.id, f.programme.id)).complete).toBe(true);
    await saveStages(f.ctx, {
      programmeId: f.programme.id,
      stages: [...f.programme.stages.map((s) => ({ id: s.id, code: s.code, name: s.name })), { code: "DYE", name: "染色" }],
    });
    const state = await mappingState({ db: testDb(), orgId: f.org.orgId }, f.route.id, f.programme.id);
    expect(state.complete).toBe(false);
    expect(state.unmappedStages.map((s) => s.code)).toEqual(["DYE"]);

    const g = await factory({ map: true });
    const route = await getRoute(g.ctx, g.route.id);
    await updateRoute(g.ctx, {
      id: route.id,
      version: route.version,
      code: route.code,
      name: route.name,
      operationIds: route.steps.map((s) => s.operationId).filter((id) => id !== g.ops.QC),
      productIds: route.products.map((p) => p.id),
    });
    const after = await mappingState({ db: testDb(), orgId: g.org.orgId }, g.route.id, g.programme.id);
    expect(after.confirmed).toBe(false);
    expect(after.unmappedStages.map((s) => s.code)).toEqual(["QC"]);
    const [entry] = await testDb()
      .select()
      .from(productionMappingEntries)
      .where(and(eq(productionMappingEntries.orgId, g.org.orgId), eq(productionMappingEntries.operationId, g.ops.QC!)));
    expect(entry).toBeUndefined();
  });

  it("an incomplete mapping blocks upstream reporting; a complete one queues a report with each work report", async () => {
    const f = await factory();
    await saveMapping(f.ctx, {
      routeId: f.route.id,
      programmeId: f.programme.id,
      entries: [{ operationId: f.ops.CUT!, stageId: f.stage("CUTTING") }],
    });
    const plan = await createPlan(f.ctx, { sku: "TEE", quantity: "100" });
    await transitionPlan(f.ctx, { id: plan.id, action: "release" });
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "10", operator: "张三" });
    expect(await upstreamEvents(f.org)).toHaveLength(0);
    const err = await requestUpstreamReport(f.ctx, plan.id).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "CONFLICT", messageRef: { key: "mappingIncomplete" } });
    expect((err as DomainError).messageRef.params!.stages).toContain("缝制");

    await mapFully(f.ctx, f.route.id, f.programme.id, f.ops, f.stage);
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "10", operator: "张三" });
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.SEW1!, goodQty: "5", operator: "李四" });
    // Queued for delivery: pending reports of one plan merge, and the relay reads the progress as it is
    // when it runs. (Another test file's relay may already have claimed one, hence "at least".)
    const queued = await upstreamEvents(f.org);
    expect(queued.length).toBeGreaterThanOrEqual(1);
    for (const e of queued) expect(e.payload).toEqual({ planId: plan.id, programmeId: f.programme.id });
    await expect(requestUpstreamReport(f.ctx, plan.id)).resolves.toEqual({ queued: 1 });
  });

  it("lists routes with their operation and product counts and mapping state", async () => {
    const f = await factory({ map: true });
    const { items, total } = await listRoutes(f.ctx, {});
    expect(total.count).toBe(1);
    expect(items[0]).toMatchObject({ code: "TEE-R", operationCount: 8, productCount: 1, mapping: { complete: true } });
  });

  it("a route without any mapping cannot be reported upstream", async () => {
    const f = await factory();
    const plan = await createPlan(f.ctx, { sku: "TEE", quantity: "5" });
    await expect(requestUpstreamReport(f.ctx, plan.id)).rejects.toMatchObject({ messageRef: { key: "routeNotMapped" } });
  });
});

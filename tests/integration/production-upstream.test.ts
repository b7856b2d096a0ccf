import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox, productionUpstreamReports } from "@/db/schema";
import { UPSTREAM_TOPIC } from "@/lib/production/status";
import { relayOnce } from "@/server/services/outbox/outbox";
import { createPlan, transitionPlan } from "@/server/services/production/plans";
import { updateProgramme } from "@/server/services/production/programmes";
import { deliverStageProgress, listUpstreamReports, requestUpstreamReport } from "@/server/services/production/upstream";
import { TOPICS } from "@/server/services/outbox/topics";
import { recordWorkReport } from "@/server/services/production/work-reports";
import { closeTestDb, testDb } from "../helpers/db";
import { startTiantianSimulator, type TiantianSimulator } from "../simulators/tiantian/server";
import { factory, type Factory } from "./production-helpers";

let sim: TiantianSimulator;
beforeAll(async () => {
  process.env.UPSTREAM_TIMEOUT_MS = "800";
  sim = await startTiantianSimulator();
});
afterAll(async () => {
  await sim.close();
  await closeTestDb();
});

/** A mapped factory whose programme points at the simulator, with a released plan. */
async function connected(quantity = "100") {
  const f = await factory({ map: true });
  await updateProgramme(f.ctx, { id: f.programme.id, name: "天天工厂", endpointUrl: sim.endpoint, appKey: sim.appKey, appSecret: sim.appSecret });
  const plan = await createPlan(f.ctx, { sku: "TEE", quantity });
  await transitionPlan(f.ctx, { id: plan.id, action: "release" });
  return { f, plan };
}

/** Run the relay for this merchant's due upstream events (make backed-off events due first). */
async function relay(f: Factory) {
  await testDb()
    .update(outbox)
    .set({ availableAt: sql`now() - interval '1 second'` })
    .where(and(eq(outbox.orgId, f.org.orgId), eq(outbox.topic, UPSTREAM_TOPIC), eq(outbox.status, "pending")));
  return relayOnce(testDb(), { [TOPICS.stageProgress]: deliverStageProgress });
}

async function reportsOf(planId: string) {
  return testDb()
    .select()
    .from(productionUpstreamReports)
    .where(eq(productionUpstreamReports.planId, planId))
    .orderBy(desc(productionUpstreamReports.version));
}

const received = (planId: string) => sim.received.filter((r) => (r.body as { planId?: string } | null)?.planId === planId);

describe("upstream stage-progress reporting (outbox → 天天工厂 simulator)", () => {
  it("delivers signed stage progress, and the programme applies it", async () => {
    const { f, plan } = await connected();
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "78", defectiveQty: "2", operator: "张三" });
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.SEW1!, goodQty: "30", operator: "李四" });
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.SEW2!, goodQty: "70", operator: "李四" });
    const r = await relay(f);
    expect(r.done).toBeGreaterThanOrEqual(1);
    const got = received(plan.id);
    expect(got).toHaveLength(1);
    expect(got[0]!.signatureOk).toBe(true);
    const applied = sim.plans.get(plan.id)!;
    expect(applied.status).toBe("in_progress");
    const stage = (code: string) => applied.stages.find((s) => s.code === code)!;
    expect(stage("CUTTING").progress).toBe("80.00");
    expect(stage("SEWING").progress).toBe("40.00");
    expect(stage("MATERIAL").progress).toBe("0.00");
    const [row] = await reportsOf(plan.id);
    expect(row).toMatchObject({ version: 1, status: "delivered", httpStatus: 200, attempts: 1 });
    expect(row!.response).toMatchObject({ code: 0, applied: true });
    const listed = await listUpstreamReports(f.ctx, { planId: plan.id });
    expect(listed.items[0]).toMatchObject({ status: "delivered", planNo: plan.planNo });
  });

  it("retries 5xx and 429 (Retry-After honoured) until delivered, with each attempt's result visible", async () => {
    const { f, plan } = await connected();
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "10", operator: "张三" });
    sim.injectFaults({ kind: "status", status: 503 });
    await relay(f);
    let [row] = await reportsOf(plan.id);
    expect(row).toMatchObject({ status: "retrying", httpStatus: 503 });
    const [ev] = await testDb().select().from(outbox).where(and(eq(outbox.orgId, f.org.orgId), eq(outbox.topic, UPSTREAM_TOPIC)));
    expect(ev).toMatchObject({ status: "pending", attempts: 1 });
    expect(ev!.lastError).toContain("503");

    sim.injectFaults({ kind: "status", status: 429, retryAfter: 120 });
    await relay(f);
    const [ev2] = await testDb().select().from(outbox).where(eq(outbox.id, ev!.id));
    // Retry-After: 120 s — the event is not due for about two minutes.
    expect(ev2!.availableAt.getTime() - Date.now()).toBeGreaterThan(100_000);

    await relay(f);
    [row] = await reportsOf(plan.id);
    expect(row).toMatchObject({ version: 1, status: "delivered", attempts: 3 });
    // The same snapshot went three times under one idempotency key; it was applied once.
    const keys = new Set(received(plan.id).map((r) => r.idempotencyKey));
    expect(keys.size).toBe(1);
    expect(sim.appliedCount.get([...keys][0]!)).toBe(1);
  });

  it("a lost answer (applied, connection cut) and a timeout are resent under the same key and applied once", async () => {
    const { f, plan } = await connected();
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "50", operator: "张三" });
    sim.injectFaults({ kind: "dropAfterApply" });
    await relay(f);
    expect((await reportsOf(plan.id))[0]!.status).toBe("retrying");
    sim.injectFaults({ kind: "hang", ms: 3000 });
    await relay(f);
    expect((await reportsOf(plan.id))[0]!.lastError).toMatch(/Timeout|abort/i);
    await relay(f);
    const [row] = await reportsOf(plan.id);
    expect(row).toMatchObject({ status: "delivered", version: 1 });
    const outcomes = received(plan.id).map((r) => r.outcome);
    expect(outcomes).toEqual(["fault", "fault", "duplicate"]);
    expect(sim.appliedCount.get(row!.idempotencyKey)).toBe(1);
  });

  it("sends only new content: unchanged progress is skipped, new progress gets the next version", async () => {
    const { f, plan } = await connected();
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "10", operator: "张三" });
    await relay(f);
    await requestUpstreamReport(f.ctx, plan.id);
    const again = await relay(f);
    expect(again.done).toBeGreaterThanOrEqual(1);
    expect(received(plan.id)).toHaveLength(1);
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "10", operator: "张三" });
    await relay(f);
    expect((await reportsOf(plan.id)).map((r) => [r.version, r.status])).toEqual([
      [2, "delivered"],
      [1, "delivered"],
    ]);
    expect(sim.plans.get(plan.id)!.version).toBe(2);
    expect(sim.plans.get(plan.id)!.stages.find((s) => s.code === "CUTTING")!.progress).toBe("20.00");
  });

  it("a wrong secret is refused by the programme (401) and recorded as rejected, not retried forever", async () => {
    const { f, plan } = await connected();
    await updateProgramme(f.ctx, { id: f.programme.id, name: "天天工厂", endpointUrl: sim.endpoint, appKey: sim.appKey, appSecret: "not-the-secret" });
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "10", operator: "张三" });
    await relay(f);
    const [row] = await reportsOf(plan.id);
    expect(row).toMatchObject({ status: "rejected", httpStatus: 401 });
    expect(received(plan.id)[0]).toMatchObject({ signatureOk: false, outcome: "unauthorized" });
    expect(sim.plans.has(plan.id)).toBe(false);
    const [ev] = await testDb().select().from(outbox).where(and(eq(outbox.orgId, f.org.orgId), eq(outbox.topic, UPSTREAM_TOPIC)));
    expect(ev!.status).toBe("done");
    // After fixing the secret, "report now" resends the same snapshot and it is accepted.
    await updateProgramme(f.ctx, { id: f.programme.id, name: "天天工厂", endpointUrl: sim.endpoint, appKey: sim.appKey, appSecret: sim.appSecret });
    await requestUpstreamReport(f.ctx, plan.id);
    await relay(f);
    expect((await reportsOf(plan.id))[0]).toMatchObject({ version: 1, status: "delivered" });
  });

  it("a mapping that became incomplete before delivery records a blocked report and sends nothing", async () => {
    const { f, plan } = await connected();
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "10", operator: "张三" });
    // A stage is added to the programme before the relay runs.
    const { saveStages } = await import("@/server/services/production/programmes");
    await saveStages(f.ctx, {
      programmeId: f.programme.id,
      stages: [...f.programme.stages.map((s) => ({ id: s.id, code: s.code, name: s.name })), { code: "DYE", name: "染色" }],
    });
    await relay(f);
    expect((await reportsOf(plan.id))[0]).toMatchObject({ status: "blocked", lastError: "mappingIncomplete" });
    expect(received(plan.id)).toHaveLength(0);
  });

  it("stores the app secret encrypted and never returns it", async () => {
    const { f } = await connected();
    const [row] = await testDb().execute<{ app_secret_enc: string }>(sql`select app_secret_enc from production_programmes where id = ${f.programme.id}`);
    expect(row!.app_secret_enc).not.toContain(sim.appSecret);
    const view = await updateProgramme(f.ctx, { id: f.programme.id, name: "天天工厂", endpointUrl: sim.endpoint, appKey: sim.appKey });
    expect(view).toMatchObject({ hasSecret: true });
    expect(JSON.stringify(view)).not.toContain(sim.appSecret);
  });
});

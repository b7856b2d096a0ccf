import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { productionPlanEvents, productionWorkReports } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { DomainError } from "@/server/errors";
import { updatePrecision } from "@/server/services/catalog/settings";
import { createPlan, getPlan, transitionPlan } from "@/server/services/production/plans";
import { operationProgress, overallPercent, rollUpStages, type StepInfo } from "@/server/services/production/progress";
import { listWorkReports, recordWorkReport } from "@/server/services/production/work-reports";
import { closeTestDb, testDb } from "../helpers/db";
import { factory } from "./production-helpers";

afterAll(closeTestDb);

async function releasedPlan(quantity: string, opts: { map?: boolean } = { map: true }) {
  const f = await factory(opts);
  const plan = await createPlan(f.ctx, { sku: "TEE", quantity });
  await transitionPlan(f.ctx, { id: plan.id, action: "release" });
  return { f, plan };
}

describe("work reports (报工)", () => {
  it("refuses good + defective beyond the planned quantity unless overridden with a reason", async () => {
    const { f, plan } = await releasedPlan("100");
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "90", defectiveQty: "5", operator: "张三" });
    const err = await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "5", defectiveQty: "1", operator: "张三" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: "VALIDATION", fieldErrors: { goodQty: { key: "overReported", params: { planned: "100", reported: "95", remaining: "5" } } } });
    // Override without a reason is refused by the input schema (field overrideReason).
    await expect(
      recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "5", defectiveQty: "1", operator: "张三", override: true }),
    ).rejects.toMatchObject({ name: "ZodError", issues: [expect.objectContaining({ path: ["overrideReason"], message: "overrideReasonRequired" })] });
    // Exactly up to the plan is fine without override.
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "5", operator: "张三" });
    const { report } = await recordWorkReport(f.ctx, {
      planId: plan.id,
      operationId: f.ops.CUT!,
      goodQty: "3",
      operator: "张三",
      override: true,
      overrideReason: "客户追加 3 件，面料有余",
    });
    expect(report.overrideReason).toBe("客户追加 3 件，面料有余");
    const events = await testDb()
      .select()
      .from(productionPlanEvents)
      .where(and(eq(productionPlanEvents.planId, plan.id), eq(productionPlanEvents.type, "overReported")));
    expect(events[0]!.reason).toBe("客户追加 3 件，面料有余");
    const cut = (await getPlan(f.ctx, plan.id)).progress.operations.find((o) => o.code === "CUT")!;
    expect(cut).toMatchObject({ good: "98", defective: "5", processed: "103", percent: "100.00", done: true });
  });

  it("an override on a report that stays within the plan records no override reason", async () => {
    const { f, plan } = await releasedPlan("10");
    const { report } = await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "2", operator: "张三", override: true, overrideReason: "手滑" });
    expect(report.overrideReason).toBeNull();
  });

  it("twenty tablets reporting at once on one operation never exceed the plan", async () => {
    const { f, plan } = await releasedPlan("100");
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "10", operator: `工位${i}` })
          .then(() => "ok" as const)
          .catch((e: unknown) => {
            if (e instanceof DomainError && e.messageRef.key === "overReported") return "over" as const;
            throw e;
          }),
      ),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(10);
    const rows = await testDb().select().from(productionWorkReports).where(eq(productionWorkReports.planId, plan.id));
    expect(rows.reduce((a, r) => a.plus(r.goodQty), dec(0)).toFixed()).toBe("100");
  });

  it("starts the plan with the first report and completes it when the last operation reports its full quantity", async () => {
    const { f, plan } = await releasedPlan("20");
    const planned = await createPlan(f.ctx, { sku: "TEE", quantity: "5" });
    await expect(recordWorkReport(f.ctx, { planId: planned.id, operationId: f.ops.CUT!, goodQty: "1", operator: "张三" })).rejects.toMatchObject({
      messageRef: { key: "planNotReportable" },
    });
    const r1 = await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "20", operator: "张三" });
    expect(r1.plan.status).toBe("in_progress");
    // Intermediate operations at 100 % do not complete the plan; only the last one does.
    for (const code of ["MAT", "SEW1", "SEW2", "IRON", "QC", "PACK"]) {
      const r = await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops[code]!, goodQty: "20", operator: "张三" });
      expect(r.plan.status).toBe("in_progress");
    }
    const partial = await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.SHIP!, goodQty: "18", operator: "张三" });
    expect(partial.plan.status).toBe("in_progress");
    // Full quantity = good + defective: 18 good + 2 defective finishes the last operation.
    const last = await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.SHIP!, goodQty: "0", defectiveQty: "2", operator: "张三" });
    expect(last.plan.status).toBe("completed");
    expect(last.progress.percent).toBe("100.00");
    await expect(recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "1", operator: "张三" })).rejects.toMatchObject({
      messageRef: { key: "planNotReportable" },
    });
  });

  it("refuses operations off the route, zero quantities and quantities beyond the merchant's precision", async () => {
    const { f, plan } = await releasedPlan("10");
    const other = await factory();
    await expect(recordWorkReport(f.ctx, { planId: plan.id, operationId: other.ops.CUT!, goodQty: "1", operator: "张三" })).rejects.toMatchObject({
      fieldErrors: { operationId: { key: "operationNotInRoute" } },
    });
    await expect(recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "0", operator: "张三" })).rejects.toMatchObject({
      fieldErrors: { goodQty: { key: "reportQtyZero" } },
    });
    await updatePrecision(f.ctx, { amountDecimals: 2, priceDecimals: 2, quantityDecimals: 0 });
    await expect(
      recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "1.5", defectiveQty: "0.25", operator: "张三" }),
    ).rejects.toMatchObject({ fieldErrors: { goodQty: { key: "tooManyDecimals" }, defectiveQty: { key: "tooManyDecimals" } } });
  });

  it("lists reports by plan with keyset pages", async () => {
    const { f, plan } = await releasedPlan("10");
    for (let i = 0; i < 3; i++) await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "1", operator: `op${i}` });
    const p1 = await listWorkReports(f.ctx, { planId: plan.id, limit: 2 });
    const p2 = await listWorkReports(f.ctx, { planId: plan.id, limit: 2, cursor: p1.nextCursor });
    expect([...p1.items, ...p2.items].map((r) => r.operator)).toEqual(["op2", "op1", "op0"]);
    expect(p1.total.count).toBe(3);
    expect(p1.items[0]!.operationCode).toBe("CUT");
  });
});

describe("roll-up into standard stages (decimal arithmetic)", () => {
  const steps: StepInfo[] = [
    { operationId: "cut", code: "CUT", name: "裁剪", seq: 1, standardMinutes: "5" },
    { operationId: "sew1", code: "SEW1", name: "缝合衣身", seq: 2, standardMinutes: "30" },
    { operationId: "sew2", code: "SEW2", name: "上袖", seq: 3, standardMinutes: "10" },
    { operationId: "qc", code: "QC", name: "质检", seq: 4, standardMinutes: "0" },
  ];
  const stages = [
    { id: "s-cut", code: "CUTTING", name: "裁剪", seq: 1 },
    { id: "s-sew", code: "SEWING", name: "缝制", seq: 2 },
    { id: "s-qc", code: "QC", name: "质检", seq: 3 },
    { id: "s-pack", code: "PACKING", name: "包装", seq: 4 },
  ];
  const entries = [
    { stageId: "s-cut", operationId: "cut" },
    { stageId: "s-sew", operationId: "sew1" },
    { stageId: "s-sew", operationId: "sew2" },
    { stageId: "s-qc", operationId: "qc" },
  ];

  it("cutting 80 %, sewing 40 % — weighted by standard time within a stage", () => {
    const totals = new Map([
      ["cut", { good: "78", defective: "2" }],
      ["sew1", { good: "30", defective: "0" }],
      ["sew2", { good: "70", defective: "0" }],
    ]);
    const ops = operationProgress("100", steps, totals);
    const byCode = Object.fromEntries(rollUpStages("100", ops, stages, entries).map((s) => [s.code, s]));
    expect(byCode.CUTTING!.percent).toBe("80.00");
    // (0.30 × 30 + 0.70 × 10) / 40 = 16 / 40 = 40 %
    expect(byCode.SEWING!.percent).toBe("40.00");
    // The stage's good output is its last operation's good quantity; defectives add up.
    expect(byCode.SEWING).toMatchObject({ good: "70", defective: "0", mapped: true });
    expect(byCode.CUTTING).toMatchObject({ good: "78", defective: "2" });
    expect(byCode.PACKING).toMatchObject({ percent: "0.00", mapped: false });
  });

  it("stays exact where binary floats drift: thirds, tenths and fractional quantities", () => {
    // 0.1 + 0.2 of 0.3 planned is exactly 100 %, with floats it is 100.00000000000001 %.
    const a = operationProgress("0.3", steps, new Map([["cut", { good: "0.1", defective: "0.2" }]]));
    expect(a.find((o) => o.code === "CUT")!.percent).toBe("100.00");
    expect(a.find((o) => o.code === "CUT")!.done).toBe(true);
    // Thirds: 1/3 and 2/3 of the sewing weight average to exactly 50 % with equal weights.
    const equal = steps.map((s) => ({ ...s, standardMinutes: "0" }));
    const b = operationProgress("3", equal, new Map([["sew1", { good: "1", defective: "0" }], ["sew2", { good: "2", defective: "0" }]]));
    expect(rollUpStages("3", b, stages, entries).find((s) => s.code === "SEWING")!.percent).toBe("50.00");
    // One third rounds half-up at the end only: 33.33; two thirds: 66.67.
    expect(b.find((o) => o.code === "SEW1")!.percent).toBe("33.33");
    expect(b.find((o) => o.code === "SEW2")!.percent).toBe("66.67");
    // 0.005 % boundary: 1 of 12000 = 0.008333… → 0.01
    const c = operationProgress("12000", steps, new Map([["cut", { good: "1", defective: "0" }]]));
    expect(c.find((o) => o.code === "CUT")!.percent).toBe("0.01");
  });

  it("caps an over-reported operation at 100 % and weights the plan's overall progress", () => {
    const ops = operationProgress("10", steps, new Map([["cut", { good: "12", defective: "0" }], ["sew1", { good: "5", defective: "0" }]]));
    expect(ops.find((o) => o.code === "CUT")!.percent).toBe("100.00");
    expect(ops.find((o) => o.code === "CUT")!.remaining).toBe("0");
    // (1 × 5 + 0.5 × 30 + 0 × 10 + 0 × 0) / 45 = 20/45 = 44.444… %
    expect(overallPercent("10", ops)).toBe("44.44");
  });

  it("rolls real work reports up to the plan page through the confirmed mapping", async () => {
    const { f, plan } = await releasedPlan("12.5");
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.CUT!, goodQty: "10", operator: "张三" });
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.SEW1!, goodQty: "2.5", operator: "李四" });
    await recordWorkReport(f.ctx, { planId: plan.id, operationId: f.ops.SEW2!, goodQty: "7.5", operator: "李四" });
    const detail = await getPlan(f.ctx, plan.id);
    const [programme] = detail.progress.programmes;
    const stage = (code: string) => programme!.stages.find((s) => s.code === code)!;
    expect(stage("CUTTING").percent).toBe("80.00");
    // (0.2 × 30 + 0.6 × 10) / 40 = 30 %
    expect(stage("SEWING").percent).toBe("30.00");
    expect(stage("MATERIAL").percent).toBe("0.00");
    expect(programme!.mapping.complete).toBe(true);
  });
});

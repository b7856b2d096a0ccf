import ExcelJS from "exceljs";
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { productionPlanOrderLines, productionPlans, productionWorkReports } from "@/db/schema";
import { linesOf } from "@/server/services/orders/internal";
import { transitionOrder } from "@/server/services/orders/transitions";
import { importPlans, importWorkReports, parseLocalTimestamp } from "@/server/services/production/import";
import { createPlan, getPlan, transitionPlan } from "@/server/services/production/plans";
import { closeTestDb, sessionCaller, testDb } from "../helpers/db";
import { approvedOrder, factory, orderStatus } from "./production-helpers";

afterAll(closeTestDb);

const csv = (rows: string[][]) => ({ format: "csv" as const, content: Buffer.from("\uFEFF" + rows.map((r) => r.join(",")).join("\n")).toString("base64") });

async function planCount(orgId: string) {
  const [r] = await testDb().select({ n: count() }).from(productionPlans).where(eq(productionPlans.orgId, orgId));
  return r!.n;
}

describe("plan import (CSV/XLSX)", () => {
  it("reports errors row by row and column by column, and writes nothing while any row is wrong", async () => {
    const f = await factory();
    const order = await approvedOrder(f, [{ sku: "TEE", quantity: "50" }]);
    const mixed = await approvedOrder(f, [
      { sku: "TEE", quantity: "5" },
      { sku: "JEANS", quantity: "5" },
    ]);
    await createPlan(f.ctx, { planNo: "PP-OLD", sku: "TEE", quantity: "1" });
    const file = csv([
      ["计划单号", "订单号", "SKU", "数量", "工艺路径", "计划开始", "计划完成", "工作中心"],
      ["PP-A", order.orderNo, "", "", "", "2030-03-01", "2030-03-10", "一车间"], // fine
      ["PP-B", "SO-NOPE", "TEE", "10", "TEE-R", "", "", ""], // unknown order
      ["PP-C", "", "TEE", "1.23456", "TEE-R", "", "", ""], // too many decimals
      ["PP-OLD", "", "TEE", "5", "", "", "", ""], // plan number taken
      ["PP-A", "", "TEE", "5", "", "", "", ""], // duplicate in file
      ["PP-E", mixed.orderNo, "", "", "", "", "", ""], // order has two products
      ["PP-F", "", "JEANS", "5", "", "", "", ""], // product without a route
      ["PP-G", "", "TEE", "5", "NOPE", "2030-03-10", "2030-03-01", ""], // unknown route, end before start
      ["PP-H", "", "TEE", "5", "", "2030-02-30", "", ""], // no such date
    ]);
    const preview = await importPlans(f.ctx, { ...file, commit: false });
    expect(preview).toMatchObject({ totalRows: 9, errorRows: 8, validRows: 1, committed: false, created: 0 });
    const errs = preview.errors.map((e) => [e.row, e.column, e.ref.key]);
    expect(errs).toEqual([
      [3, "订单号 Order No.", "orderUnknown"],
      [4, "数量 Quantity", "tooManyDecimals"],
      [5, "计划单号 Plan No.", "planNoTaken"],
      [6, "计划单号 Plan No.", "duplicateInFile"],
      [7, "SKU", "orderSkuAmbiguous"],
      [8, "工艺路径 Route", "productHasNoRoute"],
      [9, "工艺路径 Route", "routeUnknown"],
      [9, "计划完成 Planned end", "endBeforeStart"],
      [10, "计划开始 Planned start", "dateFormat"],
    ]);
    // Committing the same file writes nothing: no plan, no link, the order still in stock_up.
    const attempt = await importPlans(f.ctx, { ...file, commit: true });
    expect(attempt).toMatchObject({ committed: false, created: 0 });
    expect(await planCount(f.org.orgId)).toBe(1);
    expect(await orderStatus(f.org.orgId, order.id)).toBe("stock_up");
  });

  it("imports plans linked by order number in one transaction: orders become scheduled, quantity defaults to the lines", async () => {
    const f = await factory();
    const o1 = await approvedOrder(f, [{ sku: "TEE", quantity: "50" }]);
    const o2 = await approvedOrder(f, [{ sku: "TEE", quantity: "20.5" }]);
    const file = csv([
      ["plan no", "order no", "sku", "qty", "route", "planned start", "planned end", "work centre"],
      ["PP-1", `"${o1.orderNo}, ${o2.orderNo}"`, "", "", "", "2030/3/1", "2030/3/9", "二车间"],
      ["", "", "TEE", "8", "TEE-R", "", "", ""],
    ]);
    const res = await importPlans(f.ctx, { ...file, commit: true });
    expect(res.errors).toEqual([]);
    expect(res).toMatchObject({ committed: true, created: 2 });
    expect(res.preview[0]).toMatchObject({ quantity: "70.5", plannedStart: "2030-03-01", route: "TEE-R" });
    expect(await orderStatus(f.org.orgId, o1.id)).toBe("scheduled");
    expect(await orderStatus(f.org.orgId, o2.id)).toBe("scheduled");
    const [plan] = await testDb().select().from(productionPlans).where(and(eq(productionPlans.orgId, f.org.orgId), eq(productionPlans.planNo, "PP-1")));
    expect(plan).toMatchObject({ quantity: "70.5000", plannedStart: "2030-03-01", plannedEnd: "2030-03-09", workCentre: "二车间" });
    const links = await testDb().select().from(productionPlanOrderLines).where(eq(productionPlanOrderLines.planId, plan!.id));
    expect(links).toHaveLength(2);
    const auto = await testDb().select().from(productionPlans).where(and(eq(productionPlans.orgId, f.org.orgId), eq(productionPlans.quantity, "8")));
    expect(auto[0]!.planNo).toMatch(/^PP-\d{6}-\d{5}$/);
  });

  it("rolls back everything when a row fails while writing (another user took the plan number meanwhile)", async () => {
    const f = await factory();
    const o1 = await approvedOrder(f, [{ sku: "TEE", quantity: "5" }]);
    const taken = `PP-RACE-${f.org.slug}`;
    const file = csv([
      ["计划单号", "订单号", "SKU", "数量"],
      ["PP-R1", o1.orderNo, "", "5"],
      [taken, "", "TEE", "5"],
    ]);
    expect((await importPlans(f.ctx, { ...file, commit: false })).errors).toEqual([]);
    // Fault injection: the second plan's insert fails as if a concurrent import had just taken its number.
    const db = testDb();
    await db.execute(sql.raw(`
      create or replace function h4_race_${f.org.orgId.replaceAll("-", "")}() returns trigger language plpgsql as $$
      begin
        if new.plan_no = '${taken}' then
          raise exception 'duplicate key' using errcode = 'unique_violation', constraint = 'production_plans_org_no_uq';
        end if;
        return new;
      end $$;
      create trigger h4_race_${f.org.orgId.replaceAll("-", "")} before insert on production_plans
        for each row execute function h4_race_${f.org.orgId.replaceAll("-", "")}();`));
    try {
      const res = await importPlans(f.ctx, { ...file, commit: true });
      expect(res.committed).toBe(false);
      expect(res.errors).toEqual([expect.objectContaining({ row: 3, column: "计划单号 Plan No.", ref: expect.objectContaining({ key: "planNoTaken" }) })]);
    } finally {
      await db.execute(sql.raw(`drop trigger h4_race_${f.org.orgId.replaceAll("-", "")} on production_plans`));
    }
    // PP-R1 was inserted and o1 scheduled inside the transaction — both rolled back.
    expect(await planCount(f.org.orgId)).toBe(0);
    expect(await orderStatus(f.org.orgId, o1.id)).toBe("stock_up");
  });

  it("re-checks orders when committing: an order closed after the preview fails its row", async () => {
    const f = await factory();
    const o1 = await approvedOrder(f, [{ sku: "TEE", quantity: "5" }]);
    const o2 = await approvedOrder(f, [{ sku: "TEE", quantity: "5" }]);
    const file = csv([
      ["计划单号", "订单号", "数量"],
      ["PP-C1", o1.orderNo, "5"],
      ["PP-C2", o2.orderNo, "5"],
    ]);
    expect((await importPlans(f.ctx, { ...file, commit: false })).errors).toEqual([]);
    await transitionOrder(f.ctx, { orderId: o2.id, action: "close", reason: "客户取消" });
    const res = await importPlans(f.ctx, { ...file, commit: true });
    expect(res.committed).toBe(false);
    expect(res.errors).toEqual([expect.objectContaining({ row: 3, ref: expect.objectContaining({ key: "orderNotSchedulable" }) })]);
    expect(await planCount(f.org.orgId)).toBe(0);
    expect(await orderStatus(f.org.orgId, o1.id)).toBe("stock_up");
  });

  it("reads XLSX with Chinese headers and Excel dates", async () => {
    const f = await factory();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("计划");
    ws.addRow(["生产计划单号", "SKU", "计划数量", "工艺路线", "开始日期", "完成日期", "车间"]);
    ws.addRow(["PP-X1", "TEE", 12, "TEE-R", new Date(Date.UTC(2030, 4, 1)), new Date(Date.UTC(2030, 4, 7)), "一车间"]);
    const content = Buffer.from(await wb.xlsx.writeBuffer()).toString("base64");
    const res = await importPlans(f.ctx, { format: "xlsx", content, commit: true });
    expect(res).toMatchObject({ committed: true, created: 1, errors: [] });
    const [plan] = await testDb().select().from(productionPlans).where(eq(productionPlans.orgId, f.org.orgId));
    expect(plan).toMatchObject({ planNo: "PP-X1", quantity: "12.0000", plannedStart: "2030-05-01", plannedEnd: "2030-05-07" });
  });

  it("is reachable through tRPC with translated row errors", async () => {
    const f = await factory();
    const caller = sessionCaller(f.org.ownerId, f.org.orgId);
    const res = await caller.production.plans.import({ ...csv([["SKU", "数量"], ["NOPE", "1"]]), commit: true });
    expect(res.committed).toBe(false);
    expect(res.errors).toEqual([{ row: 2, column: "SKU", message: expect.stringContaining("NOPE") }]);
  });
});

describe("work report import", () => {
  it("checks rows in file order (over-reporting counts earlier rows), and writes all rows or none", async () => {
    const f = await factory({ map: true });
    const plan = await createPlan(f.ctx, { planNo: "PP-W", sku: "TEE", quantity: "10" });
    await transitionPlan(f.ctx, { id: plan.id, action: "release" });
    const bad = csv([
      ["计划单号", "工序编码", "良品数", "不良数", "报工人", "报工时间", "超报原因"],
      ["PP-W", "CUT", "6", "0", "张三", "2030-03-01 08:30", ""],
      ["PP-W", "CUT", "5", "0", "李四", "", ""], // 6 + 5 > 10, no reason
      ["PP-W", "WELD", "1", "0", "李四", "", ""], // not on the route
      ["PP-NONE", "CUT", "1", "0", "李四", "", ""],
      ["PP-W", "SEW1", "1", "0", "", "soon", ""], // no operator, bad time
    ]);
    const res = await importWorkReports(f.ctx, { ...bad, commit: true });
    expect(res.committed).toBe(false);
    expect(res.errors.map((e) => [e.row, e.ref.key])).toEqual([
      [3, "overReported"],
      [4, "operationNotInRoute"],
      [5, "planUnknown"],
      [6, "required"],
      [6, "timestampFormat"],
    ]);
    const [n] = await testDb().select({ n: count() }).from(productionWorkReports).where(eq(productionWorkReports.planId, plan.id));
    expect(n!.n).toBe(0);

    const good = csv([
      ["计划单号", "工序编码", "良品数", "不良数", "报工人", "报工时间", "超报原因"],
      ["PP-W", "CUT", "6", "0", "张三", "2030-03-01 08:30", ""],
      ["PP-W", "CUT", "5", "0", "李四", "", "补做 1 件样衣"],
      ["PP-W", "SEW1", "4", "1", "李四", "", ""],
    ]);
    const ok = await importWorkReports(f.ctx, { ...good, commit: true });
    expect(ok).toMatchObject({ committed: true, created: 3, errors: [] });
    const detail = await getPlan(f.ctx, plan.id);
    expect(detail.status).toBe("in_progress");
    expect(detail.progress.operations.find((o) => o.code === "CUT")).toMatchObject({ processed: "11", percent: "100.00" });
    const rows = await testDb().select().from(productionWorkReports).where(eq(productionWorkReports.planId, plan.id));
    const first = rows.find((r) => r.operator === "张三")!;
    // 08:30 in Asia/Shanghai is 00:30 UTC.
    expect(first.reportedAt.toISOString()).toBe("2030-03-01T00:30:00.000Z");
    expect(rows.find((r) => r.operator === "李四" && r.overrideReason)!.source).toBe("import");
  });

  it("parses local times in the merchant's zone", () => {
    expect(parseLocalTimestamp("2030-01-15 23:05", "Asia/Shanghai")!.toISOString()).toBe("2030-01-15T15:05:00.000Z");
    expect(parseLocalTimestamp("2030-07-01 12:00", "Europe/Berlin")!.toISOString()).toBe("2030-07-01T10:00:00.000Z");
    expect(parseLocalTimestamp("2030-02-30 10:00", "Asia/Shanghai")).toBeNull();
    expect(parseLocalTimestamp("2030-01-15T10:00:00Z", "Asia/Shanghai")!.toISOString()).toBe("2030-01-15T10:00:00.000Z");
  });

  it("does not link lines twice when the plan's order is imported in the same file twice", async () => {
    const f = await factory();
    const o = await approvedOrder(f, [{ sku: "TEE", quantity: "4" }]);
    const [line] = await linesOf(f.ctx, o.id);
    const res = await importPlans(f.ctx, { ...csv([["计划单号", "订单号"], ["PP-D1", o.orderNo], ["PP-D2", o.orderNo]]), commit: true });
    expect(res.created).toBe(2);
    const links = await testDb().select().from(productionPlanOrderLines).where(eq(productionPlanOrderLines.orderLineId, line!.id));
    expect(links).toHaveLength(2);
    expect(await orderStatus(f.org.orgId, o.id)).toBe("scheduled");
  });
});

import { and, eq, inArray, or } from "drizzle-orm";
import type { z } from "zod";
import { orderLines, orders, productionPlans, productionRouteProducts, productionRoutes, products } from "@/db/schema";
import { checkDecimal, Decimal, dec } from "@/lib/decimal";
import { REPORTABLE_STATUSES, type PlanStatus } from "@/lib/production/status";
import { IMPORT_MAX_BYTES, ImportInput } from "@/lib/validators/tabular";
import { optionalPlanDate } from "@/lib/validators/production";
import { inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, type MessageRef } from "@/server/errors";
import { scaleOf, type Precision } from "@/lib/precision";
import { decodeUpload, readTable, type ColumnSpec } from "../_lib/tabular";
import { merchantSettings } from "../_lib/settings";
import { insertPlan, linkLines, lockPlan } from "./plans";
import { reportTotals, routeSteps, type StepInfo } from "./progress";
import { normalizeWorkReport, recordOnLockedPlan } from "./work-reports";

export type RowError = { row: number; column: string; ref: MessageRef };

/**
 * The answer of a production import. Imports here are all or nothing: a file with any row error is
 * reported row by row and nothing is written, so a plan is never half-imported (and never imported
 * without the order links its row asked for).
 */
export type ProductionImportResult = {
  totalRows: number;
  validRows: number;
  errorRows: number;
  created: number;
  committed: boolean;
  errors: RowError[];
  preview: Record<string, string>[];
};

export const PLAN_COLUMNS: ColumnSpec[] = [
  { key: "planNo", header: "计划单号 Plan No.", aliases: ["计划单号", "生产计划单号", "计划编号", "plan no", "planno", "plan"] },
  { key: "orderNo", header: "订单号 Order No.", aliases: ["订单号", "订单编号", "关联订单", "系统订单号", "order no", "orderno", "order", "orders"] },
  { key: "sku", header: "SKU", aliases: ["商品编码", "规格商品编码", "系统SKU", "sku"] },
  { key: "quantity", header: "数量 Quantity", aliases: ["数量", "计划数量", "生产数量", "quantity", "qty"] },
  { key: "route", header: "工艺路径 Route", aliases: ["工艺路径", "工艺路线", "工艺路径编码", "route", "routecode"] },
  { key: "plannedStart", header: "计划开始 Planned start", aliases: ["计划开始", "开始日期", "计划开始日期", "planned start", "start"] },
  { key: "plannedEnd", header: "计划完成 Planned end", aliases: ["计划完成", "完成日期", "计划完成日期", "计划结束", "planned end", "end"] },
  { key: "workCentre", header: "工作中心 Work centre", aliases: ["工作中心", "车间", "work centre", "work center", "workcenter"] },
  { key: "remark", header: "备注 Remark", aliases: ["备注", "remark"] },
];

export const WORK_REPORT_COLUMNS: ColumnSpec[] = [
  { key: "planNo", header: "计划单号 Plan No.", aliases: ["计划单号", "生产计划单号", "plan no", "planno"] },
  { key: "operation", header: "工序编码 Operation", aliases: ["工序编码", "工序", "operation", "operation code"] },
  { key: "goodQty", header: "良品数 Good", aliases: ["良品数", "良品数量", "合格数", "good", "good qty"] },
  { key: "defectiveQty", header: "不良数 Defective", aliases: ["不良数", "不良品数", "次品数", "defective", "defective qty"] },
  { key: "operator", header: "报工人 Operator", aliases: ["报工人", "操作员", "操作工", "operator"] },
  { key: "reportedAt", header: "报工时间 Reported at", aliases: ["报工时间", "时间", "reported at", "time"] },
  { key: "overrideReason", header: "超报原因 Override reason", aliases: ["超报原因", "超量原因", "override reason", "override"] },
  { key: "remark", header: "备注 Remark", aliases: ["备注", "remark"] },
];

const sheetRow = (i: number) => i + 2;
const header = (columns: ColumnSpec[], key: string) => columns.find((c) => c.key === key)?.header ?? key;

class RowErrors {
  readonly list: RowError[] = [];
  constructor(private columns: ColumnSpec[]) {}
  add(row: number, key: string, ref: MessageRef) {
    this.list.push({ row, column: key ? header(this.columns, key) : "", ref: { key: ref.key, params: { field: key, ...(ref.params ?? {}) } } });
  }
  /** A DomainError thrown while committing, placed on its row. */
  addDomain(row: number, e: DomainError) {
    const entries = Object.entries(e.fieldErrors ?? {});
    if (entries.length === 0) this.list.push({ row, column: "", ref: e.messageRef });
    for (const [field, ref] of entries) this.add(row, field.split(".")[0]!, ref);
  }
  rows() {
    return new Set(this.list.map((e) => e.row));
  }
}

async function loadRows(input: z.input<typeof ImportInput>, columns: ColumnSpec[]) {
  const parsed = ImportInput.parse(input);
  const { rows } = await readTable(parsed.format, decodeUpload(parsed.content, IMPORT_MAX_BYTES), columns);
  return { parsed, rows };
}

/** 2025/3/1 and 2025-3-1 become 2025-03-01; anything else is checked as typed. */
function normalizeDate(v: string | undefined): string {
  const s = (v ?? "").trim();
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s);
  return m ? `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}` : s;
}

function checkQty(value: string, p: Precision, opts: { positive?: boolean } = {}): { ok: true; value: string } | { ok: false; ref: MessageRef } {
  const scale = scaleOf(p, "quantity");
  const r = checkDecimal(value, scale);
  if (!r.ok) {
    const key = r.reason === "scale" ? "tooManyDecimals" : r.reason === "negative" ? "mustNotBeNegative" : r.reason === "range" ? "outOfRange" : "decimalFormat";
    return { ok: false, ref: { key, params: { scale } } };
  }
  if (opts.positive && !dec(r.value).gt(0)) return { ok: false, ref: { key: "mustBePositive" } };
  return r;
}

const CODE_RE = /^[A-Za-z0-9._\-/#]+$/;

type PlanCandidate = {
  row: number;
  planNo: string | null;
  productId: string;
  sku: string;
  productName: string;
  quantity: string;
  routeId: string;
  routeCode: string;
  plannedStart: string | null;
  plannedEnd: string | null;
  workCentre: string;
  remark: string;
  orderLineIds: string[];
  orderNos: string[];
};

/**
 * Production plans from CSV/XLSX: plan number (blank = next number), order number(s) and/or SKU,
 * quantity (blank with orders = the linked lines' quantity), route code (blank = the product's route),
 * planned start and end, work centre. Orders named are linked and become scheduled. Preview with
 * `commit: false`; with `commit: true` everything is written in one transaction, or nothing is.
 */
export async function importPlans(ctx: ServiceContext, input: z.input<typeof ImportInput>): Promise<ProductionImportResult> {
  const { parsed, rows } = await loadRows(input, PLAN_COLUMNS);
  const settings = await merchantSettings(ctx);
  const errors = new RowErrors(PLAN_COLUMNS);

  const split = (v: string | undefined) => (v ?? "").split(/[,，;；\s]+/).map((s) => s.trim()).filter(Boolean);
  const allOrderNos = [...new Set(rows.flatMap((r) => split(r.orderNo)))];
  const allSkus = [...new Set(rows.map((r) => r.sku ?? "").filter(Boolean))];
  const allPlanNos = [...new Set(rows.map((r) => r.planNo ?? "").filter(Boolean))];

  const orderRows = allOrderNos.length
    ? await ctx.db
        .select({ id: orders.id, orderNo: orders.orderNo, status: orders.status })
        .from(orders)
        .where(and(eq(orders.orgId, ctx.orgId), inArray(orders.orderNo, allOrderNos)))
    : [];
  const orderByNo = new Map(orderRows.map((o) => [o.orderNo, o]));
  const lineRows = orderRows.length
    ? await ctx.db
        .select({ id: orderLines.id, orderId: orderLines.orderId, productId: orderLines.productId, sku: orderLines.sku, quantity: orderLines.quantity })
        .from(orderLines)
        .where(and(eq(orderLines.orgId, ctx.orgId), inArray(orderLines.orderId, orderRows.map((o) => o.id))))
    : [];
  const productIdsOfLines = [...new Set(lineRows.map((l) => l.productId))];
  const productRows =
    allSkus.length || productIdsOfLines.length
      ? await ctx.db
          .select({ id: products.id, sku: products.sku, name: products.name, spec: products.spec, enabled: products.enabled })
          .from(products)
          .where(
            and(
              eq(products.orgId, ctx.orgId),
              or(
                allSkus.length ? inArray(products.sku, allSkus) : undefined,
                productIdsOfLines.length ? inArray(products.id, productIdsOfLines) : undefined,
              ),
            ),
          )
      : [];
  const productBySku = new Map(productRows.map((p) => [p.sku, p]));
  const productById = new Map(productRows.map((p) => [p.id, p]));
  const routeRows = await ctx.db
    .select({ id: productionRoutes.id, code: productionRoutes.code, enabled: productionRoutes.enabled })
    .from(productionRoutes)
    .where(eq(productionRoutes.orgId, ctx.orgId));
  const routeByCode = new Map(routeRows.map((r) => [r.code.toLowerCase(), r]));
  const routeById = new Map(routeRows.map((r) => [r.id, r]));
  const assigned = productRows.length
    ? await ctx.db
        .select({ productId: productionRouteProducts.productId, routeId: productionRouteProducts.routeId })
        .from(productionRouteProducts)
        .where(and(eq(productionRouteProducts.orgId, ctx.orgId), inArray(productionRouteProducts.productId, productRows.map((p) => p.id))))
    : [];
  const routeOfProduct = new Map(assigned.map((a) => [a.productId, a.routeId]));
  const takenPlanNos = new Set(
    allPlanNos.length
      ? (
          await ctx.db
            .select({ planNo: productionPlans.planNo })
            .from(productionPlans)
            .where(and(eq(productionPlans.orgId, ctx.orgId), inArray(productionPlans.planNo, allPlanNos)))
        ).map((p) => p.planNo)
      : [],
  );

  const candidates: PlanCandidate[] = [];
  const seenPlanNo = new Map<string, number>();
  const preview: Record<string, string>[] = [];
  rows.forEach((r, i) => {
    const row = sheetRow(i);
    const before = errors.list.length;
    const planNo = (r.planNo ?? "").trim();
    if (planNo) {
      if (planNo.length > 40) errors.add(row, "planNo", { key: "tooLong" });
      else if (!CODE_RE.test(planNo)) errors.add(row, "planNo", { key: "codeFormat" });
      else if (takenPlanNos.has(planNo)) errors.add(row, "planNo", { key: "planNoTaken", params: { planNo } });
      else if (seenPlanNo.has(planNo.toLowerCase())) errors.add(row, "planNo", { key: "duplicateInFile", params: { row: seenPlanNo.get(planNo.toLowerCase())! } });
      seenPlanNo.set(planNo.toLowerCase(), seenPlanNo.get(planNo.toLowerCase()) ?? row);
    }

    // Orders named on the row: known, schedulable.
    const orderNos = split(r.orderNo);
    const rowOrders: typeof orderRows = [];
    for (const no of orderNos) {
      const o = orderByNo.get(no);
      if (!o) errors.add(row, "orderNo", { key: "orderUnknown", params: { orderNo: no } });
      else if (o.status !== "stock_up" && o.status !== "scheduled") errors.add(row, "orderNo", { key: "orderNotSchedulable", params: { orderNo: no, status: o.status } });
      else rowOrders.push(o);
    }

    // The product: the SKU column, or the one product of the orders named.
    let sku = (r.sku ?? "").trim();
    if (!sku && orderNos.length && rowOrders.length === orderNos.length) {
      const productIds = new Set(lineRows.filter((l) => rowOrders.some((o) => o.id === l.orderId)).map((l) => l.productId));
      if (productIds.size === 1) sku = productById.get([...productIds][0]!)?.sku ?? "";
      else errors.add(row, "sku", { key: "orderSkuAmbiguous" });
    } else if (!sku && orderNos.length === 0) {
      errors.add(row, "sku", { key: "skuOrOrderRequired" });
    }
    const product = sku ? productBySku.get(sku) : undefined;
    if (sku && !product) errors.add(row, "sku", { key: "skuUnknown", params: { sku } });
    else if (product && !product.enabled) errors.add(row, "sku", { key: "planProductDisabled", params: { sku } });

    // Lines of the named orders with this product.
    const lines = product ? lineRows.filter((l) => l.productId === product.id && rowOrders.some((o) => o.id === l.orderId)) : [];
    if (product) {
      for (const o of rowOrders) {
        if (!lines.some((l) => l.orderId === o.id)) errors.add(row, "orderNo", { key: "orderHasNoSku", params: { orderNo: o.orderNo, sku: product.sku } });
      }
    }

    let quantity: string | null = null;
    const qtyText = (r.quantity ?? "").trim();
    if (qtyText) {
      const q = checkQty(qtyText, settings, { positive: true });
      if (q.ok) quantity = q.value;
      else errors.add(row, "quantity", q.ref);
    } else if (lines.length) {
      quantity = lines.reduce((a, l) => a.plus(l.quantity), new Decimal(0)).toFixed();
    } else if (orderNos.length === 0) {
      errors.add(row, "quantity", { key: "required" });
    }

    let route = undefined as (typeof routeRows)[number] | undefined;
    const routeCode = (r.route ?? "").trim();
    if (routeCode) {
      route = routeByCode.get(routeCode.toLowerCase());
      if (!route) errors.add(row, "route", { key: "routeUnknown", params: { code: routeCode } });
    } else if (product) {
      const rid = routeOfProduct.get(product.id);
      route = rid ? routeById.get(rid) : undefined;
      if (!route) errors.add(row, "route", { key: "productHasNoRoute", params: { sku: product.sku } });
    }
    if (route && !route.enabled) errors.add(row, "route", { key: "routeDisabled", params: { code: route.code } });

    const start = optionalPlanDate.safeParse(normalizeDate(r.plannedStart));
    const end = optionalPlanDate.safeParse(normalizeDate(r.plannedEnd));
    if (!start.success) errors.add(row, "plannedStart", { key: "dateFormat" });
    if (!end.success) errors.add(row, "plannedEnd", { key: "dateFormat" });
    if (start.success && end.success && start.data && end.data && end.data < start.data) errors.add(row, "plannedEnd", { key: "endBeforeStart" });
    const workCentre = (r.workCentre ?? "").trim();
    if (workCentre.length > 100) errors.add(row, "workCentre", { key: "tooLong" });
    const remark = (r.remark ?? "").trim();
    if (remark.length > 500) errors.add(row, "remark", { key: "tooLong" });

    preview.push({
      row: String(row),
      planNo: planNo,
      orderNo: orderNos.join(", "),
      sku,
      quantity: quantity ?? qtyText,
      route: route?.code ?? routeCode,
      plannedStart: start.success ? (start.data ?? "") : (r.plannedStart ?? ""),
      plannedEnd: end.success ? (end.data ?? "") : (r.plannedEnd ?? ""),
      workCentre,
    });
    if (errors.list.length > before || !product || !route || !quantity) return;
    candidates.push({
      row,
      planNo: planNo || null,
      productId: product.id,
      sku: product.sku,
      productName: [product.name, product.spec].filter(Boolean).join(" "),
      quantity,
      routeId: route.id,
      routeCode: route.code,
      plannedStart: start.success ? start.data : null,
      plannedEnd: end.success ? end.data : null,
      workCentre,
      remark,
      orderLineIds: lines.map((l) => l.id),
      orderNos,
    });
  });

  let created = 0;
  let committed = false;
  if (parsed.commit && errors.list.length === 0 && candidates.length) {
    let current = 0;
    try {
      await inTransaction(ctx, async (ctx) => {
        for (const c of candidates) {
          current = c.row;
          const plan = await insertPlan(ctx, { ...c });
          if (c.orderLineIds.length) await linkLines(ctx, plan, c.orderLineIds);
          created++;
        }
      });
      committed = true;
    } catch (e) {
      // Rolled back as a whole: report where it failed, nothing was written.
      created = 0;
      if (!(e instanceof DomainError)) throw e;
      errors.addDomain(current, e);
    }
  }
  const errorRows = errors.rows().size;
  return {
    totalRows: rows.length,
    validRows: rows.length - errorRows,
    errorRows,
    created,
    committed,
    errors: errors.list.sort((a, b) => a.row - b.row),
    preview: preview.slice(0, 50),
  };
}

/** Local "2025-03-01 08:30" in the merchant's time zone → a Date (ISO strings with a zone pass as they are). */
export function parseLocalTimestamp(text: string, timezone: string): Date | null {
  const s = text.trim();
  if (!s) return null;
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (!m) {
    const d = new Date(s);
    return /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) && !Number.isNaN(d.getTime()) ? d : null;
  }
  const [y, mo, d, h, mi, se] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, se);
  const probe = new Date(asUtc);
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || h > 23) return null;
  // The zone's offset at that moment, from how Intl renders it.
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(probe);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const rendered = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return new Date(asUtc - (rendered - asUtc));
}

/**
 * Work reports from CSV/XLSX (plan number, operation code, good, defective, operator, time, override
 * reason). Checked as if applied in file order — over-reporting counts earlier rows of the file, a plan
 * completed by an earlier row takes no more — then written in one transaction, or not at all.
 */
export async function importWorkReports(ctx: ServiceContext, input: z.input<typeof ImportInput>): Promise<ProductionImportResult> {
  const { parsed, rows } = await loadRows(input, WORK_REPORT_COLUMNS);
  const settings = await merchantSettings(ctx);
  const errors = new RowErrors(WORK_REPORT_COLUMNS);
  const planNos = [...new Set(rows.map((r) => (r.planNo ?? "").trim()).filter(Boolean))];
  const plans = planNos.length
    ? await ctx.db
        .select()
        .from(productionPlans)
        .where(and(eq(productionPlans.orgId, ctx.orgId), inArray(productionPlans.planNo, planNos)))
    : [];
  const planByNo = new Map(plans.map((p) => [p.planNo, p]));
  const stepsByRoute = new Map<string, StepInfo[]>();
  for (const routeId of new Set(plans.map((p) => p.routeId))) stepsByRoute.set(routeId, await routeSteps(ctx, routeId));
  const totals = await reportTotals(ctx, plans.map((p) => p.id));
  // Simulated state: processed per plan × operation and plan status, as the file goes on.
  const processed = new Map<string, Decimal>();
  const status = new Map<string, PlanStatus>(plans.map((p) => [p.id, p.status]));
  for (const [planId, m] of totals) for (const [opId, t] of m) processed.set(`${planId}:${opId}`, dec(t.good).plus(t.defective));

  type Valid = { row: number; planId: string; values: ReturnType<typeof normalizeWorkReport> };
  const valid: Valid[] = [];
  const preview: Record<string, string>[] = [];
  rows.forEach((r, i) => {
    const row = sheetRow(i);
    const before = errors.list.length;
    const planNo = (r.planNo ?? "").trim();
    const plan = planByNo.get(planNo);
    if (!planNo) errors.add(row, "planNo", { key: "required" });
    else if (!plan) errors.add(row, "planNo", { key: "planUnknown", params: { planNo } });
    const opCode = (r.operation ?? "").trim();
    const step = plan ? stepsByRoute.get(plan.routeId)?.find((s) => s.code.toLowerCase() === opCode.toLowerCase()) : undefined;
    if (!opCode) errors.add(row, "operation", { key: "required" });
    else if (plan && !step) errors.add(row, "operation", { key: "operationNotInRoute" });
    if (plan && !REPORTABLE_STATUSES.includes(status.get(plan.id)!)) {
      errors.add(row, "planNo", { key: "planNotReportable", params: { planNo, status: status.get(plan.id)! } });
    }
    const good = checkQty((r.goodQty ?? "").trim() || "0", settings);
    const bad = checkQty((r.defectiveQty ?? "").trim() || "0", settings);
    if (!good.ok) errors.add(row, "goodQty", good.ref);
    if (!bad.ok) errors.add(row, "defectiveQty", bad.ref);
    if (good.ok && bad.ok && dec(good.value).plus(bad.value).lte(0)) errors.add(row, "goodQty", { key: "reportQtyZero" });
    const operator = (r.operator ?? "").trim();
    if (!operator) errors.add(row, "operator", { key: "required" });
    else if (operator.length > 60) errors.add(row, "operator", { key: "tooLong" });
    const reportedAtText = (r.reportedAt ?? "").trim();
    const reportedAt = reportedAtText ? parseLocalTimestamp(reportedAtText, settings.timezone) : null;
    if (reportedAtText && !reportedAt) errors.add(row, "reportedAt", { key: "timestampFormat" });
    const overrideReason = (r.overrideReason ?? "").trim();
    if (overrideReason.length > 500) errors.add(row, "overrideReason", { key: "tooLong" });

    preview.push({
      row: String(row),
      planNo,
      operation: step ? `${step.code} ${step.name}` : opCode,
      goodQty: good.ok ? good.value : (r.goodQty ?? ""),
      defectiveQty: bad.ok ? bad.value : (r.defectiveQty ?? ""),
      operator,
      reportedAt: reportedAt ? reportedAt.toISOString() : reportedAtText,
    });
    if (errors.list.length > before || !plan || !step || !good.ok || !bad.ok) return;

    const key = `${plan.id}:${step.operationId}`;
    const already = processed.get(key) ?? new Decimal(0);
    const after = already.plus(good.value).plus(bad.value);
    if (after.gt(plan.quantity) && !overrideReason) {
      const remaining = Decimal.max(dec(plan.quantity).minus(already), 0).toFixed();
      errors.add(row, "goodQty", { key: "overReported", params: { planned: dec(plan.quantity).toFixed(), reported: already.toFixed(), remaining } });
      return;
    }
    processed.set(key, after);
    if (status.get(plan.id) === "released") status.set(plan.id, "in_progress");
    const steps = stepsByRoute.get(plan.routeId)!;
    if (steps[steps.length - 1]!.operationId === step.operationId && after.gte(plan.quantity)) status.set(plan.id, "completed");
    valid.push({
      row,
      planId: plan.id,
      values: normalizeWorkReport(
        {
          planId: plan.id,
          operationId: step.operationId,
          goodQty: good.value,
          defectiveQty: bad.value,
          operator,
          reportedAt: reportedAt ? reportedAt.toISOString() : null,
          override: after.gt(plan.quantity),
          overrideReason,
          remark: (r.remark ?? "").trim().slice(0, 500),
        },
        settings,
      ),
    });
  });

  let created = 0;
  let committed = false;
  if (parsed.commit && errors.list.length === 0 && valid.length) {
    let current = 0;
    try {
      await inTransaction(ctx, async (ctx) => {
        for (const v of valid) {
          current = v.row;
          const plan = await lockPlan(ctx, v.planId);
          await recordOnLockedPlan(ctx, plan, v.values, "import");
          created++;
        }
      });
      committed = true;
    } catch (e) {
      created = 0;
      if (!(e instanceof DomainError)) throw e;
      errors.addDomain(current, e);
    }
  }
  const errorRows = errors.rows().size;
  return {
    totalRows: rows.length,
    validRows: rows.length - errorRows,
    errorRows,
    created,
    committed,
    errors: errors.list.sort((a, b) => a.row - b.row),
    preview: preview.slice(0, 50),
  };
}

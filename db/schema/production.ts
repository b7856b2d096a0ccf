import { sql } from "drizzle-orm";
import { boolean, check, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { PlanStatus, UpstreamReportStatus, WorkReportSource } from "@/lib/production/status";
import { createdAt, decimal, tenantId, updatedAt } from "./_columns";
import { organizations, users } from "./auth";
import { products } from "./catalog";
import { orderLines, orders } from "./orders";

const orgRef = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

/** 工序: one of the factory's own operations. Routes are ordered lists of these. */
export const productionOperations = pgTable(
  "production_operations",
  {
    id: tenantId(),
    orgId: orgRef(),
    code: text().notNull(),
    name: text().notNull(),
    /** Standard time per unit, in minutes; also the operation's weight when stages roll up. */
    standardMinutes: decimal().notNull().default("0"),
    workCentre: text().notNull().default(""),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("production_operations_org_code_uq").on(t.orgId, t.code),
    index("production_operations_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

/** 工艺路径: a named, ordered list of operations, assigned to products. */
export const productionRoutes = pgTable(
  "production_routes",
  {
    id: tenantId(),
    orgId: orgRef(),
    code: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
    enabled: boolean().notNull().default(true),
    copiedFromId: uuid(),
    /** Bumped on every edit, so a form saved over someone else's change is refused. */
    version: integer().notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("production_routes_org_code_uq").on(t.orgId, t.code),
    index("production_routes_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export const productionRouteSteps = pgTable(
  "production_route_steps",
  {
    id: tenantId(),
    orgId: orgRef(),
    routeId: uuid().notNull(),
    seq: integer().notNull(),
    operationId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "production_route_steps_route_id_fk", columns: [t.orgId, t.routeId], foreignColumns: [productionRoutes.orgId, productionRoutes.id] }).onDelete("cascade"),
    foreignKey({ name: "production_route_steps_operation_id_fk", columns: [t.orgId, t.operationId], foreignColumns: [productionOperations.orgId, productionOperations.id] }).onDelete("restrict"),
    // An operation appears once per route, so "plan × operation" names one step.
    uniqueIndex("production_route_steps_op_uq").on(t.orgId, t.routeId, t.operationId),
    index("production_route_steps_route_idx").on(t.orgId, t.routeId, t.seq),
    index("production_route_steps_operation_idx").on(t.orgId, t.operationId),
  ],
);

/** Which route a product is made by: at most one route per product. */
export const productionRouteProducts = pgTable(
  "production_route_products",
  {
    orgId: orgRef(),
    productId: uuid().notNull(),
    routeId: uuid().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: "production_route_products_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("cascade"),
    foreignKey({ name: "production_route_products_route_id_fk", columns: [t.orgId, t.routeId], foreignColumns: [productionRoutes.orgId, productionRoutes.id] }).onDelete("cascade"),
    uniqueIndex("production_route_products_uq").on(t.orgId, t.productId),
    index("production_route_products_route_idx").on(t.orgId, t.routeId),
  ],
);

/**
 * A marketplace production programme (the source's 天天工厂) and where its stage-progress reports go.
 * The app secret is stored encrypted (AES-256-GCM).
 */
export const productionProgrammes = pgTable(
  "production_programmes",
  {
    id: tenantId(),
    orgId: orgRef(),
    code: text().notNull(),
    name: text().notNull(),
    endpointUrl: text(),
    appKey: text(),
    appSecretEnc: text(),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("production_programmes_org_code_uq").on(t.orgId, t.code),
  ],
);

/** A programme's standard production stages (生产环节), seeded per merchant and editable. */
export const productionStages = pgTable(
  "production_stages",
  {
    id: tenantId(),
    orgId: orgRef(),
    programmeId: uuid().notNull(),
    code: text().notNull(),
    name: text().notNull(),
    seq: integer().notNull(),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "production_stages_programme_id_fk", columns: [t.orgId, t.programmeId], foreignColumns: [productionProgrammes.orgId, productionProgrammes.id] }).onDelete("cascade"),
    uniqueIndex("production_stages_org_code_uq").on(t.orgId, t.programmeId, t.code),
    index("production_stages_programme_idx").on(t.orgId, t.programmeId, t.seq),
  ],
);

/** A route's mapping to one programme's stages; `confirmedAt` is cleared by every change. */
export const productionRouteMappings = pgTable(
  "production_route_mappings",
  {
    id: tenantId(),
    orgId: orgRef(),
    routeId: uuid().notNull(),
    programmeId: uuid().notNull(),
    confirmedAt: timestamp({ withTimezone: true }),
    confirmedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "production_route_mappings_route_id_fk", columns: [t.orgId, t.routeId], foreignColumns: [productionRoutes.orgId, productionRoutes.id] }).onDelete("cascade"),
    foreignKey({ name: "production_route_mappings_programme_id_fk", columns: [t.orgId, t.programmeId], foreignColumns: [productionProgrammes.orgId, productionProgrammes.id] }).onDelete("cascade"),
    uniqueIndex("production_route_mappings_uq").on(t.orgId, t.routeId, t.programmeId),
  ],
);

export const productionMappingEntries = pgTable(
  "production_mapping_entries",
  {
    id: tenantId(),
    orgId: orgRef(),
    mappingId: uuid().notNull(),
    stageId: uuid().notNull(),
    operationId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "production_mapping_entries_mapping_id_fk", columns: [t.orgId, t.mappingId], foreignColumns: [productionRouteMappings.orgId, productionRouteMappings.id] }).onDelete("cascade"),
    foreignKey({ name: "production_mapping_entries_stage_id_fk", columns: [t.orgId, t.stageId], foreignColumns: [productionStages.orgId, productionStages.id] }).onDelete("cascade"),
    foreignKey({ name: "production_mapping_entries_operation_id_fk", columns: [t.orgId, t.operationId], foreignColumns: [productionOperations.orgId, productionOperations.id] }).onDelete("cascade"),
    // The rule "every operation maps to at most one stage" is this index.
    uniqueIndex("production_mapping_entries_op_uq").on(t.orgId, t.mappingId, t.operationId),
    index("production_mapping_entries_stage_idx").on(t.orgId, t.mappingId, t.stageId),
  ],
);

/** 生产计划单. */
export const productionPlans = pgTable(
  "production_plans",
  {
    id: tenantId(),
    orgId: orgRef(),
    planNo: text().notNull(),
    productId: uuid().notNull(),
    sku: text().notNull(),
    productName: text().notNull().default(""),
    quantity: decimal().notNull(),
    routeId: uuid().notNull(),
    plannedStart: date({ mode: "string" }),
    plannedEnd: date({ mode: "string" }),
    workCentre: text().notNull().default(""),
    status: text().$type<PlanStatus>().notNull().default("planned"),
    statusReason: text(),
    remark: text().notNull().default(""),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    releasedAt: timestamp({ withTimezone: true }),
    startedAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "production_plans_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("restrict"),
    foreignKey({ name: "production_plans_route_id_fk", columns: [t.orgId, t.routeId], foreignColumns: [productionRoutes.orgId, productionRoutes.id] }).onDelete("restrict"),
    uniqueIndex("production_plans_org_no_uq").on(t.orgId, t.planNo),
    index("production_plans_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("production_plans_org_status_created_idx").on(t.orgId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("production_plans_org_route_idx").on(t.orgId, t.routeId),
    index("production_plans_org_product_idx").on(t.orgId, t.productId),
    check("production_plans_qty_positive", sql`${t.quantity} > 0`),
  ],
);

/** A plan made for order lines. An order with at least one live link is 已排产 (scheduled). */
export const productionPlanOrderLines = pgTable(
  "production_plan_order_lines",
  {
    id: tenantId(),
    orgId: orgRef(),
    planId: uuid().notNull(),
    orderId: uuid().notNull(),
    orderLineId: uuid().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "production_plan_order_lines_plan_id_fk", columns: [t.orgId, t.planId], foreignColumns: [productionPlans.orgId, productionPlans.id] }).onDelete("cascade"),
    foreignKey({ name: "production_plan_order_lines_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("cascade"),
    foreignKey({ name: "production_plan_order_lines_order_line_id_fk", columns: [t.orgId, t.orderLineId], foreignColumns: [orderLines.orgId, orderLines.id] }).onDelete("cascade"),
    uniqueIndex("production_plan_order_lines_uq").on(t.orgId, t.planId, t.orderLineId),
    index("production_plan_order_lines_order_idx").on(t.orgId, t.orderId),
  ],
);

/** Timeline of a plan: status changes, links, overrides. */
export const productionPlanEvents = pgTable(
  "production_plan_events",
  {
    id: tenantId(),
    orgId: orgRef(),
    planId: uuid().notNull(),
    type: text().notNull(),
    fromStatus: text().$type<PlanStatus>(),
    toStatus: text().$type<PlanStatus>(),
    reason: text(),
    details: jsonb().$type<Record<string, unknown>>(),
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    actorLabel: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "production_plan_events_plan_id_fk", columns: [t.orgId, t.planId], foreignColumns: [productionPlans.orgId, productionPlans.id] }).onDelete("cascade"),
    index("production_plan_events_plan_idx").on(t.orgId, t.planId, t.createdAt),
  ],
);

/** 报工: good and defective quantities for one plan × operation. */
export const productionWorkReports = pgTable(
  "production_work_reports",
  {
    id: tenantId(),
    orgId: orgRef(),
    planId: uuid().notNull(),
    operationId: uuid().notNull(),
    goodQty: decimal().notNull(),
    defectiveQty: decimal().notNull().default("0"),
    operator: text().notNull(),
    reportedAt: timestamp({ withTimezone: true }).notNull(),
    /** Set when the report took the operation past the planned quantity on purpose. */
    overrideReason: text(),
    remark: text().notNull().default(""),
    source: text().$type<WorkReportSource>().notNull().default("manual"),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "production_work_reports_plan_id_fk", columns: [t.orgId, t.planId], foreignColumns: [productionPlans.orgId, productionPlans.id] }).onDelete("cascade"),
    foreignKey({ name: "production_work_reports_operation_id_fk", columns: [t.orgId, t.operationId], foreignColumns: [productionOperations.orgId, productionOperations.id] }).onDelete("restrict"),
    index("production_work_reports_plan_op_idx").on(t.orgId, t.planId, t.operationId),
    index("production_work_reports_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("production_work_reports_operation_idx").on(t.orgId, t.operationId),
    check("production_work_reports_qty_nonneg", sql`${t.goodQty} >= 0 and ${t.defectiveQty} >= 0 and ${t.goodQty} + ${t.defectiveQty} > 0`),
  ],
);

/**
 * One stage-progress snapshot sent (or to be sent) to a programme. `version` grows per plan × programme;
 * the receiver applies only newer versions, and the idempotency key makes a resend harmless.
 */
export const productionUpstreamReports = pgTable(
  "production_upstream_reports",
  {
    id: tenantId(),
    orgId: orgRef(),
    planId: uuid().notNull(),
    programmeId: uuid().notNull(),
    version: integer().notNull(),
    idempotencyKey: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text().$type<UpstreamReportStatus>().notNull(),
    attempts: integer().notNull().default(0),
    httpStatus: integer(),
    response: jsonb().$type<Record<string, unknown>>(),
    lastError: text(),
    outboxEventId: uuid(),
    deliveredAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "production_upstream_reports_plan_id_fk", columns: [t.orgId, t.planId], foreignColumns: [productionPlans.orgId, productionPlans.id] }).onDelete("cascade"),
    foreignKey({ name: "production_upstream_reports_programme_id_fk", columns: [t.orgId, t.programmeId], foreignColumns: [productionProgrammes.orgId, productionProgrammes.id] }).onDelete("cascade"),
    uniqueIndex("production_upstream_reports_version_uq").on(t.orgId, t.planId, t.programmeId, t.version),
    index("production_upstream_reports_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, decimal, tenantId, updatedAt } from "./_columns";
import { organizations, users } from "./auth";
import { products, warehouses } from "./catalog";
import { orderLines, orders } from "./orders";

/**
 * Warehouse documents: inbound receipts, outbound orders (with pick batches), returns and stocktakes.
 * Stock itself lives in `inventory.ts`; every quantity change here goes through the ledger in the same
 * transaction as the document's own change.
 */

const orgRef = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

const userRef = () => uuid().references(() => users.id, { onDelete: "set null" });

/** Timeline columns shared by every document's event table: who, when, from, to, why. */
const eventColumns = () => ({
  id: tenantId(),
  orgId: orgRef(),
  type: text().notNull(),
  fromStatus: text(),
  toStatus: text(),
  reason: text(),
  details: jsonb().$type<Record<string, unknown>>(),
  actorUserId: userRef(),
  actorLabel: text().notNull(),
  createdAt: createdAt(),
});

/** 库位: where a SKU sits in a warehouse; pick lists are sorted by it. */
export const stockLocations = pgTable(
  "stock_locations",
  {
    orgId: orgRef(),
    warehouseId: uuid().notNull(),
    productId: uuid().notNull(),
    location: text().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ name: "stock_locations_warehouse_id_fk", columns: [t.orgId, t.warehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("cascade"),
    foreignKey({ name: "stock_locations_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("cascade"),
    primaryKey({ columns: [t.orgId, t.warehouseId, t.productId] }),
  ],
);

// ─── 入库单 Inbound receipts ──────────────────────────────────────────────────────────────────────

export type InboundStatus = "draft" | "submitted" | "partially_received" | "received" | "cancelled";

export const inboundReceipts = pgTable(
  "inbound_receipts",
  {
    id: tenantId(),
    orgId: orgRef(),
    receiptNo: text().notNull(),
    warehouseId: uuid().notNull(),
    status: text().$type<InboundStatus>().notNull().default("draft"),
    supplier: text().notNull().default(""),
    reference: text().notNull().default(""),
    expectedDate: text(),
    remark: text().notNull().default(""),
    totalExpected: decimal().notNull().default("0"),
    totalReceived: decimal().notNull().default("0"),
    version: integer().notNull().default(1),
    createdBy: userRef(),
    submittedAt: timestamp({ withTimezone: true }),
    receivedAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "inbound_receipts_warehouse_id_fk", columns: [t.orgId, t.warehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("restrict"),
    uniqueIndex("inbound_receipts_org_no_uq").on(t.orgId, t.receiptNo),
    index("inbound_receipts_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("inbound_receipts_org_status_created_idx").on(t.orgId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export const inboundReceiptLines = pgTable(
  "inbound_receipt_lines",
  {
    id: tenantId(),
    orgId: orgRef(),
    receiptId: uuid().notNull(),
    lineNo: integer().notNull(),
    productId: uuid().notNull(),
    sku: text().notNull(),
    productName: text().notNull().default(""),
    expectedQty: decimal().notNull(),
    receivedQty: decimal().notNull().default("0"),
    remark: text().notNull().default(""),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "inbound_receipt_lines_receipt_id_fk", columns: [t.orgId, t.receiptId], foreignColumns: [inboundReceipts.orgId, inboundReceipts.id] }).onDelete("cascade"),
    foreignKey({ name: "inbound_receipt_lines_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("restrict"),
    uniqueIndex("inbound_receipt_lines_product_uq").on(t.orgId, t.receiptId, t.productId),
    index("inbound_receipt_lines_receipt_idx").on(t.orgId, t.receiptId, t.lineNo),
    check("inbound_receipt_lines_qty_nonneg", sql`${t.expectedQty} >= 0 and ${t.receivedQty} >= 0`),
  ],
);

export const inboundReceiptEvents = pgTable(
  "inbound_receipt_events",
  {
    ...eventColumns(),
    receiptId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "inbound_receipt_events_receipt_id_fk", columns: [t.orgId, t.receiptId], foreignColumns: [inboundReceipts.orgId, inboundReceipts.id] }).onDelete("cascade"),
    index("inbound_receipt_events_receipt_idx").on(t.orgId, t.receiptId, t.createdAt),
  ],
);

// ─── 出库订单 Outbound orders ─────────────────────────────────────────────────────────────────────

export type OutboundStatus = "pending_audit" | "audited" | "picking" | "packed" | "shipped" | "cancelled";

/** One problem found by 审核, shown on the row until a later audit passes. */
export type AuditException = { code: string; params?: Record<string, string | number> };

/** 拣货批次: audited outbound orders of one warehouse picked together from one pick list. */
export const pickBatches = pgTable(
  "pick_batches",
  {
    id: tenantId(),
    orgId: orgRef(),
    batchNo: text().notNull(),
    warehouseId: uuid().notNull(),
    orderCount: integer().notNull().default(0),
    createdBy: userRef(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "pick_batches_warehouse_id_fk", columns: [t.orgId, t.warehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("restrict"),
    uniqueIndex("pick_batches_org_no_uq").on(t.orgId, t.batchNo),
    index("pick_batches_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export const outboundOrders = pgTable(
  "outbound_orders",
  {
    id: tenantId(),
    orgId: orgRef(),
    outboundNo: text().notNull(),
    orderId: uuid().notNull(),
    /** Copied from the order so lookups by order number (tracking upload) need no join. */
    orderNo: text().notNull(),
    warehouseId: uuid().notNull(),
    status: text().$type<OutboundStatus>().notNull().default("pending_audit"),
    auditExceptions: jsonb().$type<AuditException[]>().notNull().default([]),
    lastAuditAt: timestamp({ withTimezone: true }),
    pickBatchId: uuid(),
    totalQty: decimal().notNull().default("0"),
    carrier: text(),
    trackingNumber: text(),
    statusReason: text(),
    version: integer().notNull().default(1),
    auditedAt: timestamp({ withTimezone: true }),
    packedAt: timestamp({ withTimezone: true }),
    shippedAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "outbound_orders_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("restrict"),
    foreignKey({ name: "outbound_orders_warehouse_id_fk", columns: [t.orgId, t.warehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("restrict"),
    foreignKey({ name: "outbound_orders_pick_batch_id_fk", columns: [t.orgId, t.pickBatchId], foreignColumns: [pickBatches.orgId, pickBatches.id] }).onDelete("set null"),
    uniqueIndex("outbound_orders_org_no_uq").on(t.orgId, t.outboundNo),
    index("outbound_orders_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("outbound_orders_org_status_created_idx").on(t.orgId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("outbound_orders_org_order_idx").on(t.orgId, t.orderId),
    index("outbound_orders_org_order_no_idx").on(t.orgId, t.orderNo),
    index("outbound_orders_org_tracking_idx").on(t.orgId, t.trackingNumber),
    index("outbound_orders_org_batch_idx").on(t.orgId, t.pickBatchId),
  ],
);

export const outboundOrderLines = pgTable(
  "outbound_order_lines",
  {
    id: tenantId(),
    orgId: orgRef(),
    outboundId: uuid().notNull(),
    orderLineId: uuid().notNull(),
    lineNo: integer().notNull(),
    productId: uuid().notNull(),
    sku: text().notNull(),
    productName: text().notNull().default(""),
    quantity: decimal().notNull(),
    packedQty: decimal(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "outbound_order_lines_outbound_id_fk", columns: [t.orgId, t.outboundId], foreignColumns: [outboundOrders.orgId, outboundOrders.id] }).onDelete("cascade"),
    foreignKey({ name: "outbound_order_lines_order_line_id_fk", columns: [t.orgId, t.orderLineId], foreignColumns: [orderLines.orgId, orderLines.id] }).onDelete("restrict"),
    foreignKey({ name: "outbound_order_lines_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("restrict"),
    index("outbound_order_lines_outbound_idx").on(t.orgId, t.outboundId, t.lineNo),
    index("outbound_order_lines_order_line_idx").on(t.orgId, t.orderLineId),
    check("outbound_order_lines_qty_pos", sql`${t.quantity} > 0`),
  ],
);

export const outboundEvents = pgTable(
  "outbound_events",
  {
    ...eventColumns(),
    outboundId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "outbound_events_outbound_id_fk", columns: [t.orgId, t.outboundId], foreignColumns: [outboundOrders.orgId, outboundOrders.id] }).onDelete("cascade"),
    index("outbound_events_outbound_idx").on(t.orgId, t.outboundId, t.createdAt),
  ],
);

// ─── 退货 Returns (RMA) ───────────────────────────────────────────────────────────────────────────

export type ReturnStatus = "requested" | "received" | "inspected" | "closed" | "cancelled";
export type ReturnDisposition = "restock" | "scrap";

export const returns = pgTable(
  "returns",
  {
    id: tenantId(),
    orgId: orgRef(),
    returnNo: text().notNull(),
    orderId: uuid().notNull(),
    orderNo: text().notNull(),
    outboundId: uuid(),
    status: text().$type<ReturnStatus>().notNull().default("requested"),
    reason: text().notNull(),
    /** Marketplace return / RMA number when a platform return is entered by hand. */
    platformRef: text().notNull().default(""),
    remark: text().notNull().default(""),
    totalQty: decimal().notNull().default("0"),
    version: integer().notNull().default(1),
    createdBy: userRef(),
    receivedAt: timestamp({ withTimezone: true }),
    inspectedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "returns_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("restrict"),
    foreignKey({ name: "returns_outbound_id_fk", columns: [t.orgId, t.outboundId], foreignColumns: [outboundOrders.orgId, outboundOrders.id] }).onDelete("restrict"),
    uniqueIndex("returns_org_no_uq").on(t.orgId, t.returnNo),
    index("returns_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("returns_org_status_created_idx").on(t.orgId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("returns_org_order_idx").on(t.orgId, t.orderId),
  ],
);

export const returnLines = pgTable(
  "return_lines",
  {
    id: tenantId(),
    orgId: orgRef(),
    returnId: uuid().notNull(),
    orderLineId: uuid().notNull(),
    lineNo: integer().notNull(),
    productId: uuid().notNull(),
    sku: text().notNull(),
    productName: text().notNull().default(""),
    quantity: decimal().notNull(),
    receivedQty: decimal(),
    disposition: text().$type<ReturnDisposition>(),
    restockWarehouseId: uuid(),
    remark: text().notNull().default(""),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "return_lines_return_id_fk", columns: [t.orgId, t.returnId], foreignColumns: [returns.orgId, returns.id] }).onDelete("cascade"),
    foreignKey({ name: "return_lines_order_line_id_fk", columns: [t.orgId, t.orderLineId], foreignColumns: [orderLines.orgId, orderLines.id] }).onDelete("restrict"),
    foreignKey({ name: "return_lines_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("restrict"),
    foreignKey({ name: "return_lines_restock_warehouse_id_fk", columns: [t.orgId, t.restockWarehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("restrict"),
    index("return_lines_return_idx").on(t.orgId, t.returnId, t.lineNo),
    index("return_lines_order_line_idx").on(t.orgId, t.orderLineId),
    check("return_lines_qty_pos", sql`${t.quantity} > 0`),
  ],
);

export const returnEvents = pgTable(
  "return_events",
  {
    ...eventColumns(),
    returnId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "return_events_return_id_fk", columns: [t.orgId, t.returnId], foreignColumns: [returns.orgId, returns.id] }).onDelete("cascade"),
    index("return_events_return_idx").on(t.orgId, t.returnId, t.createdAt),
  ],
);

// ─── 盘点 Stocktakes ──────────────────────────────────────────────────────────────────────────────

export type StocktakeStatus = "counting" | "posted" | "cancelled";

export const stocktakes = pgTable(
  "stocktakes",
  {
    id: tenantId(),
    orgId: orgRef(),
    stocktakeNo: text().notNull(),
    warehouseId: uuid().notNull(),
    status: text().$type<StocktakeStatus>().notNull().default("counting"),
    remark: text().notNull().default(""),
    createdBy: userRef(),
    postedBy: userRef(),
    postedAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "stocktakes_warehouse_id_fk", columns: [t.orgId, t.warehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("restrict"),
    uniqueIndex("stocktakes_org_no_uq").on(t.orgId, t.stocktakeNo),
    index("stocktakes_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export const stocktakeLines = pgTable(
  "stocktake_lines",
  {
    id: tenantId(),
    orgId: orgRef(),
    stocktakeId: uuid().notNull(),
    productId: uuid().notNull(),
    sku: text().notNull(),
    productName: text().notNull().default(""),
    /** Null until counted; uncounted lines are left alone when the stocktake is posted. */
    countedQty: decimal(),
    /** On hand when the stocktake was posted, and the difference posted as a movement. */
    systemQty: decimal(),
    differenceQty: decimal(),
    countedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "stocktake_lines_stocktake_id_fk", columns: [t.orgId, t.stocktakeId], foreignColumns: [stocktakes.orgId, stocktakes.id] }).onDelete("cascade"),
    foreignKey({ name: "stocktake_lines_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("restrict"),
    uniqueIndex("stocktake_lines_product_uq").on(t.orgId, t.stocktakeId, t.productId),
    index("stocktake_lines_sku_idx").on(t.orgId, t.stocktakeId, t.sku),
    check("stocktake_lines_counted_nonneg", sql`${t.countedQty} is null or ${t.countedQty} >= 0`),
  ],
);

/**
 * A stocktake's timeline (created, posted, cancelled), like every document's. Born in the tenancy shape:
 * primary key (org_id, id). The stocktake reference is a plain key until `stocktakes` has (org_id, id)
 * as a key of its own, when it becomes (org_id, stocktake_id) → stocktakes (org_id, id).
 */
export const stocktakeEvents = pgTable(
  "stocktake_events",
  {
    ...eventColumns(),
    stocktakeId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "stocktake_events_stocktake_id_fk", columns: [t.orgId, t.stocktakeId], foreignColumns: [stocktakes.orgId, stocktakes.id] }).onDelete("cascade"),
    index("stocktake_events_stocktake_idx").on(t.orgId, t.stocktakeId, t.createdAt),
  ],
);

import { sql } from "drizzle-orm";
import {
  check,
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
import { createdAt, decimal, id, updatedAt } from "./_columns";
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
  id: id(),
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
    warehouseId: uuid()
      .notNull()
      .references(() => warehouses.id, { onDelete: "cascade" }),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    location: text().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.warehouseId, t.productId] })],
);

// ─── 入库单 Inbound receipts ──────────────────────────────────────────────────────────────────────

export type InboundStatus = "draft" | "submitted" | "partially_received" | "received" | "cancelled";

export const inboundReceipts = pgTable(
  "inbound_receipts",
  {
    id: id(),
    orgId: orgRef(),
    receiptNo: text().notNull(),
    warehouseId: uuid()
      .notNull()
      .references(() => warehouses.id, { onDelete: "restrict" }),
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
    uniqueIndex("inbound_receipts_org_no_uq").on(t.orgId, t.receiptNo),
    index("inbound_receipts_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("inbound_receipts_org_status_created_idx").on(t.orgId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export const inboundReceiptLines = pgTable(
  "inbound_receipt_lines",
  {
    id: id(),
    orgId: orgRef(),
    receiptId: uuid()
      .notNull()
      .references(() => inboundReceipts.id, { onDelete: "cascade" }),
    lineNo: integer().notNull(),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    sku: text().notNull(),
    productName: text().notNull().default(""),
    expectedQty: decimal().notNull(),
    receivedQty: decimal().notNull().default("0"),
    remark: text().notNull().default(""),
  },
  (t) => [
    uniqueIndex("inbound_receipt_lines_product_uq").on(t.orgId, t.receiptId, t.productId),
    index("inbound_receipt_lines_receipt_idx").on(t.orgId, t.receiptId, t.lineNo),
    check("inbound_receipt_lines_qty_nonneg", sql`${t.expectedQty} >= 0 and ${t.receivedQty} >= 0`),
  ],
);

export const inboundReceiptEvents = pgTable(
  "inbound_receipt_events",
  {
    ...eventColumns(),
    receiptId: uuid()
      .notNull()
      .references(() => inboundReceipts.id, { onDelete: "cascade" }),
  },
  (t) => [index("inbound_receipt_events_receipt_idx").on(t.orgId, t.receiptId, t.createdAt)],
);

// ─── 出库订单 Outbound orders ─────────────────────────────────────────────────────────────────────

export type OutboundStatus = "pending_audit" | "audited" | "picking" | "packed" | "shipped" | "cancelled";

/** One problem found by 审核, shown on the row until a later audit passes. */
export type AuditException = { code: string; params?: Record<string, string | number> };

/** 拣货批次: audited outbound orders of one warehouse picked together from one pick list. */
export const pickBatches = pgTable(
  "pick_batches",
  {
    id: id(),
    orgId: orgRef(),
    batchNo: text().notNull(),
    warehouseId: uuid()
      .notNull()
      .references(() => warehouses.id, { onDelete: "restrict" }),
    orderCount: integer().notNull().default(0),
    createdBy: userRef(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("pick_batches_org_no_uq").on(t.orgId, t.batchNo),
    index("pick_batches_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export const outboundOrders = pgTable(
  "outbound_orders",
  {
    id: id(),
    orgId: orgRef(),
    outboundNo: text().notNull(),
    orderId: uuid()
      .notNull()
      .references(() => orders.id, { onDelete: "restrict" }),
    /** Copied from the order so lookups by order number (tracking upload) need no join. */
    orderNo: text().notNull(),
    warehouseId: uuid()
      .notNull()
      .references(() => warehouses.id, { onDelete: "restrict" }),
    status: text().$type<OutboundStatus>().notNull().default("pending_audit"),
    auditExceptions: jsonb().$type<AuditException[]>().notNull().default([]),
    lastAuditAt: timestamp({ withTimezone: true }),
    pickBatchId: uuid().references(() => pickBatches.id, { onDelete: "set null" }),
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
    id: id(),
    orgId: orgRef(),
    outboundId: uuid()
      .notNull()
      .references(() => outboundOrders.id, { onDelete: "cascade" }),
    orderLineId: uuid()
      .notNull()
      .references(() => orderLines.id, { onDelete: "restrict" }),
    lineNo: integer().notNull(),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    sku: text().notNull(),
    productName: text().notNull().default(""),
    quantity: decimal().notNull(),
    packedQty: decimal(),
  },
  (t) => [
    index("outbound_order_lines_outbound_idx").on(t.orgId, t.outboundId, t.lineNo),
    index("outbound_order_lines_order_line_idx").on(t.orgId, t.orderLineId),
    check("outbound_order_lines_qty_pos", sql`${t.quantity} > 0`),
  ],
);

export const outboundEvents = pgTable(
  "outbound_events",
  {
    ...eventColumns(),
    outboundId: uuid()
      .notNull()
      .references(() => outboundOrders.id, { onDelete: "cascade" }),
  },
  (t) => [index("outbound_events_outbound_idx").on(t.orgId, t.outboundId, t.createdAt)],
);

// ─── 退货 Returns (RMA) ───────────────────────────────────────────────────────────────────────────

export type ReturnStatus = "requested" | "received" | "inspected" | "closed" | "cancelled";
export type ReturnDisposition = "restock" | "scrap";

export const returns = pgTable(
  "returns",
  {
    id: id(),
    orgId: orgRef(),
    returnNo: text().notNull(),
    orderId: uuid()
      .notNull()
      .references(() => orders.id, { onDelete: "restrict" }),
    orderNo: text().notNull(),
    outboundId: uuid().references(() => outboundOrders.id, { onDelete: "restrict" }),
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
    uniqueIndex("returns_org_no_uq").on(t.orgId, t.returnNo),
    index("returns_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("returns_org_status_created_idx").on(t.orgId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("returns_org_order_idx").on(t.orgId, t.orderId),
  ],
);

export const returnLines = pgTable(
  "return_lines",
  {
    id: id(),
    orgId: orgRef(),
    returnId: uuid()
      .notNull()
      .references(() => returns.id, { onDelete: "cascade" }),
    orderLineId: uuid()
      .notNull()
      .references(() => orderLines.id, { onDelete: "restrict" }),
    lineNo: integer().notNull(),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    sku: text().notNull(),
    productName: text().notNull().default(""),
    quantity: decimal().notNull(),
    receivedQty: decimal(),
    disposition: text().$type<ReturnDisposition>(),
    restockWarehouseId: uuid().references(() => warehouses.id, { onDelete: "restrict" }),
    remark: text().notNull().default(""),
  },
  (t) => [
    index("return_lines_return_idx").on(t.orgId, t.returnId, t.lineNo),
    index("return_lines_order_line_idx").on(t.orgId, t.orderLineId),
    check("return_lines_qty_pos", sql`${t.quantity} > 0`),
  ],
);

export const returnEvents = pgTable(
  "return_events",
  {
    ...eventColumns(),
    returnId: uuid()
      .notNull()
      .references(() => returns.id, { onDelete: "cascade" }),
  },
  (t) => [index("return_events_return_idx").on(t.orgId, t.returnId, t.createdAt)],
);

// ─── 盘点 Stocktakes ──────────────────────────────────────────────────────────────────────────────

export type StocktakeStatus = "counting" | "posted" | "cancelled";

export const stocktakes = pgTable(
  "stocktakes",
  {
    id: id(),
    orgId: orgRef(),
    stocktakeNo: text().notNull(),
    warehouseId: uuid()
      .notNull()
      .references(() => warehouses.id, { onDelete: "restrict" }),
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
    uniqueIndex("stocktakes_org_no_uq").on(t.orgId, t.stocktakeNo),
    index("stocktakes_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export const stocktakeLines = pgTable(
  "stocktake_lines",
  {
    id: id(),
    orgId: orgRef(),
    stocktakeId: uuid()
      .notNull()
      .references(() => stocktakes.id, { onDelete: "cascade" }),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
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
    uniqueIndex("stocktake_lines_product_uq").on(t.orgId, t.stocktakeId, t.productId),
    index("stocktake_lines_sku_idx").on(t.orgId, t.stocktakeId, t.sku),
    check("stocktake_lines_counted_nonneg", sql`${t.countedQty} is null or ${t.countedQty} >= 0`),
  ],
);

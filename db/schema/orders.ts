import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { LineType, OrderSource, OrderStatus } from "@/lib/orders/status";
import { createdAt, decimal, tenantId, updatedAt } from "./_columns";
import { organizations, users } from "./auth";
import { customers, products, warehouses } from "./catalog";

const orgRef = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

/** 约定类型 / 加工类型: per-merchant lists with seeded values. */
export const agreementTypes = pgTable(
  "agreement_types",
  {
    id: tenantId(),
    orgId: orgRef(),
    kind: text().$type<"agreement" | "processing">().notNull(),
    name: text().notNull(),
    sortOrder: integer().notNull().default(0),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("agreement_types_org_kind_name_uq").on(t.orgId, t.kind, t.name),
  ],
);

export const orders = pgTable(
  "orders",
  {
    id: tenantId(),
    orgId: orgRef(),
    orderNo: text().notNull(),
    source: text().$type<OrderSource>().notNull(),
    status: text().$type<OrderStatus>().notNull().default("pending"),
    /** Status to return to on unfreeze. */
    statusBeforeFreeze: text().$type<OrderStatus>(),
    customerId: uuid(),
    clientNum: text(),
    buyerCompany: text().notNull().default(""),
    addressId: bigint({ mode: "number" }),
    recipientName: text().notNull().default(""),
    recipientPhone: text().notNull().default(""),
    country: text().notNull().default(""),
    province: text().notNull().default(""),
    city: text().notNull().default(""),
    district: text().notNull().default(""),
    street: text().notNull().default(""),
    postcode: text().notNull().default(""),
    deliveryMethod: text().notNull(),
    warehouseId: uuid(),
    deliveryDate: date({ mode: "string" }),
    freight: decimal().notNull().default("0"),
    remark: text().notNull().default(""),
    agreementType: text(),
    agreedTotalQty: decimal(),
    processingType: text(),
    agreedTotalAmount: decimal(),
    /** Σ quantity × unit price of buy lines, rounded to the amount precision. */
    linesTotal: decimal().notNull().default("0"),
    totalQty: decimal().notNull().default("0"),
    /** 结算价: what the buyer pays for the goods; differs from linesTotal only with 特批价. */
    discountTotal: decimal().notNull().default("0"),
    specialPrice: boolean().notNull().default(false),
    /** Platform order this order was converted from (channels). */
    platformOrderId: uuid(),
    copiedFromId: uuid(),
    statusReason: text(),
    version: integer().notNull().default(1),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    approvedAt: timestamp({ withTimezone: true }),
    shippedAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "orders_customer_id_fk", columns: [t.orgId, t.customerId], foreignColumns: [customers.orgId, customers.id] }).onDelete("restrict"),
    foreignKey({ name: "orders_warehouse_id_fk", columns: [t.orgId, t.warehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("restrict"),
    uniqueIndex("orders_org_no_uq").on(t.orgId, t.orderNo),
    index("orders_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("orders_org_status_created_idx").on(t.orgId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("orders_org_customer_idx").on(t.orgId, t.customerId, t.createdAt.desc().nullsFirst()),
    index("orders_org_delivery_date_idx").on(t.orgId, t.deliveryDate),
    uniqueIndex("orders_org_platform_order_uq").on(t.orgId, t.platformOrderId).where(sql`${t.platformOrderId} is not null`),
    index("orders_recipient_trgm_idx").using("gin", sql`${t.recipientName} gin_trgm_ops`),
    index("orders_phone_trgm_idx").using("gin", sql`${t.recipientPhone} gin_trgm_ops`),
  ],
);

export const orderLines = pgTable(
  "order_lines",
  {
    id: tenantId(),
    orgId: orgRef(),
    orderId: uuid().notNull(),
    lineNo: integer().notNull(),
    productId: uuid().notNull(),
    sku: text().notNull(),
    productName: text().notNull().default(""),
    quantity: decimal().notNull(),
    unitPrice: decimal().notNull(),
    /** quantity × unit price, rounded to the amount precision (0 counts toward the total for gifts). */
    amount: decimal().notNull(),
    lineType: text().$type<LineType>().notNull().default("buy"),
    remark: text().notNull().default(""),
    /** Warehouse the line is reserved in (set on approval). */
    warehouseId: uuid(),
    shippedQty: decimal().notNull().default("0"),
    returnedQty: decimal().notNull().default("0"),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "order_lines_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("cascade"),
    foreignKey({ name: "order_lines_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("restrict"),
    foreignKey({ name: "order_lines_warehouse_id_fk", columns: [t.orgId, t.warehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("restrict"),
    index("order_lines_order_idx").on(t.orgId, t.orderId, t.lineNo),
    index("order_lines_product_idx").on(t.orgId, t.productId),
  ],
);

/** Append-only timeline of an order: who, when, from, to, why, which fields changed. */
export const orderEvents = pgTable(
  "order_events",
  {
    id: tenantId(),
    orgId: orgRef(),
    orderId: uuid().notNull(),
    type: text().notNull(),
    fromStatus: text().$type<OrderStatus>(),
    toStatus: text().$type<OrderStatus>(),
    reason: text(),
    changes: jsonb().$type<Record<string, { from: unknown; to: unknown }>>(),
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    actorLabel: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "order_events_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("cascade"),
    index("order_events_order_idx").on(t.orgId, t.orderId, t.createdAt),
  ],
);

/**
 * Files attached to an order. A file uploaded on the new-order form before the order exists is staged
 * (order_id null, uploaded_by set) and linked to the order in the transaction that creates it.
 */
export const orderAttachments = pgTable(
  "order_attachments",
  {
    id: tenantId(),
    orgId: orgRef(),
    orderId: uuid(),
    fileName: text().notNull(),
    contentType: text().notNull(),
    sizeBytes: integer().notNull(),
    storageKey: text().notNull(),
    sha256: text().notNull(),
    uploadedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "order_attachments_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("cascade"),
    index("order_attachments_order_idx").on(t.orgId, t.orderId),
    index("order_attachments_storage_idx").on(t.orgId, t.storageKey),
  ],
);

/**
 * Order counts per status for the list tabs, exact at any size. Maintained by a trigger on `orders`
 * (migration 0003 `orders_status_counts`) in the same transaction as the insert or status change, so
 * they cannot drift whoever writes the row. Each status is spread over 16 shards so concurrent order
 * creation does not queue on one counter row; a count is the sum of its shards.
 */
export const orderStatusCounts = pgTable(
  "order_status_counts",
  {
    orgId: orgRef(),
    status: text().$type<OrderStatus>().notNull(),
    shard: smallint().notNull(),
    n: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.status, t.shard] }),
  ],
);

/** Replay protection for the open API and tRPC creates: the first response per key is kept. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    orgId: orgRef(),
    key: text().notNull(),
    scope: text().notNull(),
    requestHash: text().notNull(),
    response: jsonb().$type<unknown>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("idempotency_keys_uq").on(t.orgId, t.scope, t.key),
  ],
);

import { sql } from "drizzle-orm";
import { boolean, check, date, foreignKey, index, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { OrderChargeKind, OrderChargeSource, PaymentMethod, SkuCostKind } from "@/lib/finance/kinds";
import { createdAt, decimal, tenantId, updatedAt } from "./_columns";
import { organizations, users } from "./auth";
import { customers, products } from "./catalog";
import { orderAttachments, orders } from "./orders";
import { outboundOrders } from "./warehouse";

/** 财务管理: costs as data, exchange rates and the charges of an order that are not on the order itself. */

const orgRef = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

const userRef = () => uuid().references(() => users.id, { onDelete: "set null" });

/**
 * A SKU's cost per unit (purchase or packaging) from a date on, in its own currency. History is kept:
 * the cost of a day is the row with the latest `effective_from` on or before it.
 */
export const skuCosts = pgTable(
  "sku_costs",
  {
    id: tenantId(),
    orgId: orgRef(),
    productId: uuid().notNull(),
    kind: text().$type<SkuCostKind>().notNull(),
    currency: text().notNull(),
    amount: decimal().notNull(),
    effectiveFrom: date({ mode: "string" }).notNull(),
    remark: text().notNull().default(""),
    createdBy: userRef(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "sku_costs_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("cascade"),
    uniqueIndex("sku_costs_org_product_kind_from_uq").on(t.orgId, t.productId, t.kind, t.effectiveFrom),
    index("sku_costs_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    check("sku_costs_amount_nonneg", sql`${t.amount} >= 0`),
  ],
);

/**
 * 汇率: on `rate_date`, 1 `currency` = `rate` `quote_currency` (the merchant's reporting currency when it
 * was entered). A report uses the latest rate on or before the order's date and says which date.
 */
export const exchangeRates = pgTable(
  "exchange_rates",
  {
    id: tenantId(),
    orgId: orgRef(),
    rateDate: date({ mode: "string" }).notNull(),
    currency: text().notNull(),
    quoteCurrency: text().notNull(),
    /** Ten decimals: 1 JPY in CNY needs more than an amount's four. */
    rate: numeric({ precision: 24, scale: 10 }).notNull(),
    createdBy: userRef(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("exchange_rates_org_pair_date_uq").on(t.orgId, t.currency, t.quoteCurrency, t.rateDate),
    index("exchange_rates_org_date_idx").on(t.orgId, t.rateDate.desc().nullsFirst(), t.id.desc().nullsFirst()),
    check("exchange_rates_rate_pos", sql`${t.rate} > 0`),
  ],
);

/** What an order cost beyond its goods and packaging: platform fees, freight paid, other — each in its currency. */
export const orderCharges = pgTable(
  "order_charges",
  {
    id: tenantId(),
    orgId: orgRef(),
    orderId: uuid().notNull(),
    kind: text().$type<OrderChargeKind>().notNull(),
    currency: text().notNull(),
    amount: decimal().notNull(),
    remark: text().notNull().default(""),
    /** manual | settlement (from the order's settlement lines) | shipping | carrier_bill (lib/finance/kinds.ts). */
    source: text().$type<OrderChargeSource>().notNull().default("manual"),
    /** The outbound order the freight is for (shipping, carrier bill). */
    outboundId: uuid(),
    /** A carrier bill line: the bill's number, the tracking number it charges for, the bill's day. */
    billRef: text(),
    trackingNumber: text(),
    billDate: date({ mode: "string" }),
    createdBy: userRef(),
    createdAt: createdAt(),
    updatedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "order_charges_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("cascade"),
    foreignKey({ name: "order_charges_outbound_id_fk", columns: [t.orgId, t.outboundId], foreignColumns: [outboundOrders.orgId, outboundOrders.id] }),
    index("order_charges_org_order_idx").on(t.orgId, t.orderId),
    // A settlement's net platform fee can be below zero (a shipping subsidy above the fees): profit adds it back.
    check("order_charges_amount_nonneg", sql`${t.amount} >= 0 or ${t.source} = 'settlement'`),
    // Idempotent imports: one charge per bill and tracking number; one freight entered per shipment.
    uniqueIndex("order_charges_org_bill_tracking_uq").on(t.orgId, t.billRef, t.trackingNumber).where(sql`source = 'carrier_bill'`),
    uniqueIndex("order_charges_org_outbound_shipping_uq").on(t.orgId, t.outboundId).where(sql`source = 'shipping'`),
    check(
      "order_charges_source_fields",
      sql`(source <> 'carrier_bill' or (bill_ref is not null and tracking_number is not null and outbound_id is not null)) and (source <> 'shipping' or outbound_id is not null)`,
    ),
  ],
);

/**
 * 收款: a payment a customer made against a manual or open-API order (应收), in the order's currency.
 * Voided payments are kept (with who, when and why) and count for nothing.
 */
export const payments = pgTable(
  "payments",
  {
    id: tenantId(),
    orgId: orgRef(),
    orderId: uuid().notNull(),
    customerId: uuid().notNull(),
    amount: decimal().notNull(),
    currency: text().notNull(),
    method: text().$type<PaymentMethod>().notNull(),
    paidOn: date({ mode: "string" }).notNull(),
    note: text().notNull().default(""),
    /** A receipt or bank slip: one of the order's attachments (uploaded the way every order file is). */
    attachmentId: uuid(),
    voided: boolean().notNull().default(false),
    voidReason: text(),
    voidedAt: timestamp({ withTimezone: true }),
    voidedBy: userRef(),
    createdBy: userRef(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "payments_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("cascade"),
    foreignKey({ name: "payments_customer_id_fk", columns: [t.orgId, t.customerId], foreignColumns: [customers.orgId, customers.id] }),
    // ON DELETE SET NULL ("attachment_id") by hand in the migration (drizzle-kit would null org_id too).
    foreignKey({ name: "payments_attachment_id_fk", columns: [t.orgId, t.attachmentId], foreignColumns: [orderAttachments.orgId, orderAttachments.id] }).onDelete("set null"),
    index("payments_org_order_idx").on(t.orgId, t.orderId, t.createdAt),
    index("payments_org_customer_idx").on(t.orgId, t.customerId),
    check("payments_amount_pos", sql`${t.amount} > 0`),
  ],
);

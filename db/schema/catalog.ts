import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, decimal, tenantId, updatedAt } from "./_columns";
import { organizations } from "./auth";

const orgRef = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

export const products = pgTable(
  "products",
  {
    id: tenantId(),
    orgId: orgRef(),
    sku: text().notNull(),
    name: text().notNull(),
    spec: text().notNull().default(""),
    barcode: text(),
    unit: text().notNull().default("件"),
    price: decimal().notNull().default("0"),
    weight: decimal(),
    imageUrl: text(),
    lowStockThreshold: decimal(),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("products_org_sku_uq").on(t.orgId, t.sku),
    index("products_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("products_org_barcode_idx").on(t.orgId, t.barcode),
  ],
);

export const customers = pgTable(
  "customers",
  {
    id: tenantId(),
    orgId: orgRef(),
    clientNum: text().notNull(),
    companyName: text().notNull(),
    contactName: text().notNull().default(""),
    contactPhone: text().notNull().default(""),
    email: text(),
    remark: text().notNull().default(""),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("customers_org_num_uq").on(t.orgId, t.clientNum),
    index("customers_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

/** Integer ids: the ERP open API (002) passes `address_id` as an Int. */
export const customerAddresses = pgTable(
  "customer_addresses",
  {
    id: bigint({ mode: "number" }).notNull().generatedAlwaysAsIdentity({ startWith: 3000 }),
    orgId: orgRef(),
    customerId: uuid().notNull(),
    recipient: text().notNull(),
    phone: text().notNull(),
    country: text().notNull().default("CN"),
    province: text().notNull().default(""),
    city: text().notNull().default(""),
    district: text().notNull().default(""),
    street: text().notNull(),
    postcode: text().notNull().default(""),
    isDefault: boolean().notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "customer_addresses_customer_id_fk", columns: [t.orgId, t.customerId], foreignColumns: [customers.orgId, customers.id] }).onDelete("cascade"),
    index("customer_addresses_customer_idx").on(t.orgId, t.customerId),
    // At most one default address per customer.
    uniqueIndex("customer_addresses_default_uq").on(t.orgId, t.customerId).where(sql`${t.isDefault}`),
  ],
);

export const warehouses = pgTable(
  "warehouses",
  {
    id: tenantId(),
    orgId: orgRef(),
    code: text().notNull(),
    name: text().notNull(),
    country: text().notNull().default("CN"),
    province: text().notNull().default(""),
    city: text().notNull().default(""),
    district: text().notNull().default(""),
    street: text().notNull().default(""),
    contactName: text().notNull().default(""),
    contactPhone: text().notNull().default(""),
    isDefault: boolean().notNull().default(false),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("warehouses_org_code_uq").on(t.orgId, t.code),
    uniqueIndex("warehouses_default_uq").on(t.orgId).where(sql`${t.isDefault}`),
  ],
);

export const deliveryMethods = pgTable(
  "delivery_methods",
  {
    id: tenantId(),
    orgId: orgRef(),
    name: text().notNull(),
    /** 上门自取 (pick-up) needs no shipping address. */
    requiresAddress: boolean().notNull().default(true),
    isDefault: boolean().notNull().default(false),
    sortOrder: integer().notNull().default(0),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("delivery_methods_org_name_uq").on(t.orgId, t.name),
  ],
);

import { sql } from "drizzle-orm";
import { check, foreignKey, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, decimal, tenantId, updatedAt } from "./_columns";
import { organizations, users } from "./auth";
import { products, warehouses } from "./catalog";
import type { MovementKind } from "@/lib/inventory/movements";

/**
 * Current balance per SKU × warehouse, kept equal to the sum of `stock_movements` by writing both in
 * the same transaction. Reservations are guarded UPDATEs on this row (never read-then-write), and the
 * CHECKs are the backstop: available (on_hand − reserved) can never go below zero.
 */
export const stockLevels = pgTable(
  "stock_levels",
  {
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    productId: uuid().notNull(),
    warehouseId: uuid().notNull(),
    onHand: decimal().notNull().default("0"),
    reserved: decimal().notNull().default("0"),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ name: "stock_levels_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("cascade"),
    foreignKey({ name: "stock_levels_warehouse_id_fk", columns: [t.orgId, t.warehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("cascade"),
    primaryKey({ columns: [t.orgId, t.productId, t.warehouseId] }),
    index("stock_levels_org_warehouse_idx").on(t.orgId, t.warehouseId),
    check("stock_levels_reserved_nonneg", sql`${t.reserved} >= 0`),
    check("stock_levels_available_nonneg", sql`${t.onHand} >= ${t.reserved}`),
  ],
);

/** Append-only ledger: every change of on-hand or reserved stock, with its document and author. */
export const stockMovements = pgTable(
  "stock_movements",
  {
    id: tenantId(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    productId: uuid().notNull(),
    warehouseId: uuid().notNull(),
    kind: text().$type<MovementKind>().notNull(),
    onHandDelta: decimal().notNull().default("0"),
    reservedDelta: decimal().notNull().default("0"),
    /** The document behind the movement: order, outbound, inbound, return, adjustment, stocktake… */
    refType: text(),
    refId: uuid(),
    refNo: text(),
    reason: text(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "stock_movements_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("cascade"),
    foreignKey({ name: "stock_movements_warehouse_id_fk", columns: [t.orgId, t.warehouseId], foreignColumns: [warehouses.orgId, warehouses.id] }).onDelete("cascade"),
    index("stock_movements_sku_idx").on(t.orgId, t.productId, t.warehouseId, t.createdAt),
    index("stock_movements_ref_idx").on(t.orgId, t.refType, t.refId),
    index("stock_movements_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

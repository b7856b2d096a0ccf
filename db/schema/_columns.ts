import { numeric, timestamp, uuid } from "drizzle-orm/pg-core";
import { v7 as uuidv7 } from "uuid";

/** Time-ordered UUID v7 generated in the app, so ids sort like insertion order. */
export const newId = () => uuidv7();

export const id = () =>
  uuid()
    .primaryKey()
    .$defaultFn(() => uuidv7());

/** Money, prices and quantities: numeric(18,4); drizzle hands them over as strings. */
export const decimal = () => numeric({ precision: 18, scale: 4 });

export const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/**
 * The id of a merchant's row: generated like `id()` but not a key by itself — every tenant table's
 * primary key is `(org_id, id)` (so it can be distributed by `org_id`, and foreign keys between tenant
 * tables carry the merchant: `(org_id, x_id) → (org_id, id)`).
 */
export const tenantId = () =>
  uuid()
    .notNull()
    .$defaultFn(() => uuidv7());

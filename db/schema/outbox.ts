import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId } from "./_columns";
import { organizations } from "./auth";

/**
 * Side effects outside the database (marketplace pushes, upstream reports, ERP sync), written in the
 * same transaction as the change that causes them and delivered later by a job, idempotently.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: tenantId(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    topic: text().notNull(),
    /** Deduplication key: a pending event with the same topic + key is not enqueued twice. */
    dedupeKey: text(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text().$type<"pending" | "processing" | "done" | "dead">().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    availableAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastError: text(),
    result: jsonb().$type<Record<string, unknown>>(),
    processedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // Partial index: the relay only ever scans pending rows.
    index("outbox_pending_idx").on(t.topic, t.availableAt).where(sql`${t.status} = 'pending'`),
    uniqueIndex("outbox_pending_dedupe_uq")
      .on(t.orgId, t.topic, t.dedupeKey)
      .where(sql`${t.status} = 'pending' and ${t.dedupeKey} is not null`),
    index("outbox_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst()),
  ],
);

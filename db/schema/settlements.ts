import { sql } from "drizzle-orm";
import { foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { SettlementLineType, SettlementStatus } from "@/lib/finance/kinds";
import { createdAt, decimal, tenantId, updatedAt } from "./_columns";
import { organizations } from "./auth";
import { channelAccounts, platformOrders, type PullResult } from "./channels";
import { orders } from "./orders";

/**
 * 平台结算: what a marketplace paid out (or will), and the lines it says make it up. Pulled from the
 * connectors (`listSettlements`) or imported from a settlement file; both are idempotent on the
 * platform's ids: a settlement is unique per merchant + platform + payout id, a line per settlement +
 * the platform's line id, so a re-pull or a re-import updates in place and never doubles.
 */

const orgRef = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

/** A payout (Amazon financial event group, Shopify Payments payout, Shopee escrow release, a file's payout id). */
export const settlements = pgTable(
  "settlements",
  {
    id: tenantId(),
    orgId: orgRef(),
    /** The shop it belongs to; null for an imported file of a platform without a connector. */
    accountId: uuid(),
    platform: text().notNull(),
    /** The platform's payout id. */
    externalId: text().notNull(),
    /** When it was (or will be) paid out: fund transfer date, payout date, escrow release time. */
    settledAt: timestamp({ withTimezone: true }).notNull(),
    currency: text().notNull(),
    /** The sum of its lines in its currency (recomputed after every write of its lines). */
    expectedAmount: decimal().notNull().default("0"),
    /** What the platform says it paid (null while not paid out / not reported). */
    receivedAmount: decimal(),
    status: text().$type<SettlementStatus>().notNull(),
    platformStatus: text().notNull().default(""),
    source: text().$type<"api" | "import">().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // ON DELETE SET NULL ("account_id") by hand in the migration (drizzle-kit would null org_id too).
    foreignKey({ name: "settlements_account_id_fk", columns: [t.orgId, t.accountId], foreignColumns: [channelAccounts.orgId, channelAccounts.id] }).onDelete("set null"),
    uniqueIndex("settlements_org_platform_external_uq").on(t.orgId, t.platform, t.externalId),
    index("settlements_org_settled_idx").on(t.orgId, t.settledAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("settlements_org_account_idx").on(t.orgId, t.accountId, t.settledAt.desc().nullsFirst()),
  ],
);

/** One line of a settlement: a sale, a fee, a refund… of one platform order (when it names one), signed as credited. */
export const settlementLines = pgTable(
  "settlement_lines",
  {
    id: tenantId(),
    orgId: orgRef(),
    settlementId: uuid().notNull(),
    /** The platform's id of the line (or one derived from the platform's ids when it has none). */
    externalLineId: text().notNull(),
    /** The platform's order id as the settlement names it ("" for lines of no order: subscription, ads…). */
    platformOrderId: text().notNull().default(""),
    /** The pulled platform order and its system order, once known (attached on write and on every later pull). */
    platformOrderRef: uuid(),
    orderId: uuid(),
    type: text().$type<SettlementLineType>().notNull(),
    /** The platform's own name of the charge or fee (Commission, FBAPerUnitFulfillmentFee, commission_fee…). */
    platformType: text().notNull().default(""),
    currency: text().notNull(),
    amount: decimal().notNull(),
    postedAt: timestamp({ withTimezone: true }),
    description: text().notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "settlement_lines_settlement_id_fk", columns: [t.orgId, t.settlementId], foreignColumns: [settlements.orgId, settlements.id] }).onDelete("cascade"),
    // ON DELETE SET NULL ("platform_order_ref") / ("order_id") by hand in the migration.
    foreignKey({ name: "settlement_lines_platform_order_fk", columns: [t.orgId, t.platformOrderRef], foreignColumns: [platformOrders.orgId, platformOrders.id] }).onDelete("set null"),
    foreignKey({ name: "settlement_lines_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("set null"),
    uniqueIndex("settlement_lines_org_settlement_line_uq").on(t.orgId, t.settlementId, t.externalLineId),
    index("settlement_lines_org_order_idx").on(t.orgId, t.orderId),
    index("settlement_lines_org_platform_order_idx").on(t.orgId, t.platformOrderId),
    index("settlement_lines_org_platform_order_ref_idx").on(t.orgId, t.platformOrderRef),
    // 结算无订单: lines that name an order not (yet) pulled.
    index("settlement_lines_org_unmatched_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()).where(sql`${t.platformOrderRef} is null and ${t.platformOrderId} <> ''`),
  ],
);

/** One settlement pull of an account (scheduled or manual): its window, counts and outcome. */
export const settlementPullRuns = pgTable(
  "settlement_pull_runs",
  {
    id: tenantId(),
    orgId: orgRef(),
    accountId: uuid().notNull(),
    trigger: text().$type<"schedule" | "manual">().notNull(),
    windowFrom: timestamp({ withTimezone: true }).notNull(),
    windowTo: timestamp({ withTimezone: true }).notNull(),
    status: text().$type<PullResult>().notNull().default("running"),
    pages: integer().notNull().default(0),
    settlements: integer().notNull().default(0),
    lines: integer().notNull().default(0),
    retries: integer().notNull().default(0),
    error: text(),
    startedAt: createdAt(),
    heartbeatAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "settlement_pull_runs_account_id_fk", columns: [t.orgId, t.accountId], foreignColumns: [channelAccounts.orgId, channelAccounts.id] }).onDelete("cascade"),
    index("settlement_pull_runs_account_idx").on(t.orgId, t.accountId, t.startedAt.desc().nullsFirst()),
    uniqueIndex("settlement_pull_runs_running_uq").on(t.orgId, t.accountId).where(sql`${t.status} = 'running'`),
  ],
);

import { sql } from "drizzle-orm";
import {
  boolean,
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
import type { MessageRef } from "@/lib/i18n/message-ref";
import { createdAt, decimal, tenantId, updatedAt } from "./_columns";
import { organizations, users } from "./auth";
import { products } from "./catalog";
import { orders } from "./orders";

const orgRef = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

export type ChannelAccountStatus = "unauthorized" | "enabled" | "stopped" | "token_expired" | "revoked";
export type PullMode = "auto" | "manual";
export type PullResult = "running" | "ok" | "partial" | "failed";
/**
 * A pull's outcome for the accounts page, translated where shown: the counts when it finished, else the
 * connector's error kind (`reason`, "error" for anything else) and the platform's own text.
 */
export type PullSummary =
  | { key: "done"; params: { fetched: number; created: number; updated: number; converted: number; blocked: number; failed: number } }
  | { key: "failed"; params: { reason: string; error: string; failures?: number } };

/** A settlement pull's outcome, translated where shown (the counts, or the error as in PullSummary). */
export type SettlementPullSummary =
  | { key: "settlementsDone"; params: { settlements: number; lines: number } }
  | { key: "failed"; params: { reason: string; error: string; failures?: number } };

/**
 * 平台账号: one authorized shop of a marketplace. Tokens are stored only as AES-256-GCM ciphertext
 * (server/crypto/tokens.ts) with the key version that sealed them.
 */
export const channelAccounts = pgTable(
  "channel_accounts",
  {
    id: tenantId(),
    orgId: orgRef(),
    platform: text().notNull(),
    /** 店铺简称 */
    alias: text().notNull(),
    /**
     * The platform's id of the shop (Shopify shop domain, Amazon seller id, Shopee shop_id): set only by
     * a completed OAuth callback (a Shopify shop typed on the form waits in settings.shopDomain).
     */
    externalShopId: text(),
    shopName: text(),
    /** API base URL: the platform, or a local simulator in development and tests. */
    baseUrl: text().notNull(),
    settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    status: text().$type<ChannelAccountStatus>().notNull().default("unauthorized"),
    pullMode: text().$type<PullMode>().notNull().default("auto"),
    pullIntervalMinutes: integer().notNull().default(15),
    /** Off: platform orders are kept view-only and never converted (001, "disable order import"). */
    importEnabled: boolean().notNull().default(true),
    accessTokenEnc: text(),
    refreshTokenEnc: text(),
    tokenKeyVersion: integer(),
    accessTokenExpiresAt: timestamp({ withTimezone: true }),
    refreshTokenExpiresAt: timestamp({ withTimezone: true }),
    authorizedAt: timestamp({ withTimezone: true }),
    /** Last verification / refresh / authorization problem, shown on the accounts page. */
    lastError: text(),
    /** Orders changed before this instant have been pulled (the cursor; pulls re-read an overlap). */
    pullCursor: timestamp({ withTimezone: true }),
    lastPullAt: timestamp({ withTimezone: true }),
    lastPullResult: text().$type<PullResult>(),
    /** The last pull's outcome as a message key + params, translated where shown. */
    lastPullSummary: jsonb().$type<PullSummary>(),
    nextPullAt: timestamp({ withTimezone: true }),
    /** Settlements (平台结算) pulled up to here: their own cursor, schedule and outcome beside the orders'. */
    settlementCursor: timestamp({ withTimezone: true }),
    settlementNextPullAt: timestamp({ withTimezone: true }),
    lastSettlementPullAt: timestamp({ withTimezone: true }),
    lastSettlementPullResult: text().$type<PullResult>(),
    lastSettlementPullSummary: jsonb().$type<SettlementPullSummary>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("channel_accounts_org_alias_uq").on(t.orgId, t.alias),
    uniqueIndex("channel_accounts_org_shop_uq").on(t.orgId, t.platform, t.externalShopId).where(sql`${t.externalShopId} is not null`),
    // A shop is authorized by one merchant at a time (across merchants on purpose): that claim is a row of
    // global_keys (kind 'shop', kept by a trigger) whose unique index keeps the name
    // channel_accounts_platform_shop_uq; a second claim fails there until the first is revoked.
    index("channel_accounts_org_platform_idx").on(t.orgId, t.platform, t.createdAt),
    // The scheduler's scan: enabled auto accounts due for a pull (across merchants, by design).
    index("channel_accounts_due_idx").on(t.nextPullAt).where(sql`${t.status} = 'enabled' and ${t.pullMode} = 'auto'`),
    index("channel_accounts_settlement_due_idx").on(t.settlementNextPullAt).where(sql`${t.status} = 'enabled' and ${t.pullMode} = 'auto'`),
    index("channel_accounts_token_expiry_idx").on(t.accessTokenExpiresAt).where(sql`${t.status} = 'enabled'`),
  ],
);

/** OAuth `state`: bound to the user and merchant that started it, single use, short-lived. */
export const channelOauthStates = pgTable(
  "channel_oauth_states",
  {
    id: tenantId(),
    orgId: orgRef(),
    accountId: uuid().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    platform: text().notNull(),
    /** SHA-256 of the state; the state itself only travels in the redirect. */
    stateHash: text().notNull(),
    redirectUri: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "channel_oauth_states_account_id_fk", columns: [t.orgId, t.accountId], foreignColumns: [channelAccounts.orgId, channelAccounts.id] }).onDelete("cascade"),
    index("channel_oauth_states_org_idx").on(t.orgId, t.accountId),
  ],
);

/** One order pull (scheduled, manual with a time range, or a webhook hint): progress and result. */
export const channelPullRuns = pgTable(
  "channel_pull_runs",
  {
    id: tenantId(),
    orgId: orgRef(),
    accountId: uuid().notNull(),
    trigger: text().$type<"schedule" | "manual" | "webhook">().notNull(),
    windowFrom: timestamp({ withTimezone: true }).notNull(),
    windowTo: timestamp({ withTimezone: true }).notNull(),
    /** How far the walk has got through [windowFrom, windowTo): drives the progress bar. */
    reachedAt: timestamp({ withTimezone: true }),
    status: text().$type<PullResult>().notNull().default("running"),
    pages: integer().notNull().default(0),
    fetched: integer().notNull().default(0),
    created: integer().notNull().default(0),
    updated: integer().notNull().default(0),
    converted: integer().notNull().default(0),
    blocked: integer().notNull().default(0),
    failed: integer().notNull().default(0),
    retries: integer().notNull().default(0),
    error: text(),
    startedAt: createdAt(),
    heartbeatAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "channel_pull_runs_account_id_fk", columns: [t.orgId, t.accountId], foreignColumns: [channelAccounts.orgId, channelAccounts.id] }).onDelete("cascade"),
    index("channel_pull_runs_account_idx").on(t.orgId, t.accountId, t.startedAt.desc().nullsFirst()),
    // At most one running pull per account: concurrent triggers join it instead of racing.
    uniqueIndex("channel_pull_runs_running_uq").on(t.orgId, t.accountId).where(sql`${t.status} = 'running'`),
  ],
);

/** Webhook inbox: every verified delivery once (dedupe by the platform's event/webhook id). */
export const channelWebhookInbox = pgTable(
  "channel_webhook_inbox",
  {
    id: tenantId(),
    orgId: orgRef(),
    accountId: uuid().notNull(),
    platform: text().notNull(),
    webhookId: text().notNull(),
    topic: text().notNull(),
    payload: jsonb().$type<unknown>().notNull(),
    triggeredAt: timestamp({ withTimezone: true }),
    receivedAt: createdAt(),
    processedAt: timestamp({ withTimezone: true }),
    result: text(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "channel_webhook_inbox_account_id_fk", columns: [t.orgId, t.accountId], foreignColumns: [channelAccounts.orgId, channelAccounts.id] }).onDelete("cascade"),
    uniqueIndex("channel_webhook_inbox_uq").on(t.orgId, t.accountId, t.webhookId),
    index("channel_webhook_inbox_pending_idx").on(t.receivedAt).where(sql`${t.processedAt} is null`),
  ],
);

export type PlatformOrderState = "pending" | "processed" | "marked_shipped" | "frozen" | "voided";
export type PlatformOrderBlocker = {
  kind: "unmapped_sku" | "disabled_product" | "no_stock" | "invalid" | "error";
  platformSku?: string;
  sku?: string;
  /** Why, as `errors.*` message refs (a field error's carries its `field`), translated where shown. */
  reasons?: MessageRef[];
  /**
   * Text shown as is: an unexpected error's own message, or — on rows blocked before reasons were
   * keys — the English reason the migration could not map to a key.
   */
  detail?: string;
};

/** 平台订单: an order as the platform sent it (raw payload kept), unique per merchant + account + id. */
export const platformOrders = pgTable(
  "platform_orders",
  {
    id: tenantId(),
    orgId: orgRef(),
    accountId: uuid().notNull(),
    platform: text().notNull(),
    platformOrderId: text().notNull(),
    platformOrderNo: text().notNull(),
    /** The platform's own status text and its mapping to 001's lifecycle. */
    platformStatus: text().notNull(),
    normalizedStatus: text().$type<"pending" | "unshipped" | "shipped" | "completed" | "cancelled">().notNull(),
    state: text().$type<PlatformOrderState>().notNull().default("pending"),
    stateBeforeFreeze: text().$type<PlatformOrderState>(),
    currency: text().notNull().default(""),
    totalAmount: decimal().notNull().default("0"),
    buyerName: text().notNull().default(""),
    buyerEmail: text(),
    recipientName: text().notNull().default(""),
    recipientPhone: text().notNull().default(""),
    country: text().notNull().default(""),
    province: text().notNull().default(""),
    city: text().notNull().default(""),
    district: text().notNull().default(""),
    street: text().notNull().default(""),
    postcode: text().notNull().default(""),
    shippingMethod: text().notNull().default(""),
    remark: text().notNull().default(""),
    /** "SKU*qty SKU*qty": the 商品信息 column, and what the SKU filter searches. */
    itemsSummary: text().notNull().default(""),
    platformCreatedAt: timestamp({ withTimezone: true }).notNull(),
    platformUpdatedAt: timestamp({ withTimezone: true }).notNull(),
    /** 拉单时间: first pulled. */
    pulledAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    syncedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    raw: jsonb().$type<unknown>().notNull(),
    /** Why it could not be converted (empty when none); retried after the cause is fixed. */
    blockers: jsonb().$type<PlatformOrderBlocker[]>().notNull().default([]),
    /** Platform SKUs named by blockers, so a new mapping finds the orders it unblocks. */
    blockedSkus: text().array().notNull().default(sql`'{}'::text[]`),
    blockedAt: timestamp({ withTimezone: true }),
    convertAttempts: integer().notNull().default(0),
    orderId: uuid(),
    orderNo: text(),
    carrier: text(),
    trackingNumber: text(),
    /** Ship-back to the platform: none → queued → pushed (or failed, retried by the outbox). */
    shipPushStatus: text().$type<"none" | "queued" | "pushed" | "failed" | "skipped">().notNull().default("none"),
    shipPushError: text(),
    shipPushedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "platform_orders_account_id_fk", columns: [t.orgId, t.accountId], foreignColumns: [channelAccounts.orgId, channelAccounts.id] }).onDelete("cascade"),
    foreignKey({ name: "platform_orders_order_id_fk", columns: [t.orgId, t.orderId], foreignColumns: [orders.orgId, orders.id] }).onDelete("set null"),
    uniqueIndex("platform_orders_org_account_pid_uq").on(t.orgId, t.accountId, t.platformOrderId),
    index("platform_orders_org_state_pulled_idx").on(t.orgId, t.state, t.pulledAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("platform_orders_org_account_state_idx").on(t.orgId, t.accountId, t.state, t.pulledAt.desc().nullsFirst()),
    index("platform_orders_org_no_idx").on(t.orgId, t.platformOrderNo),
    index("platform_orders_org_order_idx").on(t.orgId, t.orderId),
    index("platform_orders_blocked_skus_idx").using("gin", t.blockedSkus),
    index("platform_orders_blocked_idx").on(t.orgId, t.blockedAt).where(sql`${t.state} = 'pending' and ${t.blockedAt} is not null`),
  ],
);

export const platformOrderLines = pgTable(
  "platform_order_lines",
  {
    id: tenantId(),
    orgId: orgRef(),
    platformOrderId: uuid().notNull(),
    lineNo: integer().notNull(),
    platformLineId: text().notNull(),
    platformSku: text().notNull(),
    title: text().notNull().default(""),
    quantity: decimal().notNull(),
    unitPrice: decimal().notNull().default("0"),
    /** The listing's id on the platform (Shopify inventory item), learned from orders for stock push. */
    externalListingId: text(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "platform_order_lines_platform_order_id_fk", columns: [t.orgId, t.platformOrderId], foreignColumns: [platformOrders.orgId, platformOrders.id] }).onDelete("cascade"),
    index("platform_order_lines_order_idx").on(t.orgId, t.platformOrderId, t.lineNo),
  ],
);

/** Timeline of a platform order (design: every state change writes an event row). */
export const platformOrderEvents = pgTable(
  "platform_order_events",
  {
    id: tenantId(),
    orgId: orgRef(),
    platformOrderId: uuid().notNull(),
    type: text().notNull(),
    fromState: text(),
    toState: text(),
    /** Free text (a person's reason, an order number); system reasons are keys, below. */
    reason: text(),
    /** A `blocked` event's reasons, rendered like the row's (earlier events carry English `reason` text). */
    blockers: jsonb().$type<PlatformOrderBlocker[]>(),
    actorLabel: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "platform_order_events_platform_order_id_fk", columns: [t.orgId, t.platformOrderId], foreignColumns: [platformOrders.orgId, platformOrders.id] }).onDelete("cascade"),
    index("platform_order_events_order_idx").on(t.orgId, t.platformOrderId, t.createdAt),
  ],
);

/**
 * 平台SKU关系: a platform SKU of one account → system SKU × quantity. Several rows with the same
 * platform SKU form a bundle (组合); several platform SKUs may point at one system SKU.
 */
export const skuMappings = pgTable(
  "sku_mappings",
  {
    id: tenantId(),
    orgId: orgRef(),
    accountId: uuid().notNull(),
    platform: text().notNull(),
    platformSku: text().notNull(),
    productId: uuid().notNull(),
    quantity: decimal().notNull().default("1"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "sku_mappings_account_id_fk", columns: [t.orgId, t.accountId], foreignColumns: [channelAccounts.orgId, channelAccounts.id] }).onDelete("cascade"),
    foreignKey({ name: "sku_mappings_product_id_fk", columns: [t.orgId, t.productId], foreignColumns: [products.orgId, products.id] }).onDelete("cascade"),
    uniqueIndex("sku_mappings_org_account_sku_product_uq").on(t.orgId, t.accountId, t.platformSku, t.productId),
    index("sku_mappings_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("sku_mappings_org_product_idx").on(t.orgId, t.productId),
    index("sku_mappings_org_platform_sku_idx").on(t.orgId, t.platformSku),
  ],
);

/** One listing of one account: where stock is pushed, and the last push's result (per platform SKU). */
export const channelListings = pgTable(
  "channel_listings",
  {
    id: tenantId(),
    orgId: orgRef(),
    accountId: uuid().notNull(),
    platformSku: text().notNull(),
    externalListingId: text(),
    lastPushedQty: integer(),
    lastPushAt: timestamp({ withTimezone: true }),
    lastPushStatus: text().$type<"ok" | "failed" | "skipped">(),
    lastPushError: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ name: "channel_listings_account_id_fk", columns: [t.orgId, t.accountId], foreignColumns: [channelAccounts.orgId, channelAccounts.id] }).onDelete("cascade"),
    uniqueIndex("channel_listings_org_account_sku_uq").on(t.orgId, t.accountId, t.platformSku),
  ],
);

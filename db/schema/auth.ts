import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, updatedAt } from "./_columns";

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    locale: text().notNull().default("zh-CN"),
    /**
     * Raised to end every session of this person (sign out everywhere, password change, removal from
     * a merchant): a session token carries the version it was issued under and is refused after.
     */
    sessionVersion: integer().notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_uq").on(sql`lower(${t.email})`)],
);

export const organizations = pgTable(
  "organizations",
  {
    id: id(),
    name: text().notNull(),
    slug: text().notNull(),
    timezone: text().notNull().default("Asia/Shanghai"),
    /** Merchant precision settings (系统设置 → 数字精度). */
    amountDecimals: integer().notNull().default(2),
    priceDecimals: integer().notNull().default(4),
    quantityDecimals: integer().notNull().default(4),
    /** 财务管理: the currency reports convert to, and that manual and open-API orders are priced in. */
    reportingCurrency: text().notNull().default("CNY"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("organizations_slug_uq").on(t.slug)],
);

export const memberships = pgTable(
  "memberships",
  {
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: tenantId(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text().notNull(),
    role: text().notNull(),
    tokenHash: text().notNull(),
    invitedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("invitations_org_idx").on(t.orgId, t.createdAt),
  ],
);

/**
 * Every password attempt — sign-in and password change (`kind`) — for rate limiting per address, per
 * email + address, per email and per known device, across processes.
 */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: id(),
    kind: text().notNull().default("sign_in"),
    email: text().notNull(),
    ip: text().notNull(),
    /** The device id of a valid device cookie (a browser that signed in to this account before). */
    device: text(),
    success: boolean().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("login_attempts_email_idx").on(t.email, t.createdAt),
    index("login_attempts_ip_idx").on(t.ip, t.createdAt),
  ],
);

/** Sessions ended by signing out, refused until they would have expired anyway (then pruned). */
export const signedOutSessions = pgTable("signed_out_sessions", {
  sessionId: text().primaryKey(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});

export const apiKeys = pgTable(
  "api_keys",
  {
    id: tenantId(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** First characters of the key, shown so a person can tell keys apart. */
    prefix: text().notNull(),
    /** SHA-256 of the key: keys are 192-bit random, so a fast hash is enough. */
    keyHash: text().notNull(),
    role: text().notNull().default("admin"),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("api_keys_org_idx").on(t.orgId, t.createdAt),
  ],
);

/** Per-merchant counters for human numbers (SO-YYMMDD-00001). */
export const numberSequences = pgTable(
  "number_sequences",
  {
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    period: text().notNull(),
    value: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.name, t.period] }),
  ],
);

export type GlobalKeyKind = "api_key" | "invitation" | "oauth_state" | "shop";

/**
 * The few keys that must be unique across merchants and are looked up before the merchant is known:
 * an API key's hash, an invitation token's hash, an OAuth state's hash, and a marketplace shop claimed
 * by one merchant at a time (platform + ":" + shop id, while the account is not revoked). Not a tenant
 * table (tenant tables' unique keys lead with `org_id`): one row per tenant row (`ref_id`), written only
 * by the triggers of migration 0013 (`global_keys_sync`, `global_keys_sync_shop`) in the statement that
 * writes the tenant row, so the uniqueness is exactly that of the old global indexes, whose names the
 * indexes below keep (the code maps `channel_accounts_platform_shop_uq` to "shop taken").
 */
export const globalKeys = pgTable(
  "global_keys",
  {
    kind: text().$type<GlobalKeyKind>().notNull(),
    key: text().notNull(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    refId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.orgId, t.refId] }),
    uniqueIndex("api_keys_hash_uq").on(t.key).where(sql`${t.kind} = 'api_key'`),
    uniqueIndex("invitations_token_uq").on(t.key).where(sql`${t.kind} = 'invitation'`),
    uniqueIndex("channel_oauth_states_hash_uq").on(t.key).where(sql`${t.kind} = 'oauth_state'`),
    uniqueIndex("channel_accounts_platform_shop_uq").on(t.key).where(sql`${t.kind} = 'shop'`),
  ],
);

import { boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { decimal } from "./_columns";
import { organizations } from "./auth";

/**
 * Stored finance figures (issue 13, "reports stay fast"): what `computeProfits` (server/services/finance/
 * profit.ts) says about each order, kept by `refreshFinanceFacts` (facts.ts), and the daily sums the
 * dashboards and the totals row read. Nothing but that refresher writes these tables; what is out of date
 * is listed in `order_profit_stale` / `finance_stale_ranges`, written by triggers (migration 0018) in the
 * transaction of the change.
 */

const orgRef = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

/** Money columns of a fact and of every daily sum, in the reporting currency. */
const figures = () => ({
  itemsRevenue: decimal(),
  shipping: decimal(),
  refunds: decimal(),
  platformFees: decimal(),
  productCost: decimal(),
  freight: decimal(),
  packaging: decimal(),
  otherCosts: decimal(),
  profit: decimal(),
});

/** The figures of one counted order (not voided, not closed). Money null = a rate is missing. */
export const orderProfitFacts = pgTable(
  "order_profit_facts",
  {
    orgId: orgRef(),
    orderId: uuid().notNull(),
    orderNo: text().notNull(),
    status: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    /** The order's day in the merchant's time zone. */
    day: date({ mode: "string" }).notNull(),
    accountId: uuid(),
    platform: text().notNull(),
    country: text().notNull(),
    currency: text().notNull(),
    reportingCurrency: text().notNull(),
    /** Items revenue + shipping charged, in the order's currency. */
    originalRevenue: decimal().notNull(),
    ...figures(),
    /** Percent, two decimals; null when net revenue is not positive or a rate is missing. */
    margin: numeric(),
    /** The latest rate date among the rates used (null: none used). */
    rateDate: date({ mode: "string" }),
    ratesUsed: jsonb().$type<{ currency: string; rateDate: string; rate: string }[]>().notNull(),
    missingRate: boolean().notNull(),
    missingRates: text().array().notNull(),
    missingCosts: text().array().notNull(),
    /** A return of the order counts as refunded (received, inspected or closed). */
    returned: boolean().notNull(),
    refreshedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.orderId] }),
    index("order_profit_facts_org_created_idx").on(t.orgId, t.createdAt.desc().nullsFirst(), t.orderId.desc().nullsFirst()),
    index("order_profit_facts_org_account_created_idx").on(t.orgId, t.accountId, t.createdAt.desc().nullsFirst(), t.orderId.desc().nullsFirst()),
    index("order_profit_facts_org_platform_created_idx").on(t.orgId, t.platform, t.createdAt.desc().nullsFirst(), t.orderId.desc().nullsFirst()),
    index("order_profit_facts_org_country_created_idx").on(t.orgId, t.country, t.createdAt.desc().nullsFirst(), t.orderId.desc().nullsFirst()),
  ],
);

/** The SKUs of a counted order, with their units (the SKU filter and the SKU views). */
export const orderProfitFactSkus = pgTable(
  "order_profit_fact_skus",
  {
    orgId: orgRef(),
    orderId: uuid().notNull(),
    sku: text().notNull(),
    /** lower(sku): the list's SKU filter is case-insensitive. */
    skuKey: text().notNull(),
    units: decimal().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.orderId, t.sku] }),
    index("order_profit_fact_skus_org_sku_created_idx").on(t.orgId, t.skuKey, t.createdAt.desc().nullsFirst(), t.orderId.desc().nullsFirst()),
  ],
);

/** What a daily sum holds: counts, money sums of the orders with a profit, the rates they used. */
const sums = () => ({
  /** Orders with a profit (every money figure known). */
  orders: integer().notNull().default(0),
  /** Orders without one (a rate missing): counted, not summed. */
  missingRateOrders: integer().notNull().default(0),
  /** Orders with a profit and a refunded return. */
  returnedOrders: integer().notNull().default(0),
  ...figures(),
  /** "USD 2021-05-01" → how many summed orders used that rate. */
  rates: jsonb().$type<Record<string, number>>().notNull().default({}),
});

/** Per merchant × day × shop × platform × country: the totals row, the period series, shop/platform/country views. */
export const financeDaily = pgTable(
  "finance_daily",
  {
    orgId: orgRef(),
    day: date({ mode: "string" }).notNull(),
    /** The shop (channel account id), '' for manual and open-API orders. */
    accountKey: text().notNull(),
    platform: text().notNull(),
    country: text().notNull(),
    ...sums(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.accountKey, t.platform, t.country] })],
);

/** Per merchant × day × shop × SKU (an order counts under each of its SKUs), with units. */
export const financeDailySku = pgTable(
  "finance_daily_sku",
  {
    orgId: orgRef(),
    day: date({ mode: "string" }).notNull(),
    accountKey: text().notNull(),
    sku: text().notNull(),
    units: decimal().notNull().default("0"),
    ...sums(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.day, t.accountKey, t.sku] }),
    index("finance_daily_sku_org_sku_day_idx").on(t.orgId, t.sku, t.day),
  ],
);

/** The same per month (first day of the month): a year's SKU view reads 12 months, not 365 days. */
export const financeMonthlySku = pgTable(
  "finance_monthly_sku",
  {
    orgId: orgRef(),
    month: date({ mode: "string" }).notNull(),
    accountKey: text().notNull(),
    sku: text().notNull(),
    units: decimal().notNull().default("0"),
    ...sums(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.month, t.accountKey, t.sku] }),
    index("finance_monthly_sku_org_sku_month_idx").on(t.orgId, t.sku, t.month),
  ],
);

/** Orders whose stored figures are out of date (written by the triggers of migration 0018). */
export const orderProfitStale = pgTable(
  "order_profit_stale",
  {
    orgId: orgRef(),
    orderId: uuid().notNull(),
    markedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.orderId] })],
);

/**
 * A change that reaches many orders (a SKU cost, an exchange rate, a stock receipt, the reporting
 * currency or time zone): one row, turned into `order_profit_stale` rows by the refresher.
 * kind: 'product' (product_id, from), 'rate' (currency, from, until), 'all'.
 */
export const financeStaleRanges = pgTable(
  "finance_stale_ranges",
  {
    orgId: orgRef(),
    id: integer().generatedAlwaysAsIdentity().notNull(),
    kind: text().notNull(),
    productId: uuid(),
    currency: text(),
    fromAt: timestamp({ withTimezone: true }),
    untilAt: timestamp({ withTimezone: true }),
    markedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

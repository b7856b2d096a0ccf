/** What a SKU cost row is: the purchase cost of a unit, or packaging/handling per unit shipped. */
export const SKU_COST_KINDS = ["purchase", "packaging"] as const;
export type SkuCostKind = (typeof SKU_COST_KINDS)[number];

/** Costs of an order recorded beside it (until settlements and carrier bills bring them in). */
export const ORDER_CHARGE_KINDS = ["platform_fee", "freight", "other"] as const;
export type OrderChargeKind = (typeof ORDER_CHARGE_KINDS)[number];

/** How a customer paid a receivable (应收). */
export const PAYMENT_METHODS = ["bank_transfer", "cash", "alipay", "wechat", "other"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Order sources whose amounts a customer owes the merchant directly (platform orders are settled by the platform). */
export const RECEIVABLE_SOURCES = ["manual", "api"] as const;

/**
 * What a settlement line is (平台结算明细). Amounts are signed as the platform credits the seller: a sale
 * or a shipping subsidy is positive, a commission, a fee or a refund negative.
 */
export const SETTLEMENT_LINE_TYPES = [
  "sale",
  "shipping",
  "commission",
  "service_fee",
  "transaction_fee",
  "fba_fee",
  "shipping_fee",
  "shipping_subsidy",
  "refund",
  "tax",
  "adjustment",
  "other",
] as const;
export type SettlementLineType = (typeof SETTLEMENT_LINE_TYPES)[number];

/**
 * The lines whose sum (negated) is an order's platform fee in order profit: what the platform kept for
 * selling and fulfilling it, less what it gave back for shipping. Sales, refunds, tax, the platform's
 * own shipping charge and adjustments are not fees: profit takes revenue and refunds from the order and
 * its returns, freight from order_charges.freight.
 */
export const PLATFORM_FEE_LINE_TYPES = ["commission", "service_fee", "transaction_fee", "fba_fee", "shipping_subsidy"] as const satisfies readonly SettlementLineType[];

/** A payout's state: money on its way (open group / escrow not yet released), paid out, or failed. */
export const SETTLEMENT_STATUSES = ["pending", "paid", "failed"] as const;
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];

/**
 * Where an order charge came from: typed in (`manual`); written from a platform settlement (replaces typed
 * platform fees); the freight entered when its outbound order shipped (`shipping`, one per outbound); or a
 * carrier bill's line (`carrier_bill`, one per bill and tracking number — importing the bill again updates
 * it, never adds it twice; it replaces the `shipping` freight of its outbound).
 */
export const ORDER_CHARGE_SOURCES = ["manual", "settlement", "shipping", "carrier_bill"] as const;
export type OrderChargeSource = (typeof ORDER_CHARGE_SOURCES)[number];

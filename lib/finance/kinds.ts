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

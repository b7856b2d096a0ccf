import { z } from "zod";
import { CURRENCY_PATTERN } from "@/lib/finance/currency";
import { ORDER_CHARGE_KINDS, PAYMENT_METHODS, SKU_COST_KINDS } from "@/lib/finance/kinds";
import { decimalInput, optionalText, PageInput, uuidInput } from "./common";
import { ImportInput } from "./tabular";

/** A three-letter ISO 4217 code; lower case is accepted and stored upper case. */
export const currencyInput = z
  .string({ error: "required" })
  .trim()
  .toUpperCase()
  .regex(CURRENCY_PATTERN, { error: "currencyFormat" });

const isRealDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/** A calendar day, YYYY-MM-DD (the merchant's day: costs and rates change at midnight where they are). */
export const dateInput = z
  .string({ error: "required" })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "dateFormat" })
  .refine(isRealDate, { error: "dateFormat" });

export const SkuCostInput = z.object({
  /** The SKU as merchants type it (imports), or the product id (forms pick one). */
  sku: z.string({ error: "required" }).trim().min(1, { error: "required" }).max(64, { error: "tooLong" }),
  kind: z.enum(SKU_COST_KINDS, { error: "required" }),
  currency: currencyInput,
  /** Per unit, at the merchant's price precision (checked by the service). */
  amount: decimalInput,
  effectiveFrom: dateInput,
  remark: optionalText(200),
});
export type SkuCostInput = z.input<typeof SkuCostInput>;

export const SkuCostListInput = PageInput.extend({
  search: z.string().trim().max(100).optional(),
  kind: z.enum(SKU_COST_KINDS).optional(),
  /** Only the cost in force today (per SKU and kind), not the history. */
  currentOnly: z.boolean().default(false),
});

export const ExchangeRateInput = z.object({
  rateDate: dateInput,
  currency: currencyInput,
  /** 1 `currency` = `rate` reporting currency; up to ten decimals. */
  rate: decimalInput,
});
export type ExchangeRateInput = z.input<typeof ExchangeRateInput>;

export const ExchangeRateListInput = PageInput.extend({
  currency: z.string().trim().toUpperCase().max(3).optional(),
});

export const ReportingCurrencyInput = z.object({ currency: currencyInput });

export const OrderChargeInput = z.object({
  orderId: uuidInput,
  kind: z.enum(ORDER_CHARGE_KINDS, { error: "required" }),
  currency: currencyInput,
  amount: decimalInput,
  remark: optionalText(200),
});
export type OrderChargeInput = z.input<typeof OrderChargeInput>;

export const OrderProfitFilter = z.object({
  accountId: uuidInput.optional(),
  platform: z.string().trim().max(40).optional(),
  sku: z.string().trim().max(64).optional(),
  /** The order's country (收货国家) as entered, e.g. "US". */
  country: z.string().trim().max(60).optional(),
  /** Order created on or after / on or before this day (merchant time zone). */
  from: dateInput.optional(),
  to: dateInput.optional(),
  /** Margin (percent) strictly below this, e.g. "10" for under 10 %. */
  marginBelow: decimalInput.optional(),
});
export type OrderProfitFilter = z.input<typeof OrderProfitFilter>;

export const OrderProfitListInput = PageInput.extend(OrderProfitFilter.shape);

/** 收款: a payment against a manual or open-API order, in the order's currency. */
export const PaymentInput = z.object({
  orderId: uuidInput,
  /** At the merchant's price precision (checked by the service: more decimals is a field error). */
  amount: decimalInput,
  method: z.enum(PAYMENT_METHODS, { error: "required" }),
  paidOn: dateInput,
  note: optionalText(500),
  /** One of the order's attachments (uploaded through the order's attachment route). */
  attachmentId: z.union([uuidInput, z.literal("").transform(() => null)]).nullish(),
});
export type PaymentInput = z.input<typeof PaymentInput>;

export const VoidPaymentInput = z.object({
  id: uuidInput,
  reason: z.string({ error: "required" }).trim().min(1, { error: "required" }).max(200, { error: "tooLong" }),
});
export type VoidPaymentInput = z.input<typeof VoidPaymentInput>;

export const ReceivablesFilter = z.object({
  /** Customer number or company name contains. */
  search: z.string().trim().max(100).optional(),
  /** Only customers with an open balance (the default), or every customer with a receivable order. */
  openOnly: z.boolean().default(true),
});
export type ReceivablesFilter = z.input<typeof ReceivablesFilter>;

export const ReceivablesListInput = PageInput.extend(ReceivablesFilter.shape);

export const CustomerStatementInput = z.object({ customerId: uuidInput });

/**
 * 导入运费账单: a carrier's bill (CSV/XLSX, one row per tracking number). `billRef` is the bill's number
 * for rows whose file has no bill-number column; a row needs one or the other.
 */
export const FreightBillImportInput = ImportInput.extend({ billRef: optionalText(60) });
export type FreightBillImportInput = z.input<typeof FreightBillImportInput>;

/** A freight amount's currency on a form: empty is "the reporting currency". */
export const optionalCurrencyInput = z
  .union([z.literal(""), currencyInput])
  .nullish()
  .transform((v) => v || null);

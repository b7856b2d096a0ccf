import { Decimal } from "@/lib/decimal";

/**
 * ISO 4217 minor units of the currencies the marketplaces we connect use; any other three-letter code
 * has two. Amounts in a currency are rounded half-up to these many decimals.
 */
const MINOR_UNITS: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, HUF: 2, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
export const DEFAULT_REPORTING_CURRENCY = "CNY";

/** Currencies offered in pickers (any ISO code is accepted). */
export const COMMON_CURRENCIES = ["CNY", "USD", "EUR", "GBP", "JPY", "HKD", "SGD", "MYR", "THB", "PHP", "IDR", "VND", "AUD", "CAD"] as const;

export const minorUnit = (currency: string) => MINOR_UNITS[currency] ?? 2;

/** Half-up at the currency's minor unit (Decimal is configured ROUND_HALF_UP in lib/decimal.ts). */
export const roundMoney = (v: Decimal.Value, currency: string) =>
  new Decimal(v).toDecimalPlaces(minorUnit(currency), Decimal.ROUND_HALF_UP).toFixed(minorUnit(currency));

let isoCodes: Set<string> | null = null;

/** A current ISO 4217 code (the runtime's list: Intl.supportedValuesOf), not just three letters. */
export function isIsoCurrency(code: string): boolean {
  isoCodes ??= new Set(Intl.supportedValuesOf("currency"));
  return isoCodes.has(code);
}

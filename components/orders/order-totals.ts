import { checkDecimal, dec, roundTo, sumDecimals } from "@/lib/decimal";
import type { Precision } from "@/lib/precision";
import type { LineValues } from "./order-form-schema";

type Watched = { lines?: (Partial<LineValues> | undefined)[]; discountTotal?: string; freight?: string };

/** One line's amount at the amount precision, or null while its quantity or price is not a number. */
export function lineAmount(l: Partial<Pick<LineValues, "quantity" | "unitPrice">> | undefined, scale: number): string | null {
  const q = checkDecimal(l?.quantity ?? "", 4);
  const p = checkDecimal(l?.unitPrice ?? "", 4);
  return q.ok && p.ok ? roundTo(dec(q.value).times(p.value), scale) : null;
}

/**
 * The running totals the server will compute, in decimal.js: buy lines count, gifts are free; the
 * settlement is the typed one (a special price when it differs) else the lines' total; freight only
 * when the delivery method ships.
 */
export function orderTotals(v: Watched, needsAddress: boolean, p: Precision) {
  const scale = p.amountDecimals;
  const lines = v.lines ?? [];
  const amounts = lines.map((l) => lineAmount(l, scale));
  const linesTotal = roundTo(sumDecimals(lines.flatMap((l, i) => (l?.lineType === "gift" || !amounts[i] ? [] : [amounts[i]!]))), scale);
  const totalQty = sumDecimals(lines.flatMap((l) => (checkDecimal(l?.quantity ?? "", 4).ok ? [l!.quantity!] : [])));
  const settlementInput = checkDecimal(v.discountTotal ?? "", scale);
  const settlement = v.discountTotal && settlementInput.ok ? roundTo(settlementInput.value, scale) : linesTotal;
  const freightInput = checkDecimal(v.freight ?? "", scale);
  const freight = needsAddress && v.freight && freightInput.ok ? freightInput.value : "0";
  return {
    amounts,
    linesTotal,
    totalQty: totalQty.toFixed(p.quantityDecimals),
    settlement,
    special: !dec(settlement).eq(linesTotal),
    freight: roundTo(freight, scale),
    grandTotal: roundTo(dec(settlement).plus(freight), scale),
  };
}

import { formatDecimal, signOf } from "@/lib/decimal";

/** A stored quantity at the merchant's quantity precision ("" for null). */
export const fmtQty = (v: string | null | undefined, scale: number) => formatDecimal(v, scale);

/** A signed change: "+3", "-2", "0". */
export function fmtDelta(v: string | null | undefined, scale: number) {
  const s = formatDecimal(v, scale);
  if (!s) return "";
  return signOf(s) > 0 ? `+${s}` : s;
}


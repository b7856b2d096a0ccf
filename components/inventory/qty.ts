import { formatDecimal } from "@/lib/decimal";

/** A stored quantity at the merchant's quantity precision ("" for null). */
export const fmtQty = (v: string | null | undefined, scale: number) => formatDecimal(v, scale);

/** A signed change: "+3", "-2", "0". */
export function fmtDelta(v: string | null | undefined, scale: number) {
  const s = formatDecimal(v, scale);
  if (!s) return "";
  return Number(s) > 0 ? `+${s}` : s;
}

export const fmtTime = (v: Date | string | null | undefined) => (v ? new Date(v).toLocaleString() : "");

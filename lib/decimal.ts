import Decimal from "decimal.js";

Decimal.set({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export { Decimal };

const DECIMAL_RE = /^[-+]?(\d+)(\.(\d+))?$/;

export type DecimalCheck =
  | { ok: true; value: string }
  | { ok: false; reason: "format" | "scale" | "negative" | "range"; scale?: number };

/**
 * Accept a JSON number or a numeric string and return it as a canonical decimal string, refusing (never
 * rounding) values with more decimals than `scale`. JSON numbers are read through their shortest
 * round-trip form, so 3.55 stays "3.55".
 */
export function checkDecimal(
  input: unknown,
  scale: number,
  opts: { allowNegative?: boolean; maxIntegerDigits?: number } = {},
): DecimalCheck {
  let text: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, reason: "format" };
    text = String(input);
    if (/e/i.test(text)) text = new Decimal(input).toFixed();
  } else if (typeof input === "string") {
    text = input.trim();
  } else {
    return { ok: false, reason: "format" };
  }
  const m = DECIMAL_RE.exec(text);
  if (!m) return { ok: false, reason: "format" };
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > scale) return { ok: false, reason: "scale", scale };
  const d = new Decimal(text);
  if (d.isNeg() && !d.isZero() && !opts.allowNegative) return { ok: false, reason: "negative" };
  const intDigits = d.abs().trunc().toFixed().replace(/^0+/, "").length;
  if (intDigits > (opts.maxIntegerDigits ?? 14)) return { ok: false, reason: "range" };
  return { ok: true, value: d.toFixed() };
}

export const dec = (v: Decimal.Value) => new Decimal(v);

/** The largest magnitude a numeric(18,4) column holds (14 integer digits). */
export const COLUMN_MAX = "99999999999999.9999";

/** Whether a computed amount or quantity fits numeric(18,4) — inputs are checked by checkDecimal, products and sums here. */
export const fitsColumn = (v: Decimal.Value) => new Decimal(v).abs().lte(COLUMN_MAX);

export const sumDecimals = (values: Decimal.Value[]) => values.reduce<Decimal>((a, v) => a.plus(v), new Decimal(0));

/** Round half-up to `scale` decimals and render with exactly that many. */
export const roundTo = (v: Decimal.Value, scale: number) => new Decimal(v).toDecimalPlaces(scale).toFixed(scale);

/** Render a stored numeric(18,4) string without trailing zeros beyond `scale`. */
export function formatDecimal(v: string | null | undefined, scale: number): string {
  if (v === null || v === undefined || v === "") return "";
  return new Decimal(v).toFixed(scale);
}

/** A value as a Decimal, or null when it is not a number (text being typed, an empty cell). */
export function tryDecimal(v: unknown): Decimal | null {
  const r = checkDecimal(v, 20, { allowNegative: true, maxIntegerDigits: 20 });
  return r.ok ? new Decimal(r.value) : null;
}

/** -1, 0 or 1: the sign of a decimal string (0 when it is empty or not a number). */
export const signOf = (v: string | null | undefined): -1 | 0 | 1 => (tryDecimal(v ?? "")?.comparedTo(0) ?? 0) as -1 | 0 | 1;

import { checkDecimal } from "@/lib/decimal";
import { scaleOf, type Precision, type PrecisionKind } from "@/lib/precision";
import type { OrgScope } from "@/server/context";
import { DomainError, fieldError } from "@/server/errors";
import { merchantSettings } from "./settings";

/** The merchant's precision (`merchantSettings` without the time zone). */
export async function getPrecision(ctx: OrgScope): Promise<Precision> {
  const { timezone: _timezone, ...precision } = await merchantSettings(ctx);
  return precision;
}

/**
 * Parse a user-supplied decimal at the merchant's precision. More decimals than allowed is an error that
 * names the field and the allowed number of decimals — never a silent rounding.
 */
export function parseDecimalField(
  value: unknown,
  field: string,
  p: Precision,
  kind: PrecisionKind,
  opts: { allowNegative?: boolean; positive?: boolean } = {},
): string {
  const scale = scaleOf(p, kind);
  const r = checkDecimal(value, scale, { allowNegative: opts.allowNegative });
  if (!r.ok) {
    if (r.reason === "scale") throw fieldError(field, "tooManyDecimals", { scale });
    if (r.reason === "negative") throw fieldError(field, "mustNotBeNegative");
    if (r.reason === "range") throw fieldError(field, "outOfRange");
    throw fieldError(field, "decimalFormat");
  }
  if (opts.positive && !(Number(r.value) > 0)) throw fieldError(field, "mustBePositive");
  return r.value;
}

export function parseOptionalDecimalField(
  value: unknown,
  field: string,
  p: Precision,
  kind: PrecisionKind,
  opts: { allowNegative?: boolean } = {},
): string | null {
  if (value === null || value === undefined || value === "") return null;
  return parseDecimalField(value, field, p, kind, opts);
}

/** Collects several field errors so a form can show them all at once. */
export class FieldErrorCollector {
  private errors: Record<string, { key: string; params?: Record<string, string | number> }> = {};
  run<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof DomainError && e.fieldErrors) {
        Object.assign(this.errors, e.fieldErrors);
        return undefined;
      }
      throw e;
    }
  }
  add(field: string, key: string, params?: Record<string, string | number>) {
    this.errors[field] = { key, params };
  }
  throwIfAny() {
    const entries = Object.entries(this.errors);
    if (entries.length === 0) return;
    const [field, first] = entries[0]!;
    throw new DomainError(
      "VALIDATION",
      { key: first.key, params: { field, ...(first.params ?? {}) } },
      { fieldErrors: this.errors },
    );
  }
}

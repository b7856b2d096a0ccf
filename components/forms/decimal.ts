"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";
import type { z } from "zod";
import { checkDecimal, dec, formatDecimal, type DecimalCheck } from "@/lib/decimal";
import { scaleOf, type Precision, type PrecisionKind } from "@/lib/precision";

type Failure = Extract<DecimalCheck, { ok: false }> | { ok: false; reason: "notPositive" };
export type DecimalMessage = (failure: Failure, field: string, scale: number) => string;

/** The same words the server uses for a refused decimal, for client-side checks. */
export function useDecimalMessage(): DecimalMessage {
  const t = useTranslations();
  return useCallback(
    (failure, field, scale) => {
      const fieldLabel = t.has(`fields.${field}` as never) ? t(`fields.${field}` as never) : field;
      if (failure.reason === "scale") return t("errors.tooManyDecimals", { fieldLabel, scale });
      if (failure.reason === "negative") return t("errors.mustNotBeNegative", { fieldLabel });
      if (failure.reason === "range") return t("errors.outOfRange", { fieldLabel });
      if (failure.reason === "notPositive") return t("errors.mustBePositive", { fieldLabel });
      return t("errors.decimalFormat", { fieldLabel });
    },
    [t],
  );
}

/** Props for a decimal text input at the merchant's precision (placeholder "0.0000", decimal keypad). */
export function decimalInputProps(scale: number) {
  return { inputMode: "decimal" as const, placeholder: formatDecimal("0", scale), autoComplete: "off" };
}

export type PrecisionField = { kind: PrecisionKind; optional?: boolean; positive?: boolean };

/**
 * Check one decimal at the merchant's precision inside a zod refinement, with the server's words: an
 * issue at `path` for too many decimals (never a silent rounding), a bad number, or — when asked — one
 * that is not above zero. The field's label comes from the path's last segment.
 */
export function refineDecimal(
  ctx: z.RefinementCtx,
  path: (string | number)[],
  raw: unknown,
  precision: Precision,
  f: PrecisionField,
  message: DecimalMessage,
) {
  if (f.optional && (raw === null || raw === undefined || (typeof raw === "string" && raw.trim() === ""))) return;
  const scale = scaleOf(precision, f.kind);
  const field = String(path[path.length - 1]);
  const r = checkDecimal(raw ?? "", scale);
  if (!r.ok) ctx.addIssue({ code: "custom", path, message: message(r, field, scale) });
  else if (f.positive && !dec(r.value).gt(0)) ctx.addIssue({ code: "custom", path, message: message({ ok: false, reason: "notPositive" }, field, scale) });
}

/**
 * Add the merchant's precision to a shared zod schema on the client, with the same messages the server
 * gives: more decimals than allowed is an error in place, never a silent rounding.
 */
export function withPrecision<S extends z.ZodType>(
  schema: S,
  precision: Precision,
  fields: ({ name: string } & PrecisionField)[],
  message: DecimalMessage,
) {
  return schema.superRefine((value, ctx) => {
    const v = value as Record<string, unknown>;
    for (const f of fields) refineDecimal(ctx, [f.name], v[f.name], precision, f, message);
  });
}

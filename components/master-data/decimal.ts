"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";
import type { z } from "zod";
import { checkDecimal, type DecimalCheck } from "@/lib/decimal";
import type { Precision, PrecisionKind } from "@/server/services/_lib/precision";

type Failure = Extract<DecimalCheck, { ok: false }>;
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
      return t("errors.decimalFormat", { fieldLabel });
    },
    [t],
  );
}

export const scaleFor = (p: Precision, kind: PrecisionKind) =>
  kind === "amount" ? p.amountDecimals : kind === "price" ? p.priceDecimals : p.quantityDecimals;

/** Props for a decimal text input at the merchant's precision (placeholder "0.0000", decimal keypad). */
export function decimalInputProps(scale: number) {
  return { inputMode: "decimal" as const, placeholder: (0).toFixed(scale), autoComplete: "off" };
}

/**
 * Add the merchant's precision to a shared zod schema on the client, with the same messages the server
 * gives: more decimals than allowed is an error in place, never a silent rounding.
 */
export function withPrecision<S extends z.ZodType>(
  schema: S,
  precision: Precision,
  fields: { name: string; kind: PrecisionKind; optional?: boolean }[],
  message: DecimalMessage,
) {
  return schema.superRefine((value, ctx) => {
    const v = value as Record<string, unknown>;
    for (const f of fields) {
      const raw = v[f.name];
      if (f.optional && (raw === null || raw === undefined || raw === "")) continue;
      const scale = scaleFor(precision, f.kind);
      const r = checkDecimal(raw ?? "", scale);
      if (!r.ok) ctx.addIssue({ code: "custom", path: [f.name], message: message(r, f.name, scale) });
    }
  });
}

"use client";

import { useTranslations } from "next-intl";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import type { Precision } from "@/lib/precision";
import { needsAddressFor, type OrderFormValues } from "./order-form-schema";
import { SpecialPriceBadge } from "./order-status-badge";
import { orderTotals } from "./order-totals";

/** 金额: the settlement (a special price when it differs from the lines) and the running totals. */
export function OrderSummarySection({
  form,
  precision,
  methods,
}: {
  form: UseFormReturn<OrderFormValues>;
  precision: Precision;
  methods: { name: string; requiresAddress: boolean }[];
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const { errors } = form.formState;
  const [lines, discountTotal, freight, deliveryMethod] = useWatch({
    control: form.control,
    name: ["lines", "discountTotal", "freight", "deliveryMethod"],
  });
  const totals = orderTotals({ lines, discountTotal, freight }, needsAddressFor(methods, deliveryMethod), precision);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("orders.section.summary")}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4 md:grid-cols-[1fr_auto]">
        <Field
          label={t("orders.form.settlement")}
          htmlFor="discountTotal"
          error={msg(errors.discountTotal, "discountTotal")}
          hint={t("orders.form.settlementHint")}
          className="max-w-sm"
        >
          <Input
            id="discountTotal"
            className="text-right tabular-nums"
            placeholder={totals.linesTotal}
            inputMode="decimal"
            autoComplete="off"
            {...form.register("discountTotal")}
            aria-invalid={!!errors.discountTotal}
          />
        </Field>
        <dl className="grid grid-cols-[auto_auto] gap-x-6 gap-y-1 text-sm" data-testid="order-totals">
          <dt className="text-muted-foreground">{t("orders.form.totalQty")}</dt>
          <dd className="text-right tabular-nums" data-testid="total-qty">
            {totals.totalQty}
          </dd>
          <dt className="text-muted-foreground">{t("orders.form.linesTotal")}</dt>
          <dd className="text-right tabular-nums" data-testid="lines-total">
            {totals.linesTotal}
          </dd>
          <dt className="text-muted-foreground">{t("orders.form.settlement")}</dt>
          <dd className="flex items-center justify-end gap-2 text-right tabular-nums" data-testid="settlement">
            {totals.special ? <SpecialPriceBadge /> : null}
            {totals.settlement}
          </dd>
          <dt className="text-muted-foreground">{t("fields.freight")}</dt>
          <dd className="text-right tabular-nums">{totals.freight}</dd>
          <dt className="font-medium">{t("orders.form.grandTotal")}</dt>
          <dd className="text-right text-base font-semibold tabular-nums" data-testid="grand-total">
            {totals.grandTotal}
          </dd>
        </dl>
      </CardContent>
    </Card>
  );
}

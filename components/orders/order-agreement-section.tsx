"use client";

import { useTranslations } from "next-intl";
import type { UseFormReturn } from "react-hook-form";
import { decimalInputProps } from "@/components/forms/decimal";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import type { OrderFormValues } from "./order-form-schema";
import type { FormOptions } from "./order-form";

/** 约定信息: agreement and processing type (the merchant's lists), agreed totals, delivery date, remark. */
export function OrderAgreementSection({ form, options }: { form: UseFormReturn<OrderFormValues>; options: FormOptions }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const { errors } = form.formState;
  const { precision } = options;
  const typeSelect = (name: "agreementType" | "processingType", names: string[]) => (
    <Field label={t(`fields.${name}`)} htmlFor={name} error={msg(errors[name], name)}>
      <NativeSelect id={name} {...form.register(name)}>
        <option value="">{t("orders.form.selectNone")}</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </NativeSelect>
    </Field>
  );
  const decimal = (name: "agreedTotalQty" | "agreedTotalAmount", scale: number) => (
    <Field label={t(`fields.${name}`)} htmlFor={name} error={msg(errors[name], name)}>
      <Input
        id={name}
        className="text-right tabular-nums"
        {...decimalInputProps(scale)}
        {...form.register(name)}
        aria-invalid={!!errors[name]}
      />
    </Field>
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("orders.section.agreement")}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {typeSelect("agreementType", options.agreementTypes.agreement)}
        {decimal("agreedTotalQty", precision.quantityDecimals)}
        {typeSelect("processingType", options.agreementTypes.processing)}
        <Field label={t("fields.deliveryDate")} htmlFor="deliveryDate" error={msg(errors.deliveryDate, "deliveryDate")}>
          <Input id="deliveryDate" type="date" {...form.register("deliveryDate")} aria-invalid={!!errors.deliveryDate} />
        </Field>
        {decimal("agreedTotalAmount", precision.amountDecimals)}
        <Field label={t("fields.remark")} htmlFor="remark" error={msg(errors.remark, "remark")} className="sm:col-span-2 lg:col-span-3">
          <Textarea id="remark" {...form.register("remark")} />
        </Field>
      </CardContent>
    </Card>
  );
}

"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { decimalInputProps, useDecimalMessage } from "@/components/forms/decimal";
import { FormDialog } from "@/components/forms/form-dialog";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { checkDecimal, dec } from "@/lib/decimal";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { ADJUSTMENT_KINDS, AdjustStockInput } from "@/lib/validators/inventory";
import { WarehouseSelect } from "./warehouse-select";

type Values = z.input<typeof AdjustStockInput>;
const FIELDS = ["warehouseId", "kind", "quantity", "reason"] as const;

/** Manual adjustment of one SKU in one warehouse: signed quantity at the merchant's precision + reason. */
export function AdjustDialog({
  target,
  onOpenChange,
  scale,
}: {
  target: { productId: string; sku: string; warehouseId: string } | null;
  onOpenChange: (open: boolean) => void;
  scale: number;
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const decimalMessage = useDecimalMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(
    () =>
      AdjustStockInput.superRefine((v, ctx) => {
        const r = checkDecimal(v.quantity, scale, { allowNegative: true });
        if (!r.ok)
          ctx.addIssue({ code: "custom", path: ["quantity"], message: decimalMessage(r, "quantity", scale) });
        else if (dec(r.value).isZero())
          ctx.addIssue({ code: "custom", path: ["quantity"], message: "mustNotBeZero" });
      }),
    [scale, decimalMessage],
  );
  const form = useForm<Values>({
    resolver: zodResolver(schema, undefined, { raw: true }),
    values: {
      productId: target?.productId ?? "",
      warehouseId: target?.warehouseId ?? "",
      kind: "adjustment",
      quantity: "",
      reason: "",
    },
  });
  const { errors } = form.formState;
  const adjust = useMutation(
    trpc.inventory.adjust.mutationOptions({
      onSuccess: async (res) => {
        await queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
        toast.success(t("inventory.adjusted", { refNo: res.refNo }));
        onOpenChange(false);
      },
      onError: (e) => setFormError(applyFieldErrors(e, form.setError, FIELDS)),
    }),
  );
  return (
    <FormDialog
      open={!!target}
      onOpenChange={(o) => {
        if (!o) setFormError(null);
        onOpenChange(o);
      }}
      title={t("inventory.adjustTitle", { sku: target?.sku ?? "" })}
      description={t("inventory.adjustHelp")}
      onSubmit={form.handleSubmit((v) => {
        setFormError(null);
        adjust.mutate(v);
      })}
      pending={adjust.isPending}
      formError={formError}
      testId="adjust-form"
      className="sm:max-w-lg"
    >
      <Field
        label={t("fields.warehouseId")}
        htmlFor="adj-warehouse"
        error={msg(errors.warehouseId, "warehouseId")}
        required
      >
        <Controller
          control={form.control}
          name="warehouseId"
          render={({ field }) => (
            <WarehouseSelect
              id="adj-warehouse"
              value={field.value}
              onChange={field.onChange}
              invalid={!!errors.warehouseId}
            />
          )}
        />
      </Field>
      <Field label={t("fields.kind")} htmlFor="adj-kind" error={msg(errors.kind, "kind")}>
        <NativeSelect id="adj-kind" {...form.register("kind")}>
          {ADJUSTMENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`inventory.adjustKind.${k}`)}
            </option>
          ))}
        </NativeSelect>
      </Field>
      <Field
        label={t("fields.quantity")}
        htmlFor="adj-qty"
        error={msg(errors.quantity, "quantity")}
        hint={t("inventory.adjustQtyHint", { scale })}
        required
      >
        <Input
          id="adj-qty"
          className="text-right tabular-nums"
          {...decimalInputProps(scale)}
          {...form.register("quantity")}
          aria-invalid={!!errors.quantity}
        />
      </Field>
      <Field label={t("fields.reason")} htmlFor="adj-reason" error={msg(errors.reason, "reason")} required>
        <Input
          id="adj-reason"
          placeholder={t("inventory.reasonPlaceholder")}
          {...form.register("reason")}
          aria-invalid={!!errors.reason}
        />
      </Field>
    </FormDialog>
  );
}

/** Edit the bin location of a SKU in a warehouse. */
export function LocationDialog({
  target,
  onOpenChange,
}: {
  target: {
    productId: string;
    sku: string;
    warehouseId: string;
    warehouseCode: string;
    location: string | null;
  } | null;
  onOpenChange: (open: boolean) => void;
}) {
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<{ location: string }>({ values: { location: target?.location ?? "" } });
  const save = useMutation(
    trpc.inventory.setLocation.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
        toast.success(t("inventory.locationSaved"));
        onOpenChange(false);
      },
      onError: (e) => setFormError(applyFieldErrors(e, form.setError, ["location"])),
    }),
  );
  return (
    <FormDialog
      open={!!target}
      onOpenChange={(o) => {
        if (!o) setFormError(null);
        onOpenChange(o);
      }}
      title={`${t("inventory.editLocation")} · ${target?.sku ?? ""} @ ${target?.warehouseCode ?? ""}`}
      onSubmit={form.handleSubmit((v) => {
        if (target)
          save.mutate({ productId: target.productId, warehouseId: target.warehouseId, location: v.location });
      })}
      pending={save.isPending}
      formError={formError}
      testId="location-form"
      className="sm:max-w-md"
    >
      <Field
        label={t("fields.location")}
        htmlFor="loc"
        error={form.formState.errors.location?.message}
        hint={t("inventory.locationHint")}
      >
        <Input id="loc" className="font-mono" autoComplete="off" {...form.register("location")} />
      </Field>
    </FormDialog>
  );
}

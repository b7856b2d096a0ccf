"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { WarehouseInput } from "@/lib/validators/catalog";
import type { AppRouter } from "@/server/api/root";
import { FormDialog } from "@/components/forms/form-dialog";
import { SwitchField } from "@/components/forms/switch-field";

export type WarehouseRow = inferRouterOutputs<AppRouter>["warehouses"]["list"][number];
type Values = z.input<typeof WarehouseInput>;

const FIELDS = ["code", "name", "country", "province", "city", "district", "street", "contactName", "contactPhone", "isDefault", "enabled"] as const;

function toValues(w: WarehouseRow | null): Values {
  return {
    code: w?.code ?? "",
    name: w?.name ?? "",
    country: w?.country ?? "CN",
    province: w?.province ?? "",
    city: w?.city ?? "",
    district: w?.district ?? "",
    street: w?.street ?? "",
    contactName: w?.contactName ?? "",
    contactPhone: w?.contactPhone ?? "",
    isDefault: w?.isDefault ?? false,
    enabled: w?.enabled ?? true,
  };
}

export function WarehouseFormDialog({
  warehouse,
  open,
  onOpenChange,
}: {
  warehouse: WarehouseRow | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(WarehouseInput, undefined, { raw: true }), values: toValues(warehouse) });
  const { errors } = form.formState;

  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.warehouses.list.queryKey() });
    toast.success(t("common.saved"));
    onOpenChange(false);
  };
  const onError = (err: unknown) => setFormError(applyFieldErrors(err, form.setError, FIELDS));
  const create = useMutation(trpc.warehouses.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.warehouses.update.mutationOptions({ onSuccess, onError }));

  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    if (warehouse) update.mutate({ ...values, id: warehouse.id });
    else create.mutate(values);
  });
  const err = (f: (typeof FIELDS)[number]) => msg(errors[f], f);
  const text = (name: Exclude<(typeof FIELDS)[number], "isDefault" | "enabled">, opts: { required?: boolean; className?: string; mono?: boolean } = {}) => (
    <Field label={t(`fields.${name}`)} htmlFor={name} error={err(name)} required={opts.required} className={opts.className}>
      <Input id={name} className={opts.mono ? "font-mono" : undefined} {...form.register(name)} aria-invalid={!!errors[name]} />
    </Field>
  );

  return (
    <FormDialog
      open={open}
      onOpenChange={(o) => {
        if (!o) {
          form.reset(toValues(warehouse));
          setFormError(null);
        }
        onOpenChange(o);
      }}
      title={warehouse ? t("masterData.editWarehouse") : t("masterData.newWarehouse")}
      onSubmit={onSubmit}
      pending={create.isPending || update.isPending}
      formError={formError}
      testId="warehouse-form"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        {text("code", { required: true, mono: true })}
        {text("name", { required: true })}
      </div>
      <fieldset className="grid gap-3 rounded-lg border p-3">
        <legend className="px-1 text-sm font-medium">{t("masterData.warehouseAddress")}</legend>
        <div className="grid gap-3 sm:grid-cols-4">
          {text("country", { required: true })}
          {text("province")}
          {text("city")}
          {text("district")}
          {text("street", { className: "sm:col-span-4" })}
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        {text("contactName")}
        {text("contactPhone")}
        <SwitchField control={form.control} name="isDefault" label={t("fields.isDefault")} error={err("isDefault")} />
        <SwitchField control={form.control} name="enabled" label={t("fields.enabled")} error={err("enabled")} />
      </div>
    </FormDialog>
  );
}

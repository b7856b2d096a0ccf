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
import { DeliveryMethodInput } from "@/lib/validators/catalog";
import type { AppRouter } from "@/server/api/root";
import { FormDialog } from "@/components/forms/form-dialog";
import { SwitchField } from "@/components/forms/switch-field";

export type DeliveryMethodRow = inferRouterOutputs<AppRouter>["deliveryMethods"]["list"][number];
type Values = z.input<typeof DeliveryMethodInput>;

const FIELDS = ["name", "requiresAddress", "isDefault", "sortOrder", "enabled"] as const;

const toValues = (d: DeliveryMethodRow | null, nextSortOrder: number): Values => ({
  name: d?.name ?? "",
  requiresAddress: d?.requiresAddress ?? true,
  isDefault: d?.isDefault ?? false,
  sortOrder: d?.sortOrder ?? nextSortOrder,
  enabled: d?.enabled ?? true,
});

export function DeliveryMethodFormDialog({
  method,
  nextSortOrder,
  open,
  onOpenChange,
}: {
  method: DeliveryMethodRow | null;
  nextSortOrder: number;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({
    resolver: zodResolver(DeliveryMethodInput, undefined, { raw: true }),
    values: toValues(method, nextSortOrder),
  });
  const { errors } = form.formState;

  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.deliveryMethods.list.queryKey() });
    toast.success(t("common.saved"));
    onOpenChange(false);
  };
  const onError = (err: unknown) => setFormError(applyFieldErrors(err, form.setError, FIELDS));
  const create = useMutation(trpc.deliveryMethods.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.deliveryMethods.update.mutationOptions({ onSuccess, onError }));
  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    if (method) update.mutate({ ...values, id: method.id });
    else create.mutate(values);
  });
  const err = (f: (typeof FIELDS)[number]) => msg(errors[f], f);

  return (
    <FormDialog
      open={open}
      onOpenChange={(o) => {
        if (!o) {
          form.reset(toValues(method, nextSortOrder));
          setFormError(null);
        }
        onOpenChange(o);
      }}
      title={method ? t("masterData.editDelivery") : t("masterData.newDelivery")}
      onSubmit={onSubmit}
      pending={create.isPending || update.isPending}
      formError={formError}
      className="sm:max-w-md"
      testId="delivery-form"
    >
      <Field label={t("fields.name")} htmlFor="name" error={err("name")} required>
        <Input id="name" {...form.register("name")} aria-invalid={!!errors.name} />
      </Field>
      <Field label={t("fields.sortOrder")} htmlFor="sortOrder" error={err("sortOrder")}>
        <Input id="sortOrder" type="number" min={0} max={9999} step={1} {...form.register("sortOrder", { valueAsNumber: true })} aria-invalid={!!errors.sortOrder} />
      </Field>
      <SwitchField control={form.control} name="requiresAddress" label={t("fields.requiresAddress")} hint={t("masterData.requiresAddressHint")} error={err("requiresAddress")} />
      <SwitchField control={form.control} name="isDefault" label={t("fields.isDefault")} error={err("isDefault")} />
      <SwitchField control={form.control} name="enabled" label={t("fields.enabled")} error={err("enabled")} />
    </FormDialog>
  );
}

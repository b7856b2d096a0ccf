"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { decimalInputProps, useDecimalMessage, withPrecision } from "@/components/forms/decimal";
import { FormDialog } from "@/components/forms/form-dialog";
import { SwitchField } from "@/components/forms/switch-field";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { OperationInput } from "@/lib/validators/production";
import type { AppRouter } from "@/server/api/root";
import type { Precision } from "@/lib/precision";

export type OperationRow = inferRouterOutputs<AppRouter>["production"]["operations"]["list"]["items"][number];
type Values = z.input<typeof OperationInput>;
const FIELDS = ["code", "name", "standardMinutes", "workCentre", "enabled"] as const;

const toValues = (o: OperationRow | null): Values => ({
  code: o?.code ?? "",
  name: o?.name ?? "",
  standardMinutes: o?.standardMinutes ?? "",
  workCentre: o?.workCentre ?? "",
  enabled: o?.enabled ?? true,
});

/** Create or edit an operation (工序): code, name, standard minutes at the quantity precision, work centre. */
export function OperationFormDialog({
  operation,
  open,
  onOpenChange,
  precision,
}: {
  operation: OperationRow | null;
  open: boolean;
  onOpenChange: (o: boolean) => void;
  precision: Precision;
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const decimalMessage = useDecimalMessage();
  const schema = useMemo(
    () => withPrecision(OperationInput, precision, [{ name: "standardMinutes", kind: "quantity", optional: true }], decimalMessage),
    [precision, decimalMessage],
  );
  const form = useForm<Values>({ resolver: zodResolver(schema, undefined, { raw: true }), values: toValues(operation) });
  const { errors } = form.formState;
  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.production.operations.pathKey() });
    toast.success(t("common.saved"));
    onOpenChange(false);
  };
  const onError = (err: unknown) => setFormError(applyFieldErrors(err, form.setError, FIELDS));
  const create = useMutation(trpc.production.operations.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.production.operations.update.mutationOptions({ onSuccess, onError }));
  const onSubmit = form.handleSubmit((v) => {
    setFormError(null);
    const input = { ...v, standardMinutes: v.standardMinutes === "" ? "0" : v.standardMinutes };
    if (operation) update.mutate({ ...input, id: operation.id });
    else create.mutate(input);
  });
  const err = (f: (typeof FIELDS)[number]) => msg(errors[f], f);
  return (
    <FormDialog
      open={open}
      onOpenChange={(o) => {
        if (!o) {
          form.reset(toValues(operation));
          setFormError(null);
        }
        onOpenChange(o);
      }}
      title={operation ? t("production.editOperation") : t("production.newOperation")}
      onSubmit={onSubmit}
      pending={create.isPending || update.isPending}
      formError={formError}
      testId="operation-form"
      className="sm:max-w-lg"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("fields.code")} htmlFor="op-code" error={err("code")} required>
          <Input id="op-code" className="font-mono" autoComplete="off" {...form.register("code")} aria-invalid={!!errors.code} />
        </Field>
        <Field label={t("fields.name")} htmlFor="op-name" error={err("name")} required>
          <Input id="op-name" {...form.register("name")} aria-invalid={!!errors.name} />
        </Field>
        <Field label={t("fields.standardMinutes")} htmlFor="op-minutes" error={err("standardMinutes")} hint={t("production.minutesHint", { scale: precision.quantityDecimals })}>
          <Input id="op-minutes" className="text-right tabular-nums" {...decimalInputProps(precision.quantityDecimals)} {...form.register("standardMinutes")} aria-invalid={!!errors.standardMinutes} />
        </Field>
        <Field label={t("fields.workCentre")} htmlFor="op-wc" error={err("workCentre")}>
          <Input id="op-wc" {...form.register("workCentre")} aria-invalid={!!errors.workCentre} />
        </Field>
        <SwitchField control={form.control} name="enabled" label={t("fields.enabled")} error={err("enabled")} />
      </div>
    </FormDialog>
  );
}

"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { decimalInputProps, useDecimalMessage, withPrecision } from "@/components/forms/decimal";
import { FormDialog } from "@/components/forms/form-dialog";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { PlanInput } from "@/lib/validators/production";
import type { Precision } from "@/lib/precision";

const FIELDS = ["planNo", "sku", "quantity", "routeId", "plannedStart", "plannedEnd", "workCentre", "remark"] as const;
type Values = z.input<typeof PlanInput>;

const EMPTY: Values = { planNo: "", sku: "", quantity: "", routeId: "", plannedStart: "", plannedEnd: "", workCentre: "", remark: "", orderLineIds: [] };

/** A plan by hand: SKU (suggested from the catalogue), quantity at the merchant's precision, route. */
export function PlanFormDialog({ open, onOpenChange, precision }: { open: boolean; onOpenChange: (o: boolean) => void; precision: Precision }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const decimalMessage = useDecimalMessage();
  const schema = useMemo(() => withPrecision(PlanInput, precision, [{ name: "quantity", kind: "quantity" }], decimalMessage), [precision, decimalMessage]);
  const form = useForm<Values>({ resolver: zodResolver(schema, undefined, { raw: true }), defaultValues: EMPTY });
  const { errors } = form.formState;
  const sku = useWatch({ control: form.control, name: "sku" });

  const routes = useQuery({ ...trpc.production.routes.list.queryOptions({ enabled: true, limit: 200, sort: "code", dir: "asc" }), enabled: open });
  const products = useQuery({ ...trpc.products.list.queryOptions({ search: sku || undefined, enabled: true, limit: 20, sort: "sku", dir: "asc" }), enabled: open });

  const create = useMutation(
    trpc.production.plans.create.mutationOptions({
      onSuccess: async (plan) => {
        await queryClient.invalidateQueries({ queryKey: trpc.production.plans.list.queryKey() });
        toast.success(t("common.saved"));
        onOpenChange(false);
        router.push(`/production/plans/${plan.id}`);
      },
      onError: (err) => setFormError(applyFieldErrors(err, form.setError, FIELDS)),
    }),
  );
  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    create.mutate({ ...values, routeId: values.routeId || null });
  });
  const err = (f: (typeof FIELDS)[number]) => msg(errors[f], f);

  return (
    <FormDialog
      open={open}
      onOpenChange={(o) => {
        if (!o) {
          form.reset(EMPTY);
          setFormError(null);
        }
        onOpenChange(o);
      }}
      title={t("production.newPlan")}
      onSubmit={onSubmit}
      pending={create.isPending}
      formError={formError}
      testId="plan-form"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("fields.planNo")} htmlFor="planNo" error={err("planNo")} hint={t("production.planNoHint")}>
          <Input id="planNo" className="font-mono" autoComplete="off" {...form.register("planNo")} aria-invalid={!!errors.planNo} />
        </Field>
        <Field label={t("fields.sku")} htmlFor="sku" error={err("sku")} required>
          <Input id="sku" className="font-mono" autoComplete="off" list="plan-sku-options" {...form.register("sku")} aria-invalid={!!errors.sku} />
          <datalist id="plan-sku-options">
            {(products.data?.items ?? []).map((p) => (
              <option key={p.id} value={p.sku}>
                {p.name} {p.spec}
              </option>
            ))}
          </datalist>
        </Field>
        <Field label={t("fields.quantity")} htmlFor="quantity" error={err("quantity")} required>
          <Input
            id="quantity"
            className="text-right tabular-nums"
            {...decimalInputProps(precision.quantityDecimals)}
            {...form.register("quantity")}
            aria-invalid={!!errors.quantity}
          />
        </Field>
        <Field label={t("fields.routeId")} htmlFor="routeId" error={err("routeId")} hint={t("production.routeHint")}>
          <NativeSelect id="routeId" {...form.register("routeId")} aria-invalid={!!errors.routeId}>
            <option value="">{t("production.routeFromProduct")}</option>
            {(routes.data?.items ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.code} · {r.name}
              </option>
            ))}
          </NativeSelect>
        </Field>
        <Field label={t("fields.plannedStart")} htmlFor="plannedStart" error={err("plannedStart")}>
          <Input id="plannedStart" type="date" {...form.register("plannedStart")} aria-invalid={!!errors.plannedStart} />
        </Field>
        <Field label={t("fields.plannedEnd")} htmlFor="plannedEnd" error={err("plannedEnd")}>
          <Input id="plannedEnd" type="date" {...form.register("plannedEnd")} aria-invalid={!!errors.plannedEnd} />
        </Field>
        <Field label={t("fields.workCentre")} htmlFor="workCentre" error={err("workCentre")}>
          <Input id="workCentre" {...form.register("workCentre")} aria-invalid={!!errors.workCentre} />
        </Field>
        <Field label={t("fields.remark")} htmlFor="remark" error={err("remark")} className="sm:col-span-2">
          <Textarea id="remark" rows={2} {...form.register("remark")} aria-invalid={!!errors.remark} />
        </Field>
      </div>
    </FormDialog>
  );
}

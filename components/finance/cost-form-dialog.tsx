"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { Field } from "@/components/forms/field";
import { FormDialog } from "@/components/forms/form-dialog";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { SKU_COST_KINDS } from "@/lib/finance/kinds";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useMerchantToday } from "@/lib/i18n/date-time";
import { useTRPC } from "@/lib/trpc/react";
import { SkuCostInput } from "@/lib/validators/finance";
import { CurrencyInput } from "@/components/forms/currency-input";

const FIELDS = ["sku", "kind", "currency", "amount", "effectiveFrom", "remark"] as const;
/** `effectiveFrom` defaults to today in the merchant's time zone (`useMerchantToday`). */
const empty = (currency: string, today: string): SkuCostInput => ({ sku: "", kind: "purchase", currency, amount: "", effectiveFrom: today, remark: "" });

/** 录入成本: a SKU's unit cost of a kind from a date on (the same SKU, kind and date again replaces it). */
export function CostFormDialog({ open, onOpenChange, defaultCurrency }: { open: boolean; onOpenChange: (o: boolean) => void; defaultCurrency: string }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const today = useMerchantToday();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SkuCostInput>({ resolver: zodResolver(SkuCostInput, undefined, { raw: true }), values: empty(defaultCurrency, today()) });
  const { errors } = form.formState;
  const save = useMutation(
    trpc.finance.costs.set.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.finance.costs.list.queryKey() });
        toast.success(t("common.saved"));
        onOpenChange(false);
      },
      onError: (e) => setFormError(applyFieldErrors(e, form.setError, FIELDS)),
    }),
  );
  const err = (f: (typeof FIELDS)[number]) => msg(errors[f], f);
  return (
    <FormDialog
      open={open}
      onOpenChange={(o) => {
        if (!o) {
          form.reset(empty(defaultCurrency, today()));
          setFormError(null);
        }
        onOpenChange(o);
      }}
      title={t("finance.newCost")}
      onSubmit={form.handleSubmit((v) => {
        setFormError(null);
        save.mutate(v);
      })}
      pending={save.isPending}
      formError={formError}
      className="sm:max-w-md"
      testId="cost-form"
    >
      <Field label={t("fields.sku")} htmlFor="sku" error={err("sku")} required>
        <Input id="sku" {...form.register("sku")} aria-invalid={!!errors.sku} />
      </Field>
      <Field label={t("fields.kind")} htmlFor="kind" error={err("kind")} required>
        <NativeSelect id="kind" {...form.register("kind")}>
          {SKU_COST_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`finance.kind.${k}`)}
            </option>
          ))}
        </NativeSelect>
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label={t("fields.currency")} htmlFor="currency" error={err("currency")} required>
          <CurrencyInput id="currency" {...form.register("currency")} aria-invalid={!!errors.currency} />
        </Field>
        <Field label={t("finance.unitCost")} htmlFor="amount" error={err("amount")} required>
          <Input id="amount" inputMode="decimal" {...form.register("amount")} aria-invalid={!!errors.amount} />
        </Field>
      </div>
      <Field label={t("fields.effectiveFrom")} htmlFor="effectiveFrom" error={err("effectiveFrom")} required>
        <Input id="effectiveFrom" type="date" {...form.register("effectiveFrom")} aria-invalid={!!errors.effectiveFrom} />
      </Field>
      <Field label={t("fields.remark")} htmlFor="remark" error={err("remark")}>
        <Input id="remark" {...form.register("remark")} />
      </Field>
    </FormDialog>
  );
}

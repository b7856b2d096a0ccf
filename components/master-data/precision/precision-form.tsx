"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { Field, FormAlert } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardFooter } from "@/components/ui/card";
import { NativeSelect } from "@/components/ui/native-select";
import { formatDecimal } from "@/lib/decimal";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { PrecisionInput } from "@/lib/validators/catalog";
import type { Precision } from "@/lib/precision";

const FIELDS = ["amountDecimals", "priceDecimals", "quantityDecimals"] as const;
const EXAMPLE = { amountDecimals: "1234.5", priceDecimals: "29.9", quantityDecimals: "12" } as const;

/** 数字精度: how many decimals amounts, prices and quantities may carry for this merchant. */
export function PrecisionForm({ precision, canWrite }: { precision: Precision; canWrite: boolean }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Precision>({ resolver: zodResolver(PrecisionInput), defaultValues: precision });
  const values = useWatch({ control: form.control });
  const { errors, isDirty } = form.formState;

  const save = useMutation(
    trpc.settings.updatePrecision.mutationOptions({
      onSuccess: async (saved) => {
        form.reset(saved);
        await queryClient.invalidateQueries();
        toast.success(t("masterData.precisionSaved"));
        router.refresh();
      },
      onError: (err) => setFormError(applyFieldErrors(err, form.setError, FIELDS)),
    }),
  );

  return (
    <Card className="max-w-xl">
      <form
        noValidate
        onSubmit={form.handleSubmit((v) => {
          setFormError(null);
          save.mutate(v);
        })}
        className="grid gap-4"
      >
        <CardContent className="grid gap-4">
          <FormAlert message={formError} />
          {FIELDS.map((name) => {
            const scale = values[name] ?? precision[name];
            return (
              <Field
                key={name}
                label={t(`fields.${name}`)}
                htmlFor={name}
                error={msg(errors[name], name)}
                hint={t("masterData.example", { value: formatDecimal(EXAMPLE[name], scale) })}
              >
                <NativeSelect id={name} disabled={!canWrite} {...form.register(name, { valueAsNumber: true })} aria-invalid={!!errors[name]}>
                  {[0, 1, 2, 3, 4].map((n) => (
                    <option key={n} value={n}>
                      {t("masterData.decimalsOption", { n })}
                    </option>
                  ))}
                </NativeSelect>
              </Field>
            );
          })}
        </CardContent>
        {canWrite ? (
          <CardFooter className="justify-end gap-2">
            <Button type="button" variant="outline" disabled={!isDirty || save.isPending} onClick={() => form.reset(precision)}>
              {t("common.reset")}
            </Button>
            <Button type="submit" disabled={!isDirty || save.isPending} data-testid="precision-save">
              {save.isPending ? t("common.saving") : t("common.save")}
            </Button>
          </CardFooter>
        ) : null}
      </form>
    </Card>
  );
}

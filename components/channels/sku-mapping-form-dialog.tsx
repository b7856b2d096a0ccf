"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { FormDialog } from "@/components/forms/form-dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { dec } from "@/lib/decimal";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { SaveSkuMappingInput } from "@/lib/validators/channels";

export type MappingDraft = { accountId: string; platformSku: string; previousPlatformSku: string | null };
type Values = z.input<typeof SaveSkuMappingInput>;

/** Create or edit the mapping of one platform SKU: one system SKU, or several with quantities (a bundle). */
export function SkuMappingFormDialog({ draft, onOpenChange, accounts }: { draft: MappingDraft | null; onOpenChange: (o: boolean) => void; accounts: { id: string; alias: string }[] }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const existing = useQuery({
    ...trpc.skuMappings.get.queryOptions({ accountId: draft?.accountId ?? "", platformSku: draft?.previousPlatformSku ?? "-" }),
    enabled: !!draft?.previousPlatformSku && !!draft.accountId,
  });
  const form = useForm<Values>({ resolver: zodResolver(SaveSkuMappingInput, undefined, { raw: true }) });
  const items = useFieldArray({ control: form.control, name: "items" });
  useEffect(() => {
    if (!draft) return;
    form.reset({
      accountId: draft.accountId,
      platformSku: draft.platformSku,
      previousPlatformSku: draft.previousPlatformSku,
      items: existing.data?.length ? existing.data.map((i) => ({ sku: i.sku, quantity: dec(i.quantity).toFixed() })) : [{ sku: "", quantity: "1" }],
    });
  }, [draft, existing.data, form]);
  const { errors } = form.formState;
  const save = useMutation(
    trpc.skuMappings.save.mutationOptions({
      onSuccess: async (r) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.skuMappings.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.platformOrders.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.platformOrders.counts.queryKey() }),
        ]);
        toast.success(t("channels.mappingSaved", { converted: r.converted }));
        onOpenChange(false);
      },
      onError: (e) => setFormError(applyFieldErrors(e, form.setError, ["accountId", "platformSku", "items"])),
    }),
  );
  const onSubmit = form.handleSubmit((v) => {
    setFormError(null);
    save.mutate(v);
  });

  return (
    <FormDialog
      open={!!draft}
      onOpenChange={(o) => {
        if (!o) setFormError(null);
        onOpenChange(o);
      }}
      title={draft?.previousPlatformSku ? t("channels.editMapping") : t("channels.newMapping")}
      description={t("channels.itemsHelp")}
      onSubmit={onSubmit}
      pending={save.isPending}
      formError={formError}
      testId="mapping-form"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("channels.col.account")} htmlFor="accountId" error={msg(errors.accountId, "accountId")} required>
          <NativeSelect id="accountId" {...form.register("accountId")} disabled={!!draft?.previousPlatformSku}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.alias}
              </option>
            ))}
          </NativeSelect>
        </Field>
        <Field label={t("channels.col.platformSku")} htmlFor="platformSku" error={msg(errors.platformSku, "platformSku")} required>
          <Input id="platformSku" className="font-mono" autoComplete="off" {...form.register("platformSku")} aria-invalid={!!errors.platformSku} />
        </Field>
      </div>
      <div className="grid gap-2">
        {items.fields.map((f, i) => (
          <div key={f.id} className="grid grid-cols-[1fr_8rem_auto] items-start gap-2">
            <Field label={t("channels.col.omsSku")} htmlFor={`items.${i}.sku`} error={msg(errors.items?.[i]?.sku, "sku")}>
              <Input id={`items.${i}.sku`} className="font-mono" autoComplete="off" {...form.register(`items.${i}.sku`)} data-testid={`mapping-sku-${i}`} />
            </Field>
            <Field label={t("channels.col.quantity")} htmlFor={`items.${i}.quantity`} error={msg(errors.items?.[i]?.quantity, "quantity")}>
              <Input id={`items.${i}.quantity`} inputMode="decimal" className="text-right" {...form.register(`items.${i}.quantity`)} data-testid={`mapping-qty-${i}`} />
            </Field>
            <Button type="button" variant="ghost" size="sm" className="mt-6" disabled={items.fields.length === 1} onClick={() => items.remove(i)}>
              {t("channels.removeItem")}
            </Button>
          </div>
        ))}
        {errors.items?.message ? <p className="text-xs text-destructive">{msg(errors.items as never, "items")}</p> : null}
        <Button type="button" variant="outline" size="sm" className="w-fit" onClick={() => items.append({ sku: "", quantity: "1" })}>
          {t("channels.addItem")}
        </Button>
      </div>
    </FormDialog>
  );
}

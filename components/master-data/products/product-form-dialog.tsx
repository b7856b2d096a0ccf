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
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { ProductInput } from "@/lib/validators/catalog";
import type { AppRouter } from "@/server/api/root";
import type { Precision } from "@/lib/precision";
import { decimalInputProps, useDecimalMessage, withPrecision } from "@/components/forms/decimal";
import { FormDialog } from "@/components/forms/form-dialog";
import { SwitchField } from "@/components/forms/switch-field";

export type ProductRow = inferRouterOutputs<AppRouter>["products"]["list"]["items"][number];

const FIELDS = ["sku", "name", "spec", "barcode", "unit", "price", "weight", "imageUrl", "lowStockThreshold", "enabled"] as const;

type Values = z.input<typeof ProductInput>;

function toValues(p: ProductRow | null): Values {
  return {
    sku: p?.sku ?? "",
    name: p?.name ?? "",
    spec: p?.spec ?? "",
    barcode: p?.barcode ?? "",
    unit: p?.unit ?? "件",
    price: p ? p.price : "",
    weight: p?.weight ?? "",
    imageUrl: p?.imageUrl ?? "",
    lowStockThreshold: p?.lowStockThreshold ?? "",
    enabled: p?.enabled ?? true,
  };
}

/** Create or edit a product. Prices are checked at the merchant's precision before anything is sent. */
export function ProductFormDialog({
  product,
  open,
  onOpenChange,
  precision,
  canEditPrice,
}: {
  /** null = a new product */
  product: ProductRow | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  precision: Precision;
  canEditPrice: boolean;
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);

  const decimalMessage = useDecimalMessage();
  const schema = useMemo(
    () =>
      withPrecision(
        ProductInput,
        precision,
        [
          { name: "price", kind: "price", optional: true },
          { name: "weight", kind: "quantity", optional: true },
          { name: "lowStockThreshold", kind: "quantity", optional: true },
        ],
        decimalMessage,
      ),
    [precision, decimalMessage],
  );
  const form = useForm<Values>({
    resolver: zodResolver(schema, undefined, { raw: true }),
    values: toValues(product),
    resetOptions: { keepDirtyValues: false },
  });
  const { errors } = form.formState;

  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.products.list.queryKey() });
    toast.success(t("common.saved"));
    onOpenChange(false);
  };
  const onError = (err: unknown) => setFormError(applyFieldErrors(err, form.setError, FIELDS));
  const create = useMutation(trpc.products.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.products.update.mutationOptions({ onSuccess, onError }));
  const pending = create.isPending || update.isPending;

  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    const input = { ...values, price: values.price === "" ? "0" : values.price };
    if (product) update.mutate({ ...input, id: product.id });
    else create.mutate(input);
  });

  const priceScale = precision.priceDecimals;
  const qtyScale = precision.quantityDecimals;
  const err = (f: (typeof FIELDS)[number]) => msg(errors[f], f);

  return (
    <FormDialog
      open={open}
      onOpenChange={(o) => {
        if (!o) {
          form.reset(toValues(product));
          setFormError(null);
        }
        onOpenChange(o);
      }}
      title={product ? t("masterData.editProduct") : t("masterData.newProduct")}
      onSubmit={onSubmit}
      pending={pending}
      formError={formError}
      testId="product-form"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("fields.sku")} htmlFor="sku" error={err("sku")} required hint={t("masterData.skuHint")}>
          <Input id="sku" className="font-mono" autoComplete="off" {...form.register("sku")} aria-invalid={!!errors.sku} />
        </Field>
        <Field label={t("fields.name")} htmlFor="name" error={err("name")} required>
          <Input id="name" {...form.register("name")} aria-invalid={!!errors.name} />
        </Field>
        <Field label={t("fields.spec")} htmlFor="spec" error={err("spec")} hint={t("masterData.specHint")}>
          <Input id="spec" {...form.register("spec")} aria-invalid={!!errors.spec} />
        </Field>
        <Field label={t("fields.barcode")} htmlFor="barcode" error={err("barcode")}>
          <Input id="barcode" className="font-mono" autoComplete="off" {...form.register("barcode")} aria-invalid={!!errors.barcode} />
        </Field>
        <Field label={t("fields.unit")} htmlFor="unit" error={err("unit")} required>
          <Input id="unit" {...form.register("unit")} aria-invalid={!!errors.unit} />
        </Field>
        <Field
          label={t("fields.price")}
          htmlFor="price"
          error={err("price")}
          hint={canEditPrice ? t("masterData.decimalsHint", { scale: priceScale }) : t("errors.forbiddenPriceChange")}
        >
          <Input
            id="price"
            className="text-right tabular-nums read-only:bg-muted"
            {...decimalInputProps(priceScale)}
            // readOnly, not disabled: a disabled field would be submitted as empty (= price 0).
            readOnly={!canEditPrice}
            aria-readonly={!canEditPrice}
            {...form.register("price")}
            aria-invalid={!!errors.price}
          />
        </Field>
        <Field label={t("masterData.weightKg")} htmlFor="weight" error={err("weight")} hint={t("masterData.decimalsHint", { scale: qtyScale })}>
          <Input id="weight" className="text-right tabular-nums" {...decimalInputProps(qtyScale)} {...form.register("weight")} aria-invalid={!!errors.weight} />
        </Field>
        <Field label={t("fields.lowStockThreshold")} htmlFor="lowStockThreshold" error={err("lowStockThreshold")} hint={t("masterData.lowStockHint")}>
          <Input
            id="lowStockThreshold"
            className="text-right tabular-nums"
            {...decimalInputProps(qtyScale)}
            {...form.register("lowStockThreshold")}
            aria-invalid={!!errors.lowStockThreshold}
          />
        </Field>
        <Field label={t("fields.imageUrl")} htmlFor="imageUrl" error={err("imageUrl")} className="sm:col-span-2">
          <Input id="imageUrl" placeholder="https://" {...form.register("imageUrl")} aria-invalid={!!errors.imageUrl} />
        </Field>
        <SwitchField control={form.control} name="enabled" label={t("fields.enabled")} error={err("enabled")} />
      </div>
    </FormDialog>
  );
}

"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { Controller, useFieldArray, useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field, FormAlert } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { SkuInput } from "@/components/inventory/sku-input";
import { WarehouseSelect } from "@/components/inventory/warehouse-select";
import { decimalInputProps, useDecimalMessage } from "@/components/forms/decimal";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";
import { checkDecimal, dec } from "@/lib/decimal";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { InboundCreateInput } from "@/lib/validators/inbound";

type Values = z.input<typeof InboundCreateInput>;
const FIELDS = ["warehouseId", "supplier", "reference", "expectedDate", "remark", "lines"] as const;

export type InboundFormInitial = {
  id: string;
  receiptNo: string;
  warehouseId: string;
  supplier: string;
  reference: string;
  expectedDate: string | null;
  remark: string;
  lines: { sku: string; expectedQty: string; remark: string }[];
};

/**
 * 新建/修改入库单 (draft): header and lines of SKU × expected quantity. Quantities are checked at the
 * merchant's precision before sending; server errors land next to their line.
 */
export function InboundForm({ scale, initial }: { scale: number; initial?: InboundFormInitial }) {
  const t = useTranslations("inbound");
  const tc = useTranslations("common");
  const tf = useTranslations("fields");
  const msg = useZodMessage();
  const decimalMessage = useDecimalMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(
    () =>
      InboundCreateInput.superRefine((v, ctx) => {
        (v.lines ?? []).forEach((l, i) => {
          const r = checkDecimal(l.expectedQty, scale);
          if (!r.ok)
            ctx.addIssue({
              code: "custom",
              path: ["lines", i, "expectedQty"],
              message: decimalMessage(r, "expectedQty", scale),
            });
          else if (!dec(r.value).gt(0))
            ctx.addIssue({ code: "custom", path: ["lines", i, "expectedQty"], message: "mustBePositive" });
        });
      }),
    [scale, decimalMessage],
  );
  const form = useForm<Values>({
    resolver: zodResolver(schema, undefined, { raw: true }),
    defaultValues: initial
      ? { ...initial, expectedDate: initial.expectedDate ?? "" }
      : {
          warehouseId: "",
          supplier: "",
          reference: "",
          expectedDate: "",
          remark: "",
          lines: [{ sku: "", expectedQty: "", remark: "" }],
        },
  });
  const lines = useFieldArray({ control: form.control, name: "lines" });
  const { errors } = form.formState;
  const onError = (e: unknown) => setFormError(applyFieldErrors(e, form.setError, FIELDS));
  const create = useMutation(
    trpc.inbound.create.mutationOptions({
      onSuccess: (row) => {
        toast.success(t("created", { no: row.receiptNo }));
        router.push(`/inbound/${row.id}`);
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.inbound.update.mutationOptions({
      onSuccess: (row) => {
        toast.success(t("saved"));
        router.push(`/inbound/${row.id}`);
      },
      onError,
    }),
  );
  const pending = create.isPending || update.isPending;
  const onSubmit = form.handleSubmit((v) => {
    setFormError(null);
    if (initial) update.mutate({ ...v, id: initial.id });
    else create.mutate(v);
  });
  const lineError = (i: number, f: "sku" | "expectedQty" | "remark") => msg(errors.lines?.[i]?.[f], f);

  return (
    <form onSubmit={onSubmit} className="grid max-w-5xl gap-5" noValidate data-testid="inbound-form">
      <FormAlert message={formError} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Field
          label={tf("warehouseId")}
          htmlFor="warehouseId"
          error={msg(errors.warehouseId, "warehouseId")}
          required
        >
          <Controller
            control={form.control}
            name="warehouseId"
            render={({ field }) => (
              <WarehouseSelect
                id="warehouseId"
                enabledOnly
                allLabel=""
                value={field.value}
                onChange={field.onChange}
                invalid={!!errors.warehouseId}
                testId="inbound-warehouse"
              />
            )}
          />
        </Field>
        <Field label={t("supplier")} htmlFor="supplier" error={msg(errors.supplier, "supplier")}>
          <Input id="supplier" {...form.register("supplier")} />
        </Field>
        <Field label={t("reference")} htmlFor="reference" error={msg(errors.reference, "reference")}>
          <Input id="reference" className="font-mono" {...form.register("reference")} />
        </Field>
        <Field
          label={t("expectedDate")}
          htmlFor="expectedDate"
          error={msg(errors.expectedDate, "expectedDate")}
        >
          <Input id="expectedDate" type="date" {...form.register("expectedDate")} />
        </Field>
        <Field
          label={t("remark")}
          htmlFor="remark"
          error={msg(errors.remark, "remark")}
          className="sm:col-span-2"
        >
          <Textarea id="remark" rows={1} {...form.register("remark")} />
        </Field>
      </div>

      <div className="grid gap-2">
        <div className="flex items-center justify-between">
          <h2 className="text-sm font-semibold">{t("lines")}</h2>
          {typeof errors.lines?.message === "string" ? (
            <p className="text-xs text-destructive">{msg(errors.lines as never, "lines")}</p>
          ) : null}
        </div>
        <div className="rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead className="w-10">#</TableHead>
                <TableHead className="w-64">{t("sku")}</TableHead>
                <TableHead className="w-44 text-right">{t("expected")}</TableHead>
                <TableHead>{t("lineRemark")}</TableHead>
                <TableHead className="w-10" />
              </TableRow>
            </TableHeader>
            <TableBody>
              {lines.fields.map((field, i) => (
                <TableRow key={field.id}>
                  <TableCell className="text-muted-foreground tabular-nums">{i + 1}</TableCell>
                  <TableCell className="align-top">
                    <Controller
                      control={form.control}
                      name={`lines.${i}.sku`}
                      render={({ field: f }) => (
                        <SkuInput
                          value={f.value ?? ""}
                          onChange={f.onChange}
                          invalid={!!errors.lines?.[i]?.sku}
                          ariaLabel={`${t("sku")} ${i + 1}`}
                          testId={`line-sku-${i}`}
                        />
                      )}
                    />
                    {lineError(i, "sku") ? (
                      <p role="alert" className="mt-1 text-xs text-destructive">
                        {lineError(i, "sku")}
                      </p>
                    ) : null}
                  </TableCell>
                  <TableCell className="align-top">
                    <Input
                      className="text-right tabular-nums"
                      {...decimalInputProps(scale)}
                      {...form.register(`lines.${i}.expectedQty`)}
                      aria-invalid={!!errors.lines?.[i]?.expectedQty}
                      aria-label={`${t("expected")} ${i + 1}`}
                      data-testid={`line-qty-${i}`}
                    />
                    {lineError(i, "expectedQty") ? (
                      <p role="alert" className="mt-1 text-xs text-destructive">
                        {lineError(i, "expectedQty")}
                      </p>
                    ) : null}
                  </TableCell>
                  <TableCell className="align-top">
                    <Input
                      {...form.register(`lines.${i}.remark`)}
                      aria-label={`${t("lineRemark")} ${i + 1}`}
                    />
                  </TableCell>
                  <TableCell className="align-top">
                    <Button
                      type="button"
                      variant="ghost"
                      size="sm"
                      aria-label={t("removeLine")}
                      onClick={() => lines.remove(i)}
                    >
                      <Trash2 />
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
              {lines.fields.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={5} className="h-14 text-center text-sm text-muted-foreground">
                    {t("noLines")}
                  </TableCell>
                </TableRow>
              ) : null}
            </TableBody>
          </Table>
        </div>
        <div>
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() => lines.append({ sku: "", expectedQty: "", remark: "" })}
            data-testid="line-add"
          >
            <Plus />
            {t("addLine")}
          </Button>
        </div>
      </div>
      <div className="flex gap-2">
        <Button type="button" variant="outline" onClick={() => router.back()} disabled={pending}>
          {tc("cancel")}
        </Button>
        <Button type="submit" disabled={pending} data-testid="inbound-save">
          {pending ? tc("saving") : t("saveDraft")}
        </Button>
      </div>
    </form>
  );
}

"use client";

import { Plus, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useFieldArray, useWatch, type UseFormReturn } from "react-hook-form";
import { decimalInputProps } from "@/components/forms/decimal";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { LINE_TYPES } from "@/lib/orders/status";
import type { Precision } from "@/lib/precision";
import type { OrderFormValues } from "./order-form-schema";
import { lineAmount } from "./order-totals";
import { ProductPickerDialog, type PickedProduct } from "./product-picker-dialog";

const LINE_FIELDS = ["sku", "unitPrice", "quantity", "lineType", "remark"] as const;

/**
 * 加工产品: products added from the picker dialog, each edited in place (type, price, quantity, remark)
 * with its amount; a line's errors show under its SKU.
 */
export function OrderLinesSection({ form, precision }: { form: UseFormReturn<OrderFormValues>; precision: Precision }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const [pickerOpen, setPickerOpen] = useState(false);
  const { errors } = form.formState;
  const lines = useFieldArray({ control: form.control, name: "lines" });
  const watched = useWatch({ control: form.control, name: "lines" });

  const addPicked = (picked: PickedProduct[]) => {
    lines.append(
      picked.map((p) => ({ sku: p.sku, name: p.name, unit: p.unit, quantity: p.quantity, unitPrice: p.unitPrice, lineType: "buy" as const, remark: "" })),
    );
    form.clearErrors("lines");
  };
  const listError = errors.lines?.message ? msg(errors.lines, "lines") : errors.lines?.root?.message;

  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between gap-2">
        <CardTitle>{t("orders.section.lines")}</CardTitle>
        <Button type="button" size="sm" variant="outline" onClick={() => setPickerOpen(true)} data-testid="add-products">
          <Plus />
          {t("orders.form.addProducts")}
        </Button>
      </CardHeader>
      <CardContent className="grid gap-3">
        {listError ? (
          <p role="alert" className="text-xs text-destructive" data-field-error="lines">
            {listError}
          </p>
        ) : null}
        <div className="overflow-x-auto rounded-md border">
          <Table data-testid="order-lines">
            <TableHeader>
              <TableRow>
                <TableHead>{t("orders.picker.sku")}</TableHead>
                <TableHead>{t("fields.lineType")}</TableHead>
                <TableHead className="w-32 text-right">{t("fields.unitPrice")}</TableHead>
                <TableHead className="w-32 text-right">{t("fields.quantity")}</TableHead>
                <TableHead className="text-right">{t("orders.form.lineTotal")}</TableHead>
                <TableHead>{t("fields.remark")}</TableHead>
                <TableHead className="w-10" />
              </TableRow>
            </TableHeader>
            <TableBody>
              {lines.fields.map((f, i) => {
                const le = errors.lines?.[i];
                const lineErrors = LINE_FIELDS.map((k) => (le?.[k] ? msg(le[k], k) : undefined)).filter(Boolean);
                return (
                  <TableRow key={f.id} data-testid={`line-${i}`}>
                    <TableCell className="min-w-40 align-top">
                      <div className="font-mono text-xs">{f.sku}</div>
                      <div className="text-xs text-muted-foreground">
                        {f.name} {f.unit}
                      </div>
                      {lineErrors.map((m) => (
                        <p key={m} role="alert" className="text-xs text-destructive" data-field-error={`lines.${i}`}>
                          {m}
                        </p>
                      ))}
                    </TableCell>
                    <TableCell className="align-top">
                      <NativeSelect className="h-8 w-28" {...form.register(`lines.${i}.lineType`)} aria-label={t("fields.lineType")}>
                        {LINE_TYPES.map((lt) => (
                          <option key={lt} value={lt}>
                            {t(`orders.lineType.${lt}`)}
                          </option>
                        ))}
                      </NativeSelect>
                    </TableCell>
                    <TableCell className="align-top">
                      <Input
                        className="h-8 text-right tabular-nums"
                        {...decimalInputProps(precision.priceDecimals)}
                        {...form.register(`lines.${i}.unitPrice`)}
                        aria-label={`${f.sku} ${t("fields.unitPrice")}`}
                        aria-invalid={!!le?.unitPrice}
                        data-testid={`line-${i}-price`}
                      />
                    </TableCell>
                    <TableCell className="align-top">
                      <Input
                        className="h-8 text-right tabular-nums"
                        {...decimalInputProps(precision.quantityDecimals)}
                        {...form.register(`lines.${i}.quantity`)}
                        aria-label={`${f.sku} ${t("fields.quantity")}`}
                        aria-invalid={!!le?.quantity}
                        data-testid={`line-${i}-qty`}
                      />
                    </TableCell>
                    <TableCell className="text-right align-top tabular-nums" data-testid={`line-${i}-amount`}>
                      <span className={watched?.[i]?.lineType === "gift" ? "text-muted-foreground line-through" : undefined}>
                        {lineAmount(watched?.[i], precision.amountDecimals) ?? "—"}
                      </span>
                    </TableCell>
                    <TableCell className="align-top">
                      <Input className="h-8 min-w-32" {...form.register(`lines.${i}.remark`)} aria-label={`${f.sku} ${t("fields.remark")}`} />
                    </TableCell>
                    <TableCell className="align-top">
                      <Button type="button" variant="ghost" size="sm" onClick={() => lines.remove(i)} aria-label={t("orders.form.removeLine")}>
                        <Trash2 />
                      </Button>
                    </TableCell>
                  </TableRow>
                );
              })}
              {lines.fields.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={7} className="h-16 text-center text-muted-foreground">
                    {t("orders.form.noLines")}
                  </TableCell>
                </TableRow>
              ) : null}
            </TableBody>
          </Table>
        </div>
      </CardContent>
      <ProductPickerDialog open={pickerOpen} onOpenChange={setPickerOpen} precision={precision} onPick={addPicked} />
    </Card>
  );
}

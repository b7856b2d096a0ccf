"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { Field, FormAlert } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ORDER_CHARGE_KINDS } from "@/lib/finance/kinds";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { OrderChargeInput } from "@/lib/validators/finance";
import { CurrencyInput } from "@/components/forms/currency-input";
import type { ProfitRow } from "./profit-list";

/** One order's profit with where each figure came from, and the form to enter a fee or freight. */
export function ProfitDetailDialog({ row, onOpenChange, canWrite }: { row: ProfitRow | null; onOpenChange: (o: boolean) => void; canWrite: boolean }) {
  const t = useTranslations("finance");
  const trpc = useTRPC();
  const detail = useQuery({ ...trpc.finance.profit.byOrder.queryOptions({ orderId: row?.orderId ?? "" }), enabled: !!row });
  // The list's row holds the stored figures only; the sources (lines, charges, returns) come with the detail.
  const p = detail.data;
  if (!row || !p) return null;
  const figure = (k: "itemsRevenue" | "shipping" | "refunds" | "platformFees" | "productCost" | "freight" | "packaging" | "otherCosts" | "profit", source: string) => (
    <TableRow key={k}>
      <TableCell>{t(`col.${k}`)}</TableCell>
      <TableCell className="text-right tabular-nums">{p[k] ?? "—"}</TableCell>
      <TableCell className="text-xs text-muted-foreground">{source}</TableCell>
    </TableRow>
  );
  const chargesOf = (kind: string) => {
    const list = p.charges.filter((c) => c.kind === kind);
    return list.length ? list.map((c) => `${c.currency} ${c.amount}${c.remark ? ` (${c.remark})` : ""}`).join(", ") : t("source.noCharges");
  };
  return (
    <Dialog open={!!row} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-4xl" data-testid="profit-detail">
        <DialogHeader>
          <DialogTitle>{t("detailTitle", { orderNo: p.orderNo })}</DialogTitle>
        </DialogHeader>
        <p className="text-sm text-muted-foreground">
          {p.ratesUsed.length ? t("ratesUsed", { rates: p.ratesUsed.map((r) => `1 ${r.currency} = ${r.rate.replace(/\.?0+$/, "")} ${p.reportingCurrency} (${r.rateDate})`).join(", ") }) : t("noRatesUsed")}
          {p.missingRates.length ? ` · ${t("missingRate", { currencies: p.missingRates.join(", ") })}` : null}
          {p.missingCosts.length ? ` · ${t("missingCost", { skus: p.missingCosts.join(", ") })}` : null}
        </p>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead />
              <TableHead className="text-right">{p.reportingCurrency}</TableHead>
              <TableHead>{t("sources")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {figure("itemsRevenue", t("source.itemsRevenue", { currency: p.currency, amount: p.original.itemsRevenue }))}
            {figure("shipping", t("source.shipping", { currency: p.currency, amount: p.original.shipping }))}
            {figure("refunds", p.refundReturns.length ? t("source.refunds", { returns: p.refundReturns.join(", ") }) : t("source.noRefunds"))}
            {figure("platformFees", chargesOf("platform_fee"))}
            {figure("productCost", t("source.productCost"))}
            {figure("freight", chargesOf("freight"))}
            {figure("packaging", t("source.packaging"))}
            {figure("otherCosts", chargesOf("other"))}
            {figure("profit", p.margin === null ? t("marginNa") : `${t("col.margin")} ${p.margin}%`)}
          </TableBody>
        </Table>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("lineCols.sku")}</TableHead>
              <TableHead className="text-right">{t("lineCols.quantity")}</TableHead>
              <TableHead className="text-right">{t("lineCols.costQuantity")}</TableHead>
              <TableHead className="text-right">{t("lineCols.unitCost")}</TableHead>
              <TableHead>{t("lineCols.method")}</TableHead>
              <TableHead className="text-right">{t("lineCols.packaging")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {p.lines.map((l, i) => (
              <TableRow key={`${l.sku}-${i}`}>
                <TableCell className="font-mono text-xs">{l.sku}</TableCell>
                <TableCell className="text-right tabular-nums">{l.quantity}</TableCell>
                <TableCell className="text-right tabular-nums">{l.costQuantity}</TableCell>
                <TableCell className="text-right tabular-nums">{l.unitCost ?? "—"}</TableCell>
                <TableCell className="text-xs">{t(`method.${l.costMethod}`, { qty: l.receiptQty })}</TableCell>
                <TableCell className="text-right tabular-nums">{l.packagingUnitCost ? `${l.packagingCurrency} ${l.packagingUnitCost}` : "—"}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {canWrite ? <ChargeForm orderId={p.orderId} defaultCurrency={p.currency} /> : null}
      </DialogContent>
    </Dialog>
  );
}

const FIELDS = ["kind", "currency", "amount", "remark"] as const;

function ChargeForm({ orderId, defaultCurrency }: { orderId: string; defaultCurrency: string }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const empty: OrderChargeInput = { orderId, kind: "platform_fee", currency: defaultCurrency, amount: "", remark: "" };
  const form = useForm<OrderChargeInput>({ resolver: zodResolver(OrderChargeInput, undefined, { raw: true }), values: empty });
  const { errors } = form.formState;
  const add = useMutation(
    trpc.finance.charges.add.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.finance.profit.pathKey() });
        toast.success(t("finance.chargeAdded"));
        form.reset(empty);
      },
      onError: (e) => setFormError(applyFieldErrors(e, form.setError, FIELDS)),
    }),
  );
  const err = (k: (typeof FIELDS)[number]) => msg(errors[k], k);
  return (
    <form
      className="grid gap-2 border-t pt-3"
      noValidate
      onSubmit={form.handleSubmit((v) => {
        setFormError(null);
        add.mutate(v);
      })}
      data-testid="charge-form"
    >
      <FormAlert message={formError} />
      <div className="grid grid-cols-2 items-start gap-3 sm:grid-cols-5">
        <Field label={t("fields.kind")} htmlFor="charge-kind" error={err("kind")}>
          <NativeSelect id="charge-kind" {...form.register("kind")}>
            {ORDER_CHARGE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`finance.chargeKind.${k}`)}
              </option>
            ))}
          </NativeSelect>
        </Field>
        <Field label={t("fields.currency")} htmlFor="charge-currency" error={err("currency")}>
          <CurrencyInput id="charge-currency" {...form.register("currency")} />
        </Field>
        <Field label={t("fields.amount")} htmlFor="charge-amount" error={err("amount")}>
          <Input id="charge-amount" inputMode="decimal" {...form.register("amount")} />
        </Field>
        <Field label={t("fields.remark")} htmlFor="charge-remark" error={err("remark")}>
          <Input id="charge-remark" {...form.register("remark")} />
        </Field>
        <div className="self-end">
          <Button type="submit" size="sm" disabled={add.isPending}>
            {t("finance.addCharge")}
          </Button>
        </div>
      </div>
    </form>
  );
}

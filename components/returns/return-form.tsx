"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Search } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { Field, FormAlert } from "@/components/forms/field";
import { fmtQty } from "@/components/data-table/format";
import { decimalInputProps, useDecimalMessage } from "@/components/forms/decimal";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";
import { checkDecimal, dec, tryDecimal } from "@/lib/decimal";
import { appErrorOf, rowFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";

type Lookup = { orderId?: string; number?: string; outboundId?: string };

/**
 * 登记退货: find the order (order no. or outbound no.), then per line how many come back — never more
 * than shipped minus already returned — with the reason and, for a marketplace return, its number.
 */
export function ReturnForm({ scale, initial }: { scale: number; initial: Lookup }) {
  const t = useTranslations("returns");
  const tc = useTranslations("common");
  const tr = useTranslations("errors");
  const decimalMessage = useDecimalMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const [lookup, setLookup] = useState<Lookup | null>(
    initial.orderId || initial.number || initial.outboundId ? initial : null,
  );
  const [number, setNumber] = useState(initial.number ?? "");
  const found = useQuery({
    ...trpc.returns.returnable.queryOptions(lookup ?? {}),
    enabled: !!lookup,
    retry: false,
  });
  const [qty, setQty] = useState<Record<string, string>>({});
  const [reason, setReason] = useState("");
  const [platformRef, setPlatformRef] = useState("");
  const [remark, setRemark] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation(trpc.returns.create.mutationOptions());

  const data = found.data;
  const lines = data?.lines ?? [];
  const returnable = lines.filter((l) => dec(l.returnableQty).gt(0));

  async function submit() {
    if (!data) return;
    setFormError(null);
    const errs: Record<string, string> = {};
    const chosen = lines.filter((l) => (qty[l.id] ?? "").trim() !== "" && !tryDecimal(qty[l.id])?.isZero());
    for (const l of chosen) {
      const r = checkDecimal(qty[l.id], scale);
      if (!r.ok) errs[l.id] = decimalMessage(r, "quantity", scale);
    }
    if (!reason.trim()) errs.reason = tr("required", { fieldLabel: t("reason") });
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      const row = await create.mutateAsync({
        orderId: data.order.id,
        outboundId: data.outbound?.id ?? null,
        reason,
        platformRef,
        remark,
        lines: chosen.map((l) => ({ orderLineId: l.id, quantity: qty[l.id]!.trim() })),
      });
      toast.success(t("created", { no: row.returnNo }));
      router.push(`/returns/${row.id}`);
    } catch (e) {
      const r = rowFieldErrors(e, "lines", chosen, (l) => l.id, { fields: ["reason"] });
      setErrors(r.errors);
      setFormError(r.message);
    }
  }

  return (
    <div className="grid max-w-4xl gap-5" data-testid="return-form">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setQty({});
          setLookup(number.trim() ? { number: number.trim() } : null);
        }}
      >
        <Field label={t("findOrder")} htmlFor="return-number" className="w-72">
          <Input
            id="return-number"
            className="font-mono"
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            placeholder={t("numberPlaceholder")}
            data-testid="return-number"
          />
        </Field>
        <Button type="submit" variant="secondary" data-testid="return-find">
          <Search />
          {t("find")}
        </Button>
      </form>
      {found.error ? <FormAlert message={appErrorOf(found.error).message} /> : null}
      {data ? (
        <>
          <div className="text-sm">
            <span className="font-medium">
              {t("orderInfo", { orderNo: data.order.orderNo, status: data.order.status })}
            </span>
            {data.outbound ? (
              <span className="ml-2 font-mono text-muted-foreground">{data.outbound.outboundNo}</span>
            ) : null}
            <span className="ml-2 text-muted-foreground">
              {data.order.recipientName || data.order.buyerCompany}
            </span>
          </div>
          {returnable.length === 0 ? <FormAlert message={t("nothingReturnable")} /> : null}
          <div className="rounded-lg border">
            <Table data-testid="returnable-lines">
              <TableHeader>
                <TableRow>
                  <TableHead>SKU</TableHead>
                  <TableHead>{t("goods")}</TableHead>
                  <TableHead className="text-right">{t("shipped")}</TableHead>
                  <TableHead className="text-right">{t("alreadyReturned")}</TableHead>
                  <TableHead className="text-right">{t("returnable")}</TableHead>
                  <TableHead className="w-36 text-right">{t("returnQty")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {lines.map((l) => (
                  <TableRow key={l.id}>
                    <TableCell className="font-mono text-xs">{l.sku}</TableCell>
                    <TableCell>{l.productName}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmtQty(l.shippedQty, scale)}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmtQty(l.returnedQty, scale)}</TableCell>
                    <TableCell className="text-right font-medium tabular-nums">
                      {fmtQty(l.returnableQty, scale)}
                    </TableCell>
                    <TableCell>
                      <Input
                        className="h-8 text-right tabular-nums"
                        {...decimalInputProps(scale)}
                        disabled={dec(l.returnableQty).lte(0)}
                        value={qty[l.id] ?? ""}
                        onChange={(e) => setQty((m) => ({ ...m, [l.id]: e.target.value }))}
                        aria-label={`${t("returnQty")} ${l.sku}`}
                        aria-invalid={!!errors[l.id]}
                        data-testid={`return-qty-${l.sku}`}
                      />
                      {errors[l.id] ? (
                        <p role="alert" className="mt-1 text-xs text-destructive">
                          {errors[l.id]}
                        </p>
                      ) : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t("reason")} htmlFor="return-reason" error={errors.reason} required>
              <Input
                id="return-reason"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                aria-invalid={!!errors.reason}
                data-testid="return-reason"
              />
            </Field>
            <Field label={t("platformRef")} htmlFor="return-ref" hint={t("platformRefHint")}>
              <Input
                id="return-ref"
                className="font-mono"
                value={platformRef}
                onChange={(e) => setPlatformRef(e.target.value)}
              />
            </Field>
            <Field label={t("remark")} htmlFor="return-remark" className="sm:col-span-2">
              <Textarea
                id="return-remark"
                rows={2}
                value={remark}
                onChange={(e) => setRemark(e.target.value)}
              />
            </Field>
          </div>
          <FormAlert message={formError} />
          <div className="flex gap-2">
            <Button variant="outline" onClick={() => router.back()} disabled={create.isPending}>
              {tc("cancel")}
            </Button>
            <Button
              onClick={() => void submit()}
              disabled={create.isPending || returnable.length === 0}
              data-testid="return-create"
            >
              {create.isPending ? tc("saving") : t("create")}
            </Button>
          </div>
        </>
      ) : null}
    </div>
  );
}

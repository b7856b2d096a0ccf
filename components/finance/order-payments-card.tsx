"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { Field } from "@/components/forms/field";
import { FormDialog } from "@/components/forms/form-dialog";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { PAYMENT_METHODS } from "@/lib/finance/kinds";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useMerchantToday } from "@/lib/i18n/date-time";
import { useTRPC } from "@/lib/trpc/react";
import { PaymentInput } from "@/lib/validators/finance";

type Attachment = { id: string; fileName: string };

/** 收款 on the order page: the order's receivable (total, paid, open), its payments, record and void. */
export function OrderPaymentsCard({ orderId, attachments, canWrite }: { orderId: string; attachments: Attachment[]; canWrite: boolean }) {
  const t = useTranslations("finance.receivables");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [recording, setRecording] = useState(false);
  const q = useQuery(trpc.finance.receivables.payments.queryOptions({ orderId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.finance.receivables.pathKey() });
  const voidIt = useMutation(trpc.finance.receivables.void.mutationOptions({ onSuccess: async () => { await refresh(); toast.success(t("voidDone")); } }));
  const d = q.data;
  if (!d) return null;
  return (
    <Card data-testid="order-payments">
      <CardHeader className="flex flex-row items-center justify-between gap-2">
        <CardTitle>{t("payments")}</CardTitle>
        {canWrite && d.open ? (
          <Button size="sm" onClick={() => setRecording(true)} data-testid="record-payment">
            {t("record")}
          </Button>
        ) : null}
      </CardHeader>
      <CardContent className="grid gap-3 text-sm">
        {!d.receivable ? (
          <p className="text-muted-foreground">{t("notReceivable")}</p>
        ) : (
          <>
            <p className="tabular-nums" data-testid="order-balance">
              {t("paymentsHelp", { total: d.total, currency: d.currency, paid: d.paid, balance: d.balance })}
            </p>
            {!d.open ? <p className="text-muted-foreground">{t("closedOrder")}</p> : null}
            {d.payments.length === 0 ? (
              <p className="text-muted-foreground">{t("noPayments")}</p>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("paidOn")}</TableHead>
                    <TableHead>{t("attachment")}</TableHead>
                    <TableHead className="text-right">{t("amount")}</TableHead>
                    <TableHead>{t("note")}</TableHead>
                    <TableHead />
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {d.payments.map((p) => (
                    <TableRow key={p.id} className={p.voided ? "text-muted-foreground" : undefined}>
                      <TableCell>
                        {p.paidOn} · {t(`method.${p.method}`)}
                      </TableCell>
                      <TableCell>
                        {p.attachmentId ? (
                          <a className="text-primary hover:underline" href={`/api/orders/attachments/${p.attachmentId}`} download>
                            {p.attachmentName}
                          </a>
                        ) : null}
                      </TableCell>
                      <TableCell className={p.voided ? "text-right tabular-nums line-through" : "text-right tabular-nums"}>{p.amount}</TableCell>
                      <TableCell>
                        {p.note}
                        {p.voided ? <span className="ml-1">{t("voidReason", { reason: p.voidReason ?? "" })}</span> : null}
                      </TableCell>
                      <TableCell className="text-right">
                        {canWrite && !p.voided ? (
                          <ConfirmDialog
                            trigger={
                              <Button variant="ghost" size="sm">
                                {t("void")}
                              </Button>
                            }
                            title={t("voidTitle")}
                            description={t("voidHelp")}
                            confirmLabel={t("void")}
                            reason={{ required: true }}
                            onConfirm={(reason) => voidIt.mutateAsync({ id: p.id, reason })}
                          />
                        ) : null}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </>
        )}
      </CardContent>
      <PaymentFormDialog orderId={orderId} attachments={attachments} open={recording} onOpenChange={setRecording} onSaved={refresh} />
    </Card>
  );
}

const FIELDS = ["amount", "method", "paidOn", "note", "attachmentId"] as const;
/** `paidOn` defaults to today in the merchant's time zone (`useMerchantToday`). */
const empty = (orderId: string, today: string): PaymentInput => ({ orderId, amount: "", method: "bank_transfer", paidOn: today, note: "", attachmentId: null });

/** 登记收款: full or partial; the server refuses more than the open balance or more decimals than the price precision, next to the field. */
function PaymentFormDialog({ orderId, attachments, open, onOpenChange, onSaved }: { orderId: string; attachments: Attachment[]; open: boolean; onOpenChange: (o: boolean) => void; onSaved: () => Promise<unknown> }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const today = useMerchantToday();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<PaymentInput>({ resolver: zodResolver(PaymentInput, undefined, { raw: true }), values: empty(orderId, today()) });
  const { errors } = form.formState;
  const save = useMutation(
    trpc.finance.receivables.record.mutationOptions({
      onSuccess: async () => {
        await onSaved();
        toast.success(t("finance.receivables.recorded"));
        form.reset(empty(orderId, today()));
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
          form.reset(empty(orderId, today()));
          setFormError(null);
        }
        onOpenChange(o);
      }}
      title={t("finance.receivables.record")}
      onSubmit={form.handleSubmit((v) => {
        setFormError(null);
        save.mutate({ ...v, attachmentId: v.attachmentId || null });
      })}
      pending={save.isPending}
      formError={formError}
      className="sm:max-w-md"
      testId="payment-form"
    >
      <div className="grid grid-cols-2 gap-3">
        <Field label={t("fields.amount")} htmlFor="amount" error={err("amount")} required>
          <Input id="amount" inputMode="decimal" {...form.register("amount")} aria-invalid={!!errors.amount} />
        </Field>
        <Field label={t("fields.method")} htmlFor="method" error={err("method")} required>
          <NativeSelect id="method" {...form.register("method")}>
            {PAYMENT_METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`finance.receivables.method.${m}`)}
              </option>
            ))}
          </NativeSelect>
        </Field>
      </div>
      <Field label={t("fields.paidOn")} htmlFor="paidOn" error={err("paidOn")} required>
        <Input id="paidOn" type="date" {...form.register("paidOn")} aria-invalid={!!errors.paidOn} />
      </Field>
      <Field label={t("fields.note")} htmlFor="note" error={err("note")}>
        <Input id="note" {...form.register("note")} />
      </Field>
      <Field label={t("finance.receivables.attachment")} htmlFor="attachmentId" error={err("attachmentId")} hint={t("finance.receivables.attachmentHint")}>
        <NativeSelect id="attachmentId" {...form.register("attachmentId")}>
          <option value="">{t("finance.receivables.noAttachment")}</option>
          {attachments.map((a) => (
            <option key={a.id} value={a.id}>
              {a.fileName}
            </option>
          ))}
        </NativeSelect>
      </Field>
    </FormDialog>
  );
}

"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { useDecimalMessage } from "@/components/forms/decimal";
import { FormAlert } from "@/components/forms/field";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { AttachmentUploader, type UploadedAttachment } from "./attachment-uploader";
import type { PickedCustomer } from "./customer-picker";
import { OrderAgreementSection } from "./order-agreement-section";
import { OrderBuyerSection } from "./order-buyer-section";
import {
  emptyOrderForm,
  needsAddressFor,
  orderFormSchema,
  SERVER_FIELDS,
  toOrderContent,
  type OrderFormValues,
} from "./order-form-schema";
import { OrderLinesSection } from "./order-lines-section";
import { OrderSummarySection } from "./order-summary-section";

export type FormOptions = inferRouterOutputs<AppRouter>["orders"]["formOptions"];
export type { OrderFormValues };

/**
 * New order / edit order: buyer and shipping, agreement terms, products with running totals,
 * attachments, submit. The schema is the shared `OrderContentInput` plus the merchant's precision, so
 * every error the server would give shows in place first; the server checks again and its field errors
 * land next to the same inputs.
 */
export function OrderForm({
  options,
  canApprove,
  initial,
  initialCustomer,
  edit,
}: {
  options: FormOptions;
  canApprove: boolean;
  initial?: OrderFormValues;
  initialCustomer?: PickedCustomer | null;
  /** Editing a pending order (no attachments here: they are managed on the order page). */
  edit?: { orderId: string; version: number; orderNo: string };
}) {
  const t = useTranslations();
  const trpc = useTRPC();
  const router = useRouter();
  const decimalMessage = useDecimalMessage();
  const { precision, deliveryMethods: methods } = options;
  const [attachments, setAttachments] = useState<UploadedAttachment[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  // Marks the form interactive (tests and people typing into a server-rendered form before hydration).
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => formRef.current?.setAttribute("data-ready", ""), []);

  const schema = useMemo(() => orderFormSchema(precision, methods, decimalMessage), [precision, methods, decimalMessage]);
  const form = useForm<OrderFormValues>({
    resolver: zodResolver(schema),
    defaultValues: initial ?? emptyOrderForm(methods.find((m) => m.isDefault)?.name ?? methods[0]?.name ?? ""),
  });
  const approveNow = useWatch({ control: form.control, name: "approveNow" });

  const onError = (err: unknown) => {
    setFormError(applyFieldErrors(err, form.setError, SERVER_FIELDS));
    window.scrollTo({ top: 0, behavior: "smooth" });
  };
  const create = useMutation(
    trpc.orders.create.mutationOptions({
      onSuccess: (r) => {
        toast.success(t("orders.done.created", { orderNo: r.orderNo }));
        router.push(`/orders/${r.id}`);
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.orders.update.mutationOptions({
      onSuccess: (r) => {
        toast.success(t("orders.done.saved"));
        router.push(`/orders/${r.id}`);
        router.refresh();
      },
      onError,
    }),
  );
  const pending = create.isPending || update.isPending;

  const onSubmit = form.handleSubmit(
    (v) => {
      setFormError(null);
      const content = toOrderContent(v, needsAddressFor(methods, v.deliveryMethod));
      if (edit) update.mutate({ ...content, orderId: edit.orderId, version: edit.version });
      else
        create.mutate({
          ...content,
          status: v.approveNow ? "stock_up" : "pending",
          attachmentIds: attachments.map((a) => a.id),
          idempotencyKey,
        });
    },
    () => setFormError(null),
  );

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4" data-testid="order-form" ref={formRef}>
      <FormAlert message={formError} />
      <OrderBuyerSection form={form} options={options} initialCustomer={initialCustomer} />
      <OrderAgreementSection form={form} options={options} />
      <OrderLinesSection form={form} precision={precision} />
      {!edit ? (
        <Card>
          <CardHeader>
            <CardTitle>{t("orders.section.attachments")}</CardTitle>
          </CardHeader>
          <CardContent>
            <AttachmentUploader onChange={setAttachments} disabled={pending} />
          </CardContent>
        </Card>
      ) : null}
      <OrderSummarySection form={form} precision={precision} methods={methods} />

      <div className="flex flex-wrap items-center justify-end gap-3">
        {!edit && canApprove ? (
          <label className="flex items-center gap-2 text-sm">
            <Checkbox checked={!!approveNow} onCheckedChange={(v) => form.setValue("approveNow", !!v)} />
            {t("orders.form.approveNow")}
          </label>
        ) : null}
        <Button type="button" variant="outline" onClick={() => router.back()} disabled={pending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" disabled={pending} data-testid="order-submit">
          {pending ? t("orders.form.submitting") : t("orders.form.submit")}
        </Button>
      </div>
    </form>
  );
}

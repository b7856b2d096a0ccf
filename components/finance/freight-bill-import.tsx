"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Field } from "@/components/forms/field";
import { ImportDialog } from "@/components/forms/import-dialog";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/lib/trpc/react";

/**
 * 导入运费账单 (on the order-profit page): a carrier's CSV/XLSX bill, one tracking number per row, checked
 * row by row (the preview shows the outbound and order each row matched, and every bad row), confirmed
 * into freight charges of the orders. A bill number typed here serves rows whose file has none.
 */
export function FreightBillImport({ reportingCurrency }: { reportingCurrency: string }) {
  const t = useTranslations("freightBills");
  const tf = useTranslations("fields");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [billRef, setBillRef] = useState("");
  const run = useMutation(trpc.finance.charges.importFreightBill.mutationOptions());
  return (
    <ImportDialog
      mode="rowByRow"
      testId="freight-import"
      title={t("title")}
      help={t("help", { currency: reportingCurrency })}
      triggerLabel={t("import")}
      templateHref="/api/finance/freight-template?format=xlsx"
      runImport={(input) => run.mutateAsync({ ...input, commit: input.commit ?? false, billRef })}
      onImported={() => void queryClient.invalidateQueries({ queryKey: trpc.finance.pathKey() })}
      recheck
      labels={{
        rows: (r) => t("rows", { total: r.totalRows, valid: r.validRows, errors: r.errorRows }),
        confirm: (count) => t("confirm", { count }),
        done: (r) => t("done", { created: r.created, updated: r.updated }),
      }}
      previewColumns={[
        { key: "billRef", label: tf("billRef"), mono: true },
        { key: "trackingNumber", label: tf("trackingNumber"), mono: true },
        { key: "outboundNo", label: tf("outboundNo"), mono: true },
        { key: "orderNo", label: t("orderNo"), mono: true },
        { key: "amount", label: tf("amount") },
        { key: "currency", label: tf("currency") },
        { key: "billDate", label: tf("billDate") },
      ]}
      className="sm:max-w-4xl"
    >
      <Field label={t("billRef")} htmlFor="freight-bill-ref" hint={t("billRefHint")}>
        <Input id="freight-bill-ref" className="font-mono" maxLength={60} value={billRef} onChange={(e) => setBillRef(e.target.value)} data-testid="freight-bill-ref" />
      </Field>
    </ImportDialog>
  );
}

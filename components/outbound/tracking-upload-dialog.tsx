"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Field } from "@/components/forms/field";
import { ImportDialog } from "@/components/forms/import-dialog";
import { useTRPC } from "@/lib/trpc/react";
import { CarrierInput } from "./ship-dialogs";

/**
 * 上传跟踪号: a CSV/XLSX of order number (or outbound number) → tracking number, with a default carrier
 * for rows that name none; the preview lists every bad row and confirming ships the valid rows in one
 * transaction.
 */
export function TrackingUploadDialog() {
  const t = useTranslations("outbound");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [carrier, setCarrier] = useState("");
  const upload = useMutation(trpc.outbound.uploadTracking.mutationOptions());
  return (
    <ImportDialog
      mode="rowByRow"
      testId="tracking-upload"
      title={t("uploadTitle")}
      help={t("uploadHelp")}
      triggerLabel={t("uploadTracking")}
      templateHref="/outbound/tracking-template?format=xlsx"
      runImport={(input) => upload.mutateAsync({ ...input, commit: input.commit ?? false, defaultCarrier: carrier })}
      onImported={async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.outbound.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
      }}
      recheck
      labels={{
        rows: (r) => t("uploadRows", { total: r.totalRows, valid: r.validRows, errors: r.errorRows }),
        confirm: (count) => t("confirmShip", { count }),
        done: (r) => t("uploadDone", { count: r.created }),
      }}
      previewColumns={[
        { key: "outboundNo", label: t("outboundNo"), mono: true },
        { key: "carrier", label: t("carrier") },
        { key: "trackingNumber", label: t("trackingNumber"), mono: true },
      ]}
      className="sm:max-w-3xl"
    >
      <Field label={t("defaultCarrier")} htmlFor="upload-carrier" hint={t("defaultCarrierHint")}>
        <CarrierInput id="upload-carrier" value={carrier} onChange={setCarrier} />
      </Field>
    </ImportDialog>
  );
}

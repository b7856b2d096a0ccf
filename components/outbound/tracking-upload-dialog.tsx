"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CheckCircle2, FileUp, Upload } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { Field, FormAlert } from "@/components/forms/field";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { IMPORT_MAX_BYTES, type ImportReport } from "@/lib/validators/tabular";
import { CarrierInput } from "./ship-dialogs";
import { readAsBase64, tabularFormatOf } from "@/components/forms/read-file";

type Step = "idle" | "checking" | "preview" | "shipping" | "done";

/**
 * 上传跟踪号: a CSV/XLSX of order number (or outbound number) → tracking number; the preview lists every
 * bad row (row, column, reason); confirming ships the valid rows in one transaction.
 */
export function TrackingUploadDialog() {
  const t = useTranslations("outbound");
  const tc = useTranslations("common");
  const tm = useTranslations("masterData");
  const te = useTranslations("errors");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<Step>("idle");
  const [carrier, setCarrier] = useState("");
  const [file, setFile] = useState<{ name: string; format: "csv" | "xlsx"; content: string } | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const upload = useMutation(trpc.outbound.uploadTracking.mutationOptions());

  function reset() {
    setStep("idle");
    setFile(null);
    setReport(null);
    setError(null);
    if (inputRef.current) inputRef.current.value = "";
  }

  async function check(f: { name: string; format: "csv" | "xlsx"; content: string }) {
    setError(null);
    setStep("checking");
    try {
      setReport(
        await upload.mutateAsync({
          format: f.format,
          content: f.content,
          defaultCarrier: carrier,
          commit: false,
        }),
      );
      setStep("preview");
    } catch (e) {
      setStep("idle");
      setError(appErrorOf(e).message);
    }
  }

  async function onFile(f: File | undefined) {
    if (!f) return;
    const format = tabularFormatOf(f.name);
    if (!format) return setError(te("fileUnreadable"));
    if (f.size > IMPORT_MAX_BYTES)
      return setError(te("fileTooLarge", { mb: Math.round(IMPORT_MAX_BYTES / 1024 / 1024) }));
    const content = await readAsBase64(f);
    const next = { name: f.name, format, content };
    setFile(next);
    await check(next);
  }

  async function confirm() {
    if (!file) return;
    setStep("shipping");
    setError(null);
    try {
      setReport(
        await upload.mutateAsync({
          format: file.format,
          content: file.content,
          defaultCarrier: carrier,
          commit: true,
        }),
      );
      setStep("done");
      await queryClient.invalidateQueries({ queryKey: trpc.outbound.pathKey() });
      await queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
    } catch (e) {
      setStep("preview");
      setError(appErrorOf(e).message);
    }
  }

  const busy = step === "checking" || step === "shipping";
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        if (busy) return;
        setOpen(o);
        if (!o) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" data-testid="tracking-upload-open">
          <Upload />
          {t("uploadTracking")}
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-3xl" data-testid="tracking-upload-dialog">
        <DialogHeader>
          <DialogTitle>{t("uploadTitle")}</DialogTitle>
          <DialogDescription>{t("uploadHelp")}</DialogDescription>
        </DialogHeader>
        <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
          <Field label={t("defaultCarrier")} htmlFor="upload-carrier" hint={t("defaultCarrierHint")}>
            <CarrierInput id="upload-carrier" value={carrier} onChange={setCarrier} />
          </Field>
          <a
            className="text-sm text-primary underline-offset-4 hover:underline"
            href="/outbound/tracking-template?format=xlsx"
            download
          >
            {t("downloadTemplate")}
          </a>
        </div>
        <div className="flex items-center gap-2">
          <input
            ref={inputRef}
            type="file"
            className="hidden"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => void onFile(e.target.files?.[0])}
            data-testid="tracking-file"
          />
          <Button type="button" variant="secondary" disabled={busy} onClick={() => inputRef.current?.click()}>
            <FileUp />
            {t("chooseFile")}
          </Button>
          {file ? <span className="text-sm text-muted-foreground">{file.name}</span> : null}
          {file && step === "preview" ? (
            <Button type="button" variant="ghost" size="sm" onClick={() => void check(file)}>
              {t("recheck")}
            </Button>
          ) : null}
        </div>
        <FormAlert message={error} />
        {busy ? (
          <div className="grid gap-1.5" role="status" aria-live="polite">
            <span className="text-sm text-muted-foreground">
              {step === "checking" ? t("checking") : t("shipping")}
            </span>
            <div className="h-2 animate-pulse rounded-full bg-primary/50" />
          </div>
        ) : null}
        {report && step !== "done" ? (
          <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="tracking-summary">
            {t("uploadRows", { total: report.totalRows, valid: report.validRows, errors: report.errorRows })}
            {report.errorRows ? (
              <Badge variant="warning">{tm("importSkipNote")}</Badge>
            ) : (
              <Badge variant="success">{tm("importAllValid")}</Badge>
            )}
          </div>
        ) : null}
        {step === "done" && report ? (
          <div
            role="status"
            className="flex items-center gap-2 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
            data-testid="tracking-done"
          >
            <CheckCircle2 className="size-4" />
            {t("uploadDone", { count: report.created })}
          </div>
        ) : null}
        {report && report.errors.length ? (
          <div
            className="max-h-48 overflow-y-auto rounded-md border border-destructive/30"
            data-testid="tracking-errors"
          >
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead className="w-16">{tm("errorRow")}</TableHead>
                  <TableHead className="w-40">{tm("errorColumn")}</TableHead>
                  <TableHead>{tm("errorReason")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {report.errors.slice(0, 200).map((e, i) => (
                  <TableRow key={i}>
                    <TableCell className="tabular-nums">{e.row}</TableCell>
                    <TableCell>{e.column}</TableCell>
                    <TableCell className="text-destructive">{e.message}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ) : null}
        {report && step === "preview" && report.preview.length ? (
          <div className="max-h-48 overflow-y-auto rounded-md border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead className="w-16">{tm("errorRow")}</TableHead>
                  <TableHead>{t("outboundNo")}</TableHead>
                  <TableHead>{t("carrier")}</TableHead>
                  <TableHead>{t("trackingNumber")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {report.preview.map((r, i) => (
                  <TableRow key={i}>
                    <TableCell className="tabular-nums">{r.row}</TableCell>
                    <TableCell className="font-mono text-xs">{r.outboundNo}</TableCell>
                    <TableCell>{r.carrier}</TableCell>
                    <TableCell className="font-mono text-xs">{r.trackingNumber}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ) : null}
        <DialogFooter>
          {step === "done" ? (
            <Button onClick={() => (setOpen(false), reset())}>{tc("close")}</Button>
          ) : (
            <>
              <Button variant="outline" disabled={busy} onClick={() => (setOpen(false), reset())}>
                {tc("cancel")}
              </Button>
              <Button
                disabled={busy || !report || report.validRows === 0}
                onClick={() => void confirm()}
                data-testid="tracking-confirm"
              >
                {t("confirmShip", { count: report?.validRows ?? 0 })}
              </Button>
            </>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

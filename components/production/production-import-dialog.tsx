"use client";

import { CheckCircle2, Download, FileUp, Upload } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { FormAlert } from "@/components/forms/field";
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
import { Progress } from "@/components/ui/progress";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { appErrorOf } from "@/lib/trpc/errors";
import { IMPORT_MAX_BYTES, type ImportInput } from "@/lib/validators/tabular";
import { readAsBase64, tabularFormatOf } from "@/components/forms/read-file";

export type ProductionImportReport = {
  totalRows: number;
  validRows: number;
  errorRows: number;
  created: number;
  committed: boolean;
  errors: { row: number; column: string; message: string }[];
  preview: Record<string, string>[];
};

type Step =
  | { kind: "idle" }
  | { kind: "reading"; progress: number }
  | { kind: "checking" }
  | { kind: "preview"; report: ProductionImportReport }
  | { kind: "importing"; report: ProductionImportReport }
  | { kind: "done"; report: ProductionImportReport };

/** A CSV template (UTF-8 with BOM, so Excel shows Chinese) with the headers and one example row. */
function templateHref(header: string[], example: string[]) {
  const line = (cells: string[]) =>
    cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",");
  return `data:text/csv;charset=utf-8,${encodeURIComponent("\uFEFF" + line(header) + "\n" + line(example) + "\n")}`;
}

/**
 * Production imports are all or nothing: upload, see every row's errors (row, column, reason) and a
 * preview, and import only when every row is right — in one transaction on the server.
 */
export function ProductionImportDialog({
  title,
  templateName,
  template,
  runImport,
  onImported,
  triggerLabel,
  testId,
}: {
  title: string;
  templateName: string;
  template: { header: string[]; example: string[] };
  runImport: (input: ImportInput) => Promise<ProductionImportReport>;
  onImported?: (report: ProductionImportReport) => void;
  triggerLabel: string;
  testId: string;
}) {
  const t = useTranslations("production");
  const tc = useTranslations("common");
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<{ name: string; format: "csv" | "xlsx"; content: string } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const te = useTranslations("errors");

  function reset() {
    setStep({ kind: "idle" });
    setError(null);
    setFile(null);
    if (inputRef.current) inputRef.current.value = "";
  }

  async function onFile(f: File | undefined) {
    setError(null);
    if (!f) return;
    const format = tabularFormatOf(f.name);
    if (!format) return setError(te("fileUnreadable"));
    if (f.size > IMPORT_MAX_BYTES)
      return setError(te("fileTooLarge", { mb: Math.round(IMPORT_MAX_BYTES / 1024 / 1024) }));
    try {
      setStep({ kind: "reading", progress: 0 });
      const content = await readAsBase64(f, (progress) => setStep({ kind: "reading", progress }));
      setFile({ name: f.name, format, content });
      setStep({ kind: "checking" });
      setStep({ kind: "preview", report: await runImport({ format, content, commit: false }) });
    } catch (e) {
      setStep({ kind: "idle" });
      setError(appErrorOf(e).message);
    }
  }

  async function confirm() {
    if (!file || step.kind !== "preview") return;
    setError(null);
    setStep({ kind: "importing", report: step.report });
    try {
      const report = await runImport({ format: file.format, content: file.content, commit: true });
      if (report.committed) {
        setStep({ kind: "done", report });
        onImported?.(report);
      } else {
        setStep({ kind: "preview", report });
      }
    } catch (e) {
      setStep({ kind: "preview", report: step.report });
      setError(appErrorOf(e).message);
    }
  }

  const report = "report" in step ? step.report : null;
  const busy = step.kind === "reading" || step.kind === "checking" || step.kind === "importing";
  const canImport = !!report && report.errorRows === 0 && report.validRows > 0 && step.kind === "preview";
  const badRows = new Set(report?.errors.map((e) => e.row) ?? []);
  const keys = Array.from(new Set((report?.preview ?? []).flatMap((r) => Object.keys(r)))).filter(
    (k) => k !== "row",
  );

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
        <Button variant="outline" size="sm" data-testid={`${testId}-open`}>
          <Upload />
          {triggerLabel}
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-5xl" data-testid={testId}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{t("importHelp")}</DialogDescription>
        </DialogHeader>
        <div className="flex flex-wrap items-center gap-2">
          <input
            ref={inputRef}
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            className="hidden"
            onChange={(e) => void onFile(e.target.files?.[0])}
            data-testid={`${testId}-file`}
          />
          <Button type="button" variant="secondary" disabled={busy} onClick={() => inputRef.current?.click()}>
            <FileUp />
            {t("chooseFile")}
          </Button>
          {file ? <span className="text-sm text-muted-foreground">{file.name}</span> : null}
          <div className="flex-1" />
          <a
            className="inline-flex items-center gap-1 text-sm text-primary underline-offset-4 hover:underline"
            href={templateHref(template.header, template.example)}
            download={templateName}
          >
            <Download className="size-4" />
            {t("downloadTemplate")}
          </a>
        </div>
        <FormAlert message={error} />
        {step.kind === "reading" ? <Progress value={step.progress} /> : null}
        {step.kind === "checking" || step.kind === "importing" ? (
          <div role="status" className="grid gap-1.5 text-sm text-muted-foreground">
            {step.kind === "checking" ? t("checking") : t("importing")}
            <div className="h-2 animate-pulse rounded-full bg-primary/50" />
          </div>
        ) : null}
        {report && step.kind !== "done" ? (
          <div className="flex flex-wrap items-center gap-2 text-sm" data-testid={`${testId}-summary`}>
            <span>
              {t("importRows", {
                total: report.totalRows,
                valid: report.validRows,
                errors: report.errorRows,
              })}
            </span>
            {report.errorRows > 0 ? (
              <Badge variant="warning">{t("importBlocked")}</Badge>
            ) : (
              <Badge variant="success">{t("importAllValid")}</Badge>
            )}
          </div>
        ) : null}
        {step.kind === "done" ? (
          <div
            role="status"
            className="flex items-center gap-2 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
            data-testid={`${testId}-done`}
          >
            <CheckCircle2 className="size-4" />
            {t("importDone", { created: step.report.created })}
          </div>
        ) : null}
        {report && report.errors.length > 0 ? (
          <div
            className="max-h-56 overflow-y-auto rounded-md border border-destructive/30"
            data-testid={`${testId}-errors`}
          >
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead className="w-16">{t("errorRow")}</TableHead>
                  <TableHead className="w-44">{t("errorColumn")}</TableHead>
                  <TableHead>{t("errorReason")}</TableHead>
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
        {report && step.kind !== "done" && report.preview.length > 0 ? (
          <div className="max-h-64 overflow-auto rounded-md border" data-testid={`${testId}-preview`}>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead className="w-12">{t("errorRow")}</TableHead>
                  {keys.map((k) => (
                    <TableHead key={k}>
                      <FieldLabel name={k} />
                    </TableHead>
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {report.preview.map((r, i) => (
                  <TableRow key={i} className={badRows.has(Number(r.row)) ? "bg-destructive/5" : undefined}>
                    <TableCell className="tabular-nums text-muted-foreground">{r.row}</TableCell>
                    {keys.map((k) => (
                      <TableCell key={k} className="max-w-48 truncate">
                        {r[k]}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ) : null}
        <DialogFooter>
          {step.kind === "done" ? (
            <Button onClick={() => (setOpen(false), reset())}>{tc("close")}</Button>
          ) : (
            <>
              <Button variant="outline" disabled={busy} onClick={() => (setOpen(false), reset())}>
                {tc("cancel")}
              </Button>
              <Button disabled={!canImport} onClick={() => void confirm()} data-testid={`${testId}-confirm`}>
                {t("doImport", { count: report?.validRows ?? 0 })}
              </Button>
            </>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function FieldLabel({ name }: { name: string }) {
  const t = useTranslations("fields");
  return <>{t.has(name as never) ? t(name as never) : name}</>;
}

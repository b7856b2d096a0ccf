"use client";

import { CheckCircle2, FileUp, Upload } from "lucide-react";
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
import { IMPORT_MAX_BYTES, type ImportInput, type ImportReport } from "@/lib/validators/tabular";
import { readAsBase64, tabularFormatOf } from "@/components/forms/read-file";

type Step =
  | { kind: "idle" }
  | { kind: "reading"; progress: number }
  | { kind: "checking" }
  | { kind: "preview"; report: ImportReport }
  | { kind: "importing"; report: ImportReport }
  | { kind: "done"; report: ImportReport };

const MAX_ERRORS_SHOWN = 200;

/**
 * Import for any entity with an `import` procedure (ImportInput → ImportReport): upload a CSV or XLSX,
 * see a preview with every error (row, column, reason), then confirm. Rows with errors are skipped;
 * the others are written in one transaction by the service.
 */
export function ImportDialog({
  entity,
  templateHref,
  entityLabel,
  runImport,
  onImported,
  disabled,
}: {
  /** Path segment of `/api/export/<entity>`, used for the template download. */
  entity: string;
  /** Where the template comes from when it is not `/api/export/<entity>?template=1`. */
  templateHref?: string;
  entityLabel: string;
  runImport: (input: ImportInput) => Promise<ImportReport>;
  onImported?: (report: ImportReport) => void;
  disabled?: boolean;
}) {
  const t = useTranslations();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<{ name: string; format: "csv" | "xlsx"; content: string } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

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
    if (!format) return setError(t("errors.fileUnreadable"));
    if (f.size > IMPORT_MAX_BYTES)
      return setError(t("errors.fileTooLarge", { mb: Math.round(IMPORT_MAX_BYTES / 1024 / 1024) }));
    try {
      setStep({ kind: "reading", progress: 0 });
      const content = await readAsBase64(f, (progress) => setStep({ kind: "reading", progress }));
      setFile({ name: f.name, format, content });
      setStep({ kind: "checking" });
      const report = await runImport({ format, content, commit: false });
      setStep({ kind: "preview", report });
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
      setStep({ kind: "done", report });
      onImported?.(report);
    } catch (e) {
      setStep({ kind: "preview", report: step.report });
      setError(appErrorOf(e).message);
    }
  }

  const report = "report" in step ? step.report : null;
  const busy = step.kind === "reading" || step.kind === "checking" || step.kind === "importing";

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
        <Button variant="outline" size="sm" disabled={disabled} data-testid="import-open">
          <Upload />
          {t("common.import")}
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-4xl" data-testid="import-dialog">
        <DialogHeader>
          <DialogTitle>{t("masterData.importTitle", { entity: entityLabel })}</DialogTitle>
          <DialogDescription>{t("masterData.importHelp")}</DialogDescription>
        </DialogHeader>

        <div className="flex flex-wrap items-center gap-2">
          <input
            ref={inputRef}
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            className="hidden"
            onChange={(e) => void onFile(e.target.files?.[0])}
            data-testid="import-file"
          />
          <Button type="button" variant="secondary" disabled={busy} onClick={() => inputRef.current?.click()}>
            <FileUp />
            {file ? t("masterData.chooseAnother") : t("masterData.chooseFile")}
          </Button>
          {file ? <span className="text-sm text-muted-foreground">{file.name}</span> : null}
          <div className="flex-1" />
          <a
            className="text-sm text-primary underline-offset-4 hover:underline"
            href={templateHref ?? `/api/export/${entity}?format=xlsx&template=1`}
            download
          >
            {t("masterData.downloadTemplate")}
          </a>
        </div>

        <FormAlert message={error} />

        {step.kind === "reading" ? (
          <ProgressLine label={t("masterData.reading")} value={step.progress} />
        ) : null}
        {step.kind === "checking" ? <ProgressLine label={t("masterData.checking")} /> : null}
        {step.kind === "importing" ? (
          <ProgressLine label={t("masterData.importing", { count: report?.validRows ?? 0 })} />
        ) : null}

        {report && step.kind !== "done" ? <ImportSummary report={report} /> : null}
        {step.kind === "done" && report ? (
          <div
            role="status"
            className="flex items-center gap-2 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
            data-testid="import-done"
          >
            <CheckCircle2 className="size-4" />
            {t("masterData.importDone", { created: report.created, updated: report.updated })}
            {report.errorRows > 0 ? (
              <span>· {t("masterData.importSkipped", { count: report.errorRows })}</span>
            ) : null}
          </div>
        ) : null}
        {report && report.errors.length > 0 ? <ErrorTable report={report} /> : null}
        {report && step.kind !== "done" && report.preview.length > 0 ? (
          <PreviewTable report={report} />
        ) : null}

        <DialogFooter>
          {step.kind === "done" ? (
            <>
              <Button variant="outline" onClick={reset}>
                {t("masterData.importAnother")}
              </Button>
              <Button onClick={() => (setOpen(false), reset())}>{t("common.close")}</Button>
            </>
          ) : (
            <>
              <Button variant="outline" disabled={busy} onClick={() => (setOpen(false), reset())}>
                {t("common.cancel")}
              </Button>
              <Button
                disabled={busy || !report || report.validRows === 0}
                onClick={() => void confirm()}
                data-testid="import-confirm"
              >
                {t("masterData.doImportCount", { count: report?.validRows ?? 0 })}
              </Button>
            </>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function ProgressLine({ label, value }: { label: string; value?: number }) {
  return (
    <div className="grid gap-1.5" role="status" aria-live="polite">
      <span className="text-sm text-muted-foreground">{label}</span>
      {value === undefined ? (
        <div className="h-2 animate-pulse rounded-full bg-primary/50" />
      ) : (
        <Progress value={value} />
      )}
    </div>
  );
}

function ImportSummary({ report }: { report: ImportReport }) {
  const t = useTranslations("masterData");
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="import-summary">
      <span>
        {t("importRows", { total: report.totalRows, valid: report.validRows, errors: report.errorRows })}
      </span>
      {report.errorRows > 0 ? (
        <Badge variant="warning">{t("importSkipNote")}</Badge>
      ) : (
        <Badge variant="success">{t("importAllValid")}</Badge>
      )}
    </div>
  );
}

function ErrorTable({ report }: { report: ImportReport }) {
  const t = useTranslations("masterData");
  const shown = report.errors.slice(0, MAX_ERRORS_SHOWN);
  return (
    <div
      className="max-h-56 overflow-y-auto rounded-md border border-destructive/30"
      data-testid="import-errors"
    >
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead className="w-16">{t("errorRow")}</TableHead>
            <TableHead className="w-40">{t("errorColumn")}</TableHead>
            <TableHead>{t("errorReason")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {shown.map((e, i) => (
            <TableRow key={i}>
              <TableCell className="tabular-nums">{e.row}</TableCell>
              <TableCell>{e.column}</TableCell>
              <TableCell className="text-destructive">{e.message}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {report.errors.length > shown.length ? (
        <p className="px-2 py-1 text-xs text-muted-foreground">
          {t("moreErrors", { count: report.errors.length - shown.length })}
        </p>
      ) : null}
    </div>
  );
}

function PreviewTable({ report }: { report: ImportReport }) {
  const t = useTranslations();
  const keys = Array.from(new Set(report.preview.flatMap((r) => Object.keys(r))));
  const badRows = new Set(report.errors.map((e) => e.row));
  const label = (k: string) => (t.has(`fields.${k}` as never) ? t(`fields.${k}` as never) : k);
  return (
    <div className="grid gap-1">
      <span className="text-xs text-muted-foreground">
        {t("masterData.previewFirst", { count: report.preview.length })}
      </span>
      <div className="max-h-64 overflow-auto rounded-md border" data-testid="import-preview">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead className="w-12">{t("masterData.errorRow")}</TableHead>
              {keys.map((k) => (
                <TableHead key={k}>{label(k)}</TableHead>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.preview.map((r, i) => (
              <TableRow key={i} className={badRows.has(i + 2) ? "bg-destructive/5" : undefined}>
                <TableCell className="tabular-nums text-muted-foreground">{i + 2}</TableCell>
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
    </div>
  );
}

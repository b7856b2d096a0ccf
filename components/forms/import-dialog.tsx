"use client";

import { CheckCircle2, Download, FileUp, Upload } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { FormAlert } from "@/components/forms/field";
import { readAsBase64, tabularFormatOf } from "@/components/forms/read-file";
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
import { IMPORT_MAX_BYTES, type ImportInput, type ImportRowError } from "@/lib/validators/tabular";

/** What every import procedure answers, previewing (`commit: false`) or writing (`commit: true`). */
export type ImportReportLike = {
  totalRows: number;
  validRows: number;
  errorRows: number;
  created: number;
  updated?: number;
  committed?: boolean;
  errors: ImportRowError[];
  preview: Record<string, string>[];
};

/**
 * `rowByRow`: rows with errors are skipped and the valid ones written (master data, tracking numbers).
 * `allOrNothing`: nothing is written while any row is wrong (production plans and work reports).
 */
export type ImportMode = "rowByRow" | "allOrNothing";

type Step<R> =
  | { kind: "idle" }
  | { kind: "reading"; progress: number }
  | { kind: "checking" }
  | { kind: "preview"; report: R }
  | { kind: "importing"; report: R }
  | { kind: "done"; report: R };

type TabularFile = { name: string; format: "csv" | "xlsx"; content: string };

const MAX_ERRORS_SHOWN = 200;

/**
 * The one import dialog: upload a CSV or XLSX, see the check's every error (row, column, reason) and a
 * preview, then confirm; the service writes in one transaction. `children` are extra inputs the import
 * takes (a default carrier…), read by `runImport` on each check.
 */
export function ImportDialog<R extends ImportReportLike>({
  mode,
  title,
  entityLabel,
  help,
  triggerLabel,
  testId = "import",
  templateHref,
  templateName,
  runImport,
  onImported,
  disabled,
  recheck,
  labels = {},
  previewColumns,
  className = "sm:max-w-4xl",
  children,
}: {
  mode: ImportMode;
  /** The dialog's title, or 导入{entityLabel}. */
  title?: string;
  entityLabel?: string;
  help?: string;
  triggerLabel?: string;
  /** Prefix of the test ids: `<id>` (the dialog), `<id>-open`, `-file`, `-summary`, `-errors`, `-preview`, `-confirm`, `-done`. */
  testId?: string;
  templateHref: string;
  /** The downloaded template's file name (a data: URL needs one). */
  templateName?: string;
  runImport: (input: ImportInput) => Promise<R>;
  onImported?: (report: R) => void;
  disabled?: boolean;
  /** Offer to check the same file again (after changing the extra inputs). */
  recheck?: boolean;
  labels?: { rows?: (r: R) => string; confirm?: (count: number) => string; done?: (r: R) => string };
  /** The preview's columns; by default every key of the preview rows, headed by its field label. */
  previewColumns?: { key: string; label: string; mono?: boolean }[];
  className?: string;
  children?: React.ReactNode;
}) {
  const t = useTranslations();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<Step<R>>({ kind: "idle" });
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<TabularFile | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  function reset() {
    setStep({ kind: "idle" });
    setError(null);
    setFile(null);
    if (inputRef.current) inputRef.current.value = "";
  }

  async function check(f: TabularFile) {
    setError(null);
    setStep({ kind: "checking" });
    try {
      setStep({
        kind: "preview",
        report: await runImport({ format: f.format, content: f.content, commit: false }),
      });
    } catch (e) {
      setStep({ kind: "idle" });
      setError(appErrorOf(e).message);
    }
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
      const next = { name: f.name, format, content };
      setFile(next);
      await check(next);
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
      // Not committed: the file changed its mind on the second check (all or nothing); show why.
      if (report.committed === false) return setStep({ kind: "preview", report });
      setStep({ kind: "done", report });
      onImported?.(report);
    } catch (e) {
      setStep({ kind: "preview", report: step.report });
      setError(appErrorOf(e).message);
    }
  }

  const report = "report" in step ? step.report : null;
  const busy = step.kind === "reading" || step.kind === "checking" || step.kind === "importing";
  const importable =
    step.kind === "preview" &&
    step.report.validRows > 0 &&
    (mode === "rowByRow" || step.report.errorRows === 0);
  const close = () => (setOpen(false), reset());

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
        <Button variant="outline" size="sm" disabled={disabled} data-testid={`${testId}-open`}>
          <Upload />
          {triggerLabel ?? t("common.import")}
        </Button>
      </DialogTrigger>
      <DialogContent className={className} data-testid={testId}>
        <DialogHeader>
          <DialogTitle>{title ?? t("imports.title", { entity: entityLabel ?? "" })}</DialogTitle>
          <DialogDescription>{help ?? t(`imports.help.${mode}`)}</DialogDescription>
        </DialogHeader>

        {children}
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
            {file ? t("imports.chooseAnother") : t("imports.chooseFile")}
          </Button>
          {file ? <span className="text-sm text-muted-foreground">{file.name}</span> : null}
          {recheck && file && step.kind === "preview" ? (
            <Button type="button" variant="ghost" size="sm" onClick={() => void check(file)}>
              {t("imports.recheck")}
            </Button>
          ) : null}
          <div className="flex-1" />
          <a
            className="inline-flex items-center gap-1 text-sm text-primary underline-offset-4 hover:underline"
            href={templateHref}
            download={templateName ?? true}
          >
            <Download className="size-4" />
            {t("imports.downloadTemplate")}
          </a>
        </div>

        <FormAlert message={error} />

        {step.kind === "reading" ? <ProgressLine label={t("imports.reading")} value={step.progress} /> : null}
        {step.kind === "checking" ? <ProgressLine label={t("imports.checking")} /> : null}
        {step.kind === "importing" ? (
          <ProgressLine label={t("imports.importing", { count: step.report.validRows })} />
        ) : null}

        {report && step.kind !== "done" ? (
          <div className="flex flex-wrap items-center gap-2 text-sm" data-testid={`${testId}-summary`}>
            <span>
              {labels.rows?.(report) ??
                t("imports.rows", {
                  total: report.totalRows,
                  valid: report.validRows,
                  errors: report.errorRows,
                })}
            </span>
            {report.errorRows === 0 ? (
              <Badge variant="success">{t("imports.allValid")}</Badge>
            ) : (
              <Badge variant="warning">
                {mode === "rowByRow" ? t("imports.skipNote") : t("imports.blocked")}
              </Badge>
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
            {labels.done?.(step.report) ??
              t("imports.done", { created: step.report.created, updated: step.report.updated ?? 0 })}
            {step.report.errorRows > 0 ? (
              <span>· {t("imports.skipped", { count: step.report.errorRows })}</span>
            ) : null}
          </div>
        ) : null}
        {report && report.errors.length > 0 ? (
          <ErrorTable errors={report.errors} testId={`${testId}-errors`} />
        ) : null}
        {report && step.kind !== "done" && report.preview.length > 0 ? (
          <PreviewTable report={report} columns={previewColumns} testId={`${testId}-preview`} />
        ) : null}

        <DialogFooter>
          {step.kind === "done" ? (
            <>
              <Button variant="outline" onClick={reset}>
                {t("imports.another")}
              </Button>
              <Button onClick={close}>{t("common.close")}</Button>
            </>
          ) : (
            <>
              <Button variant="outline" disabled={busy} onClick={close}>
                {t("common.cancel")}
              </Button>
              <Button disabled={!importable} onClick={() => void confirm()} data-testid={`${testId}-confirm`}>
                {labels.confirm?.(report?.validRows ?? 0) ??
                  t("imports.confirm", { count: report?.validRows ?? 0 })}
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

function ErrorTable({ errors, testId }: { errors: ImportRowError[]; testId: string }) {
  const t = useTranslations("imports");
  const shown = errors.slice(0, MAX_ERRORS_SHOWN);
  return (
    <div className="max-h-56 overflow-y-auto rounded-md border border-destructive/30" data-testid={testId}>
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead className="w-16">{t("errorRow")}</TableHead>
            <TableHead className="w-44">{t("errorColumn")}</TableHead>
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
      {errors.length > shown.length ? (
        <p className="px-2 py-1 text-xs text-muted-foreground">
          {t("moreErrors", { count: errors.length - shown.length })}
        </p>
      ) : null}
    </div>
  );
}

/** The first rows as the check read them; a row's number is its `row` cell, else its place (header = 1). */
function PreviewTable({
  report,
  columns,
  testId,
}: {
  report: ImportReportLike;
  columns?: { key: string; label: string; mono?: boolean }[];
  testId: string;
}) {
  const t = useTranslations();
  const label = (k: string) => (t.has(`fields.${k}` as never) ? t(`fields.${k}` as never) : k);
  const cols =
    columns ??
    Array.from(new Set(report.preview.flatMap((r) => Object.keys(r))))
      .filter((k) => k !== "row")
      .map((key) => ({ key, label: label(key), mono: false }));
  const badRows = new Set(report.errors.map((e) => e.row));
  const rowOf = (r: Record<string, string>, i: number) => Number(r.row ?? i + 2);
  return (
    <div className="grid gap-1">
      <span className="text-xs text-muted-foreground">
        {t("imports.previewFirst", { count: report.preview.length })}
      </span>
      <div className="max-h-64 overflow-auto rounded-md border" data-testid={testId}>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead className="w-12">{t("imports.errorRow")}</TableHead>
              {cols.map((c) => (
                <TableHead key={c.key}>{c.label}</TableHead>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.preview.map((r, i) => (
              <TableRow key={i} className={badRows.has(rowOf(r, i)) ? "bg-destructive/5" : undefined}>
                <TableCell className="text-muted-foreground tabular-nums">{rowOf(r, i)}</TableCell>
                {cols.map((c) => (
                  <TableCell
                    key={c.key}
                    className={c.mono ? "max-w-48 truncate font-mono text-xs" : "max-w-48 truncate"}
                  >
                    {r[c.key]}
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

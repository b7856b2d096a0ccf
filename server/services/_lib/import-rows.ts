import { type z, ZodError } from "zod";
import { IMPORT_MAX_BYTES, ImportInput } from "@/lib/validators/tabular";
import { DomainError, type MessageRef } from "@/server/errors";
import { decodeUpload, readTable, type ColumnSpec } from "./tabular";

/** The row-by-row imports' shared mechanics (master data, SKU costs, exchange rates). */
export type RowError = { row: number; column: string; ref: MessageRef };
export type ImportResult = {
  totalRows: number;
  validRows: number;
  errorRows: number;
  created: number;
  updated: number;
  committed: boolean;
  errors: RowError[];
  preview: Record<string, string>[];
};

/** A row's zod or domain error as (row, column, reason) entries, one per cell. */
export function rowErrorsFrom(e: unknown, rowNo: number, columns: ColumnSpec[]): RowError[] {
  const header = (key: string) => columns.find((c) => c.key === key)?.header ?? key;
  if (e instanceof ZodError) {
    // One reason per cell, the first — as a form shows it (an empty code is "required", not also "format").
    const seen = new Set<string>();
    return e.issues.flatMap((i) => {
      const key = String(i.path[i.path.length - 1] ?? "");
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ row: rowNo, column: header(key), ref: { key: i.message, params: { field: key } } }];
    });
  }
  if (e instanceof DomainError) {
    const entries = Object.entries(e.fieldErrors ?? {});
    if (entries.length === 0) return [{ row: rowNo, column: "", ref: e.messageRef }];
    return entries.map(([field, ref]) => ({ row: rowNo, column: header(field), ref: { key: ref.key, params: { field, ...(ref.params ?? {}) } } }));
  }
  throw e;
}

/** Spreadsheet row number of the i-th data row (row 1 is the header). */
export const sheetRow = (i: number) => i + 2;

export const optional = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);

/** The upload's rows keyed by column key, and the parsed input (format, commit). */
export async function loadRows(input: z.input<typeof ImportInput>, columns: ColumnSpec[]) {
  const parsed = ImportInput.parse(input);
  const buf = decodeUpload(parsed.content, IMPORT_MAX_BYTES);
  const { rows } = await readTable(parsed.format, buf, columns);
  return { parsed, rows };
}

/**
 * The loop every row-by-row import shares: each row normalised (a zod or domain error it throws becomes
 * that row's errors), a key repeated within the file refused at `dedupe.field` with the first row's
 * number, the valid rows kept with their sheet row numbers.
 */
export function validateRows<R, V>(
  rows: R[],
  columns: ColumnSpec[],
  normalize: (row: R) => V,
  dedupe: { key: (v: V) => string; field: string },
): { valid: { row: number; values: V }[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const valid: { row: number; values: V }[] = [];
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const rowNo = sheetRow(i);
    try {
      const values = normalize(r);
      const key = dedupe.key(values);
      const first = seen.get(key);
      if (first) throw new DomainError("VALIDATION", { key: "duplicateInFile" }, { fieldErrors: { [dedupe.field]: { key: "duplicateInFile", params: { row: first } } } });
      seen.set(key, rowNo);
      valid.push({ row: rowNo, values });
    } catch (e) {
      errors.push(...rowErrorsFrom(e, rowNo, columns));
    }
  });
  return { valid, errors };
}

/** What an import answers: counts, what was written, the errors in row order, a preview. */
export function importSummary(
  rows: Record<string, string>[],
  validRows: number,
  errors: RowError[],
  written: { created: number; updated: number },
  committed: boolean,
): ImportResult {
  return {
    totalRows: rows.length,
    validRows,
    errorRows: new Set(errors.map((e) => e.row)).size,
    ...written,
    committed,
    errors: [...errors].sort((a, b) => a.row - b.row),
    preview: rows.slice(0, 20),
  };
}

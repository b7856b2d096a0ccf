import ExcelJS from "exceljs";
import Papa from "papaparse";
import { isBase64 } from "@/lib/validators/tabular";
import { DomainError } from "@/server/errors";

export type TableFormat = "csv" | "xlsx";

/** A column of an import/export file: its key, the header we write, and headers we accept. */
export type ColumnSpec = { key: string; header: string; aliases?: string[] };

const norm = (h: string) => h.trim().toLowerCase().replace(/[\s_\-()（）]/g, "");

/**
 * Read a CSV or XLSX file into rows keyed by column key. Headers are matched by the written header,
 * the key, or an alias (Chinese and English), so files exported by us or typed by hand both work.
 */
export async function readTable(format: TableFormat, data: Buffer, columns: ColumnSpec[]) {
  let matrix: string[][];
  if (format === "csv") {
    const text = csvText(data).replace(/^\uFEFF/, "");
    if (text.trim() === "") throw fileError("fileEmpty");
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: "greedy" });
    if (parsed.errors.length && parsed.data.length === 0) throw fileError("fileUnreadable");
    matrix = parsed.data.map((r) => r.map((c) => String(c ?? "")));
  } else {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(data as unknown as ArrayBuffer);
    } catch {
      throw fileError("fileUnreadable");
    }
    const ws = wb.worksheets[0];
    matrix = [];
    ws?.eachRow({ includeEmpty: false }, (row) => {
      const values: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        values[col - 1] = cellText(cell.value);
      });
      matrix.push(Array.from(values, (v) => v ?? ""));
    });
  }
  // PostgreSQL text cannot hold NUL: a file carrying one is refused where it is, not at the insert.
  matrix.forEach((r, i) =>
    r.forEach((c, j) => {
      if (!c.includes("\u0000")) return;
      const ref = { key: "fileTextNul", params: { row: i + 1, column: j + 1 } };
      throw new DomainError("VALIDATION", ref, { fieldErrors: { content: ref } });
    }),
  );
  const [header, ...body] = matrix;
  if (!header) throw fileError("fileEmpty");
  const lookup = new Map<string, string>();
  for (const c of columns) for (const name of [c.key, c.header, ...(c.aliases ?? [])]) lookup.set(norm(name), c.key);
  const keys = header.map((h) => lookup.get(norm(h)) ?? null);
  const rows = body
    .filter((r) => r.some((c) => c.trim() !== ""))
    .map((r) => {
      const obj: Record<string, string> = {};
      keys.forEach((k, i) => {
        if (k) obj[k] = unFormulaSafe((r[i] ?? "").trim());
      });
      return obj;
    });
  return { rows, unknownHeaders: header.filter((_, i) => keys[i] === null) };
}

const fileError = (key: string) => new DomainError("VALIDATION", { key }, { fieldErrors: { content: { key } } });

/**
 * A CSV file's text: UTF-8 (with or without BOM) only. Bytes that are not UTF-8 are a binary file (an
 * XLSX or an image sent as CSV) or a legacy code page (Excel's "CSV" on a Chinese Windows is GBK);
 * either way decoding them would import replacement characters, so the file is refused, saying how
 * to save it.
 */
function csvText(data: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw fileError("fileNotCsvText");
  }
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("text" in v && typeof v.text === "string") return v.text;
    if ("result" in v) return cellText(v.result as ExcelJS.CellValue);
    if ("richText" in v) return v.richText.map((t) => t.text).join("");
    return String(v);
  }
  return String(v);
}

/** Write rows as CSV (UTF-8 with BOM, so Excel shows Chinese correctly) or XLSX. */
export async function writeTable(format: TableFormat, columns: ColumnSpec[], rows: Record<string, unknown>[]): Promise<Buffer> {
  if (format === "csv") {
    const csv = Papa.unparse({
      fields: columns.map((c) => c.header),
      data: rows.map((r) => columns.map((c) => toCell(r[c.key]))),
    });
    return Buffer.from("\uFEFF" + csv, "utf8");
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Sheet1");
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: Math.max(12, c.header.length * 2) }));
  for (const r of rows) ws.addRow(Object.fromEntries(columns.map((c) => [c.key, toCell(r[c.key])])));
  ws.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function toCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "boolean") return v ? "1" : "0";
  return formulaSafe(String(v));
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?$/;

/**
 * A cell a spreadsheet would run as a formula (starting with = + - @, tab or CR: OWASP "CSV
 * injection") gets a leading apostrophe, so Excel/WPS/LibreOffice show it as text. Plain numbers such
 * as "-12.5" cannot be formulas and stay as they are. Every exporter writes through writeTable, so
 * this is the one place; readTable strips the apostrophe again so our own exports re-import unchanged.
 */
export function formulaSafe(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** The inverse of formulaSafe for imports: "'=x" (as we export it) reads as "=x". */
const unFormulaSafe = (text: string) => (text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text);

/** An import's file from its base64 (ImportInput has checked it is base64: Node's decoder would not). */
export function decodeUpload(content: string, maxBytes: number): Buffer {
  if (!isBase64(content)) throw fileError("fileNotBase64");
  const buf = Buffer.from(content, "base64");
  if (buf.length > maxBytes) {
    throw new DomainError("PAYLOAD_TOO_LARGE", { key: "fileTooLarge", params: { mb: Math.round(maxBytes / 1024 / 1024) } });
  }
  return buf;
}

export const parseBool = (v: string | undefined, fallback: boolean) => {
  if (v === undefined || v === "") return fallback;
  const s = v.trim().toLowerCase();
  if (["1", "true", "yes", "y", "是", "启用", "enabled"].includes(s)) return true;
  if (["0", "false", "no", "n", "否", "停用", "禁用", "disabled"].includes(s)) return false;
  return null;
};

/** Client-side file helpers shared by the import and upload dialogs. */

/** The tabular format a file name says it is, or null for anything else. */
export function tabularFormatOf(name: string): "csv" | "xlsx" | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".xlsx")) return "xlsx";
  return null;
}

/** A file's bytes as base64 (for tRPC inputs), reporting read progress in percent. */
export function readAsBase64(file: File, onProgress?: (pct: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    if (onProgress)
      reader.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    reader.onerror = () => reject(reader.error);
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] ?? "");
    reader.readAsDataURL(file);
  });
}

/** A CSV template as a data: URL (UTF-8 with BOM, so Excel shows Chinese): the header and one example row. */
export function csvTemplateHref(header: string[], example: string[]) {
  const line = (cells: string[]) =>
    cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",");
  return `data:text/csv;charset=utf-8,${encodeURIComponent("\uFEFF" + line(header) + "\n" + line(example) + "\n")}`;
}

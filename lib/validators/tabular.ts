import { z } from "zod";

/** Max upload for imports: enough for ~100k rows of CSV. */
export const IMPORT_MAX_BYTES = 15 * 1024 * 1024;

/**
 * Standard base64 with its padding, as FileReader.readAsDataURL writes it. Node's decoder skips
 * whatever is not base64 and returns the rest, so a file sent in some other form would be read as a
 * few garbage bytes ("0 rows"): it is refused instead. One negated class and an indexOf, so the check
 * stays linear and fast on a 20 MB string (a quartet-group regex backtracks through all of it).
 */
export function isBase64(s: string): boolean {
  if (s.length % 4 !== 0 || /[^A-Za-z0-9+/=]/.test(s)) return false;
  const pad = s.indexOf("=");
  return pad === -1 || pad === s.length - 1 || (pad === s.length - 2 && s.endsWith("="));
}

export const ImportInput = z.object({
  format: z.enum(["csv", "xlsx"]),
  /** The file, base64-encoded. */
  content: z
    .string()
    .max(Math.ceil((IMPORT_MAX_BYTES * 4) / 3) + 4, { error: "fileTooLarge" })
    .refine(isBase64, { error: "fileNotBase64" }),
  /** false = preview only (nothing written); true = import the valid rows in one transaction. */
  commit: z.boolean().default(false),
});
export type ImportInput = z.input<typeof ImportInput>;

export type ImportRowError = { row: number; column: string; message: string };
export type ImportReport = {
  totalRows: number;
  validRows: number;
  errorRows: number;
  created: number;
  updated: number;
  committed: boolean;
  errors: ImportRowError[];
  preview: Record<string, string>[];
};

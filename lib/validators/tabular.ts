import { z } from "zod";

/** Max upload for imports: enough for ~100k rows of CSV. */
export const IMPORT_MAX_BYTES = 15 * 1024 * 1024;

export const ImportInput = z.object({
  format: z.enum(["csv", "xlsx"]),
  /** The file, base64-encoded. */
  content: z.string().max(Math.ceil((IMPORT_MAX_BYTES * 4) / 3) + 4, { error: "fileTooLarge" }),
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

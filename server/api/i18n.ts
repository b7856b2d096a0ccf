import type { Locale } from "@/lib/i18n/config";
import { translate } from "@/lib/i18n/translate";
import type { ImportReport } from "@/lib/validators/tabular";
import type { MessageRef } from "@/server/errors";

export const t = (locale: Locale, ref: MessageRef) => translate(locale, `errors.${ref.key}`, ref.params ?? {});

/** Row errors of an import, rendered in the caller's language. */
export function translateImport<R extends { errors: { row: number; column: string; ref: MessageRef }[] }>(
  result: R,
  locale: Locale,
): Omit<R, "errors"> & Pick<ImportReport, "errors"> {
  return { ...result, errors: result.errors.map((e) => ({ row: e.row, column: e.column, message: t(locale, e.ref) })) };
}

"use client";

import { useTranslations } from "next-intl";

/**
 * Turn a form field error into text: our zod messages are keys under `errors.` (translated here with
 * the field's label); server-side errors arrive already translated and are shown as they are.
 */
export function useZodMessage() {
  const t = useTranslations();
  return (err: { message?: string; type?: string } | undefined, field: string): string | undefined => {
    if (!err?.message) return err ? t("errors.required", { fieldLabel: label(t, field) }) : undefined;
    const key = `errors.${err.message}`;
    if (err.type !== "server" && t.has(key as never)) {
      return t(key as never, { fieldLabel: label(t, field), scale: "", row: "", mb: "" } as never);
    }
    return err.message;
  };
}

function label(t: ReturnType<typeof useTranslations>, field: string) {
  const leaf = field.split(".").pop() ?? field;
  const key = `fields.${leaf}`;
  return t.has(key as never) ? t(key as never) : leaf;
}

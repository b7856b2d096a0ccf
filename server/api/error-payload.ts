import type { ZodError } from "zod";
import type { Locale } from "@/lib/i18n/config";
import { translate } from "@/lib/i18n/translate";
import type { DomainError } from "@/server/errors";

/**
 * The error body every transport but the open API sends — `{code, message, fieldErrors, details}`,
 * translated into the caller's language: tRPC's `appError` and route handlers' `error`.
 */

export type FieldErrorMap = Record<string, string>;

/** Field errors from a zod error, translated where the message is one of our keys. */
export function zodFieldErrors(err: ZodError, locale: Locale): FieldErrorMap {
  const out: FieldErrorMap = {};
  for (const issue of err.issues) {
    const path = issue.path.map(String).join(".") || "_";
    if (out[path]) continue;
    const field = String(issue.path[issue.path.length - 1] ?? path);
    const key = `errors.${issue.message}`;
    const msg = translate(locale, key, { field });
    out[path] = msg === key ? issue.message : msg;
  }
  return out;
}

export function domainErrorPayload(err: DomainError, locale: Locale) {
  const fieldErrors: FieldErrorMap = {};
  for (const [path, ref] of Object.entries(err.fieldErrors ?? {})) {
    const field = path.split(".").pop() ?? path;
    fieldErrors[path] = translate(locale, `errors.${ref.key}`, { field, ...(ref.params ?? {}) });
  }
  // A message that names a field ({fieldLabel}) but was raised without one names the first field in error.
  const firstField = Object.keys(err.fieldErrors ?? {})[0]?.split(".").pop();
  const params = { ...(firstField ? { field: firstField } : {}), ...(err.messageRef.params ?? {}) };
  return {
    code: err.code,
    message: translate(locale, `errors.${err.messageRef.key}`, params),
    fieldErrors,
    details: err.details ?? null,
  };
}

/** A validation error of zod: every field's message, and the first one as the summary. */
export function zodErrorPayload(err: ZodError, locale: Locale) {
  const fieldErrors = zodFieldErrors(err, locale);
  const [firstPath, firstMsg] = Object.entries(fieldErrors)[0] ?? ["_", ""];
  return {
    code: "VALIDATION" as const,
    message: translate(locale, "errors.invalidInput", { detail: `${firstPath}: ${firstMsg}` }),
    fieldErrors,
    details: null,
  };
}

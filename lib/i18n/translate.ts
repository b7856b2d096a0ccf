import { createTranslator } from "next-intl";
import type { Locale } from "./config";
import { messagesFor } from "./messages";

/** Translate an `errors.*` (or any) key outside React, e.g. for API error messages. */
export function translate(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const t = createTranslator({ locale, messages: messagesFor(locale) });
  try {
    // Field names in params are themselves keys under `fields.` when one exists.
    const resolved: Record<string, string | number> = { ...params };
    if (typeof params.field === "string") {
      const label = `fields.${params.field}`;
      if (t.has(label as never)) resolved.fieldLabel = t(label as never);
      else resolved.fieldLabel = params.field;
    }
    if (typeof params.entity === "string" && t.has(`entities.${params.entity}` as never)) {
      resolved.entityLabel = t(`entities.${params.entity}` as never);
    } else if (typeof params.entity === "string") {
      resolved.entityLabel = params.entity;
    }
    if (!t.has(key as never)) return key;
    return t(key as never, resolved as never);
  } catch {
    return key;
  }
}

import { createTranslator } from "next-intl";
import type { Locale } from "./config";
import { translateWith, type Translate } from "./message-ref";
import { messagesFor } from "./messages";

/** A translator for one language outside React (API error messages, tests). */
export const translatorFor = (locale: Locale) => createTranslator({ locale, messages: messagesFor(locale) }) as unknown as Translate;

/** Translate an `errors.*` (or any) key outside React, e.g. for API error messages. */
export function translate(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  return translateWith(translatorFor(locale), key, params);
}

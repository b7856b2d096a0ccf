import { useTranslations } from "next-intl";
import type { Translate } from "./message-ref";

/** The whole-catalogue translator as the plain `Translate` that renders stored message refs. */
export const useTranslate = (): Translate => useTranslations() as unknown as Translate;

import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { pageTimeZone } from "@/server/auth/page-context";
import { LOCALE_COOKIE, resolveLocale } from "./config";
import { messagesFor } from "./messages";

/** Per request: the caller's language, and the merchant's time zone for every date a page renders. */
export default getRequestConfig(async () => {
  const [c, h, timeZone] = await Promise.all([cookies(), headers(), pageTimeZone()]);
  const locale = resolveLocale(c.get(LOCALE_COOKIE)?.value, h.get("accept-language"));
  return { locale, messages: messagesFor(locale), timeZone };
});

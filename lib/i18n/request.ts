import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALE_COOKIE, resolveLocale } from "./config";
import { messagesFor } from "./messages";

export default getRequestConfig(async () => {
  const [c, h] = await Promise.all([cookies(), headers()]);
  const locale = resolveLocale(c.get(LOCALE_COOKIE)?.value, h.get("accept-language"));
  return { locale, messages: messagesFor(locale), timeZone: "Asia/Shanghai" };
});

import { useFormatter, useTimeZone } from "next-intl";
import { useCallback } from "react";
import { DEFAULT_TIME_ZONE } from "./config";

/** A moment as the pages write it (the layout of `toLocaleString`): date and time to the second. */
export const DATE_TIME = { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit" } as const;

type Moment = Date | string | number | null | undefined;

/**
 * Format moments in the merchant's time zone (the request config's `timeZone`, which the client
 * provider inherits) and the UI's language — never the browser's or the server's zone. "" for none.
 */
export function useFormatDateTime(): (v: Moment) => string {
  const format = useFormatter();
  return useCallback((v: Moment) => (v === null || v === undefined || v === "" ? "" : format.dateTime(new Date(v), DATE_TIME)), [format]);
}

/** Formatters are costly to build: one per time zone. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar day (`YYYY-MM-DD`) that `at` falls on in `timeZone` — not the UTC day of
 * `toISOString().slice(0, 10)`, which is already tomorrow in Asia/Shanghai from 16:00 UTC.
 */
export function dayInZone(timeZone: string, at: Date = new Date()): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/**
 * Today in the merchant's time zone (the request config's, as `useFormatDateTime`): the default of every
 * date field (a payment's day, a rate's day, a cost's effective day). Call the returned function when
 * the default is needed, so a form opened after midnight gets the new day.
 */
export function useMerchantToday(): () => string {
  const timeZone = useTimeZone() ?? DEFAULT_TIME_ZONE;
  return useCallback(() => dayInZone(timeZone), [timeZone]);
}

import { useFormatter, useTimeZone } from "next-intl";
import { useCallback } from "react";
import { DEFAULT_TIME_ZONE } from "./config";
import { dayInZone } from "./day";

export { dayInZone };

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

/**
 * Today in the merchant's time zone (the request config's, as `useFormatDateTime`): the default of every
 * date field (a payment's day, a rate's day, a cost's effective day). Call the returned function when
 * the default is needed, so a form opened after midnight gets the new day.
 */
export function useMerchantToday(): () => string {
  const timeZone = useTimeZone() ?? DEFAULT_TIME_ZONE;
  return useCallback(() => dayInZone(timeZone), [timeZone]);
}

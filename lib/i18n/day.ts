/** Calendar days in a time zone, without React (server code imports this; pages use date-time.ts). */

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

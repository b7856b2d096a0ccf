"use client";

import { useMemo } from "react";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { ORDER_SOURCES, ORDER_STATUSES } from "@/lib/orders/status";
import { ORDER_SORTS, parseOrderNos, type OrderFilterInput } from "@/lib/validators/orders";

/** URL query keys of the order list filters (short, so a filtered list is a shareable link). */
export const FILTER_KEYS = ["status", "no", "nos", "client", "source", "cf", "ct", "df", "dt", "r", "country"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type FilterValues = Partial<Record<FilterKey, string>>;

/** The order list's filters, tab and sort (the URL filters read as `OrderFilterInput`); Reset keeps the tab. */
export function useOrderListParams() {
  const f = useUrlFilters(FILTER_KEYS, { sorting: { sorts: ORDER_SORTS, defaultSort: "created" }, keep: ["status"] });
  const raw = f.values;

  const filter = useMemo<OrderFilterInput>(() => {
    const nos = parseOrderNos(raw.nos);
    return {
      status: (ORDER_STATUSES as readonly string[]).includes(raw.status) ? (raw.status as OrderFilterInput["status"]) : undefined,
      orderNo: raw.no || undefined,
      orderNos: nos.length ? nos : undefined,
      clientNum: raw.client || undefined,
      source: (ORDER_SOURCES as readonly string[]).includes(raw.source) ? (raw.source as OrderFilterInput["source"]) : undefined,
      createdFrom: raw.cf || undefined,
      createdTo: raw.ct || undefined,
      deliveryFrom: raw.df || undefined,
      deliveryTo: raw.dt || undefined,
      recipient: raw.r || undefined,
      country: raw.country || undefined,
    };
  }, [raw]);

  return {
    ...f,
    raw,
    filter,
    sort: f.sortState.sort,
    dir: f.sortState.dir,
    setStatus: (s: string) => f.set({ status: s === "all" ? undefined : s }),
    setFilters: (values: FilterValues) =>
      f.set(Object.fromEntries(FILTER_KEYS.filter((k) => k !== "status").map((k) => [k, values[k]?.trim() || undefined]))),
    /** Query string for the export route with the current filters. */
    exportQuery: (format: "csv" | "xlsx", extra: Record<string, string> = {}) => {
      const qs = new URLSearchParams({ format });
      for (const k of FILTER_KEYS) if (raw[k]) qs.set(k, raw[k]);
      for (const [k, v] of Object.entries(extra)) qs.set(k, v);
      return qs.toString();
    },
  };
}

"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import type { Pager, SortState } from "@/components/data-table/data-table";
import { useKeysetPager } from "@/components/data-table/use-keyset-pager";
import { ORDER_SOURCES, ORDER_STATUSES, type OrderSource, type OrderStatus } from "@/lib/orders/status";
import { ORDER_SORTS, parseOrderNos, type OrderFilterInput, type OrderSort } from "@/lib/validators/orders";

/** URL query keys of the order list filters (short, so a filtered list is a shareable link). */
export const FILTER_KEYS = ["status", "no", "nos", "client", "source", "cf", "ct", "df", "dt", "r", "country"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type FilterValues = Partial<Record<FilterKey, string>>;

/** The order list's filters, tab and sort, kept in the URL; keyset cursors in memory. */
export function useOrderListParams() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const raw = useMemo(() => Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ""])) as Record<FilterKey, string>, [params]);
  const sortParam = params.get("sort") as OrderSort | null;
  const sort: OrderSort = sortParam && (ORDER_SORTS as readonly string[]).includes(sortParam) ? sortParam : "created";
  const dir: "asc" | "desc" = params.get("dir") === "asc" ? "asc" : "desc";

  const filter = useMemo<OrderFilterInput>(() => {
    const status = (ORDER_STATUSES as readonly string[]).includes(raw.status) ? (raw.status as OrderStatus) : undefined;
    const source = (ORDER_SOURCES as readonly string[]).includes(raw.source) ? (raw.source as OrderSource) : undefined;
    const nos = parseOrderNos(raw.nos);
    return {
      status,
      orderNo: raw.no || undefined,
      orderNos: nos.length ? nos : undefined,
      clientNum: raw.client || undefined,
      source,
      createdFrom: raw.cf || undefined,
      createdTo: raw.ct || undefined,
      deliveryFrom: raw.df || undefined,
      deliveryTo: raw.dt || undefined,
      recipient: raw.r || undefined,
      country: raw.country || undefined,
    };
  }, [raw]);

  const update = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || v === "") next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );

  const key = JSON.stringify({ filter, sort, dir });
  const pager = useKeysetPager(key);

  return {
    raw,
    filter,
    sortState: { sort, dir } as SortState<OrderSort>,
    sort,
    dir,
    setStatus: (s: string) => update({ status: s === "all" ? undefined : s }),
    setFilters: (values: FilterValues) => update(Object.fromEntries(FILTER_KEYS.filter((k) => k !== "status").map((k) => [k, values[k]?.trim() || undefined]))),
    setSort: (s: SortState) => update({ sort: s.sort, dir: s.dir }),
    reset: () => update(Object.fromEntries([...FILTER_KEYS.filter((k) => k !== "status"), "sort", "dir"].map((k) => [k, undefined]))),
    cursor: pager.cursor,
    pagerFor: (nextCursor: string | null | undefined): Pager => ({
      pageIndex: pager.pageIndex,
      hasPrev: pager.hasPrev,
      hasNext: !!nextCursor,
      onPrev: pager.prev,
      onNext: () => pager.next(nextCursor),
      onFirst: pager.first,
    }),
    /** Query string for the export route with the current filters. */
    exportQuery: (format: "csv" | "xlsx", extra: Record<string, string> = {}) => {
      const qs = new URLSearchParams({ format });
      for (const k of FILTER_KEYS) if (raw[k]) qs.set(k, raw[k]);
      for (const [k, v] of Object.entries(extra)) qs.set(k, v);
      return qs.toString();
    },
  };
}

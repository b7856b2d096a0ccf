"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import type { Pager, SortState } from "@/components/data-table/data-table";
import { useKeysetPager } from "@/components/data-table/use-keyset-pager";

type Options<K extends string, S extends string> = {
  /** Sort keys the list accepts in `?sort=`, its default, and the default direction. */
  sorting?: { sorts: readonly S[]; defaultSort: S; defaultDir?: "asc" | "desc" };
  /** Parameters that Reset leaves alone and that do not count as a filter (the order list's status tab). */
  keep?: readonly K[];
};

/**
 * Every list's filters (and sort) kept in the URL, so a filtered list can be bookmarked, shared and
 * survives a reload; the keyset cursor stack stays in memory and goes back to page one whenever a
 * filter or the sort changes. `keys` are the query parameters (a module constant: it is a dependency).
 */
export function useUrlFilters<K extends string, S extends string = never>(
  keys: readonly K[],
  opts: Options<K, S> = {},
) {
  const { sorting, keep = [] } = opts;
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const values = useMemo(
    () => Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ""])) as Record<K, string>,
    [keys, params],
  );
  const sortParam = params.get("sort") as S | null;
  const dirParam = params.get("dir");
  const sort = sorting && sortParam && sorting.sorts.includes(sortParam) ? sortParam : sorting?.defaultSort;
  const dir: "asc" | "desc" =
    dirParam === "asc" || dirParam === "desc" ? dirParam : (sorting?.defaultDir ?? "desc");

  const write = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(patch) as [string, string | undefined][]) {
        if (!v) next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );

  const set = write as (patch: Partial<Record<K | "sort" | "dir", string | undefined>>) => void;

  const pager = useKeysetPager(JSON.stringify({ values, sort, dir }));

  return {
    values,
    set,
    /** A parameter's value when it is one of `allowed` (a status tab, a kind…), else undefined. */
    oneOf: <V extends string>(key: K, allowed: readonly V[]): V | undefined =>
      (allowed as readonly string[]).includes(values[key]) ? (values[key] as V) : undefined,
    /** Clears every filter and the sort (not the `keep` parameters). */
    reset: () =>
      write(
        Object.fromEntries(
          [...keys.filter((k) => !keep.includes(k)), "sort", "dir"].map((k) => [k, undefined]),
        ),
      ),
    dirty: keys.some((k) => !keep.includes(k) && !!values[k]),
    sortState: { sort, dir } as SortState<S>,
    setSort: (s: SortState) => write({ sort: s.sort, dir: s.dir }),
    /** The cursor to send with the list query. */
    cursor: pager.cursor,
    /** Props for DataTable's pager, given the page the server returned. */
    pagerFor: (nextCursor: string | null | undefined): Pager => ({
      pageIndex: pager.pageIndex,
      hasPrev: pager.hasPrev,
      hasNext: !!nextCursor,
      onPrev: pager.prev,
      onNext: () => pager.next(nextCursor),
      onFirst: pager.first,
    }),
  };
}

export type UrlFilters<K extends string, S extends string = never> = ReturnType<typeof useUrlFilters<K, S>>;

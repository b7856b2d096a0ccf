"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { useKeysetPager } from "@/components/data-table/use-keyset-pager";
import type { Pager, SortState } from "@/components/data-table/data-table";

export type EnabledFilter = boolean | undefined;

/**
 * A list's filters and sort kept in the URL (?q=&enabled=&sort=&dir=), so a filtered list can be
 * bookmarked, shared and survives a reload; the keyset cursor stack stays in memory and goes back to
 * page one whenever a filter changes.
 */
export function useListParams<S extends string>(opts: { sorts: readonly S[]; defaultSort: S; defaultDir?: "asc" | "desc" }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const { sorts, defaultSort, defaultDir = "desc" } = opts;

  const search = params.get("q") ?? "";
  const enabledParam = params.get("enabled");
  const enabled: EnabledFilter = enabledParam === "true" ? true : enabledParam === "false" ? false : undefined;
  const sortParam = params.get("sort") as S | null;
  const sort: S = sortParam && sorts.includes(sortParam) ? sortParam : defaultSort;
  const dir: "asc" | "desc" = params.get("dir") === "asc" ? "asc" : params.get("dir") === "desc" ? "desc" : defaultDir;

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

  const filters = useMemo(() => ({ search: search || undefined, enabled, sort, dir }), [search, enabled, sort, dir]);
  const pager = useKeysetPager(JSON.stringify(filters));

  // Stable, so a debounced search box does not restart its timer on every render.
  const setSearch = useCallback((q: string) => update({ q: q.trim() || undefined }), [update]);

  return {
    filters,
    search,
    enabled,
    sortState: { sort, dir } as SortState<S>,
    setSearch,
    setEnabled: (v: EnabledFilter) => update({ enabled: v === undefined ? undefined : String(v) }),
    setSort: (s: SortState) => update({ sort: s.sort, dir: s.dir }),
    reset: () => router.replace(pathname, { scroll: false }),
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

"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import type { Pager } from "@/components/data-table/data-table";
import { useKeysetPager } from "@/components/data-table/use-keyset-pager";

/**
 * A list's filters kept in the URL (bookmarkable, survives a reload); the keyset cursor stack stays in
 * memory and goes back to page one whenever a filter changes.
 */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const values = useMemo(() => Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ""])) as Record<K, string>, [keys, params]);
  const set = useCallback(
    (patch: Partial<Record<K, string>>) => {
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
  const pager = useKeysetPager(JSON.stringify(values));
  return {
    values,
    set,
    reset: () => router.replace(pathname, { scroll: false }),
    dirty: keys.some((k) => !!values[k]),
    cursor: pager.cursor,
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

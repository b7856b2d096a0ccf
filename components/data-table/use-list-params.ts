"use client";

import { useUrlFilters } from "./use-url-filters";

export type EnabledFilter = boolean | undefined;

const KEYS = ["q", "enabled"] as const;

/**
 * The master-data lists' URL filters (?q=&enabled=&sort=&dir=) read as the `search` / `enabled` / sort
 * input their list procedures take.
 */
export function useListParams<S extends string>(sorting: {
  sorts: readonly S[];
  defaultSort: S;
  defaultDir?: "asc" | "desc";
}) {
  const f = useUrlFilters(KEYS, { sorting });
  const { set } = f;
  const enabled: EnabledFilter =
    f.values.enabled === "true" ? true : f.values.enabled === "false" ? false : undefined;
  return {
    ...f,
    filters: { search: f.values.q || undefined, enabled, sort: f.sortState.sort, dir: f.sortState.dir },
    search: f.values.q,
    setSearch: (q: string) => set({ q }),
    enabled,
    setEnabled: (v: EnabledFilter) => set({ enabled: v === undefined ? undefined : String(v) }),
  };
}

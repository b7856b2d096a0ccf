"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { GitMerge, Plus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { EnabledSwitch } from "@/components/data-table/enabled-switch";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useListParams } from "@/components/data-table/use-list-params";
import { Button } from "@/components/ui/button";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { MappingStateBadge } from "./mapping-state-badge";

type RouteRow = inferRouterOutputs<AppRouter>["production"]["routes"]["list"]["items"][number];
const SORTS = ["created", "code", "name"] as const;

/**
 * 工艺路径 list, also the first step of the mapping page (`mode="mapping"`): each route with its
 * operation and product counts and its stage-mapping state.
 */
export function RouteList({ canWrite, mode = "routes" }: { canWrite: boolean; mode?: "routes" | "mapping" }) {
  const t = useTranslations();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const list = useListParams({ sorts: SORTS, defaultSort: "created" });
  const query = useQuery({ ...trpc.production.routes.list.queryOptions({ ...list.filters, cursor: list.cursor, limit: 50 }), placeholderData: keepPreviousData });
  const setEnabled = useMutation(
    trpc.production.routes.setEnabled.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.production.routes.pathKey() }),
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  const target = (r: RouteRow) => (mode === "mapping" ? `/production/mapping/${r.id}` : `/production/routes/${r.id}`);
  const columns = useMemo<ColumnDef<RouteRow, unknown>[]>(
    () => [
      {
        accessorKey: "code",
        header: t("fields.code"),
        meta: { sortKey: "code" },
        cell: ({ row }) => (
          <Link href={target(row.original)} className="font-mono text-xs font-medium text-primary hover:underline" onClick={(e) => e.stopPropagation()}>
            {row.original.code}
          </Link>
        ),
      },
      { accessorKey: "name", header: t("fields.name"), meta: { sortKey: "name" } },
      { accessorKey: "operationCount", header: t("production.operationCount"), meta: { className: "text-right" }, cell: ({ row }) => <span className="tabular-nums">{row.original.operationCount}</span> },
      { accessorKey: "productCount", header: t("production.productCount"), meta: { className: "text-right" }, cell: ({ row }) => <span className="tabular-nums">{row.original.productCount}</span> },
      {
        id: "mapping",
        header: t("production.mappingState"),
        cell: ({ row }) => (
          <div className="flex items-center gap-2">
            <MappingStateBadge state={row.original.mapping} />
            {row.original.mapping.unmappedStages.length > 0 && row.original.mapping.exists ? (
              <span className="text-xs text-muted-foreground">{t("production.unmappedCount", { count: row.original.mapping.unmappedStages.length })}</span>
            ) : null}
          </div>
        ),
      },
      {
        accessorKey: "enabled",
        header: t("common.status"),
        cell: ({ row }) => (
          <EnabledSwitch
            enabled={row.original.enabled}
            canChange={canWrite && mode === "routes"}
            pending={setEnabled.isPending && setEnabled.variables?.id === row.original.id}
            onChange={(enabled) => setEnabled.mutate({ id: row.original.id, enabled })}
            label={row.original.code}
          />
        ),
      },
      {
        id: "actions",
        header: "",
        meta: { className: "w-24" },
        cell: ({ row }) => (
          <Button asChild size="sm" variant="ghost" onClick={(e) => e.stopPropagation()}>
            <Link href={`/production/mapping/${row.original.id}`} data-testid="route-map-link">
              <GitMerge />
              {t("production.mapRoute")}
            </Link>
          </Button>
        ),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, canWrite, mode, setEnabled],
  );
  return (
    <>
      <ListToolbar
        search={list.search}
        onSearch={list.setSearch}
        searchPlaceholder={t("production.routesSearch")}
        enabled={list.enabled}
        onEnabledChange={list.setEnabled}
        dirty={list.dirty}
        onReset={list.reset}
        actions={
          canWrite && mode === "routes" ? (
            <Button asChild size="sm">
              <Link href="/production/routes/new" data-testid="route-new">
                <Plus />
                {t("production.newRoute")}
              </Link>
            </Button>
          ) : null
        }
      />
      <DataTable
        testId="routes-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={list.pagerFor(query.data?.nextCursor)}
        sort={list.sortState}
        onSortChange={list.setSort}
        getRowId={(r) => r.id}
        onRowClick={(r) => router.push(target(r))}
        error={query.error}
      />
    </>
  );
}

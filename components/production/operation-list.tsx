"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { Pencil, Plus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { EnabledSwitch } from "@/components/data-table/enabled-switch";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useListParams } from "@/components/data-table/use-list-params";
import { Button } from "@/components/ui/button";
import { formatDecimal } from "@/lib/decimal";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { Precision } from "@/lib/precision";
import { OperationFormDialog, type OperationRow } from "./operation-form-dialog";

const SORTS = ["code", "name", "created"] as const;

/** 工序 list: search, status filter, sort, keyset pages, create/edit, enable/disable. */
export function OperationList({ precision, canWrite }: { precision: Precision; canWrite: boolean }) {
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useListParams({ sorts: SORTS, defaultSort: "code", defaultDir: "asc" });
  const [editing, setEditing] = useState<OperationRow | "new" | null>(null);
  const query = useQuery({ ...trpc.production.operations.list.queryOptions({ ...list.filters, cursor: list.cursor, limit: 50 }), placeholderData: keepPreviousData });
  const setEnabled = useMutation(
    trpc.production.operations.setEnabled.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.production.operations.pathKey() }),
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  const columns = useMemo<ColumnDef<OperationRow, unknown>[]>(
    () => [
      { accessorKey: "code", header: t("fields.code"), meta: { sortKey: "code" }, cell: ({ row }) => <span className="font-mono text-xs">{row.original.code}</span> },
      { accessorKey: "name", header: t("fields.name"), meta: { sortKey: "name" } },
      {
        accessorKey: "standardMinutes",
        header: t("fields.standardMinutes"),
        meta: { className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{formatDecimal(row.original.standardMinutes, precision.quantityDecimals)}</span>,
      },
      { accessorKey: "workCentre", header: t("fields.workCentre") },
      {
        accessorKey: "enabled",
        header: t("common.status"),
        cell: ({ row }) => (
          <EnabledSwitch
            enabled={row.original.enabled}
            canChange={canWrite}
            pending={setEnabled.isPending && setEnabled.variables?.id === row.original.id}
            onChange={(enabled) => setEnabled.mutate({ id: row.original.id, enabled })}
            label={row.original.code}
          />
        ),
      },
      ...(canWrite
        ? [
            {
              id: "actions",
              header: "",
              meta: { className: "w-12" },
              cell: ({ row }) => (
                <Button variant="ghost" size="sm" aria-label={`${t("common.edit")} ${row.original.code}`} onClick={() => setEditing(row.original)}>
                  <Pencil />
                </Button>
              ),
            } satisfies ColumnDef<OperationRow, unknown>,
          ]
        : []),
    ],
    [t, precision, canWrite, setEnabled],
  );
  return (
    <>
      <ListToolbar
        search={list.search}
        onSearch={list.setSearch}
        searchPlaceholder={t("production.operationsSearch")}
        enabled={list.enabled}
        onEnabledChange={list.setEnabled}
        dirty={list.dirty}
        onReset={list.reset}
        actions={
          canWrite ? (
            <Button size="sm" onClick={() => setEditing("new")} data-testid="operation-new">
              <Plus />
              {t("production.newOperation")}
            </Button>
          ) : null
        }
      />
      <DataTable
        testId="operations-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={list.pagerFor(query.data?.nextCursor)}
        sort={list.sortState}
        onSortChange={list.setSort}
        getRowId={(r) => r.id}
        onRowClick={canWrite ? (r) => setEditing(r) : undefined}
        error={query.error}
      />
      <OperationFormDialog operation={editing === "new" ? null : editing} open={editing !== null} onOpenChange={(o) => !o && setEditing(null)} precision={precision} />
    </>
  );
}

"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { Pencil, Plus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { Button } from "@/components/ui/button";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { EnabledSwitch } from "@/components/data-table/enabled-switch";
import { ExportMenu } from "../export-menu";
import { ImportDialog } from "@/components/forms/import-dialog";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useListParams } from "@/components/data-table/use-list-params";
import { CustomerFormDialog, type CustomerRow } from "./customer-form-dialog";
import { useFormatDateTime } from "@/lib/i18n/date-time";

const SORTS = ["created", "clientNum", "companyName"] as const;
const PAGE_SIZE = 50;

/** 客户管理: search, status filter, sortable columns, keyset pages, import/export, address books. */
export function CustomerList({ canWrite }: { canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useListParams({ sorts: SORTS, defaultSort: "created" });
  const [editing, setEditing] = useState<string | "new" | null>(null);

  const query = useQuery({
    ...trpc.customers.list.queryOptions({ ...list.filters, cursor: list.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.customers.list.queryKey() });
  const setEnabled = useMutation(
    trpc.customers.setEnabled.mutationOptions({
      onSuccess: () => invalidate(),
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  const importCustomers = useMutation(trpc.customers.import.mutationOptions());

  const columns = useMemo<ColumnDef<CustomerRow, unknown>[]>(
    () => [
      {
        accessorKey: "clientNum",
        header: t("fields.clientNum"),
        meta: { sortKey: "clientNum" },
        cell: ({ row }) => <span className="font-mono text-xs">{row.original.clientNum}</span>,
      },
      {
        accessorKey: "companyName",
        header: t("fields.companyName"),
        meta: { sortKey: "companyName" },
        cell: ({ row }) => <span className="font-medium">{row.original.companyName}</span>,
      },
      {
        id: "contact",
        header: t("masterData.contact"),
        cell: ({ row }) => (
          <div className="text-sm">
            <div>{row.original.contactName}</div>
            <div className="text-xs text-muted-foreground">{row.original.contactPhone}</div>
          </div>
        ),
      },
      {
        accessorKey: "defaultAddress",
        header: t("masterData.defaultAddress"),
        cell: ({ row }) => <span className="line-clamp-2 max-w-72 text-xs">{row.original.defaultAddress ?? ""}</span>,
      },
      {
        accessorKey: "addressCount",
        header: t("masterData.addressCount"),
        meta: { className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{row.original.addressCount}</span>,
      },
      {
        accessorKey: "enabled",
        header: t("common.status"),
        cell: ({ row }) => (
          <EnabledSwitch
            enabled={row.original.enabled}
            canChange={canWrite}
            pending={setEnabled.isPending && setEnabled.variables?.id === row.original.id}
            onChange={(enabled) => setEnabled.mutate({ id: row.original.id, enabled })}
            label={row.original.clientNum}
          />
        ),
      },
      {
        accessorKey: "createdAt",
        header: t("common.createdAt"),
        meta: { sortKey: "created" },
        cell: ({ row }) => <span className="text-xs whitespace-nowrap text-muted-foreground">{fmtTime(row.original.createdAt)}</span>,
      },
      ...(canWrite
        ? [
            {
              id: "actions",
              header: "",
              meta: { className: "w-12" },
              cell: ({ row }) => (
                <Button variant="ghost" size="sm" aria-label={`${t("common.edit")} ${row.original.clientNum}`} onClick={() => setEditing(row.original.id)}>
                  <Pencil />
                </Button>
              ),
            } satisfies ColumnDef<CustomerRow, unknown>,
          ]
        : []),
    ],
    [t, canWrite, setEnabled, fmtTime],
  );

  return (
    <>
      <ListToolbar
        search={list.search}
        onSearch={list.setSearch}
        searchPlaceholder={t("masterData.customersSearch")}
        enabled={list.enabled}
        onEnabledChange={list.setEnabled}
        dirty={list.dirty}
        onReset={list.reset}
        actions={
          <>
            {canWrite ? (
              <ImportDialog
                mode="rowByRow"
                entityLabel={t("masterData.customersTitle")}
                templateHref="/api/export/customers?format=xlsx&template=1"
                runImport={(input) => importCustomers.mutateAsync(input)}
                onImported={() => void invalidate()}
              />
            ) : null}
            <ExportMenu entity="customers" filters={list.filters} />
            {canWrite ? (
              <Button size="sm" onClick={() => setEditing("new")} data-testid="customer-new">
                <Plus />
                {t("masterData.newCustomer")}
              </Button>
            ) : null}
          </>
        }
      />
      <DataTable
        testId="customers-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={list.pagerFor(query.data?.nextCursor)}
        sort={list.sortState}
        onSortChange={list.setSort}
        getRowId={(r) => r.id}
        onRowClick={canWrite ? (r) => setEditing(r.id) : undefined}
        error={query.error}
      />
      <CustomerFormDialog customerId={editing === "new" ? null : editing} open={editing !== null} onOpenChange={(o) => !o && setEditing(null)} />
    </>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { Pencil, Plus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { EnabledSwitch } from "@/components/data-table/enabled-switch";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { WarehouseFormDialog, type WarehouseRow } from "./warehouse-form-dialog";

/** 仓库管理: a merchant has a handful of warehouses, so one unpaged list. */
export function WarehouseList({ canWrite }: { canWrite: boolean }) {
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<WarehouseRow | "new" | null>(null);
  const query = useQuery(trpc.warehouses.list.queryOptions({}));
  const setEnabled = useMutation(
    trpc.warehouses.setEnabled.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.warehouses.list.queryKey() }),
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );

  const columns = useMemo<ColumnDef<WarehouseRow, unknown>[]>(
    () => [
      {
        accessorKey: "code",
        header: t("fields.code"),
        cell: ({ row }) => (
          <div className="flex items-center gap-2">
            <span className="font-mono text-xs">{row.original.code}</span>
            {row.original.isDefault ? <Badge variant="info">{t("common.default")}</Badge> : null}
          </div>
        ),
      },
      { accessorKey: "name", header: t("fields.name"), cell: ({ row }) => <span className="font-medium">{row.original.name}</span> },
      {
        id: "address",
        header: t("masterData.warehouseAddress"),
        cell: ({ row }) => {
          const w = row.original;
          return <span className="text-xs">{[w.province, w.city, w.district, w.street].filter(Boolean).join(" ")}</span>;
        },
      },
      {
        id: "contact",
        header: t("masterData.contact"),
        cell: ({ row }) => (
          <span className="text-xs">
            {row.original.contactName} {row.original.contactPhone}
          </span>
        ),
      },
      {
        accessorKey: "enabled",
        header: t("common.status"),
        cell: ({ row }) => (
          <EnabledSwitch
            enabled={row.original.enabled}
            canChange={canWrite && !(row.original.isDefault && row.original.enabled)}
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
            } satisfies ColumnDef<WarehouseRow, unknown>,
          ]
        : []),
    ],
    [t, canWrite, setEnabled],
  );

  return (
    <>
      <ListToolbar
        actions={
          canWrite ? (
            <Button size="sm" onClick={() => setEditing("new")} data-testid="warehouse-new">
              <Plus />
              {t("masterData.newWarehouse")}
            </Button>
          ) : null
        }
      />
      <DataTable
        testId="warehouses-table"
        columns={columns}
        data={query.data}
        isLoading={query.isLoading}
        total={query.data ? { count: query.data.length, capped: false } : undefined}
        getRowId={(r) => r.id}
        onRowClick={canWrite ? (r) => setEditing(r) : undefined}
        error={query.error}
      />
      <WarehouseFormDialog warehouse={editing === "new" ? null : editing} open={editing !== null} onOpenChange={(o) => !o && setEditing(null)} />
    </>
  );
}

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
import { DeliveryMethodFormDialog, type DeliveryMethodRow } from "./delivery-method-form-dialog";

/** 配送方式设置: the short per-merchant list offered when taking an order. */
export function DeliveryMethodList({ canWrite }: { canWrite: boolean }) {
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<DeliveryMethodRow | "new" | null>(null);
  const query = useQuery(trpc.deliveryMethods.list.queryOptions({}));
  const setEnabled = useMutation(
    trpc.deliveryMethods.setEnabled.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.deliveryMethods.list.queryKey() }),
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  const nextSortOrder = (query.data ?? []).reduce((m, d) => Math.max(m, d.sortOrder + 1), 0);

  const columns = useMemo<ColumnDef<DeliveryMethodRow, unknown>[]>(
    () => [
      {
        accessorKey: "name",
        header: t("fields.name"),
        cell: ({ row }) => (
          <div className="flex items-center gap-2">
            <span className="font-medium">{row.original.name}</span>
            {row.original.isDefault ? <Badge variant="info">{t("common.default")}</Badge> : null}
          </div>
        ),
      },
      {
        accessorKey: "requiresAddress",
        header: t("fields.requiresAddress"),
        cell: ({ row }) => (row.original.requiresAddress ? t("common.yes") : t("common.no")),
      },
      { accessorKey: "sortOrder", header: t("fields.sortOrder"), meta: { className: "text-right w-24" } },
      {
        accessorKey: "enabled",
        header: t("common.status"),
        cell: ({ row }) => (
          <EnabledSwitch
            enabled={row.original.enabled}
            canChange={canWrite}
            pending={setEnabled.isPending && setEnabled.variables?.id === row.original.id}
            onChange={(enabled) => setEnabled.mutate({ id: row.original.id, enabled })}
            label={row.original.name}
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
                <Button variant="ghost" size="sm" aria-label={`${t("common.edit")} ${row.original.name}`} onClick={() => setEditing(row.original)}>
                  <Pencil />
                </Button>
              ),
            } satisfies ColumnDef<DeliveryMethodRow, unknown>,
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
            <Button size="sm" onClick={() => setEditing("new")} data-testid="delivery-new">
              <Plus />
              {t("masterData.newDelivery")}
            </Button>
          ) : null
        }
      />
      <DataTable
        testId="delivery-methods-table"
        columns={columns}
        data={query.data}
        isLoading={query.isLoading}
        total={query.data ? { count: query.data.length, capped: false } : undefined}
        getRowId={(r) => r.id}
        onRowClick={canWrite ? (r) => setEditing(r) : undefined}
        error={query.error}
      />
      <DeliveryMethodFormDialog
        method={editing === "new" ? null : editing}
        nextSortOrder={nextSortOrder}
        open={editing !== null}
        onOpenChange={(o) => !o && setEditing(null)}
      />
    </>
  );
}

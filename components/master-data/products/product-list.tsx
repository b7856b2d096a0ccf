"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { Pencil, Plus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { Button } from "@/components/ui/button";
import { formatDecimal } from "@/lib/decimal";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { Precision } from "@/lib/precision";
import { EnabledSwitch } from "@/components/data-table/enabled-switch";
import { ExportMenu } from "../export-menu";
import { ImportDialog } from "@/components/forms/import-dialog";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useListParams } from "@/components/data-table/use-list-params";
import { ProductFormDialog, type ProductRow } from "./product-form-dialog";
import { useFormatDateTime } from "@/lib/i18n/date-time";

const SORTS = ["created", "sku", "name", "price"] as const;
const PAGE_SIZE = 50;

/** 商品管理: search, status filter, sortable columns, keyset pages, import/export, create/edit. */
export function ProductList({ precision, canWrite, canEditPrice }: { precision: Precision; canWrite: boolean; canEditPrice: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useListParams({ sorts: SORTS, defaultSort: "created" });
  const [editing, setEditing] = useState<ProductRow | "new" | null>(null);

  const query = useQuery({
    ...trpc.products.list.queryOptions({ ...list.filters, cursor: list.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.products.list.queryKey() });

  const setEnabled = useMutation(
    trpc.products.setEnabled.mutationOptions({
      onSuccess: () => invalidate(),
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  const importProducts = useMutation(trpc.products.import.mutationOptions());

  const columns = useMemo<ColumnDef<ProductRow, unknown>[]>(
    () => [
      {
        accessorKey: "sku",
        header: t("fields.sku"),
        meta: { sortKey: "sku" },
        cell: ({ row }) => <span className="font-mono text-xs">{row.original.sku}</span>,
      },
      {
        accessorKey: "name",
        header: t("fields.name"),
        meta: { sortKey: "name" },
        cell: ({ row }) => (
          <div className="min-w-40">
            <div className="font-medium">{row.original.name}</div>
            {row.original.spec ? <div className="text-xs text-muted-foreground">{row.original.spec}</div> : null}
          </div>
        ),
      },
      { accessorKey: "barcode", header: t("fields.barcode"), cell: ({ row }) => <span className="font-mono text-xs">{row.original.barcode ?? ""}</span> },
      { accessorKey: "unit", header: t("fields.unit") },
      {
        accessorKey: "price",
        header: t("fields.price"),
        meta: { sortKey: "price", className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{formatDecimal(row.original.price, precision.priceDecimals)}</span>,
      },
      {
        accessorKey: "weight",
        header: t("masterData.weightKg"),
        meta: { className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{formatDecimal(row.original.weight, precision.quantityDecimals)}</span>,
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
            label={row.original.sku}
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
                <Button variant="ghost" size="sm" aria-label={`${t("common.edit")} ${row.original.sku}`} onClick={() => setEditing(row.original)}>
                  <Pencil />
                </Button>
              ),
            } satisfies ColumnDef<ProductRow, unknown>,
          ]
        : []),
    ],
    [t, precision, canWrite, setEnabled, fmtTime],
  );

  return (
    <>
      <ListToolbar
        search={list.search}
        onSearch={list.setSearch}
        searchPlaceholder={t("masterData.productsSearch")}
        enabled={list.enabled}
        onEnabledChange={list.setEnabled}
        dirty={list.dirty}
        onReset={list.reset}
        actions={
          <>
            {canWrite ? (
              <ImportDialog
                mode="rowByRow"
                entityLabel={t("masterData.productsTitle")}
                templateHref="/api/export/products?format=xlsx&template=1"
                runImport={(input) => importProducts.mutateAsync(input)}
                onImported={() => void invalidate()}
              />
            ) : null}
            <ExportMenu entity="products" filters={list.filters} />
            {canWrite ? (
              <Button size="sm" onClick={() => setEditing("new")} data-testid="product-new">
                <Plus />
                {t("masterData.newProduct")}
              </Button>
            ) : null}
          </>
        }
      />
      <DataTable
        testId="products-table"
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
      <ProductFormDialog
        product={editing === "new" ? null : editing}
        open={editing !== null}
        onOpenChange={(o) => !o && setEditing(null)}
        precision={precision}
        canEditPrice={canEditPrice}
      />
    </>
  );
}

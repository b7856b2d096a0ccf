"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { Plus, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { ImportDialog } from "@/components/forms/import-dialog";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/native-select";
import { formatDecimal } from "@/lib/decimal";
import { SKU_COST_KINDS } from "@/lib/finance/kinds";
import { useFormatDateTime } from "@/lib/i18n/date-time";
import type { Precision } from "@/lib/precision";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { CostFormDialog } from "./cost-form-dialog";

type CostRow = inferRouterOutputs<AppRouter>["finance"]["costs"]["list"]["items"][number];
const KEYS = ["q", "kind", "current"] as const;
const PAGE_SIZE = 50;

/** SKU成本: every cost row (or only those in force), search by SKU/name, kind filter, import, enter, delete. */
export function CostList({ precision, canWrite, reportingCurrency }: { precision: Precision; canWrite: boolean; reportingCurrency: string }) {
  const t = useTranslations();
  const fmtTime = useFormatDateTime();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const f = useUrlFilters(KEYS);
  const kind = f.oneOf("kind", SKU_COST_KINDS);
  const [creating, setCreating] = useState(false);
  const query = useQuery({
    ...trpc.finance.costs.list.queryOptions({ search: f.values.q || undefined, kind, currentOnly: f.values.current === "1", cursor: f.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.finance.costs.list.queryKey() });
  const importCosts = useMutation(trpc.finance.costs.import.mutationOptions());
  const remove = useMutation(trpc.finance.costs.remove.mutationOptions({ onSuccess: () => void invalidate() }));

  const columns = useMemo<ColumnDef<CostRow, unknown>[]>(
    () => [
      { accessorKey: "sku", header: t("fields.sku"), cell: ({ row }) => <span className="font-mono text-xs">{row.original.sku}</span> },
      { accessorKey: "productName", header: t("fields.name") },
      { accessorKey: "kind", header: t("fields.kind"), cell: ({ row }) => t(`finance.kind.${row.original.kind}`) },
      { accessorKey: "currency", header: t("fields.currency") },
      {
        accessorKey: "amount",
        header: t("finance.unitCost"),
        meta: { className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{formatDecimal(row.original.amount, precision.priceDecimals)}</span>,
      },
      { accessorKey: "effectiveFrom", header: t("finance.effectiveFrom") },
      { accessorKey: "remark", header: t("fields.remark") },
      {
        accessorKey: "createdAt",
        header: t("common.createdAt"),
        cell: ({ row }) => <span className="text-xs whitespace-nowrap text-muted-foreground">{fmtTime(row.original.createdAt)}</span>,
      },
      ...(canWrite
        ? [
            {
              id: "actions",
              header: "",
              meta: { className: "w-12" },
              cell: ({ row }) => (
                <ConfirmDialog
                  trigger={
                    <Button variant="ghost" size="sm" aria-label={`${t("finance.remove")} ${row.original.sku}`}>
                      <Trash2 />
                    </Button>
                  }
                  title={`${t("finance.remove")} ${row.original.sku} ${row.original.effectiveFrom}`}
                  confirmLabel={t("finance.remove")}
                  onConfirm={async () => {
                    await remove.mutateAsync({ id: row.original.id });
                    toast.success(t("finance.removed"));
                  }}
                />
              ),
            } satisfies ColumnDef<CostRow, unknown>,
          ]
        : []),
    ],
    [t, precision, canWrite, fmtTime, remove],
  );

  return (
    <>
      <ListToolbar
        search={f.values.q}
        onSearch={(q) => f.set({ q })}
        searchPlaceholder={t("finance.costsSearch")}
        filters={
          <>
            <NativeSelect className="w-36" aria-label={t("fields.kind")} value={kind ?? ""} onChange={(e) => f.set({ kind: e.target.value || undefined })}>
              <option value="">{t("finance.allKinds")}</option>
              {SKU_COST_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`finance.kind.${k}`)}
                </option>
              ))}
            </NativeSelect>
            <label className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" checked={f.values.current === "1"} onChange={(e) => f.set({ current: e.target.checked ? "1" : undefined })} />
              {t("finance.currentOnly")}
            </label>
          </>
        }
        dirty={f.dirty}
        onReset={f.reset}
        actions={
          canWrite ? (
            <>
              <ImportDialog
                mode="rowByRow"
                entityLabel={t("finance.importCosts")}
                templateHref="/api/finance/costs-template?format=xlsx"
                runImport={(input) => importCosts.mutateAsync(input)}
                onImported={() => void invalidate()}
              />
              <Button size="sm" onClick={() => setCreating(true)} data-testid="cost-new">
                <Plus />
                {t("finance.newCost")}
              </Button>
            </>
          ) : null
        }
      />
      <DataTable
        testId="costs-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        error={query.error}
      />
      <CostFormDialog open={creating} onOpenChange={setCreating} defaultCurrency={reportingCurrency} />
    </>
  );
}

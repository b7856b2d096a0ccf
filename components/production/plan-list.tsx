"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { ClipboardCheck, Plus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { ImportDialog } from "@/components/forms/import-dialog";
import { csvTemplateHref } from "@/components/forms/read-file";
import { Button } from "@/components/ui/button";
import { formatDecimal } from "@/lib/decimal";
import { PLAN_STATUSES } from "@/lib/production/status";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import type { Precision } from "@/lib/precision";
import { PercentBar } from "./percent-bar";
import { PlanFormDialog } from "./plan-form-dialog";
import { PlanStatusBadge } from "./plan-status-badge";
import { ListToolbar, OneOfSelect } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type PlanRow = inferRouterOutputs<AppRouter>["production"]["plans"]["list"]["items"][number];
const KEYS = ["q", "status"] as const;
const SORTS = ["created", "planNo", "plannedEnd"] as const;

/** 生产计划单 list: search (plan, SKU, product, order no.), status, sort, keyset pages, create, import. */
export function PlanList({ precision, canWrite }: { precision: Precision; canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const f = useUrlFilters(KEYS, { sorting: { sorts: SORTS, defaultSort: "created" } });
  const [creating, setCreating] = useState(false);
  const { sort, dir } = f.sortState;
  const status = f.oneOf("status", PLAN_STATUSES);
  const query = useQuery({
    ...trpc.production.plans.list.queryOptions({
      search: f.values.q || undefined,
      status,
      sort,
      dir,
      cursor: f.cursor,
      limit: 50,
    }),
    placeholderData: keepPreviousData,
  });
  const importPlans = useMutation(trpc.production.plans.import.mutationOptions());

  const columns = useMemo<ColumnDef<PlanRow, unknown>[]>(
    () => [
      {
        accessorKey: "planNo",
        header: t("fields.planNo"),
        meta: { sortKey: "planNo" },
        cell: ({ row }) => (
          <Link
            href={`/production/plans/${row.original.id}`}
            className="font-mono text-xs font-medium text-primary hover:underline"
            onClick={(e) => e.stopPropagation()}
          >
            {row.original.planNo}
          </Link>
        ),
      },
      {
        id: "product",
        header: t("production.product"),
        cell: ({ row }) => (
          <div className="min-w-36">
            <div className="font-mono text-xs">{row.original.sku}</div>
            <div className="text-xs text-muted-foreground">{row.original.productName}</div>
          </div>
        ),
      },
      {
        accessorKey: "quantity",
        header: t("fields.quantity"),
        meta: { className: "text-right" },
        cell: ({ row }) => (
          <span className="tabular-nums">
            {formatDecimal(row.original.quantity, precision.quantityDecimals)}
          </span>
        ),
      },
      {
        id: "route",
        header: t("fields.route"),
        cell: ({ row }) => (
          <span className="text-xs">
            {row.original.routeCode} · {row.original.routeName}
          </span>
        ),
      },
      {
        id: "orders",
        header: t("production.orders"),
        cell: ({ row }) => <span className="font-mono text-xs">{row.original.orderNos.join(", ")}</span>,
      },
      {
        id: "window",
        header: t("production.plannedWindow"),
        meta: { sortKey: "plannedEnd" },
        cell: ({ row }) => (
          <span className="text-xs whitespace-nowrap tabular-nums">
            {row.original.plannedStart ?? "—"} ~ {row.original.plannedEnd ?? "—"}
          </span>
        ),
      },
      { accessorKey: "workCentre", header: t("fields.workCentre") },
      {
        accessorKey: "status",
        header: t("common.status"),
        cell: ({ row }) => <PlanStatusBadge status={row.original.status} />,
      },
      {
        id: "progress",
        header: t("production.progress"),
        cell: ({ row }) => <PercentBar value={row.original.percent} />,
      },
      {
        accessorKey: "createdAt",
        header: t("common.createdAt"),
        meta: { sortKey: "created" },
        cell: ({ row }) => (
          <span className="text-xs whitespace-nowrap text-muted-foreground">
            {fmtTime(row.original.createdAt)}
          </span>
        ),
      },
    ],
    [t, precision, fmtTime],
  );

  return (
    <>
      <ListToolbar
        search={f.values.q}
        onSearch={(q) => f.set({ q })}
        searchPlaceholder={t("production.plansSearch")}
        searchTestId="plan-search"
        filters={
          <OneOfSelect
            value={status}
            values={PLAN_STATUSES}
            label={(s) => t(`production.status.${s}`)}
            allLabel={t("common.allStatuses")}
            ariaLabel={t("common.status")}
            onChange={(s) => f.set({ status: s })}
            testId="plan-status-filter"
          />
        }
        dirty={f.dirty}
        onReset={f.reset}
        actions={
          <>
            <Button asChild variant="outline" size="sm">
              <Link href="/production/report">
                <ClipboardCheck />
                {t("production.quickTitle")}
              </Link>
            </Button>
            {canWrite ? (
              <>
                <ImportDialog
                  mode="allOrNothing"
                  testId="plan-import"
                  entityLabel={t("production.plansTitle")}
                  triggerLabel={t("production.importPlans")}
                  templateName="production-plans.csv"
                  templateHref={csvTemplateHref(
                    ["计划单号", "订单号", "SKU", "数量", "工艺路径", "计划开始", "计划完成", "工作中心"],
                    ["", "SO-250301-00001", "", "", "", "2025-03-01", "2025-03-10", "一车间"],
                  )}
                  runImport={(input) => importPlans.mutateAsync(input)}
                  onImported={() =>
                    void queryClient.invalidateQueries({ queryKey: trpc.production.plans.list.queryKey() })
                  }
                />
                <Button size="sm" onClick={() => setCreating(true)} data-testid="plan-new">
                  <Plus />
                  {t("production.newPlan")}
                </Button>
              </>
            ) : null}
          </>
        }
      />
      <DataTable
        testId="plans-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        sort={f.sortState}
        onSortChange={f.setSort}
        getRowId={(r) => r.id}
        onRowClick={(r) => router.push(`/production/plans/${r.id}`)}
        error={query.error}
      />
      {canWrite ? <PlanFormDialog open={creating} onOpenChange={setCreating} precision={precision} /> : null}
    </>
  );
}

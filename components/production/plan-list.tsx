"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { ClipboardCheck, Plus, Search, X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { formatDecimal } from "@/lib/decimal";
import { PLAN_STATUSES, type PlanStatus } from "@/lib/production/status";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import type { Precision } from "@/server/services/_lib/precision";
import { PercentBar } from "./percent-bar";
import { PlanFormDialog } from "./plan-form-dialog";
import { PlanStatusBadge } from "./plan-status-badge";
import { ProductionImportDialog } from "./production-import-dialog";
import { useUrlFilters } from "./use-url-filters";

type PlanRow = inferRouterOutputs<AppRouter>["production"]["plans"]["list"]["items"][number];
const KEYS = ["q", "status", "sort", "dir"] as const;
const SORTS = ["created", "planNo", "plannedEnd"] as const;

/** 生产计划单 list: search (plan, SKU, product, order no.), status, sort, keyset pages, create, import. */
export function PlanList({ precision, canWrite }: { precision: Precision; canWrite: boolean }) {
  const t = useTranslations();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const f = useUrlFilters(KEYS);
  const [creating, setCreating] = useState(false);
  const [text, setText] = useState(f.values.q);
  const { set: setFilters } = f;
  const urlQ = f.values.q;
  useEffect(() => {
    if (text.trim() === urlQ) return;
    const timer = setTimeout(() => setFilters({ q: text.trim() }), 300);
    return () => clearTimeout(timer);
  }, [text, urlQ, setFilters]);

  const sort = (SORTS as readonly string[]).includes(f.values.sort) ? (f.values.sort as (typeof SORTS)[number]) : "created";
  const dir = f.values.dir === "asc" ? "asc" : "desc";
  const status = (PLAN_STATUSES as readonly string[]).includes(f.values.status) ? (f.values.status as PlanStatus) : undefined;
  const query = useQuery({
    ...trpc.production.plans.list.queryOptions({ search: f.values.q || undefined, status, sort, dir, cursor: f.cursor, limit: 50 }),
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
          <Link href={`/production/plans/${row.original.id}`} className="font-mono text-xs font-medium text-primary hover:underline" onClick={(e) => e.stopPropagation()}>
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
        cell: ({ row }) => <span className="tabular-nums">{formatDecimal(row.original.quantity, precision.quantityDecimals)}</span>,
      },
      { id: "route", header: t("fields.route"), cell: ({ row }) => <span className="text-xs">{row.original.routeCode} · {row.original.routeName}</span> },
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
      { accessorKey: "status", header: t("common.status"), cell: ({ row }) => <PlanStatusBadge status={row.original.status} /> },
      { id: "progress", header: t("production.progress"), cell: ({ row }) => <PercentBar value={row.original.percent} /> },
      {
        accessorKey: "createdAt",
        header: t("common.createdAt"),
        meta: { sortKey: "created" },
        cell: ({ row }) => <span className="text-xs whitespace-nowrap text-muted-foreground">{new Date(row.original.createdAt).toLocaleString()}</span>,
      },
    ],
    [t, precision],
  );

  return (
    <>
      <div className="mb-3 flex flex-wrap items-center gap-2" role="search">
        <div className="relative w-full max-w-xs">
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input value={text} onChange={(e) => setText(e.target.value)} placeholder={t("production.plansSearch")} aria-label={t("common.search")} className="pl-8" data-testid="plan-search" />
        </div>
        <NativeSelect className="w-32" aria-label={t("common.status")} value={status ?? ""} onChange={(e) => f.set({ status: e.target.value })} data-testid="plan-status-filter">
          <option value="">{t("common.allStatuses")}</option>
          {PLAN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`production.status.${s}`)}
            </option>
          ))}
        </NativeSelect>
        {f.dirty ? (
          <Button variant="ghost" size="sm" onClick={() => (setText(""), f.reset())}>
            <X />
            {t("common.reset")}
          </Button>
        ) : null}
        <div className="flex-1" />
        <Button asChild variant="outline" size="sm">
          <Link href="/production/report">
            <ClipboardCheck />
            {t("production.quickTitle")}
          </Link>
        </Button>
        {canWrite ? (
          <>
            <ProductionImportDialog
              testId="plan-import"
              title={t("production.importTitle", { entity: t("production.plansTitle") })}
              triggerLabel={t("production.importPlans")}
              templateName="production-plans.csv"
              template={{
                header: ["计划单号", "订单号", "SKU", "数量", "工艺路径", "计划开始", "计划完成", "工作中心"],
                example: ["", "SO-250301-00001", "", "", "", "2025-03-01", "2025-03-10", "一车间"],
              }}
              runImport={(input) => importPlans.mutateAsync(input)}
              onImported={() => void queryClient.invalidateQueries({ queryKey: trpc.production.plans.list.queryKey() })}
            />
            <Button size="sm" onClick={() => setCreating(true)} data-testid="plan-new">
              <Plus />
              {t("production.newPlan")}
            </Button>
          </>
        ) : null}
      </div>
      <DataTable
        testId="plans-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        sort={{ sort, dir }}
        onSortChange={(s) => f.set({ sort: s.sort, dir: s.dir })}
        getRowId={(r) => r.id}
        onRowClick={(r) => router.push(`/production/plans/${r.id}`)}
      />
      {query.error ? <p className="mt-2 text-sm text-destructive">{appErrorOf(query.error).message}</p> : null}
      {canWrite ? <PlanFormDialog open={creating} onOpenChange={setCreating} precision={precision} /> : null}
    </>
  );
}

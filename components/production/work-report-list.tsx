"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { ClipboardCheck } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { ImportDialog } from "@/components/forms/import-dialog";
import { csvTemplateHref } from "@/components/forms/read-file";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useListParams } from "@/components/data-table/use-list-params";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDecimal } from "@/lib/decimal";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import type { Precision } from "@/lib/precision";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Row = inferRouterOutputs<AppRouter>["production"]["workReports"]["list"]["items"][number];
const SORTS = ["created"] as const;

/** 报工记录 of every plan: search, keyset pages, CSV/XLSX import (all or nothing). */
export function WorkReportList({ precision, canWrite }: { precision: Precision; canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useListParams({ sorts: SORTS, defaultSort: "created" });
  const query = useQuery({
    ...trpc.production.workReports.list.queryOptions({
      search: list.filters.search,
      cursor: list.cursor,
      limit: 50,
    }),
    placeholderData: keepPreviousData,
  });
  const importReports = useMutation(trpc.production.workReports.import.mutationOptions());
  const qty = (v: string) => formatDecimal(v, precision.quantityDecimals);
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: "at",
        header: t("fields.reportedAt"),
        cell: ({ row }) => (
          <span className="text-xs whitespace-nowrap tabular-nums">
            {fmtTime(row.original.reportedAt)}
          </span>
        ),
      },
      {
        id: "plan",
        header: t("fields.planNo"),
        cell: ({ row }) => (
          <Link
            href={`/production/plans/${row.original.planId}`}
            className="font-mono text-xs text-primary hover:underline"
          >
            {row.original.planNo}
          </Link>
        ),
      },
      {
        id: "op",
        header: t("fields.operation"),
        cell: ({ row }) => (
          <span className="text-xs">
            <span className="font-mono">{row.original.operationCode}</span> {row.original.operationName}
          </span>
        ),
      },
      {
        id: "good",
        header: t("production.good"),
        meta: { className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{qty(row.original.goodQty)}</span>,
      },
      {
        id: "bad",
        header: t("production.defective"),
        meta: { className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{qty(row.original.defectiveQty)}</span>,
      },
      { accessorKey: "operator", header: t("fields.operator") },
      {
        id: "override",
        header: t("fields.overrideReason"),
        cell: ({ row }) =>
          row.original.overrideReason ? (
            <span className="text-xs text-amber-800">{row.original.overrideReason}</span>
          ) : null,
      },
      {
        id: "source",
        header: "",
        cell: ({ row }) => <Badge variant="outline">{t(`production.source.${row.original.source}`)}</Badge>,
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, precision],
  );
  return (
    <>
      <ListToolbar
        search={list.search}
        onSearch={list.setSearch}
        searchPlaceholder={t("production.workReportsSearch")}
        dirty={list.dirty}
        onReset={list.reset}
        actions={
          canWrite ? (
            <>
              <ImportDialog
                mode="allOrNothing"
                testId="report-import"
                entityLabel={t("production.workReportsTitle")}
                triggerLabel={t("production.importWorkReports")}
                templateName="work-reports.csv"
                templateHref={csvTemplateHref(
                  ["计划单号", "工序编码", "良品数", "不良数", "报工人", "报工时间", "超报原因"],
                  ["PP-250301-00001", "CUT", "100", "2", "张三", "2025-03-01 08:30", ""],
                )}
                runImport={(input) => importReports.mutateAsync(input)}
                onImported={() => void queryClient.invalidateQueries({ queryKey: trpc.production.pathKey() })}
                labels={{ done: (r) => t("production.importDone", { created: r.created }) }}
                className="sm:max-w-5xl"
              />
              <Button asChild size="sm">
                <Link href="/production/report">
                  <ClipboardCheck />
                  {t("production.quickTitle")}
                </Link>
              </Button>
            </>
          ) : null
        }
      />
      <DataTable
        testId="work-reports-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={list.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        error={query.error}
      />
    </>
  );
}

"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { WarehouseFilter } from "@/components/inventory/warehouse-select";
import { Badge } from "@/components/ui/badge";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Row = inferRouterOutputs<AppRouter>["outbound"]["pickBatches"]["items"][number];
const KEYS = ["wh"] as const;

export function PickBatchList() {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("outbound");
  const ti = useTranslations("inventory");
  const trpc = useTRPC();
  const router = useRouter();
  const f = useUrlFilters(KEYS);
  const query = useQuery({
    ...trpc.outbound.pickBatches.queryOptions({
      warehouseId: f.values.wh || undefined,
      cursor: f.cursor,
      limit: 50,
    }),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: "no",
        header: t("batchNo"),
        cell: ({ row }) => (
          <Link
            href={`/outbound/pick-batches/${row.original.id}`}
            className="font-mono text-xs text-primary hover:underline"
          >
            {row.original.batchNo}
          </Link>
        ),
      },
      {
        id: "warehouse",
        header: t("warehouse"),
        cell: ({ row }) => `${row.original.warehouseCode} · ${row.original.warehouseName}`,
      },
      {
        id: "count",
        header: t("orderCount"),
        meta: { className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{row.original.orderCount}</span>,
      },
      {
        id: "open",
        header: t("openCount"),
        meta: { className: "text-right" },
        cell: ({ row }) =>
          row.original.openCount ? (
            <Badge variant="warning">{row.original.openCount}</Badge>
          ) : (
            <span className="text-muted-foreground">0</span>
          ),
      },
      { id: "by", header: ti("createdBy"), cell: ({ row }) => row.original.createdByName ?? ti("system") },
      {
        id: "created",
        header: ti("time"),
        cell: ({ row }) => (
          <span className="text-xs text-muted-foreground">{fmtTime(row.original.createdAt)}</span>
        ),
      },
    ],
    [t, ti, fmtTime],
  );
  return (
    <>
      <ListToolbar
        filters={
          <WarehouseFilter value={f.values.wh} onChange={(wh) => f.set({ wh })} />
        }
      />
      <DataTable
        testId="pick-batches-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        onRowClick={(r) => router.push(`/outbound/pick-batches/${r.id}`)}
      />
    </>
  );
}

"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { Plus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DocStatusBadge } from "@/components/inventory/doc-status-badge";
import { fmtQty } from "@/components/data-table/format";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { StatusTabs } from "@/components/data-table/status-tabs";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { WarehouseFilter } from "@/components/inventory/warehouse-select";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { dec } from "@/lib/decimal";
import { useTRPC } from "@/lib/trpc/react";
import { INBOUND_STATUSES } from "@/lib/validators/inbound";
import type { AppRouter } from "@/server/api/root";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Row = inferRouterOutputs<AppRouter>["inbound"]["list"]["items"][number];
const KEYS = ["status", "q", "wh"] as const;

/** 入库单列表: status tabs with open counts, search, warehouse filter, keyset pages. */
export function InboundList({ scale, canWrite }: { scale: number; canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("inbound");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const router = useRouter();
  const f = useUrlFilters(KEYS);
  const status = f.oneOf("status", INBOUND_STATUSES);
  const query = useQuery({
    ...trpc.inbound.list.queryOptions({
      status,
      search: f.values.q || undefined,
      warehouseId: f.values.wh || undefined,
      cursor: f.cursor,
      limit: 50,
    }),
    placeholderData: keepPreviousData,
  });
  const counts = useQuery(trpc.inbound.counts.queryOptions());
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: "no",
        header: t("receiptNo"),
        cell: ({ row }) => (
          <Link
            href={`/inbound/${row.original.id}`}
            className="font-mono text-xs text-primary hover:underline"
            onClick={(e) => e.stopPropagation()}
          >
            {row.original.receiptNo}
          </Link>
        ),
      },
      {
        id: "status",
        header: tc("status"),
        cell: ({ row }) => (
          <DocStatusBadge status={row.original.status} label={t(`status.${row.original.status}`)} />
        ),
      },
      {
        id: "warehouse",
        header: t("warehouse"),
        cell: ({ row }) => <span title={row.original.warehouseName}>{row.original.warehouseCode}</span>,
      },
      { id: "supplier", header: t("supplier"), cell: ({ row }) => row.original.supplier },
      {
        id: "reference",
        header: t("reference"),
        cell: ({ row }) => <span className="font-mono text-xs">{row.original.reference}</span>,
      },
      { id: "expectedDate", header: t("expectedDate"), cell: ({ row }) => row.original.expectedDate ?? "" },
      {
        id: "progress",
        header: `${t("received")} / ${t("expected")}`,
        meta: { className: "text-right" },
        cell: ({ row }) => {
          const r = row.original;
          const diff = dec(r.totalReceived).minus(r.totalExpected);
          return (
            <span className="inline-flex items-center gap-1 tabular-nums">
              {t("progress", {
                received: fmtQty(r.totalReceived, scale),
                expected: fmtQty(r.totalExpected, scale),
              })}
              {r.status !== "draft" && r.status !== "submitted" && diff.gt(0) ? (
                <Badge variant="info">{t("over", { qty: fmtQty(diff.toFixed(), scale) })}</Badge>
              ) : null}
              {r.status === "received" && diff.lt(0) ? (
                <Badge variant="warning">{t("short", { qty: fmtQty(diff.neg().toFixed(), scale) })}</Badge>
              ) : null}
            </span>
          );
        },
      },
      {
        id: "created",
        header: t("createdAt"),
        cell: ({ row }) => (
          <span className="text-xs whitespace-nowrap text-muted-foreground">
            {fmtTime(row.original.createdAt)}
          </span>
        ),
      },
    ],
    [t, tc, scale, fmtTime],
  );
  const countOf = (s: string) => counts.data?.[s as keyof typeof counts.data];
  return (
    <>
      <StatusTabs
        value={status}
        statuses={INBOUND_STATUSES}
        label={(s) => t(`status.${s}`)}
        allLabel={t("allStatuses")}
        onChange={(s) => f.set({ status: s })}
        badge={(s) => (countOf(s) ? <Badge variant="secondary">{countOf(s)}</Badge> : null)}
      />
      <ListToolbar
        search={f.values.q}
        onSearch={(q) => f.set({ q })}
        searchPlaceholder={t("searchPlaceholder")}
        filters={
          <WarehouseFilter value={f.values.wh} onChange={(wh) => f.set({ wh })} />
        }
        dirty={f.dirty}
        onReset={f.reset}
        actions={
          canWrite ? (
            <Button size="sm" asChild data-testid="inbound-new">
              <Link href="/inbound/new">
                <Plus />
                {t("newReceipt")}
              </Link>
            </Button>
          ) : null
        }
      />
      <DataTable
        testId="inbound-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        onRowClick={(r) => router.push(`/inbound/${r.id}`)}
        error={query.error}
      />
    </>
  );
}

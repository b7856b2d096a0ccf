"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { Plus, X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DocStatusBadge } from "@/components/inventory/doc-status-badge";
import { fmtQty, fmtTime } from "@/components/inventory/qty";
import { useDebounced } from "@/components/inventory/use-debounced";
import { useUrlFilters } from "@/components/inventory/use-url-filters";
import { WarehouseSelect } from "@/components/inventory/warehouse-select";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { INBOUND_STATUSES } from "@/lib/validators/inbound";
import type { AppRouter } from "@/server/api/root";

type Row = inferRouterOutputs<AppRouter>["inbound"]["list"]["items"][number];
const KEYS = ["status", "q", "wh"] as const;

/** 入库单列表: status tabs with open counts, search, warehouse filter, keyset pages. */
export function InboundList({ scale, canWrite }: { scale: number; canWrite: boolean }) {
  const t = useTranslations("inbound");
  const tc = useTranslations("common");
  const ti = useTranslations("inventory");
  const trpc = useTRPC();
  const router = useRouter();
  const f = useUrlFilters(KEYS);
  const [q, setQ] = useDebounced(f.values.q, (v) => f.set({ q: v }));
  const status = (INBOUND_STATUSES as readonly string[]).includes(f.values.status)
    ? (f.values.status as (typeof INBOUND_STATUSES)[number])
    : undefined;
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
          const diff = Number(r.totalReceived) - Number(r.totalExpected);
          return (
            <span className="inline-flex items-center gap-1 tabular-nums">
              {t("progress", {
                received: fmtQty(r.totalReceived, scale),
                expected: fmtQty(r.totalExpected, scale),
              })}
              {r.status !== "draft" && r.status !== "submitted" && diff > 0 ? (
                <Badge variant="info">{t("over", { qty: fmtQty(String(diff), scale) })}</Badge>
              ) : null}
              {r.status === "received" && diff < 0 ? (
                <Badge variant="warning">{t("short", { qty: fmtQty(String(-diff), scale) })}</Badge>
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
    [t, tc, scale],
  );
  const countOf = (s: string) => counts.data?.[s as keyof typeof counts.data];
  return (
    <>
      <Tabs
        value={status ?? "all"}
        onValueChange={(v) => f.set({ status: v === "all" ? undefined : v })}
        className="mb-3"
      >
        <TabsList>
          <TabsTrigger value="all">{t("allStatuses")}</TabsTrigger>
          {INBOUND_STATUSES.map((s) => (
            <TabsTrigger key={s} value={s} data-testid={`tab-${s}`}>
              {t(`status.${s}`)}
              {countOf(s) ? <Badge variant="secondary">{countOf(s)}</Badge> : null}
            </TabsTrigger>
          ))}
        </TabsList>
      </Tabs>
      <div className="mb-3 flex flex-wrap items-center gap-2" role="search">
        <Input
          className="w-full max-w-xs"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t("searchPlaceholder")}
          aria-label={tc("search")}
        />
        <WarehouseSelect
          className="w-44"
          value={f.values.wh}
          onChange={(v) => f.set({ wh: v })}
          allLabel={ti("allWarehouses")}
          ariaLabel={t("warehouse")}
        />
        {f.dirty ? (
          <Button variant="ghost" size="sm" onClick={f.reset}>
            <X />
            {tc("reset")}
          </Button>
        ) : null}
        <div className="flex-1" />
        {canWrite ? (
          <Button size="sm" asChild data-testid="inbound-new">
            <Link href="/inbound/new">
              <Plus />
              {t("newReceipt")}
            </Link>
          </Button>
        ) : null}
      </div>
      <DataTable
        testId="inbound-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        onRowClick={(r) => router.push(`/inbound/${r.id}`)}
      />
      {query.error ? (
        <p className="mt-2 text-sm text-destructive">{appErrorOf(query.error).message}</p>
      ) : null}
    </>
  );
}

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
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/react";
import { RETURN_STATUSES } from "@/lib/validators/returns";
import type { AppRouter } from "@/server/api/root";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Row = inferRouterOutputs<AppRouter>["returns"]["list"]["items"][number];
const KEYS = ["status", "q"] as const;

export function ReturnList({ scale, canWrite }: { scale: number; canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("returns");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const router = useRouter();
  const f = useUrlFilters(KEYS);
  const status = f.oneOf("status", RETURN_STATUSES);
  const query = useQuery({
    ...trpc.returns.list.queryOptions({
      status,
      search: f.values.q || undefined,
      cursor: f.cursor,
      limit: 50,
    }),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: "no",
        header: t("returnNo"),
        cell: ({ row }) => (
          <Link
            href={`/returns/${row.original.id}`}
            className="font-mono text-xs text-primary hover:underline"
            onClick={(e) => e.stopPropagation()}
          >
            {row.original.returnNo}
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
        id: "order",
        header: t("orderNo"),
        cell: ({ row }) => <span className="font-mono text-xs">{row.original.orderNo}</span>,
      },
      {
        id: "goods",
        header: t("goods"),
        cell: ({ row }) => (
          <div className="grid gap-0.5 font-mono text-xs">
            {row.original.lines.map((l, i) => (
              <span key={i}>
                {l.sku}*{fmtQty(l.quantity, scale)}
                {l.disposition ? (
                  <span className="ml-1 text-muted-foreground">
                    ({t(`disposition.${l.disposition as "restock" | "scrap"}`)})
                  </span>
                ) : null}
              </span>
            ))}
          </div>
        ),
      },
      {
        id: "reason",
        header: t("reason"),
        cell: ({ row }) => <span className="text-xs">{row.original.reason}</span>,
      },
      {
        id: "platformRef",
        header: t("platformRef"),
        cell: ({ row }) => <span className="font-mono text-xs">{row.original.platformRef}</span>,
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
  return (
    <>
      <StatusTabs
        value={status}
        statuses={RETURN_STATUSES}
        label={(s) => t(`status.${s}`)}
        allLabel={t("all")}
        onChange={(s) => f.set({ status: s })}
      />
      <ListToolbar
        search={f.values.q}
        onSearch={(q) => f.set({ q })}
        searchPlaceholder={t("searchPlaceholder")}
        searchClassName="max-w-sm"
        dirty={f.dirty}
        onReset={f.reset}
        actions={
          canWrite ? (
            <Button size="sm" asChild data-testid="return-new">
              <Link href="/returns/new">
                <Plus />
                {t("newReturn")}
              </Link>
            </Button>
          ) : null
        }
      />
      <DataTable
        testId="returns-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        onRowClick={(r) => router.push(`/returns/${r.id}`)}
        error={query.error}
      />
    </>
  );
}

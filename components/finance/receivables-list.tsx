"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { StatementDialog } from "./statement-dialog";

type Row = inferRouterOutputs<AppRouter>["finance"]["receivables"]["list"]["items"][number];

const KEYS = ["search", "all"] as const;
const PAGE_SIZE = 50;
const MONEY = ["ordered", "paid", "open", "age0to30", "age31to60", "age61to90", "age90plus"] as const;

/** 应收: customer balances with ageing columns; search, "open only", keyset pages, a totals row; a row opens its statement. */
export function ReceivablesList() {
  const t = useTranslations("finance.receivables");
  const trpc = useTRPC();
  const f = useUrlFilters(KEYS);
  const [open, setOpen] = useState<Row | null>(null);
  const input = { search: f.values.search || undefined, openOnly: f.values.all !== "1" };
  const query = useQuery({ ...trpc.finance.receivables.list.queryOptions({ ...input, cursor: f.cursor, limit: PAGE_SIZE }), placeholderData: keepPreviousData });
  const totals = useQuery(trpc.finance.receivables.totals.queryOptions());

  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      { accessorKey: "clientNum", header: t("col.clientNum"), cell: ({ row }) => <span className="font-mono text-xs">{row.original.clientNum}</span> },
      { accessorKey: "companyName", header: t("col.companyName") },
      { accessorKey: "orders", header: t("col.orders"), meta: { className: "text-right" } },
      ...MONEY.map(
        (k): ColumnDef<Row, unknown> => ({
          id: k,
          header: t(`col.${k}`),
          meta: { className: "text-right" },
          cell: ({ row }) => <span className="tabular-nums">{row.original[k]}</span>,
        }),
      ),
    ],
    [t],
  );

  return (
    <>
      <ListToolbar
        search={f.values.search}
        onSearch={(q) => f.set({ search: q || undefined })}
        searchPlaceholder={t("search")}
        filters={
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={input.openOnly} onChange={(e) => f.set({ all: e.target.checked ? undefined : "1" })} data-testid="receivables-open-only" />
            {t("openOnly")}
          </label>
        }
        dirty={f.dirty}
        onReset={f.reset}
      />
      {totals.data ? (
        <div className="mb-3 rounded-md border bg-muted/40 p-3 text-sm" data-testid="receivables-totals">
          <div className="mb-2 font-medium">{t("totals", { currency: totals.data.currency })}</div>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-1 sm:grid-cols-4 lg:grid-cols-7">
            {MONEY.map((k) => (
              <div key={k} className="flex justify-between gap-2">
                <dt className="text-muted-foreground">{t(`col.${k}`)}</dt>
                <dd className="tabular-nums">{totals.data[k]}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
      <DataTable
        testId="receivables-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        onRowClick={(r) => setOpen(r)}
        error={query.error}
      />
      <StatementDialog customer={open} onOpenChange={(o) => !o && setOpen(null)} />
    </>
  );
}

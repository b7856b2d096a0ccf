"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef, RowSelectionState } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { CheckCheck, ChevronDown, ChevronUp, Download, Search, X, XCircle } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { Button } from "@/components/ui/button";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";
import { formatDecimal } from "@/lib/decimal";
import { ORDER_SOURCES, ORDER_STATUSES } from "@/lib/orders/status";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import type { Precision } from "@/lib/precision";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { useOrderErrorMessage } from "./order-error";
import { OrderStatusBadge, SpecialPriceBadge } from "./order-status-badge";
import { FILTER_KEYS, useOrderListParams, type FilterValues } from "./use-order-list-params";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Row = inferRouterOutputs<AppRouter>["orders"]["list"]["items"][number];
type BulkReport = inferRouterOutputs<AppRouter>["orders"]["bulkApprove"];

const PAGE_SIZE = 50;

/**
 * 全部订单: status tabs with exact counts, filters in the URL (incl. pasted order numbers), sortable
 * columns, keyset pages with a capped total, row selection for bulk approve/close/export, and export
 * of the whole filtered list.
 */
export function OrderList({ precision, canWrite, canApprove }: { precision: Precision; canWrite: boolean; canApprove: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const errorMessage = useOrderErrorMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const list = useOrderListParams();
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [bulk, setBulk] = useState<"approve" | "close" | null>(null);
  const [report, setReport] = useState<BulkReport | null>(null);

  const counts = useQuery(trpc.orders.statusCounts.queryOptions());
  const query = useQuery({
    ...trpc.orders.list.queryOptions({ filter: list.filter, sort: list.sort, dir: list.dir, cursor: list.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.items;
  const selected = useMemo(() => (rows ?? []).filter((r) => selection[r.id]), [rows, selection]);

  const refresh = async () => {
    setSelection({});
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.orders.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.orders.statusCounts.queryKey() }),
    ]);
  };
  const onBulkDone = async (r: BulkReport) => {
    setBulk(null);
    setReport(r);
    if (r.failed.length === 0) toast.success(t("orders.bulk.result", { done: r.done.length, failed: 0 }));
    await refresh();
  };
  const bulkApprove = useMutation(trpc.orders.bulkApprove.mutationOptions({ onSuccess: onBulkDone }));
  const bulkClose = useMutation(trpc.orders.bulkClose.mutationOptions({ onSuccess: onBulkDone }));

  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        accessorKey: "orderNo",
        header: t("orders.col.orderNo"),
        meta: { sortKey: "orderNo" },
        cell: ({ row }) => (
          <Link href={`/orders/${row.original.id}`} className="font-mono text-xs font-medium text-primary hover:underline" onClick={(e) => e.stopPropagation()}>
            {row.original.orderNo}
          </Link>
        ),
      },
      {
        accessorKey: "status",
        header: t("orders.col.status"),
        cell: ({ row }) => (
          <div className="flex flex-wrap gap-1">
            <OrderStatusBadge status={row.original.status} />
            {row.original.specialPrice ? <SpecialPriceBadge /> : null}
          </div>
        ),
      },
      {
        id: "customer",
        header: t("orders.col.customer"),
        cell: ({ row }) => (
          <div className="max-w-48 min-w-32">
            <div className="truncate">{row.original.buyerCompany || "—"}</div>
            {row.original.clientNum ? <div className="font-mono text-xs text-muted-foreground">{row.original.clientNum}</div> : null}
          </div>
        ),
      },
      {
        id: "recipient",
        header: t("orders.col.recipient"),
        cell: ({ row }) => (
          <div className="max-w-56 min-w-32 text-xs">
            <div className="text-sm">
              {row.original.recipientName} <span className="text-muted-foreground">{row.original.recipientPhone}</span>
            </div>
            <div className="truncate text-muted-foreground">
              {[row.original.country, row.original.province, row.original.city, row.original.district].filter(Boolean).join(" ")}
            </div>
          </div>
        ),
      },
      { accessorKey: "lineCount", header: t("orders.col.lines"), meta: { className: "text-right" } },
      {
        accessorKey: "totalQty",
        header: t("orders.col.totalQty"),
        meta: { className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{formatDecimal(row.original.totalQty, precision.quantityDecimals)}</span>,
      },
      {
        accessorKey: "discountTotal",
        header: t("orders.col.total"),
        meta: { sortKey: "total", className: "text-right" },
        cell: ({ row }) => <span className="tabular-nums">{formatDecimal(row.original.discountTotal, precision.amountDecimals)}</span>,
      },
      {
        accessorKey: "deliveryDate",
        header: t("orders.col.deliveryDate"),
        meta: { sortKey: "deliveryDate" },
        cell: ({ row }) => <span className="text-xs whitespace-nowrap">{row.original.deliveryDate ?? ""}</span>,
      },
      {
        accessorKey: "source",
        header: t("orders.col.source"),
        cell: ({ row }) => <span className="text-xs">{t(`orders.source.${row.original.source}`)}</span>,
      },
      {
        accessorKey: "createdAt",
        header: t("orders.col.createdAt"),
        meta: { sortKey: "created" },
        cell: ({ row }) => <span className="text-xs whitespace-nowrap text-muted-foreground">{fmtTime(row.original.createdAt)}</span>,
      },
    ],
    [t, precision, fmtTime],
  );

  const tab = list.filter.status ?? "all";
  return (
    <div className="grid gap-3">
      <Tabs value={tab} onValueChange={(v) => list.setStatus(v)}>
        <TabsList className="h-auto flex-wrap" data-testid="order-status-tabs">
          {(["all", ...ORDER_STATUSES] as const).map((s) => (
            <TabsTrigger key={s} value={s} className="gap-1.5" data-testid={`tab-${s}`}>
              {t(`orders.status.${s}`)}
              <span className="rounded bg-muted px-1 text-xs tabular-nums text-muted-foreground" data-testid={`count-${s}`}>
                {counts.data ? counts.data[s].toLocaleString() : "…"}
              </span>
            </TabsTrigger>
          ))}
        </TabsList>
      </Tabs>

      <OrderFilters key={JSON.stringify(list.raw)} initial={list.raw} onApply={list.setFilters} onReset={list.reset} />

      <div className="flex flex-wrap items-center gap-2">
        {selected.length > 0 ? (
          <>
            <span className="text-sm text-muted-foreground" data-testid="bulk-selected">
              {t("orders.bulk.selected", { count: selected.length })}
            </span>
            {canApprove ? (
              <Button size="sm" variant="outline" onClick={() => setBulk("approve")} data-testid="bulk-approve">
                <CheckCheck />
                {t("orders.bulk.approve")}
              </Button>
            ) : null}
            {canWrite ? (
              <Button size="sm" variant="outline" onClick={() => setBulk("close")} data-testid="bulk-close">
                <XCircle />
                {t("orders.bulk.close")}
              </Button>
            ) : null}
            <Button size="sm" variant="outline" asChild>
              <a href={`/api/orders/export?${new URLSearchParams({ format: "xlsx", nos: selected.map((r) => r.orderNo).join(",") })}`} download>
                <Download />
                {t("orders.bulk.export")}
              </a>
            </Button>
          </>
        ) : null}
        <div className="flex-1" />
        <DropdownMenu>
          <DropdownMenuTrigger asChild>
            <Button variant="outline" size="sm" data-testid="order-export">
              <Download />
              {t("orders.exportFiltered")}
            </Button>
          </DropdownMenuTrigger>
          <DropdownMenuContent align="end">
            <DropdownMenuItem asChild>
              <a href={`/api/orders/export?${list.exportQuery("xlsx")}`} download data-testid="order-export-xlsx">
                {t("common.exportXlsx")}
              </a>
            </DropdownMenuItem>
            <DropdownMenuItem asChild>
              <a href={`/api/orders/export?${list.exportQuery("csv")}`} download data-testid="order-export-csv">
                {t("common.exportCsv")}
              </a>
            </DropdownMenuItem>
          </DropdownMenuContent>
        </DropdownMenu>
      </div>

      {report && report.failed.length > 0 ? (
        <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm" data-testid="bulk-report">
          <div className="mb-1 flex items-center justify-between font-medium">
            {t("orders.bulk.result", { done: report.done.length, failed: report.failed.length })}
            <Button variant="ghost" size="sm" onClick={() => setReport(null)} aria-label={t("common.close")}>
              <X />
            </Button>
          </div>
          <ul className="grid gap-0.5 text-destructive">
            {report.failed.map((f) => (
              <li key={f.id}>
                <span className="font-mono">{f.orderNo}</span>: {f.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <DataTable
        testId="orders-table"
        columns={columns}
        data={rows}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={list.pagerFor(query.data?.nextCursor)}
        sort={list.sortState}
        onSortChange={list.setSort}
        getRowId={(r) => r.id}
        rowSelection={selection}
        onRowSelectionChange={canWrite || canApprove ? setSelection : undefined}
        onRowClick={(r) => router.push(`/orders/${r.id}`)}
        error={query.error}
      />

      <ConfirmDialog
        open={bulk !== null}
        onOpenChange={(o) => !o && setBulk(null)}
        title={bulk === "approve" ? t("orders.bulk.approve") : t("orders.bulk.close")}
        description={
          bulk === "approve" ? t("orders.bulk.confirmApprove", { count: selected.length }) : t("orders.bulk.confirmClose", { count: selected.length })
        }
        reason={bulk === "close" ? { label: t("orders.detail.reasonLabel") } : undefined}
        confirmLabel={t("common.confirm")}
        destructive={bulk === "close"}
        errorMessage={errorMessage}
        onConfirm={(reason) => {
          const orderIds = selected.map((r) => r.id);
          return bulk === "approve" ? bulkApprove.mutateAsync({ orderIds }) : bulkClose.mutateAsync({ orderIds, reason: reason || null });
        }}
      />
    </div>
  );
}

/** The filter form: applied with the button or Enter, so typing does not query on every key. */
function OrderFilters({ initial, onApply, onReset }: { initial: FilterValues; onApply: (v: FilterValues) => void; onReset: () => void }) {
  const t = useTranslations();
  const [v, setV] = useState<FilterValues>(initial);
  const advancedSet = !!(initial.nos || initial.cf || initial.ct || initial.df || initial.dt || initial.country || initial.source);
  const [more, setMore] = useState(advancedSet);
  const dirty = FILTER_KEYS.some((k) => k !== "status" && initial[k]);
  const field = (k: Exclude<(typeof FILTER_KEYS)[number], "status">, label: string, props: React.ComponentProps<typeof Input> = {}) => (
    <div className="grid gap-1">
      <Label htmlFor={`f-${k}`} className="text-xs text-muted-foreground">
        {label}
      </Label>
      <Input id={`f-${k}`} value={v[k] ?? ""} onChange={(e) => setV({ ...v, [k]: e.target.value })} className="h-8" {...props} />
    </div>
  );
  return (
    <form
      role="search"
      className="grid gap-3 rounded-lg border bg-background p-3"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(v);
      }}
      data-testid="order-filters"
    >
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-6">
        {field("no", t("orders.filter.orderNo"), { className: "h-8 font-mono" })}
        {field("client", t("orders.filter.clientNum"))}
        {field("r", t("orders.filter.recipient"))}
        {more ? (
          <>
            <div className="grid gap-1">
              <Label htmlFor="f-source" className="text-xs text-muted-foreground">
                {t("orders.filter.source")}
              </Label>
              <NativeSelect id="f-source" className="h-8" value={v.source ?? ""} onChange={(e) => setV({ ...v, source: e.target.value })}>
                <option value="">{t("common.all")}</option>
                {ORDER_SOURCES.map((s) => (
                  <option key={s} value={s}>
                    {t(`orders.source.${s}`)}
                  </option>
                ))}
              </NativeSelect>
            </div>
            {field("country", t("orders.filter.country"))}
            <div />
            {field("cf", t("orders.filter.createdFrom"), { type: "date" })}
            {field("ct", t("orders.filter.createdTo"), { type: "date" })}
            {field("df", t("orders.filter.deliveryFrom"), { type: "date" })}
            {field("dt", t("orders.filter.deliveryTo"), { type: "date" })}
            <div className="col-span-2 grid gap-1 md:col-span-4 lg:col-span-2 lg:row-span-2 lg:row-start-1 lg:col-start-5">
              <Label htmlFor="f-nos" className="text-xs text-muted-foreground">
                {t("orders.filter.orderNos")}
              </Label>
              <Textarea
                id="f-nos"
                value={v.nos ?? ""}
                onChange={(e) => setV({ ...v, nos: e.target.value })}
                placeholder={t("orders.filter.orderNosHint")}
                className="min-h-20 font-mono text-xs"
                data-testid="filter-order-nos"
              />
            </div>
          </>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" size="sm" data-testid="filter-apply">
          <Search />
          {t("orders.filter.apply")}
        </Button>
        {dirty ? (
          <Button type="button" variant="ghost" size="sm" onClick={onReset}>
            <X />
            {t("common.reset")}
          </Button>
        ) : null}
        <Button type="button" variant="link" size="sm" onClick={() => setMore(!more)}>
          {more ? <ChevronUp /> : <ChevronDown />}
          {more ? t("orders.filter.less") : t("orders.filter.more")}
        </Button>
      </div>
    </form>
  );
}

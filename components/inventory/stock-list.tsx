"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { Download, History, MapPin, SlidersHorizontal } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { DataTable } from "@/components/data-table/data-table";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { NativeSelect } from "@/components/ui/native-select";
import { useTRPC } from "@/lib/trpc/react";
import { STOCK_STATUS_FILTERS } from "@/lib/validators/inventory";
import type { AppRouter } from "@/server/api/root";
import { AdjustDialog, LocationDialog } from "./adjust-dialog";
import { fmtQty } from "@/components/data-table/format";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { WarehouseFilter } from "./warehouse-select";
import { StockLevelBadge } from "./stock-level-badge";

type StockRow = inferRouterOutputs<AppRouter>["inventory"]["list"]["items"][number];
const KEYS = ["q", "wh", "status", "unstocked"] as const;

/** 库存列表: SKU × warehouse balances with filters, totals, a per-warehouse chart and row actions. */
export function StockList({ scale, canWrite }: { scale: number; canWrite: boolean }) {
  const t = useTranslations("inventory");
  const trpc = useTRPC();
  const f = useUrlFilters(KEYS);
  const status = f.oneOf("status", STOCK_STATUS_FILTERS) ?? "all";
  const filters = {
    search: f.values.q || undefined,
    warehouseId: f.values.wh || undefined,
    status,
    includeUnstocked: f.values.unstocked === "1",
  };
  const query = useQuery({
    ...trpc.inventory.list.queryOptions({ ...filters, cursor: f.cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  const [adjusting, setAdjusting] = useState<StockRow | null>(null);
  const [locating, setLocating] = useState<StockRow | null>(null);

  const columns = useMemo<ColumnDef<StockRow, unknown>[]>(
    () => [
      {
        id: "sku",
        header: t("sku"),
        cell: ({ row }) => (
          <Link
            href={`/inventory/${row.original.productId}`}
            className="font-mono text-xs text-primary hover:underline"
          >
            {row.original.sku}
          </Link>
        ),
      },
      {
        id: "name",
        header: t("product"),
        cell: ({ row }) => (
          <div className="min-w-36">
            <div className="font-medium">
              {row.original.name}
              {!row.original.enabled ? (
                <Badge variant="outline" className="ml-1">
                  {t("disabledProduct")}
                </Badge>
              ) : null}
            </div>
            {row.original.spec ? (
              <div className="text-xs text-muted-foreground">{row.original.spec}</div>
            ) : null}
          </div>
        ),
      },
      {
        id: "warehouse",
        header: t("warehouse"),
        cell: ({ row }) => <span title={row.original.warehouseName}>{row.original.warehouseCode}</span>,
      },
      {
        id: "location",
        header: t("location"),
        cell: ({ row }) => (
          <span className="font-mono text-xs">
            {row.original.location ?? <span className="text-muted-foreground">—</span>}
          </span>
        ),
      },
      {
        id: "onHand",
        header: t("onHand"),
        meta: { className: "text-right" },
        cell: ({ row }) => (
          <span className="tabular-nums" data-testid={`onhand-${row.original.sku}-${row.original.warehouseCode}`}>
            {fmtQty(row.original.onHand, scale)}
          </span>
        ),
      },
      {
        id: "reserved",
        header: t("reserved"),
        meta: { className: "text-right" },
        cell: ({ row }) => (
          <span className="tabular-nums" data-testid={`reserved-${row.original.sku}-${row.original.warehouseCode}`}>
            {fmtQty(row.original.reserved, scale)}
          </span>
        ),
      },
      {
        id: "available",
        header: t("available"),
        meta: { className: "text-right" },
        cell: ({ row }) => {
          const r = row.original;
          return (
            <span
              className="inline-flex items-center gap-1 tabular-nums font-medium"
              data-testid={`available-${r.sku}-${r.warehouseCode}`}
            >
              <StockLevelBadge available={r.available} threshold={r.lowStockThreshold} />
              {fmtQty(r.available, scale)}
            </span>
          );
        },
      },
      {
        id: "threshold",
        header: t("threshold"),
        meta: { className: "text-right" },
        cell: ({ row }) => (
          <span className="text-muted-foreground tabular-nums">
            {fmtQty(row.original.lowStockThreshold, scale)}
          </span>
        ),
      },
      {
        id: "actions",
        header: "",
        meta: { className: "w-32 text-right" },
        cell: ({ row }) => (
          <div className="flex justify-end gap-1">
            <Button variant="ghost" size="sm" asChild aria-label={t("viewHistory")}>
              <Link href={`/inventory/${row.original.productId}?wh=${row.original.warehouseId}`}>
                <History />
              </Link>
            </Button>
            {canWrite ? (
              <>
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={t("editLocation")}
                  onClick={() => setLocating(row.original)}
                >
                  <MapPin />
                </Button>
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`${t("adjust")} ${row.original.sku}`}
                  onClick={() => setAdjusting(row.original)}
                >
                  <SlidersHorizontal />
                </Button>
              </>
            ) : null}
          </div>
        ),
      },
    ],
    [t, scale, canWrite, setAdjusting, setLocating],
  );

  const data = query.data;
  const exportHref = (format: "csv" | "xlsx") => {
    const p = new URLSearchParams({
      format,
      status,
      ...(filters.search ? { search: filters.search } : {}),
      ...(filters.warehouseId ? { warehouseId: filters.warehouseId } : {}),
    });
    if (filters.includeUnstocked) p.set("includeUnstocked", "1");
    return `/inventory/export?${p.toString()}`;
  };

  return (
    <>
      <ListToolbar
        search={f.values.q}
        onSearch={(q) => f.set({ q })}
        searchPlaceholder={t("searchPlaceholder")}
        searchTestId="stock-search"
        filters={
          <>
            <WarehouseFilter value={f.values.wh} onChange={(wh) => f.set({ wh })} testId="stock-warehouse" />
            <NativeSelect
              className="w-32"
              value={status}
              onChange={(e) => f.set({ status: e.target.value === "all" ? undefined : e.target.value })}
              aria-label={t("statusFilter.all")}
              data-testid="stock-status"
            >
              {STOCK_STATUS_FILTERS.map((s) => (
                <option key={s} value={s}>
                  {t(`statusFilter.${s}`)}
                </option>
              ))}
            </NativeSelect>
            <label className="flex items-center gap-2 text-sm">
              <Checkbox
                checked={filters.includeUnstocked}
                onCheckedChange={(v) => f.set({ unstocked: v ? "1" : undefined })}
              />
              {t("includeUnstocked")}
            </label>
          </>
        }
        dirty={f.dirty}
        onReset={f.reset}
        actions={
          <Button variant="outline" size="sm" asChild>
            <a href={exportHref("xlsx")} download>
              <Download />
              {t("export")}
            </a>
          </Button>
        }
      />

      <div className="mb-4 grid gap-3 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <div className="grid grid-cols-2 content-start gap-3 sm:grid-cols-3" data-testid="stock-totals">
          <Total label={t("onHand")} value={fmtQty(data?.totals.onHand ?? "0", scale)} />
          <Total label={t("reserved")} value={fmtQty(data?.totals.reserved ?? "0", scale)} />
          <Total label={t("available")} value={fmtQty(data?.totals.available ?? "0", scale)} strong />
          <Total
            label={t("statusFilter.low")}
            value={String(data?.totals.lowCount ?? 0)}
            tone={data?.totals.lowCount ? "warn" : undefined}
            onClick={() => f.set({ status: "low" })}
          />
          <Total
            label={t("statusFilter.out")}
            value={String(data?.totals.outCount ?? 0)}
            tone={data?.totals.outCount ? "bad" : undefined}
            onClick={() => f.set({ status: "out" })}
          />
          <Total
            label={t("totals")}
            value={
              data
                ? t("rows", { count: `${data.total.count.toLocaleString()}${data.total.capped ? "+" : ""}` })
                : "…"
            }
          />
        </div>
        <Card className="py-3">
          <CardHeader className="px-4">
            <CardTitle className="text-sm">{t("byWarehouse")}</CardTitle>
          </CardHeader>
          <CardContent className="h-40 px-2">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart
                // Bar lengths only (the chart needs numbers); every figure shown as text is formatDecimal.
                data={(data?.byWarehouse ?? []).map((w) => ({
                  name: w.warehouseCode,
                  available: Number(w.available),
                  reserved: Number(w.reserved),
                }))}
                layout="vertical"
                margin={{ left: 8, right: 16 }}
              >
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" fontSize={11} />
                <YAxis type="category" dataKey="name" width={64} fontSize={11} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Bar dataKey="available" name={t("available")} stackId="s" fill="#16a34a" />
                <Bar dataKey="reserved" name={t("reserved")} stackId="s" fill="#0ea5e9" />
              </BarChart>
            </ResponsiveContainer>
          </CardContent>
        </Card>
      </div>

      <DataTable
        testId="stock-table"
        columns={columns}
        data={data?.items}
        isLoading={query.isLoading}
        total={data?.total}
        pager={f.pagerFor(data?.nextCursor)}
        getRowId={(r) => r.key}
        error={query.error}
      />
      <AdjustDialog target={adjusting} onOpenChange={(o) => !o && setAdjusting(null)} scale={scale} />
      <LocationDialog target={locating} onOpenChange={(o) => !o && setLocating(null)} />
    </>
  );
}

function Total({
  label,
  value,
  strong,
  tone,
  onClick,
}: {
  label: string;
  value: string;
  strong?: boolean;
  tone?: "warn" | "bad";
  onClick?: () => void;
}) {
  const Comp = onClick ? "button" : "div";
  return (
    <Comp
      type={onClick ? "button" : undefined}
      onClick={onClick}
      className={`rounded-lg border bg-card px-3 py-2 text-left ${onClick ? "hover:bg-muted/50" : ""} ${tone === "warn" ? "border-amber-300" : tone === "bad" ? "border-destructive/40" : ""}`}
    >
      <div className="text-xs text-muted-foreground">{label}</div>
      <div
        className={`text-lg tabular-nums ${strong ? "font-semibold" : ""} ${tone === "bad" ? "text-destructive" : tone === "warn" ? "text-amber-700" : ""}`}
      >
        {value}
      </div>
    </Comp>
  );
}

"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { Download } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { Button } from "@/components/ui/button";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { tryDecimal } from "@/lib/decimal";
import { useTRPC } from "@/lib/trpc/react";
import { PLATFORM_CODES } from "@/lib/validators/channels";
import type { AppRouter } from "@/server/api/root";
import { cn } from "@/lib/utils";
import { ProfitDetailDialog } from "./profit-detail-dialog";

export type ProfitRow = inferRouterOutputs<AppRouter>["finance"]["profit"]["list"]["items"][number];
type Totals = inferRouterOutputs<AppRouter>["finance"]["profit"]["totals"];

const KEYS = ["accountId", "platform", "sku", "country", "from", "to", "marginBelow"] as const;
const PAGE_SIZE = 50;
const MONEY = ["itemsRevenue", "shipping", "refunds", "platformFees", "productCost", "freight", "packaging", "otherCosts", "profit"] as const;

const negative = (v: string | null | undefined) => !!v && (tryDecimal(v)?.isNeg() ?? false);

/** 订单利润: filters (shop, platform, SKU, country, dates, margin below X), keyset pages, a totals row, CSV/XLSX export. */
export function ProfitList({ canWrite }: { canWrite: boolean }) {
  const t = useTranslations("finance");
  const trpc = useTRPC();
  const f = useUrlFilters(KEYS);
  const [open, setOpen] = useState<ProfitRow | null>(null);
  const filter = {
    accountId: f.values.accountId || undefined,
    platform: f.values.platform || undefined,
    sku: f.values.sku || undefined,
    country: f.values.country || undefined,
    from: f.values.from || undefined,
    to: f.values.to || undefined,
    marginBelow: tryDecimal(f.values.marginBelow) ? f.values.marginBelow : undefined,
  };
  const accounts = useQuery(trpc.channels.list.queryOptions({}));
  const query = useQuery({ ...trpc.finance.profit.list.queryOptions({ ...filter, cursor: f.cursor, limit: PAGE_SIZE }), placeholderData: keepPreviousData });
  const totals = useQuery({ ...trpc.finance.profit.totals.queryOptions(filter), placeholderData: keepPreviousData });

  const columns = useMemo<ColumnDef<ProfitRow, unknown>[]>(
    () => [
      { accessorKey: "orderNo", header: t("col.orderNo"), cell: ({ row }) => <span className="font-mono text-xs">{row.original.orderNo}</span> },
      { accessorKey: "day", header: t("col.day") },
      {
        id: "platform",
        header: t("col.platform"),
        cell: ({ row }) => (
          <span>
            {row.original.platform}
            {row.original.shopAlias ? <span className="text-muted-foreground"> · {row.original.shopAlias}</span> : null}
          </span>
        ),
      },
      { accessorKey: "currency", header: t("col.currency") },
      ...MONEY.map(
        (k): ColumnDef<ProfitRow, unknown> => ({
          id: k,
          header: t(`col.${k}`),
          meta: { className: "text-right" },
          cell: ({ row }) => <span className={cn("tabular-nums", k === "profit" && negative(row.original.profit) && "text-destructive")}>{row.original[k] ?? "—"}</span>,
        }),
      ),
      {
        id: "margin",
        header: t("col.margin"),
        meta: { className: "text-right" },
        cell: ({ row }) =>
          row.original.missingRates.length ? (
            <span className="text-xs text-destructive">{t("missingRate", { currencies: row.original.missingRates.join(", ") })}</span>
          ) : (
            <span className="tabular-nums">{row.original.margin === null ? t("marginNa") : `${row.original.margin}%`}</span>
          ),
      },
    ],
    [t],
  );

  const exportHref = (format: "csv" | "xlsx") => {
    const qs = new URLSearchParams({ format });
    for (const [k, v] of Object.entries(filter)) if (v) qs.set(k, String(v));
    return `/api/finance/order-profit?${qs}`;
  };

  return (
    <>
      <ListToolbar
        filters={
          <>
            <NativeSelect className="w-40" aria-label={t("filters.shop")} value={filter.accountId ?? ""} onChange={(e) => f.set({ accountId: e.target.value || undefined })}>
              <option value="">{t("filters.allShops")}</option>
              {(accounts.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.alias}
                </option>
              ))}
            </NativeSelect>
            <NativeSelect className="w-36" aria-label={t("filters.platform")} value={filter.platform ?? ""} onChange={(e) => f.set({ platform: e.target.value || undefined })}>
              <option value="">{t("filters.allPlatforms")}</option>
              {PLATFORM_CODES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
              <option value="manual">{t("filters.manual")}</option>
              <option value="api">{t("filters.api")}</option>
            </NativeSelect>
            <Input className="w-32" placeholder={t("filters.sku")} aria-label={t("filters.sku")} defaultValue={f.values.sku} onBlur={(e) => f.set({ sku: e.target.value.trim() || undefined })} />
            <Input
              className="w-36"
              placeholder={t("filters.country")}
              aria-label={t("filters.country")}
              defaultValue={f.values.country}
              onBlur={(e) => f.set({ country: e.target.value.trim() || undefined })}
            />
            <Input className="w-40" type="date" aria-label={t("filters.from")} value={f.values.from} onChange={(e) => f.set({ from: e.target.value || undefined })} />
            <Input className="w-40" type="date" aria-label={t("filters.to")} value={f.values.to} onChange={(e) => f.set({ to: e.target.value || undefined })} />
            <Input className="w-32" inputMode="decimal" placeholder={t("filters.marginBelow")} aria-label={t("filters.marginBelow")} defaultValue={f.values.marginBelow} onBlur={(e) => f.set({ marginBelow: e.target.value.trim() || undefined })} />
          </>
        }
        dirty={f.dirty}
        onReset={f.reset}
        actions={
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" size="sm" data-testid="export-menu">
                <Download />
                {t("col.profit")} CSV/XLSX
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuItem asChild>
                <a href={exportHref("xlsx")} download>
                  XLSX
                </a>
              </DropdownMenuItem>
              <DropdownMenuItem asChild>
                <a href={exportHref("csv")} download>
                  CSV
                </a>
              </DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
        }
      />
      <TotalsRow totals={totals.data} />
      {query.data?.pending ? <p className="mb-2 text-xs text-muted-foreground">{t("pending", { count: query.data.pending })}</p> : null}
      <DataTable
        testId="profit-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.orderId}
        onRowClick={(r) => setOpen(r)}
        error={query.error}
      />
      <ProfitDetailDialog row={open} onOpenChange={(o) => !o && setOpen(null)} canWrite={canWrite} />
    </>
  );
}

function TotalsRow({ totals }: { totals: Totals | undefined }) {
  const t = useTranslations("finance");
  if (!totals) return null;
  return (
    <div className="mb-3 rounded-md border bg-muted/40 p-3 text-sm" data-testid="profit-totals">
      <div className="mb-2 font-medium">
        {totals.capped ? t("totalsCapped", { count: totals.orders }) : t("totals", { count: totals.orders })} · {totals.reportingCurrency}
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 sm:grid-cols-5">
        {MONEY.map((k) => (
          <div key={k} className="flex justify-between gap-2">
            <dt className="text-muted-foreground">{t(`col.${k}`)}</dt>
            <dd className={cn("tabular-nums", k === "profit" && negative(totals.profit) && "text-destructive")}>{totals[k]}</dd>
          </div>
        ))}
        <div className="flex justify-between gap-2">
          <dt className="text-muted-foreground">{t("col.margin")}</dt>
          <dd className="tabular-nums">{totals.margin === null ? t("marginNa") : `${totals.margin}%`}</dd>
        </div>
      </dl>
      <p className="mt-2 text-xs text-muted-foreground">
        {totals.ratesUsed.length ? t("ratesUsed", { rates: totals.ratesUsed.join(", ") }) : t("noRatesUsed")}
        {totals.missingRateOrders ? ` · ${t("totalsMissing", { count: totals.missingRateOrders })}` : null}
      </p>
    </div>
  );
}

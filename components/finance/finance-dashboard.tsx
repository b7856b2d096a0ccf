"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { tryDecimal } from "@/lib/decimal";
import { useTRPC } from "@/lib/trpc/react";
import { cn } from "@/lib/utils";
import { DASHBOARD_GRANULARITIES, type DashboardGranularity } from "@/lib/validators/finance-dashboard";
import type { AppRouter } from "@/server/api/root";

type Dashboard = inferRouterOutputs<AppRouter>["finance"]["dashboard"];
type Row = Dashboard["byShop"][number];
type Dimension = "period" | "shop" | "platform" | "sku" | "country";

const KEYS = ["accountId", "from", "to", "granularity"] as const;
const SALES_COLOR = "hsl(221 83% 53%)";
const PROFIT_COLOR = "hsl(142 71% 35%)";

/**
 * Charts plot the exact decimal strings the service computed, turned into numbers only to place bars
 * and points; every figure is shown exactly in the table under its chart.
 */
const plot = (v: string | null) => (v === null ? null : Number(v));
const negative = (v: string | null) => !!v && (tryDecimal(v)?.isNeg() ?? false);

/** 经营看板: date range, shop and period in the URL; a chart and the same numbers in a table per breakdown. */
export function FinanceDashboard() {
  const t = useTranslations("financeDashboard");
  const trpc = useTRPC();
  const f = useUrlFilters(KEYS);
  const granularity: DashboardGranularity = (DASHBOARD_GRANULARITIES as readonly string[]).includes(f.values.granularity) ? (f.values.granularity as DashboardGranularity) : "day";
  const input = { accountId: f.values.accountId || undefined, from: f.values.from || undefined, to: f.values.to || undefined, granularity };
  const accounts = useQuery(trpc.channels.list.queryOptions({}));
  const query = useQuery({ ...trpc.finance.dashboard.queryOptions(input), placeholderData: keepPreviousData });
  const d = query.data;

  return (
    <>
      <ListToolbar
        filters={
          <>
            <NativeSelect className="w-40" aria-label={t("filters.shop")} value={input.accountId ?? ""} onChange={(e) => f.set({ accountId: e.target.value || undefined })}>
              <option value="">{t("filters.allShops")}</option>
              {(accounts.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.alias}
                </option>
              ))}
            </NativeSelect>
            <Input className="w-40" type="date" aria-label={t("filters.from")} value={f.values.from} onChange={(e) => f.set({ from: e.target.value || undefined })} />
            <Input className="w-40" type="date" aria-label={t("filters.to")} value={f.values.to} onChange={(e) => f.set({ to: e.target.value || undefined })} />
            <NativeSelect className="w-28" aria-label={t("filters.granularity")} value={granularity} onChange={(e) => f.set({ granularity: e.target.value === "day" ? undefined : e.target.value })}>
              {DASHBOARD_GRANULARITIES.map((g) => (
                <option key={g} value={g}>
                  {t(`granularity.${g}`)}
                </option>
              ))}
            </NativeSelect>
          </>
        }
        dirty={f.dirty}
        onReset={f.reset}
      />
      {query.error ? <p className="text-sm text-destructive">{query.error.message}</p> : null}
      {d ? <DashboardBody d={d} /> : query.isLoading ? <p className="text-sm text-muted-foreground">…</p> : null}
    </>
  );
}

function DashboardBody({ d }: { d: Dashboard }) {
  const t = useTranslations("financeDashboard");
  const cur = d.reportingCurrency;
  const pct = (v: string | null) => (v === null ? t("na") : `${v}%`);
  const summary: [string, string, boolean?][] = [
    [t("summary.sales"), `${d.total.sales} ${cur}`],
    [t("summary.orders"), String(d.total.orders)],
    [t("summary.profit"), `${d.total.profit} ${cur}`, negative(d.total.profit)],
    [t("summary.margin"), pct(d.total.margin)],
    [t("summary.refunds"), `${d.total.refunds} ${cur}`],
    [t("summary.refundRate"), pct(d.total.refundRate)],
    [t("summary.returnRate"), pct(d.total.returnRate)],
  ];
  return (
    <div className="space-y-4" data-testid="finance-dashboard">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7" data-testid="dashboard-summary">
        {summary.map(([label, value, neg]) => (
          <div key={label} className="rounded-md border p-3">
            <dt className="text-xs text-muted-foreground">{label}</dt>
            <dd className={cn("text-lg font-semibold tabular-nums", neg && "text-destructive")}>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="text-xs text-muted-foreground">
        {t("definitions")}
        {d.total.missingRateOrders ? ` ${t("missingRates", { count: d.total.missingRateOrders })}` : null}
        {d.capped ? ` ${t("capped", { count: d.total.orders + d.total.missingRateOrders })}` : null}
        {d.pending ? ` ${t("pending", { count: d.pending })}` : null}
      </p>
      {d.total.orders + d.total.missingRateOrders === 0 ? <p className="text-sm text-muted-foreground">{t("empty")}</p> : null}
      <Section title={t("sections.series")} rows={d.series} dimension="period" granularity={d.granularity} trend />
      <Section title={t("sections.byShop")} rows={d.byShop} dimension="shop" />
      <Section title={t("sections.byPlatform")} rows={d.byPlatform} dimension="platform" />
      <Section title={t("sections.bySku")} rows={d.bySku} dimension="sku" note={t("skuNote", { count: d.skuCount })} />
      <Section title={t("sections.byCountry")} rows={d.byCountry} dimension="country" />
    </div>
  );
}

function Section({ title, rows, dimension, granularity, trend, note }: { title: string; rows: Row[]; dimension: Dimension; granularity?: DashboardGranularity; trend?: boolean; note?: string }) {
  const t = useTranslations("financeDashboard");
  const label = (r: Row) => {
    if (dimension === "shop") return r.key ? (r.label ?? r.key) : t("noShop");
    if (dimension === "country") return r.key || t("noCountry");
    if (dimension === "period" && granularity === "week") return t("col.weekOf", { day: r.key });
    return r.key;
  };
  const data = rows.map((r) => ({ name: label(r), sales: plot(r.sales), profit: plot(r.profit) }));
  const pct = (v: string | null) => (v === null ? t("na") : `${v}%`);
  if (!rows.length) return null;
  const chart = trend ? (
    <ComposedChart data={data}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="name" fontSize={12} />
      <YAxis fontSize={12} />
      <Tooltip />
      <Legend />
      <Bar dataKey="sales" name={t("col.sales")} fill={SALES_COLOR} />
      <Line dataKey="profit" name={t("col.profit")} stroke={PROFIT_COLOR} strokeWidth={2} />
    </ComposedChart>
  ) : (
    <BarChart data={data}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="name" fontSize={12} />
      <YAxis fontSize={12} />
      <Tooltip />
      <Legend />
      <Bar dataKey="sales" name={t("col.sales")} fill={SALES_COLOR} />
      <Bar dataKey="profit" name={t("col.profit")} fill={PROFIT_COLOR} />
    </BarChart>
  );
  return (
    <Card data-testid={`dashboard-${dimension}`}>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-3">
        <div className="h-64 w-full">
          <ResponsiveContainer width="100%" height="100%">
            {chart}
          </ResponsiveContainer>
        </div>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t(`col.${dimension}`)}</TableHead>
              <TableHead className="text-right">{t("col.orders")}</TableHead>
              {dimension === "sku" ? <TableHead className="text-right">{t("col.units")}</TableHead> : null}
              <TableHead className="text-right">{t("col.sales")}</TableHead>
              <TableHead className="text-right">{t("col.refunds")}</TableHead>
              <TableHead className="text-right">{t("col.profit")}</TableHead>
              <TableHead className="text-right">{t("col.margin")}</TableHead>
              <TableHead className="text-right">{t("col.refundRate")}</TableHead>
              <TableHead className="text-right">{t("col.returnRate")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.key}>
                <TableCell className={cn(dimension === "sku" && "font-mono text-xs")}>{label(r)}</TableCell>
                <TableCell className="text-right tabular-nums">{r.orders}</TableCell>
                {dimension === "sku" ? <TableCell className="text-right tabular-nums">{r.units}</TableCell> : null}
                <TableCell className="text-right tabular-nums">{r.sales}</TableCell>
                <TableCell className="text-right tabular-nums">{r.refunds}</TableCell>
                <TableCell className={cn("text-right tabular-nums", negative(r.profit) && "text-destructive")}>{r.profit}</TableCell>
                <TableCell className="text-right tabular-nums">{pct(r.margin)}</TableCell>
                <TableCell className="text-right tabular-nums">{pct(r.refundRate)}</TableCell>
                <TableCell className="text-right tabular-nums">{pct(r.returnRate)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {note ? <p className="text-xs text-muted-foreground">{note}</p> : null}
      </CardContent>
    </Card>
  );
}

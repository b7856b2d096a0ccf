"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { StatusTabs } from "@/components/data-table/status-tabs";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { ImportDialog } from "@/components/forms/import-dialog";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Decimal } from "@/lib/decimal";
import { minorUnit } from "@/lib/finance/currency";
import { SETTLEMENT_STATUSES, type SettlementLineType } from "@/lib/finance/kinds";
import { useFormatDateTime } from "@/lib/i18n/date-time";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";

type Out = inferRouterOutputs<AppRouter>["finance"]["settlements"];
type PayoutRow = Out["list"]["items"][number];
type LineRow = Out["unmatched"]["items"][number];
type MissingRow = Out["missing"]["items"][number];

const VIEWS = ["payouts", "unmatched", "missing"] as const;
const EXCEPTION_VIEWS = ["unmatched", "missing"] as const;
type View = (typeof VIEWS)[number];
const KEYS = ["view", "accountId", "platform", "status", "from", "to", "mismatch", "q"] as const;
const PAGE_SIZE = 50;
const STATUS_VARIANT = { pending: "warning", paid: "success", failed: "destructive" } as const;

/** An amount at its currency's minor unit, or more decimals when it has them (never rounded for display). */
function money(v: string | null | undefined, currency: string) {
  if (v === null || v === undefined || v === "") return "—";
  const d = new Decimal(v);
  return d.toFixed(Math.max(minorUnit(currency), d.decimalPlaces()));
}

/**
 * 结算对账: payouts with expected (their lines) against received, the summary per currency, the lines
 * naming no pulled order and the shipped orders no settlement names; filters in the URL, keyset pages,
 * the settlement-file import (all or nothing) and a payout's lines in a dialog.
 */
export function SettlementReconciliation({ canWrite }: { canWrite: boolean }) {
  const t = useTranslations("settlements");
  const fmtTime = useFormatDateTime();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const f = useUrlFilters(KEYS, { keep: ["view"] });
  const view: View = f.oneOf("view", VIEWS) ?? "payouts";
  const status = f.oneOf("status", SETTLEMENT_STATUSES);
  const [open, setOpen] = useState<PayoutRow | null>(null);

  const filter = {
    accountId: f.values.accountId || undefined,
    platform: f.values.platform || undefined,
    status,
    from: f.values.from || undefined,
    to: f.values.to || undefined,
    mismatch: f.values.mismatch === "1" || undefined,
  };
  const accounts = useQuery(trpc.channels.list.queryOptions({}));
  const summary = useQuery({ ...trpc.finance.settlements.summary.queryOptions({ ...filter, search: f.values.q || undefined }), placeholderData: keepPreviousData });
  const payouts = useQuery({
    ...trpc.finance.settlements.list.queryOptions({ ...filter, search: f.values.q || undefined, cursor: f.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    enabled: view === "payouts",
  });
  const unmatched = useQuery({
    ...trpc.finance.settlements.unmatched.queryOptions({ accountId: filter.accountId, platform: filter.platform, search: f.values.q || undefined, cursor: f.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    enabled: view === "unmatched",
  });
  const missing = useQuery({
    ...trpc.finance.settlements.missing.queryOptions({ accountId: filter.accountId, platform: filter.platform, from: filter.from, to: filter.to, cursor: f.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    enabled: view === "missing",
  });
  const importFile = useMutation(trpc.finance.settlements.import.mutationOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.finance.settlements.pathKey() });

  const platforms = useMemo(() => [...new Set((accounts.data ?? []).map((a) => a.platform))].sort(), [accounts.data]);
  const typeLabel = (type: string) => (t.has(`type.${type}` as never) ? t(`type.${type as SettlementLineType}`) : type);

  const payoutColumns = useMemo<ColumnDef<PayoutRow, unknown>[]>(
    () => [
      { accessorKey: "settledAt", header: t("col.settledAt"), cell: ({ row }) => <span className="text-xs whitespace-nowrap">{fmtTime(row.original.settledAt)}</span> },
      { accessorKey: "platform", header: t("col.platform") },
      { accessorKey: "shopAlias", header: t("col.shop"), cell: ({ row }) => row.original.shopAlias ?? "—" },
      { accessorKey: "externalId", header: t("col.payoutId"), cell: ({ row }) => <span className="font-mono text-xs break-all">{row.original.externalId}</span> },
      { accessorKey: "currency", header: t("col.currency") },
      { accessorKey: "expectedAmount", header: t("col.expected"), meta: { className: "text-right" }, cell: ({ row }) => <span className="tabular-nums">{money(row.original.expectedAmount, row.original.currency)}</span> },
      { accessorKey: "receivedAmount", header: t("col.received"), meta: { className: "text-right" }, cell: ({ row }) => <span className="tabular-nums">{money(row.original.receivedAmount, row.original.currency)}</span> },
      {
        accessorKey: "difference",
        header: t("col.difference"),
        meta: { className: "text-right" },
        cell: ({ row }) => {
          const d = row.original.difference;
          const off = d !== null && !new Decimal(d).isZero();
          return <span className={off ? "font-medium text-destructive tabular-nums" : "tabular-nums"}>{money(d, row.original.currency)}</span>;
        },
      },
      { accessorKey: "status", header: t("col.status"), cell: ({ row }) => <Badge variant={STATUS_VARIANT[row.original.status as keyof typeof STATUS_VARIANT] ?? "outline"}>{t(`status.${row.original.status as "pending"}`)}</Badge> },
      { accessorKey: "lineCount", header: t("col.lines"), meta: { className: "text-right" } },
      {
        accessorKey: "unmatchedLines",
        header: t("col.unmatched"),
        meta: { className: "text-right" },
        cell: ({ row }) => <span className={row.original.unmatchedLines ? "text-destructive" : ""}>{row.original.unmatchedLines}</span>,
      },
      { accessorKey: "source", header: t("col.source"), cell: ({ row }) => t(`source.${row.original.source as "api"}`) },
    ],
    [t, fmtTime],
  );
  const lineColumns = useMemo<ColumnDef<LineRow, unknown>[]>(
    () => [
      { accessorKey: "platformOrderId", header: t("col.orderId"), cell: ({ row }) => <span className="font-mono text-xs break-all">{row.original.platformOrderId}</span> },
      { accessorKey: "platform", header: t("col.platform") },
      { accessorKey: "shopAlias", header: t("col.shop"), cell: ({ row }) => row.original.shopAlias ?? "—" },
      { accessorKey: "externalId", header: t("col.payoutId"), cell: ({ row }) => <span className="font-mono text-xs break-all">{row.original.externalId}</span> },
      { accessorKey: "type", header: t("col.type"), cell: ({ row }) => typeLabel(row.original.type) },
      { accessorKey: "platformType", header: t("col.platformType"), cell: ({ row }) => <span className="text-xs text-muted-foreground">{row.original.platformType}</span> },
      { accessorKey: "currency", header: t("col.currency") },
      { accessorKey: "amount", header: t("col.amount"), meta: { className: "text-right" }, cell: ({ row }) => <span className="tabular-nums">{money(row.original.amount, row.original.currency)}</span> },
      { accessorKey: "postedAt", header: t("col.postedAt"), cell: ({ row }) => <span className="text-xs whitespace-nowrap">{fmtTime(row.original.postedAt) || "—"}</span> },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, fmtTime],
  );
  const missingColumns = useMemo<ColumnDef<MissingRow, unknown>[]>(
    () => [
      { accessorKey: "platformOrderNo", header: t("col.orderId"), cell: ({ row }) => <span className="font-mono text-xs">{row.original.platformOrderNo}</span> },
      { accessorKey: "platform", header: t("col.platform") },
      { accessorKey: "shopAlias", header: t("col.shop"), cell: ({ row }) => row.original.shopAlias ?? "—" },
      { accessorKey: "platformStatus", header: t("col.orderStatus") },
      { accessorKey: "currency", header: t("col.currency") },
      { accessorKey: "totalAmount", header: t("col.total"), meta: { className: "text-right" }, cell: ({ row }) => <span className="tabular-nums">{money(row.original.totalAmount, row.original.currency)}</span> },
      { accessorKey: "platformCreatedAt", header: t("col.createdAt"), cell: ({ row }) => <span className="text-xs whitespace-nowrap">{fmtTime(row.original.platformCreatedAt)}</span> },
    ],
    [t, fmtTime],
  );

  const s = summary.data;
  return (
    <>
      <Card>
        <CardContent className="flex flex-wrap gap-x-8 gap-y-3 py-4 text-sm" data-testid="settlement-summary">
          {s && s.currencies.length === 0 ? <span className="text-muted-foreground">{t("summary.none")}</span> : null}
          {(s?.currencies ?? []).map((c) => (
            <div key={c.currency} className="space-y-0.5 tabular-nums" data-testid={`settlement-summary-${c.currency}`}>
              <div className="font-medium">{t("summary.title", { currency: c.currency, settlements: c.settlements })}</div>
              <div>{t("summary.expected", { amount: money(c.expected, c.currency) })}</div>
              <div>{t("summary.received", { amount: money(c.received, c.currency) })}</div>
              <div className="text-muted-foreground">{t("summary.outstanding", { amount: money(c.outstanding, c.currency) })}</div>
              <div className={new Decimal(c.difference).isZero() ? "" : "font-medium text-destructive"}>{t("summary.difference", { amount: money(c.difference, c.currency) })}</div>
              {c.mismatched ? <div className="text-destructive">{t("summary.mismatched", { count: c.mismatched })}</div> : null}
            </div>
          ))}
          {s ? (
            <div className="space-y-0.5">
              <div>{t("summary.unmatched", { count: `${s.unmatchedLines.count}${s.unmatchedLines.capped ? "+" : ""}` })}</div>
              <div>{t("summary.missing", { count: `${s.ordersMissing.count}${s.ordersMissing.capped ? "+" : ""}` })}</div>
            </div>
          ) : null}
          {summary.error ? <span className="text-destructive">{appErrorOf(summary.error).message}</span> : null}
        </CardContent>
      </Card>
      <StatusTabs
        value={view === "payouts" ? undefined : view}
        statuses={EXCEPTION_VIEWS}
        label={(v) => t(`tabs.${v}`)}
        allLabel={t("tabs.payouts")}
        onChange={(v) => f.set({ view: v })}
        badge={(v) => {
          const n = v === "unmatched" ? s?.unmatchedLines : s?.ordersMissing;
          return n && n.count ? (
            <Badge variant="secondary" className="ml-1.5">
              {n.count}
              {n.capped ? "+" : ""}
            </Badge>
          ) : null;
        }}
      />
      <ListToolbar
        search={f.values.q}
        onSearch={(q) => f.set({ q })}
        searchPlaceholder={view === "payouts" ? t("filters.search") : t("filters.searchOrder")}
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
            <Input className="w-32" list="settlement-platforms" placeholder={t("filters.platform")} aria-label={t("filters.platform")} defaultValue={f.values.platform} onBlur={(e) => f.set({ platform: e.target.value.trim().toLowerCase() || undefined })} />
            <datalist id="settlement-platforms">
              {platforms.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
            {view === "payouts" ? (
              <NativeSelect className="w-32" aria-label={t("filters.status")} value={status ?? ""} onChange={(e) => f.set({ status: e.target.value || undefined })}>
                <option value="">{t("filters.allStatuses")}</option>
                {SETTLEMENT_STATUSES.map((st) => (
                  <option key={st} value={st}>
                    {t(`status.${st}`)}
                  </option>
                ))}
              </NativeSelect>
            ) : null}
            {view !== "unmatched" ? (
              <>
                <Input className="w-40" type="date" aria-label={view === "payouts" ? t("filters.from") : t("filters.orderFrom")} value={f.values.from} onChange={(e) => f.set({ from: e.target.value || undefined })} />
                <Input className="w-40" type="date" aria-label={view === "payouts" ? t("filters.to") : t("filters.orderTo")} value={f.values.to} onChange={(e) => f.set({ to: e.target.value || undefined })} />
              </>
            ) : null}
            {view === "payouts" ? (
              <label className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" checked={f.values.mismatch === "1"} onChange={(e) => f.set({ mismatch: e.target.checked ? "1" : undefined })} />
                {t("filters.mismatch")}
              </label>
            ) : null}
          </>
        }
        dirty={f.dirty}
        onReset={f.reset}
        actions={
          canWrite ? (
            <ImportDialog
              mode="allOrNothing"
              entityLabel={t("importLabel")}
              help={t("importHelp")}
              testId="settlement-import"
              templateHref="/api/finance/settlements-template?format=xlsx"
              runImport={(input) => importFile.mutateAsync(input)}
              onImported={() => void invalidate()}
            />
          ) : null
        }
      />
      {view === "payouts" ? (
        <DataTable
          testId="settlements-table"
          columns={payoutColumns}
          data={payouts.data?.items}
          isLoading={payouts.isLoading}
          total={payouts.data?.total}
          pager={f.pagerFor(payouts.data?.nextCursor)}
          getRowId={(r) => r.id}
          onRowClick={(r) => setOpen(r)}
          error={payouts.error}
        />
      ) : view === "unmatched" ? (
        <DataTable
          testId="settlement-unmatched-table"
          columns={lineColumns}
          data={unmatched.data?.items}
          isLoading={unmatched.isLoading}
          total={unmatched.data?.total}
          pager={f.pagerFor(unmatched.data?.nextCursor)}
          getRowId={(r) => r.id}
          error={unmatched.error}
        />
      ) : (
        <DataTable
          testId="settlement-missing-table"
          columns={missingColumns}
          data={missing.data?.items}
          isLoading={missing.isLoading}
          total={missing.data?.total}
          pager={f.pagerFor(missing.data?.nextCursor)}
          getRowId={(r) => r.id}
          error={missing.error}
        />
      )}
      <SettlementDialog payout={open} onOpenChange={(o) => !o && setOpen(null)} typeLabel={typeLabel} />
    </>
  );
}

/** One payout's lines, each with the order it was attached to. */
function SettlementDialog({ payout, onOpenChange, typeLabel }: { payout: PayoutRow | null; onOpenChange: (o: boolean) => void; typeLabel: (t: string) => string }) {
  const t = useTranslations("settlements");
  const fmtTime = useFormatDateTime();
  const trpc = useTRPC();
  const detail = useQuery({ ...trpc.finance.settlements.byId.queryOptions({ id: payout?.id ?? "" }), enabled: !!payout });
  if (!payout) return null;
  return (
    <Dialog open={!!payout} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-4xl" data-testid="settlement-dialog">
        <DialogHeader>
          <DialogTitle>{t("detailTitle", { id: payout.externalId })}</DialogTitle>
          <DialogDescription>
            {t("detailHelp", {
              platform: payout.platform,
              settledAt: fmtTime(payout.settledAt),
              expected: money(payout.expectedAmount, payout.currency),
              currency: payout.currency,
              received: payout.receivedAmount === null ? t("notReceived") : money(payout.receivedAmount, payout.currency),
            })}
          </DialogDescription>
        </DialogHeader>
        <div className="max-h-[60vh] overflow-auto">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("col.orderId")}</TableHead>
                <TableHead>{t("col.orderNo")}</TableHead>
                <TableHead>{t("col.type")}</TableHead>
                <TableHead>{t("col.platformType")}</TableHead>
                <TableHead className="text-right">{t("col.amount")}</TableHead>
                <TableHead>{t("col.postedAt")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {(detail.data?.lines ?? []).map((l) => (
                <TableRow key={l.id}>
                  <TableCell className="font-mono text-xs break-all">{l.platformOrderId || "—"}</TableCell>
                  <TableCell className={l.platformOrderId && !l.platformOrderRef ? "text-destructive" : ""}>{l.orderNo ?? "—"}</TableCell>
                  <TableCell>{typeLabel(l.type)}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{l.platformType}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    {money(l.amount, l.currency)} {l.currency !== payout.currency ? l.currency : ""}
                  </TableCell>
                  <TableCell className="text-xs whitespace-nowrap">{fmtTime(l.postedAt) || "—"}</TableCell>
                </TableRow>
              ))}
              {detail.data && detail.data.lines.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={6} className="text-center text-muted-foreground">
                    {t("noLines")}
                  </TableCell>
                </TableRow>
              ) : null}
            </TableBody>
          </Table>
        </div>
        {detail.error ? <p className="text-sm text-destructive">{appErrorOf(detail.error).message}</p> : null}
      </DialogContent>
    </Dialog>
  );
}

"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef, RowSelectionState } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { useKeysetPager } from "@/components/data-table/use-keyset-pager";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { canPlatformOrder, PLATFORM_ORDER_STATES, type PlatformOrderAction, type PlatformOrderState } from "@/lib/channels/platform-order-status";
import { ORDER_STATUSES } from "@/lib/orders/status";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { parseOrderNos } from "@/lib/validators/orders";
import type { AppRouter } from "@/server/api/root";
import { Notes } from "./notes";
import type { Precision } from "@/lib/precision";
import { PlatformOrderDetail } from "./platform-order-detail";
import { blockerText } from "@/lib/channels/describe";
import { useFormatDateTime } from "@/lib/i18n/date-time";
import { useTranslate } from "@/lib/i18n/use-translate";

type Row = inferRouterOutputs<AppRouter>["platformOrders"]["list"]["items"][number];
const PAGE_SIZE = 50;

const FILTER_KEYS = ["platform", "accountId", "orderNo", "orderNos", "systemStatus", "shippingMethod", "country", "recipientName", "recipientPhone", "pulledFrom", "pulledTo", "blockedOnly"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/** Tab actions as in 003: 待处理 converts, 已处理 ships back, every tab freezes or voids what it may. */
const TAB_ACTIONS: Record<PlatformOrderState, PlatformOrderAction[]> = {
  pending: ["convert", "freeze", "void"],
  processed: ["platformShip", "markShipped", "freeze"],
  marked_shipped: [],
  frozen: ["unfreeze", "void"],
  voided: [],
};

/** 平台订单管理: tabs with counts, the filters and columns of 003, one-by-one and bulk actions. */
export function PlatformOrderList({
  canOperate,
  accounts,
  precision,
}: {
  canOperate: boolean;
  accounts: { id: string; alias: string; platform: string }[];
  precision: Precision;
}) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("channels");
  const tOrders = useTranslations("orders");
  const tr = useTranslate();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = (PLATFORM_ORDER_STATES as readonly string[]).includes(params.get("state") ?? "") ? (params.get("state") as PlatformOrderState) : "pending";
  const applied = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ""])) as Record<FilterKey, string>;
  const [draft, setDraft] = useState(applied);
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [detailId, setDetailId] = useState<string | null>(null);

  const setParams = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    router.replace(`${pathname}?${next}`, { scroll: false });
    setSelection({});
  };

  const filter = {
    platform: (applied.platform || undefined) as "shopify" | undefined,
    accountId: applied.accountId || undefined,
    orderNo: applied.orderNo || undefined,
    orderNos: applied.orderNos ? parseOrderNos(applied.orderNos) : undefined,
    systemStatus: applied.systemStatus || undefined,
    shippingMethod: applied.shippingMethod || undefined,
    country: applied.country || undefined,
    recipientName: applied.recipientName || undefined,
    recipientPhone: applied.recipientPhone || undefined,
    pulledFrom: applied.pulledFrom ? new Date(applied.pulledFrom) : undefined,
    pulledTo: applied.pulledTo ? new Date(applied.pulledTo) : undefined,
    blockedOnly: applied.blockedOnly === "1" || undefined,
  };
  const pager = useKeysetPager(JSON.stringify({ state, filter }));
  const list = useQuery({
    ...trpc.platformOrders.list.queryOptions({ filter: { ...filter, state }, cursor: pager.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const counts = useQuery({ ...trpc.platformOrders.counts.queryOptions(filter), refetchInterval: 10_000 });
  const invalidate = async () => {
    setSelection({});
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.platformOrders.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.platformOrders.counts.queryKey() }),
    ]);
  };
  const onError = (e: unknown) => toast.error(appErrorOf(e).message);
  const bulkDone = (action: PlatformOrderAction) => (r: { done: string[]; failed: { orderNo: string; message: string }[] }) => {
    const msg = t("bulkDone", { action: t(`actions.${action}`), done: r.done.length, failed: r.failed.length });
    if (r.failed.length) toast.warning(`${msg}: ${r.failed.map((f) => `${f.orderNo} ${f.message}`).join("; ")}`);
    else toast.success(msg);
    void invalidate();
  };
  const convert = useMutation(
    trpc.platformOrders.convert.mutationOptions({
      onSuccess: (r) => {
        toast.success(t("convertDone", { converted: r.converted, blocked: r.blocked, skipped: r.skipped }));
        if (r.viewOnly.length) toast.warning(t("viewOnly", { nos: r.viewOnly.join(", ") }));
        void invalidate();
      },
      onError,
    }),
  );
  const freeze = useMutation(trpc.platformOrders.freeze.mutationOptions({ onSuccess: bulkDone("freeze"), onError }));
  const unfreeze = useMutation(trpc.platformOrders.unfreeze.mutationOptions({ onSuccess: bulkDone("unfreeze"), onError }));
  const voidIt = useMutation(trpc.platformOrders.void.mutationOptions({ onSuccess: bulkDone("void"), onError }));
  const markShipped = useMutation(trpc.platformOrders.markShipped.mutationOptions({ onSuccess: bulkDone("markShipped"), onError }));
  const platformShip = useMutation(trpc.platformOrders.platformShip.mutationOptions({ onSuccess: bulkDone("platformShip"), onError }));
  const run = (action: PlatformOrderAction, ids: string[]) => {
    if (ids.length === 0) return toast.error(t("filters.any"));
    const m = { convert, freeze, unfreeze, void: voidIt, markShipped, platformShip }[action];
    m.mutate({ ids });
  };
  const selectedIds = Object.keys(selection).filter((k) => selection[k]);

  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: "no",
        header: t("col.platformOrderNo"),
        cell: ({ row }) => (
          <div className="min-w-32">
            <button type="button" className="font-mono text-xs font-medium text-primary hover:underline" data-testid="po-no" onClick={() => setDetailId(row.original.id)}>
              {row.original.platformOrderNo}
            </button>
            <div className="text-xs text-muted-foreground">
              {t(`platforms.${row.original.platform}` as "platforms.all")} · {row.original.accountAlias}
            </div>
          </div>
        ),
      },
      {
        id: "state",
        header: t("col.orderState"),
        cell: ({ row }) => {
          const r = row.original;
          return (
            <div className="min-w-40 text-xs">
              <Badge variant={r.blockers.length ? "warning" : "outline"}>
                ({r.platformStatus}) {t(`tabs.${r.state}`)}
              </Badge>
              {r.blockers.map((b, i) => (
                <div key={i} className="mt-1 text-destructive" data-testid="po-blocker">
                  {blockerText(tr, b)}
                  {b.kind === "unmapped_sku" && canOperate ? (
                    <Link
                      className="ml-1 text-primary underline-offset-2 hover:underline"
                      href={`/channels/sku-mappings?new=1&account=${r.accountId}&platformSku=${encodeURIComponent(b.platformSku ?? "")}`}
                      data-testid="po-map-sku"
                    >
                      {t("mapSku")}
                    </Link>
                  ) : null}
                </div>
              ))}
              {r.shipPushStatus !== "none" ? (
                <div className={r.shipPushStatus === "failed" ? "mt-1 text-destructive" : "mt-1 text-muted-foreground"}>
                  {t(`shipPush.${r.shipPushStatus}`, { error: r.shipPushError ?? "" })}
                </div>
              ) : null}
            </div>
          );
        },
      },
      {
        id: "nos",
        header: t("col.orderNos"),
        cell: ({ row }) =>
          row.original.orderNo ? (
            <div className="text-xs whitespace-nowrap">
              <div>
                {t("systemOrder")}:{" "}
                <Link className="text-primary hover:underline" href={`/orders/${row.original.orderId}`} data-testid="po-order-no">
                  {row.original.orderNo}
                </Link>
                {row.original.orderStatus ? <span className="ml-1 text-muted-foreground">({tOrders.has(`status.${row.original.orderStatus}` as never) ? tOrders(`status.${row.original.orderStatus}` as never) : row.original.orderStatus})</span> : null}
              </div>
              <div>
                {t("tracking")}: <span data-testid="po-tracking">{row.original.trackingNumber ?? ""}</span>
              </div>
              <div>
                {t("reference")}: {row.original.platformOrderNo}
              </div>
            </div>
          ) : null,
      },
      { id: "items", header: t("col.items"), cell: ({ row }) => <span className="font-mono text-xs" data-testid="po-items">{row.original.itemsSummary}</span> },
      {
        id: "recipient",
        header: t("col.recipient"),
        cell: ({ row }) => (
          <div className="text-xs">
            <div>{row.original.recipientName}</div>
            <div className="text-muted-foreground">
              {t("phone")}: {row.original.recipientPhone}
            </div>
          </div>
        ),
      },
      {
        id: "address",
        header: t("col.address"),
        cell: ({ row }) => (
          <div className="max-w-56 text-xs">
            <div>
              {t("country")}:{row.original.country} {t("postcode")}:{row.original.postcode}
            </div>
            <div className="text-muted-foreground">{[row.original.city, row.original.street].filter(Boolean).join(", ")}</div>
          </div>
        ),
      },
      { id: "ship", header: t("col.shippingMethod"), cell: ({ row }) => <span className="text-xs">{row.original.shippingMethod}</span> },
      { id: "remark", header: t("col.remark"), cell: ({ row }) => <span className="text-xs">{row.original.remark}</span> },
      { id: "pulled", header: t("col.pulledAt"), cell: ({ row }) => <span className="text-xs whitespace-nowrap text-muted-foreground">{fmtTime(row.original.pulledAt)}</span> },
      ...(canOperate && TAB_ACTIONS[state].length
        ? [
            {
              id: "rowActions",
              header: "",
              cell: ({ row }) => (
                <div className="flex flex-col gap-1">
                  {TAB_ACTIONS[state]
                    .filter((a) => canPlatformOrder(a, row.original.state))
                    .map((a) => (
                      <Button key={a} size="sm" variant="ghost" className="h-7 justify-start px-2 text-xs" data-testid={`po-${a}`} onClick={() => run(a, [row.original.id])}>
                        {t(`actions.${a}`)}
                      </Button>
                    ))}
                </div>
              ),
            } satisfies ColumnDef<Row, unknown>,
          ]
        : []),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, tOrders, state, canOperate],
  );

  const field = (k: FilterKey) => ({ value: draft[k], onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value })) });
  const platformsInUse = [...new Set(accounts.map((a) => a.platform))];

  return (
    <div className="grid gap-3">
      <form
        className="grid gap-3 rounded-lg border bg-background p-3 sm:grid-cols-2 lg:grid-cols-4"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(draft);
        }}
      >
        <div className="grid gap-1">
          <Label htmlFor="f-platform">{t("filters.platform")}</Label>
          <NativeSelect id="f-platform" {...field("platform")}>
            <option value="">{t("filters.any")}</option>
            {platformsInUse.map((p) => (
              <option key={p} value={p}>
                {t(`platforms.${p}` as "platforms.all")}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="f-shop">{t("filters.shop")}</Label>
          <NativeSelect id="f-shop" {...field("accountId")}>
            <option value="">{t("filters.any")}</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.alias}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="f-no">{t("filters.orderNo")}</Label>
          <Input id="f-no" {...field("orderNo")} />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="f-status">{t("filters.systemStatus")}</Label>
          <NativeSelect id="f-status" {...field("systemStatus")}>
            <option value="">{t("filters.any")}</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {tOrders.has(`status.${s}` as never) ? tOrders(`status.${s}` as never) : s}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="f-ship">{t("filters.shippingMethod")}</Label>
          <Input id="f-ship" {...field("shippingMethod")} />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="f-country">{t("filters.country")}</Label>
          <Input id="f-country" {...field("country")} />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="f-name">{t("filters.recipientName")}</Label>
          <Input id="f-name" {...field("recipientName")} />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="f-phone">{t("filters.recipientPhone")}</Label>
          <Input id="f-phone" {...field("recipientPhone")} />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="f-from">{t("filters.pulledFrom")}</Label>
          <Input id="f-from" type="datetime-local" {...field("pulledFrom")} />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="f-to">{t("filters.pulledTo")}</Label>
          <Input id="f-to" type="datetime-local" {...field("pulledTo")} />
        </div>
        <div className="grid gap-1 sm:col-span-2">
          <Label htmlFor="f-nos">{t("filters.orderNos")}</Label>
          <Textarea id="f-nos" rows={1} placeholder={t("filters.orderNosHint")} {...field("orderNos")} />
        </div>
        <label className="flex items-center gap-2 text-sm">
          <Checkbox checked={draft.blockedOnly === "1"} onCheckedChange={(v) => setDraft((d) => ({ ...d, blockedOnly: v ? "1" : "" }))} />
          {t("filters.blockedOnly")}
        </label>
        <div className="flex items-end gap-2 lg:col-start-4 lg:justify-end">
          <Button type="button" variant="outline" size="sm" onClick={() => {
            const empty = Object.fromEntries(FILTER_KEYS.map((k) => [k, ""])) as Record<FilterKey, string>;
            setDraft(empty);
            setParams(empty);
          }}>
            {t("filters.reset")}
          </Button>
          <Button type="submit" size="sm" data-testid="po-search">
            {t("filters.search")}
          </Button>
        </div>
      </form>

      <div className="flex flex-wrap items-center gap-2">
        <div className="flex flex-wrap gap-1 rounded-lg bg-muted p-1" role="tablist">
          {PLATFORM_ORDER_STATES.map((s) => (
            <button
              key={s}
              role="tab"
              aria-selected={state === s}
              data-testid={`po-tab-${s}`}
              className={state === s ? "rounded-md bg-background px-3 py-1 text-sm font-medium shadow-sm" : "rounded-md px-3 py-1 text-sm text-muted-foreground hover:text-foreground"}
              onClick={() => setParams({ state: s })}
            >
              {t(`tabs.${s}`)}
              <span className="ml-1 text-xs tabular-nums text-muted-foreground" data-testid={`po-count-${s}`}>
                {counts.data ? `${counts.data[s].count}${counts.data[s].capped ? "+" : ""}` : ""}
              </span>
            </button>
          ))}
        </div>
        <div className="flex-1" />
        {canOperate && TAB_ACTIONS[state].length ? (
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-xs text-muted-foreground">{t("selected", { count: selectedIds.length })}</span>
            {TAB_ACTIONS[state].map((a) => (
              <Button key={a} size="sm" variant={a === "convert" || a === "platformShip" ? "default" : "outline"} disabled={selectedIds.length === 0} onClick={() => run(a, selectedIds)} data-testid={`po-bulk-${a}`}>
                {t(`actions.${a}`)}
              </Button>
            ))}
          </div>
        ) : null}
      </div>

      <DataTable
        testId="platform-orders-table"
        columns={columns}
        data={list.data?.items}
        isLoading={list.isLoading}
        total={list.data?.total}
        pager={{
          pageIndex: pager.pageIndex,
          hasPrev: pager.hasPrev,
          hasNext: !!list.data?.nextCursor,
          onPrev: pager.prev,
          onNext: () => pager.next(list.data?.nextCursor),
          onFirst: pager.first,
        }}
        getRowId={(r) => r.id}
        rowSelection={selection}
        onRowSelectionChange={canOperate ? setSelection : undefined}
      />
      {list.error ? <p className="text-sm text-destructive">{appErrorOf(list.error).message}</p> : null}
      <Notes title={t("notes")} items={[t("orderNotes.n1"), t("orderNotes.n2"), t("orderNotes.n3")]} />
      <PlatformOrderDetail id={detailId} precision={precision} onOpenChange={(o) => !o && setDetailId(null)} />
    </div>
  );
}

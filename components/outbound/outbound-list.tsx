"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef, RowSelectionState } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { ClipboardCheck, ListChecks, Truck, X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { FormAlert } from "@/components/forms/field";
import { DocStatusBadge } from "@/components/inventory/doc-status-badge";
import { fmtQty } from "@/components/data-table/format";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { StatusTabs } from "@/components/data-table/status-tabs";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { WarehouseFilter } from "@/components/inventory/warehouse-select";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Progress } from "@/components/ui/progress";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { OUTBOUND_STATUSES } from "@/lib/validators/outbound";
import type { AppRouter } from "@/server/api/root";
import { ExceptionList } from "./exception-list";
import { BulkShipDialog } from "./ship-dialogs";
import { TrackingUploadDialog } from "./tracking-upload-dialog";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Row = inferRouterOutputs<AppRouter>["outbound"]["list"]["items"][number];
const KEYS = ["status", "q", "wh", "exceptions"] as const;

/**
 * 出库订单列表: status tabs with counts, search, warehouse, "problems only"; every audit exception on its
 * row; bulk audit (selected, or all pending with progress), pick list, bulk ship and tracking upload.
 */
export function OutboundList({ scale, canWrite }: { scale: number; canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("outbound");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const f = useUrlFilters(KEYS);
  const status = f.oneOf("status", OUTBOUND_STATUSES);
  const filters = {
    status,
    search: f.values.q || undefined,
    warehouseId: f.values.wh || undefined,
    withExceptions: f.values.exceptions === "1" || undefined,
  };
  const query = useQuery({
    ...trpc.outbound.list.queryOptions({ ...filters, cursor: f.cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  const counts = useQuery(trpc.outbound.counts.queryOptions({ warehouseId: filters.warehouseId }));
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [shipOpen, setShipOpen] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const bulkAudit = useMutation(trpc.outbound.bulkAudit.mutationOptions());
  const createBatch = useMutation(trpc.outbound.createPickBatch.mutationOptions());

  const rows = useMemo(() => query.data?.items ?? [], [query.data]);
  const selected = rows.filter((r) => selection[r.id]);
  const refresh = async () => {
    setSelection({});
    await queryClient.invalidateQueries({ queryKey: trpc.outbound.pathKey() });
  };

  async function auditSelected() {
    setError(null);
    try {
      const res = await bulkAudit.mutateAsync({ ids: selected.map((r) => r.id) });
      toast[res.failed ? "warning" : "success"](t("auditDone", { audited: res.audited, failed: res.failed }));
      await refresh();
    } catch (e) {
      setError(appErrorOf(e).message);
    }
  }

  /** Audit everything still pending, 50 at a time, moving past rows that fail (their problems stay on the row). */
  async function auditRest() {
    setError(null);
    const total = counts.data?.byStatus.pending_audit?.count ?? 0;
    let done = 0;
    let audited = 0;
    let failed = 0;
    let since: string | undefined;
    setProgress({ done, total });
    try {
      for (;;) {
        const res = await bulkAudit.mutateAsync({
          warehouseId: filters.warehouseId,
          notAuditedSince: since,
          limit: 50,
        });
        since ??= res.startedAt;
        if (res.results.length === 0) break;
        done += res.results.length;
        audited += res.audited;
        failed += res.failed;
        setProgress({ done, total: Math.max(total, done) });
      }
      toast[failed ? "warning" : "success"](t("auditDone", { audited, failed }));
    } catch (e) {
      setError(appErrorOf(e).message);
    } finally {
      setProgress(null);
      await refresh();
    }
  }

  async function makeBatch() {
    setError(null);
    try {
      const batch = await createBatch.mutateAsync({ ids: selected.map((r) => r.id) });
      toast.success(t("batchCreated", { no: batch.batchNo }));
      await refresh();
      router.push(`/outbound/pick-batches/${batch.id}`);
    } catch (e) {
      setError(appErrorOf(e).message);
    }
  }

  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: "no",
        header: `${t("outboundNo")} / ${t("orderNo")}`,
        cell: ({ row }) => (
          <div className="grid gap-0.5">
            <Link
              href={`/outbound/${row.original.id}`}
              className="font-mono text-xs text-primary hover:underline"
              onClick={(e) => e.stopPropagation()}
            >
              {row.original.outboundNo}
            </Link>
            <span className="font-mono text-xs text-muted-foreground">{row.original.orderNo}</span>
            {row.original.batchNo ? (
              <span className="font-mono text-[11px] text-muted-foreground">{row.original.batchNo}</span>
            ) : null}
          </div>
        ),
      },
      {
        id: "status",
        header: tc("status"),
        cell: ({ row }) => (
          <DocStatusBadge
            status={row.original.status}
            label={t(`status.${row.original.status}`)}
            testId={`status-${row.original.outboundNo}`}
          />
        ),
      },
      {
        id: "goods",
        header: t("goods"),
        cell: ({ row }) => (
          <div className="grid gap-0.5 font-mono text-xs">
            {row.original.lines.map((l, i) => (
              <span key={i}>
                {l.sku}*{fmtQty(l.quantity, scale)}
              </span>
            ))}
          </div>
        ),
      },
      {
        id: "recipient",
        header: t("recipient"),
        cell: ({ row }) => (
          <div className="grid gap-0.5 text-xs">
            <span>{row.original.recipientName}</span>
            <span className="text-muted-foreground">{row.original.recipientPhone}</span>
          </div>
        ),
      },
      {
        id: "address",
        header: t("address"),
        cell: ({ row }) => (
          <span className="text-xs">
            {[row.original.country, row.original.province, row.original.city].filter(Boolean).join(" ")}{" "}
            {row.original.postcode}
          </span>
        ),
      },
      {
        id: "delivery",
        header: t("deliveryMethod"),
        cell: ({ row }) => <span className="text-xs">{row.original.deliveryMethod}</span>,
      },
      { id: "warehouse", header: t("warehouse"), cell: ({ row }) => row.original.warehouseCode },
      {
        id: "exceptions",
        header: t("exceptions"),
        meta: { className: "min-w-52" },
        cell: ({ row }) =>
          row.original.status === "shipped" ? (
            <span className="text-xs">
              {row.original.carrier} <span className="font-mono">{row.original.trackingNumber}</span>
            </span>
          ) : (
            <ExceptionList exceptions={row.original.auditExceptions} compact />
          ),
      },
      {
        id: "created",
        header: tc("createdAt"),
        cell: ({ row }) => (
          <span className="text-xs whitespace-nowrap text-muted-foreground">
            {fmtTime(row.original.createdAt)}
          </span>
        ),
      },
    ],
    [t, tc, scale, fmtTime],
  );

  const byStatus = counts.data?.byStatus;
  const countLabel = (s: (typeof OUTBOUND_STATUSES)[number]) => {
    const c = byStatus?.[s];
    return c && c.count ? `${c.count.toLocaleString()}${c.capped ? "+" : ""}` : null;
  };
  const canBatch =
    selected.length > 0 &&
    selected.every((r) => r.status === "audited") &&
    new Set(selected.map((r) => r.warehouseId)).size === 1;
  const canShip =
    selected.length > 0 &&
    selected.every((r) => r.status === "audited" || r.status === "picking" || r.status === "packed");

  return (
    <>
      <StatusTabs
        value={status}
        statuses={OUTBOUND_STATUSES}
        label={(s) => t(`status.${s}`)}
        allLabel={t("all")}
        onChange={(s) => f.set({ status: s })}
        badge={(s) =>
          countLabel(s) ? (
            <Badge variant={s === "pending_audit" ? "warning" : "secondary"}>{countLabel(s)}</Badge>
          ) : null
        }
      />
      <ListToolbar
        search={f.values.q}
        onSearch={(q) => f.set({ q })}
        searchPlaceholder={t("searchPlaceholder")}
        searchTestId="outbound-search"
        searchClassName="max-w-sm"
        filters={
          <>
            <WarehouseFilter value={f.values.wh} onChange={(wh) => f.set({ wh })} />
            <label className="flex items-center gap-2 text-sm">
              <Checkbox
                checked={f.values.exceptions === "1"}
                onCheckedChange={(v) => f.set({ exceptions: v ? "1" : undefined })}
              />
              {t("exceptionsOnly")}
              {counts.data?.pendingWithExceptions ? (
                <Badge variant="destructive">{counts.data.pendingWithExceptions}</Badge>
              ) : null}
            </label>
          </>
        }
        dirty={f.dirty}
        onReset={f.reset}
        actions={
          canWrite ? (
            <>
              <Button
                variant="outline"
                size="sm"
                onClick={() => void auditRest()}
                disabled={!!progress || !byStatus?.pending_audit?.count}
                data-testid="audit-rest"
              >
                <ClipboardCheck />
                {t("auditRest")}
              </Button>
              <TrackingUploadDialog />
            </>
          ) : null
        }
      />

      {progress ? (
        <div className="mb-3 grid gap-1" role="status" aria-live="polite">
          <span className="text-sm text-muted-foreground">
            {t("auditing", { done: progress.done, total: progress.total })}
          </span>
          <Progress value={progress.total ? (progress.done / progress.total) * 100 : 0} />
        </div>
      ) : null}
      <FormAlert message={error} />

      {canWrite && selected.length ? (
        <div
          className="mb-2 flex flex-wrap items-center gap-2 rounded-md border bg-muted/40 px-3 py-2 text-sm"
          data-testid="bulk-bar"
        >
          <span>{t("selected", { count: selected.length })}</span>
          <Button
            size="sm"
            variant="outline"
            onClick={() => void auditSelected()}
            disabled={bulkAudit.isPending}
            data-testid="audit-selected"
          >
            <ClipboardCheck />
            {t("auditSelected")}
          </Button>
          <Button
            size="sm"
            variant="outline"
            onClick={() => void makeBatch()}
            disabled={!canBatch || createBatch.isPending}
            title={canBatch ? undefined : t("selectSameWarehouse")}
          >
            <ListChecks />
            {t("createBatch")}
          </Button>
          <Button
            size="sm"
            variant="outline"
            onClick={() => setShipOpen(true)}
            disabled={!canShip}
            title={canShip ? undefined : t("notAudited")}
          >
            <Truck />
            {t("bulkShip")}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setSelection({})}>
            <X />
          </Button>
        </div>
      ) : null}

      <DataTable
        testId="outbound-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        rowSelection={selection}
        onRowSelectionChange={canWrite ? setSelection : undefined}
        onRowClick={(r) => router.push(`/outbound/${r.id}`)}
        error={query.error}
      />
      <BulkShipDialog
        targets={selected.map((r) => ({ id: r.id, outboundNo: r.outboundNo }))}
        open={shipOpen}
        onOpenChange={setShipOpen}
        onDone={() => setSelection({})}
      />
    </>
  );
}

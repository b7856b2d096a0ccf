"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { AlertTriangle, CheckCircle2, ClipboardCheck, Link2, Send, Unlink } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { useKeysetPager } from "@/components/data-table/use-keyset-pager";
import { FormAlert } from "@/components/forms/field";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";
import { formatDecimal } from "@/lib/decimal";
import { canDoPlan, REPORTABLE_STATUSES } from "@/lib/production/status";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import type { Precision } from "@/lib/precision";
import { LinkOrdersDialog } from "./link-orders-dialog";
import { PercentBar } from "./percent-bar";
import { PlanStatusBadge, UpstreamStatusBadge } from "./plan-status-badge";
import { StageProgressChart } from "./stage-progress-chart";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Plan = inferRouterOutputs<AppRouter>["production"]["plans"]["byId"];

/** 生产计划单 detail: status actions, stage progress chart, operations, linked orders, reports, timeline. */
export function PlanDetail({ planId, precision, canWrite }: { planId: string; precision: Precision; canWrite: boolean }) {
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.production.plans.byId.queryOptions({ id: planId }));
  const [cancelOpen, setCancelOpen] = useState(false);
  const [linkOpen, setLinkOpen] = useState(false);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.production.pathKey() });

  const transition = useMutation(
    trpc.production.plans.transition.mutationOptions({
      onSuccess: (_d, v) => {
        toast.success(v.action === "release" ? t("production.released") : t("production.cancelled"));
        setCancelOpen(false);
        void invalidate();
      },
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  const reportUpstream = useMutation(
    trpc.production.plans.reportUpstream.mutationOptions({
      onSuccess: () => (toast.success(t("production.upstreamQueued")), void invalidate()),
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  const unlink = useMutation(
    trpc.production.plans.unlink.mutationOptions({
      onSuccess: () => (toast.success(t("production.unlinked")), void invalidate()),
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );

  const plan = query.data;
  if (query.error) return <FormAlert message={appErrorOf(query.error).message} />;
  if (!plan) return <Skeleton className="h-96 w-full" />;
  const qty = (v: string) => formatDecimal(v, precision.quantityDecimals);
  const reportable = REPORTABLE_STATUSES.includes(plan.status);

  return (
    <div className="grid gap-4" data-testid="plan-detail">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold" data-testid="plan-no">
          {plan.planNo}
        </h1>
        <PlanStatusBadge status={plan.status} />
        <div className="flex-1" />
        {canWrite && canDoPlan("release", plan.status) ? (
          <Button size="sm" disabled={transition.isPending} onClick={() => transition.mutate({ id: plan.id, action: "release" })} data-testid="plan-release">
            {t("production.action.release")}
          </Button>
        ) : null}
        {canWrite && reportable ? (
          <Button asChild size="sm" variant="secondary">
            <Link href={`/production/report?plan=${plan.id}`} data-testid="plan-report-work">
              <ClipboardCheck />
              {t("production.action.reportWork")}
            </Link>
          </Button>
        ) : null}
        {canWrite && plan.progress.programmes.length > 0 ? (
          <Button size="sm" variant="outline" disabled={reportUpstream.isPending} onClick={() => reportUpstream.mutate({ id: plan.id })} data-testid="plan-report-upstream">
            <Send />
            {t("production.action.reportUpstream")}
          </Button>
        ) : null}
        {canWrite && canDoPlan("cancel", plan.status) ? (
          <Button size="sm" variant="outline" className="text-destructive" onClick={() => setCancelOpen(true)} data-testid="plan-cancel">
            {t("production.action.cancel")}
          </Button>
        ) : null}
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <Card>
          <CardHeader>
            <CardTitle>{t("production.summary")}</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-muted-foreground">{t("production.product")}</dt>
              <dd>
                <span className="font-mono">{plan.sku}</span> {plan.productName}
              </dd>
              <dt className="text-muted-foreground">{t("fields.quantity")}</dt>
              <dd className="tabular-nums">{qty(plan.quantity)}</dd>
              <dt className="text-muted-foreground">{t("fields.route")}</dt>
              <dd>
                <Link className="text-primary hover:underline" href={`/production/routes/${plan.routeId}`}>
                  {plan.routeCode} · {plan.routeName}
                </Link>
              </dd>
              <dt className="text-muted-foreground">{t("production.plannedWindow")}</dt>
              <dd className="tabular-nums">
                {plan.plannedStart ?? "—"} ~ {plan.plannedEnd ?? "—"}
              </dd>
              <dt className="text-muted-foreground">{t("fields.workCentre")}</dt>
              <dd>{plan.workCentre || "—"}</dd>
              {plan.remark ? (
                <>
                  <dt className="text-muted-foreground">{t("fields.remark")}</dt>
                  <dd className="whitespace-pre-wrap">{plan.remark}</dd>
                </>
              ) : null}
              <dt className="text-muted-foreground">{t("production.overall")}</dt>
              <dd>
                <PercentBar value={plan.progress.percent} />
              </dd>
            </dl>
          </CardContent>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>{t("production.stageProgress")}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            {plan.progress.programmes.length === 0 ? (
              <p className="text-sm text-muted-foreground">
                {t("production.noMapping")}{" "}
                <Link className="text-primary hover:underline" href={`/production/mapping/${plan.routeId}`}>
                  {t("production.goMapping")}
                </Link>
              </p>
            ) : null}
            {plan.progress.programmes.map((p) => (
              <div key={p.programmeId} className="grid gap-2" data-testid="plan-programme">
                <MappingBanner programme={p} routeId={plan.routeId} />
                <StageProgressChart stages={p.stages} />
              </div>
            ))}
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>{t("production.operationProgress")}</CardTitle>
        </CardHeader>
        <CardContent>
          <Table data-testid="plan-operations">
            <TableHeader>
              <TableRow>
                <TableHead className="w-10">#</TableHead>
                <TableHead>{t("fields.operation")}</TableHead>
                <TableHead className="text-right">{t("production.good")}</TableHead>
                <TableHead className="text-right">{t("production.defective")}</TableHead>
                <TableHead className="text-right">{t("production.processed")}</TableHead>
                <TableHead className="text-right">{t("production.remaining")}</TableHead>
                <TableHead className="w-56">{t("production.progress")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {plan.progress.operations.map((o) => (
                <TableRow key={o.operationId} data-operation={o.code}>
                  <TableCell className="tabular-nums text-muted-foreground">{o.seq}</TableCell>
                  <TableCell>
                    <span className="font-mono text-xs">{o.code}</span> {o.name}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{qty(o.good)}</TableCell>
                  <TableCell className="text-right tabular-nums">{qty(o.defective)}</TableCell>
                  <TableCell className="text-right tabular-nums">{t("production.processedOf", { processed: qty(o.processed), planned: qty(plan.quantity) })}</TableCell>
                  <TableCell className="text-right tabular-nums">{qty(o.remaining)}</TableCell>
                  <TableCell>
                    <PercentBar value={o.percent} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>

      <Card>
        <CardHeader className="flex flex-row items-center justify-between">
          <CardTitle>{t("production.linkedOrders")}</CardTitle>
          {canWrite && plan.status !== "cancelled" ? (
            <Button size="sm" variant="outline" onClick={() => setLinkOpen(true)} data-testid="plan-link-orders">
              <Link2 />
              {t("production.action.linkOrders")}
            </Button>
          ) : null}
        </CardHeader>
        <CardContent>
          {plan.links.length === 0 ? (
            <p className="text-sm text-muted-foreground">{t("production.noLinkedOrders")}</p>
          ) : (
            <Table data-testid="plan-links">
              <TableHeader>
                <TableRow>
                  <TableHead>{t("fields.orderNo")}</TableHead>
                  <TableHead>{t("common.status")}</TableHead>
                  <TableHead>{t("production.orderLine")}</TableHead>
                  <TableHead className="text-right">{t("fields.quantity")}</TableHead>
                  <TableHead className="w-24" />
                </TableRow>
              </TableHeader>
              <TableBody>
                {plan.links.map((l) => (
                  <TableRow key={l.orderLineId}>
                    <TableCell>
                      <Link className="font-mono text-xs text-primary hover:underline" href={`/orders/${l.orderId}`}>
                        {l.orderNo}
                      </Link>
                    </TableCell>
                    <TableCell>
                      <OrderStatusText status={l.orderStatus} />
                    </TableCell>
                    <TableCell className="text-xs">
                      #{l.lineNo} <span className="font-mono">{l.sku}</span>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{qty(l.quantity)}</TableCell>
                    <TableCell className="text-right">
                      {canWrite ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          disabled={unlink.isPending}
                          onClick={() => {
                            if (window.confirm(t("production.unlinkConfirm", { orderNo: l.orderNo }))) unlink.mutate({ planId: plan.id, orderLineIds: [l.orderLineId] });
                          }}
                        >
                          <Unlink />
                          {t("production.action.unlink")}
                        </Button>
                      ) : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>

      <div className="grid gap-4 lg:grid-cols-2">
        <PlanWorkReports planId={plan.id} precision={precision} />
        <PlanUpstreamReports planId={plan.id} />
      </div>
      <Timeline events={plan.events} />

      <CancelDialog
        open={cancelOpen}
        onOpenChange={setCancelOpen}
        planNo={plan.planNo}
        pending={transition.isPending}
        error={transition.error ? appErrorOf(transition.error).message : null}
        onConfirm={(reason) => transition.mutate({ id: plan.id, action: "cancel", reason })}
      />
      {canWrite ? <LinkOrdersDialog open={linkOpen} onOpenChange={setLinkOpen} plan={plan} precision={precision} onLinked={() => void invalidate()} /> : null}
    </div>
  );
}

function MappingBanner({ programme, routeId }: { programme: Plan["progress"]["programmes"][number]; routeId: string }) {
  const t = useTranslations("production");
  const m = programme.mapping;
  if (m.complete) {
    return (
      <p className="flex items-center gap-2 text-sm text-emerald-700" data-testid="mapping-banner" data-state="complete">
        <CheckCircle2 className="size-4" />
        {t("mappingCompleteBanner", { programme: programme.name })}
      </p>
    );
  }
  const text =
    m.unmappedStages.length > 0
      ? t("mappingIncompleteBanner", { programme: programme.name, stages: m.unmappedStages.map((s) => s.name).join("、") })
      : t("mappingNotConfirmedBanner", { programme: programme.name });
  return (
    <p className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="mapping-banner" data-state="incomplete">
      <AlertTriangle className="size-4" />
      {text}
      <Link className="font-medium underline" href={`/production/mapping/${routeId}?programme=${programme.programmeId}`}>
        {t("goMapping")}
      </Link>
    </p>
  );
}

function OrderStatusText({ status }: { status: string }) {
  const t = useTranslations("orders");
  const key = `status.${status}`;
  return <span className="text-xs">{t.has(key as never) ? t(key as never) : status}</span>;
}

function CancelDialog({
  open,
  onOpenChange,
  planNo,
  pending,
  error,
  onConfirm,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  planNo: string;
  pending: boolean;
  error: string | null;
  onConfirm: (reason: string) => void;
}) {
  const t = useTranslations();
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  return (
    <Dialog open={open} onOpenChange={(o) => !pending && (onOpenChange(o), setReason(""), setMissing(false))}>
      <DialogContent className="sm:max-w-md" data-testid="plan-cancel-dialog">
        <DialogHeader>
          <DialogTitle>{t("production.cancelTitle", { planNo })}</DialogTitle>
          <DialogDescription>{t("production.cancelHelp")}</DialogDescription>
        </DialogHeader>
        <FormAlert message={error} />
        <div className="grid gap-1.5">
          <Label htmlFor="cancel-reason">
            {t("fields.reason")}
            <span className="text-destructive">*</span>
          </Label>
          <Textarea id="cancel-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={missing} />
          {missing ? (
            <p role="alert" className="text-xs text-destructive">
              {t("errors.reasonRequired")}
            </p>
          ) : null}
        </div>
        <DialogFooter>
          <Button variant="outline" disabled={pending} onClick={() => onOpenChange(false)}>
            {t("common.cancel")}
          </Button>
          <Button
            variant="destructive"
            disabled={pending}
            onClick={() => {
              if (!reason.trim()) return setMissing(true);
              onConfirm(reason.trim());
            }}
            data-testid="plan-cancel-confirm"
          >
            {t("production.action.cancel")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

type WorkReportRow = inferRouterOutputs<AppRouter>["production"]["workReports"]["list"]["items"][number];

export function PlanWorkReports({ planId, precision }: { planId: string; precision: Precision }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const trpc = useTRPC();
  const pager = useKeysetPager(planId);
  const query = useQuery({ ...trpc.production.workReports.list.queryOptions({ planId, cursor: pager.cursor, limit: 20 }), placeholderData: keepPreviousData });
  const qty = (v: string) => formatDecimal(v, precision.quantityDecimals);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("production.workReports")}</CardTitle>
      </CardHeader>
      <CardContent>
        <DataTable<WorkReportRow>
          testId="plan-work-reports"
          columns={[
            { id: "op", header: t("fields.operation"), cell: ({ row }) => <span className="text-xs"><span className="font-mono">{row.original.operationCode}</span> {row.original.operationName}</span> },
            { id: "good", header: t("production.good"), meta: { className: "text-right" }, cell: ({ row }) => <span className="tabular-nums">{qty(row.original.goodQty)}</span> },
            { id: "bad", header: t("production.defective"), meta: { className: "text-right" }, cell: ({ row }) => <span className="tabular-nums">{qty(row.original.defectiveQty)}</span> },
            { accessorKey: "operator", header: t("fields.operator") },
            {
              id: "at",
              header: t("fields.reportedAt"),
              cell: ({ row }) => (
                <span className="text-xs whitespace-nowrap text-muted-foreground" title={row.original.overrideReason ?? undefined}>
                  {fmtTime(row.original.reportedAt)}
                  {row.original.overrideReason ? " ⚠" : ""}
                </span>
              ),
            },
          ]}
          data={query.data?.items}
          isLoading={query.isLoading}
          total={query.data?.total}
          pager={{ pageIndex: pager.pageIndex, hasPrev: pager.hasPrev, hasNext: !!query.data?.nextCursor, onPrev: pager.prev, onNext: () => pager.next(query.data?.nextCursor), onFirst: pager.first }}
          getRowId={(r) => r.id}
        />
      </CardContent>
    </Card>
  );
}

type UpstreamRow = inferRouterOutputs<AppRouter>["production"]["upstreamReports"]["list"]["items"][number];

function PlanUpstreamReports({ planId }: { planId: string }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const trpc = useTRPC();
  const pager = useKeysetPager(planId);
  const query = useQuery({
    ...trpc.production.upstreamReports.list.queryOptions({ planId, cursor: pager.cursor, limit: 20 }),
    placeholderData: keepPreviousData,
    // Deliveries happen in the background: keep the results fresh while the page is open.
    refetchInterval: 10_000,
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("production.upstreamReports")}</CardTitle>
      </CardHeader>
      <CardContent>
        <DataTable<UpstreamRow>
          testId="plan-upstream-reports"
          columns={[
            { id: "v", header: t("production.upstreamVersion"), cell: ({ row }) => <span className="tabular-nums">v{row.original.version}</span> },
            { id: "status", header: t("common.status"), cell: ({ row }) => <UpstreamStatusBadge status={row.original.status} /> },
            {
              id: "result",
              header: t("production.upstreamResult"),
              cell: ({ row }) => (
                <span className="text-xs">
                  {row.original.httpStatus ? `HTTP ${row.original.httpStatus} ` : ""}
                  {row.original.lastError
                    ? t.has(`production.upstreamError.${row.original.lastError}` as never)
                      ? t(`production.upstreamError.${row.original.lastError}` as never)
                      : row.original.lastError
                    : typeof row.original.response?.receiptId === "string"
                      ? row.original.response.receiptId
                      : ""}
                  {row.original.attempts > 1 ? ` ×${row.original.attempts}` : ""}
                </span>
              ),
            },
            {
              id: "at",
              header: t("common.updatedAt"),
              cell: ({ row }) => <span className="text-xs whitespace-nowrap text-muted-foreground">{fmtTime(row.original.updatedAt)}</span>,
            },
          ]}
          data={query.data?.items}
          isLoading={query.isLoading}
          total={query.data?.total}
          pager={{ pageIndex: pager.pageIndex, hasPrev: pager.hasPrev, hasNext: !!query.data?.nextCursor, onPrev: pager.prev, onNext: () => pager.next(query.data?.nextCursor), onFirst: pager.first }}
          getRowId={(r) => r.id}
        />
      </CardContent>
    </Card>
  );
}

function Timeline({ events }: { events: Plan["events"] }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("production");
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("timeline")}</CardTitle>
      </CardHeader>
      <CardContent>
        <ol className="grid gap-2 text-sm" data-testid="plan-timeline">
          {events.map((e) => {
            const key = `event.${e.type}`;
            const details = e.details as { orderNos?: string[]; operation?: string } | null;
            return (
              <li key={e.id} className="flex flex-wrap items-baseline gap-2">
                <span className="w-40 shrink-0 text-xs tabular-nums text-muted-foreground">{fmtTime(e.createdAt)}</span>
                <span className="font-medium">{t.has(key as never) ? t(key as never) : e.type}</span>
                {details?.orderNos ? <span className="font-mono text-xs">{details.orderNos.join(", ")}</span> : null}
                {details?.operation ? <span className="font-mono text-xs">{details.operation}</span> : null}
                {e.reason ? <span className="text-muted-foreground">— {e.reason}</span> : null}
                <span className="text-xs text-muted-foreground">{e.actorLabel.startsWith("user:") ? "" : e.actorLabel}</span>
              </li>
            );
          })}
        </ol>
      </CardContent>
    </Card>
  );
}

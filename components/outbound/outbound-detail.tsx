"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Ban, ClipboardCheck, PackageCheck, Truck } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { FormAlert } from "@/components/forms/field";
import { DocStatusBadge } from "@/components/inventory/doc-status-badge";
import { DocTimeline, type TimelineEvent } from "@/components/inventory/doc-timeline";
import { MovementTable } from "@/components/inventory/movement-table";
import { fmtQty } from "@/components/data-table/format";
import { decimalInputProps } from "@/components/forms/decimal";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { AuditException } from "@/db/schema/warehouse";
import { appErrorOf, rowFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { canOutbound } from "@/lib/validators/outbound";
import type { AppRouter } from "@/server/api/root";
import { ExceptionList } from "./exception-list";
import { ShipDialog } from "./ship-dialogs";
import { DetailItem } from "@/components/layout/detail-item";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Detail = inferRouterOutputs<AppRouter>["outbound"]["byId"];
type Status = Detail["outbound"]["status"];

/** 出库单详情: the order's address, lines with bins, audit problems, actions by status, timeline, movements. */
export function OutboundDetail({ id, scale, canWrite, freightCurrency = null }: { id: string; scale: number; canWrite: boolean; freightCurrency?: string | null }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("outbound");
  const ti = useTranslations("inventory");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useQuery(trpc.outbound.byId.queryOptions({ id }));
  const [shipping, setShipping] = useState(false);
  const [packing, setPacking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const audit = useMutation(trpc.outbound.audit.mutationOptions());
  const cancel = useMutation(trpc.outbound.cancel.mutationOptions());
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.outbound.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
  };

  if (!data) return <Skeleton className="h-48 w-full" />;
  const o = data.outbound;
  const order = data.order;
  const can = (a: Parameters<typeof canOutbound>[0]) => canWrite && canOutbound(a, o.status);
  const openSiblings = data.siblings.filter((s) => s.status !== "shipped" && s.status !== "cancelled");
  const statusLabel = (s: string) => t(`status.${s as Status}`);

  return (
    <div className="grid gap-4">
      <Card className="py-4">
        <CardContent className="grid gap-3">
          <div className="flex flex-wrap items-center gap-2">
            <DocStatusBadge status={o.status} label={statusLabel(o.status)} testId="outbound-status" />
            <span className="text-sm text-muted-foreground">
              {t("order")}:{" "}
              <Link href={`/orders/${order.id}`} className="font-mono text-primary hover:underline">
                {order.orderNo}
              </Link>
            </span>
            {o.batchNo && o.pickBatchId ? (
              <Link
                href={`/outbound/pick-batches/${o.pickBatchId}`}
                className="font-mono text-sm text-primary hover:underline"
              >
                {o.batchNo}
              </Link>
            ) : null}
            <div className="flex-1" />
            {can("audit") ? (
              <Button
                size="sm"
                disabled={audit.isPending}
                data-testid="outbound-audit"
                onClick={async () => {
                  setError(null);
                  try {
                    const res = await audit.mutateAsync({ id });
                    if (res.passed) toast.success(t("auditPassed"));
                    else toast.warning(t("auditFailed", { count: res.exceptions.length }));
                    await refresh();
                  } catch (e) {
                    setError(appErrorOf(e).message);
                  }
                }}
              >
                <ClipboardCheck />
                {t("audit")}
              </Button>
            ) : null}
            {can("pack") ? (
              <Button
                size="sm"
                variant="outline"
                onClick={() => setPacking(true)}
                data-testid="outbound-pack"
              >
                <PackageCheck />
                {t("pack")}
              </Button>
            ) : null}
            {can("ship") ? (
              <Button size="sm" onClick={() => setShipping(true)} data-testid="outbound-ship">
                <Truck />
                {t("ship")}
              </Button>
            ) : null}
            {can("cancel") ? (
              <ConfirmDialog
                trigger={
                  <Button size="sm" variant="outline">
                    <Ban />
                    {t("cancel")}
                  </Button>
                }
                title={t("cancelTitle", { no: o.outboundNo })}
                description={
                  <>
                    {t("cancelHelp")}{" "}
                    {openSiblings.length === 0 ? <b>{t("cancelLast", { orderNo: order.orderNo })}</b> : null}
                  </>
                }
                reason={{ label: t("cancelReason"), required: true }}
                onConfirm={async (reason) => {
                  await cancel.mutateAsync({ id, reason });
                  toast.success(t("cancelled"));
                  await refresh();
                }}
              />
            ) : null}
          </div>
          <FormAlert message={error} />
          {o.status === "pending_audit" && o.auditExceptions.length ? (
            <div className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2">
              <div className="mb-1 text-xs text-muted-foreground">
                {t("lastAudit", { time: fmtTime(o.lastAuditAt) })}
              </div>
              <ExceptionList exceptions={o.auditExceptions} />
            </div>
          ) : null}
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
            <DetailItem label={t("recipient")} value={`${order.recipientName} ${order.recipientPhone}`} />
            <DetailItem
              label={t("address")}
              value={[order.country, order.province, order.city, order.district, order.street, order.postcode]
                .filter(Boolean)
                .join(" ")}
              wide
            />
            <DetailItem label={t("deliveryMethod")} value={order.deliveryMethod} />
            <DetailItem label={t("warehouse")} value={`${o.warehouseCode} · ${o.warehouseName}`} />
            <DetailItem label={t("carrier")} value={o.carrier ?? ""} />
            <DetailItem
              label={t("trackingNumber")}
              value={o.trackingNumber ?? ""}
              testId="outbound-tracking"
            />
            <DetailItem label={t("shippedAt")} value={fmtTime(o.shippedAt)} />
            {order.remark ? <DetailItem label={ti("reason")} value={order.remark} /> : null}
            {o.statusReason ? <DetailItem label={t("cancelReason")} value={o.statusReason} /> : null}
          </dl>
        </CardContent>
      </Card>

      <Card className="py-4">
        <CardHeader className="px-4">
          <CardTitle className="text-sm">{t("lines")}</CardTitle>
        </CardHeader>
        <CardContent className="px-0">
          <Table data-testid="outbound-lines">
            <TableHeader>
              <TableRow>
                <TableHead className="w-10">#</TableHead>
                <TableHead>{ti("sku")}</TableHead>
                <TableHead>{ti("product")}</TableHead>
                <TableHead>{t("bin")}</TableHead>
                <TableHead className="text-right">{t("qty")}</TableHead>
                <TableHead className="text-right">{t("packedQty")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.lines.map((l) => (
                <TableRow key={l.id}>
                  <TableCell className="text-muted-foreground tabular-nums">{l.lineNo}</TableCell>
                  <TableCell className="font-mono text-xs">{l.sku}</TableCell>
                  <TableCell>{l.productName}</TableCell>
                  <TableCell className="font-mono text-xs">{l.location ?? "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{fmtQty(l.quantity, scale)}</TableCell>
                  <TableCell className="text-right tabular-nums">{fmtQty(l.packedQty, scale)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>

      {data.siblings.length ? (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-muted-foreground">{t("siblings")}:</span>
          {data.siblings.map((s) => (
            <Link
              key={s.id}
              href={`/outbound/${s.id}`}
              className="inline-flex items-center gap-1 font-mono text-primary hover:underline"
            >
              {s.outboundNo} <DocStatusBadge status={s.status} label={statusLabel(s.status)} />
            </Link>
          ))}
        </div>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card className="py-4">
          <CardHeader className="px-4">
            <CardTitle className="text-sm">{t("timeline")}</CardTitle>
          </CardHeader>
          <CardContent className="px-4">
            <DocTimeline
              events={data.events as TimelineEvent[]}
              statusLabel={statusLabel}
              describe={(e) => <EventDetails event={e} />}
            />
          </CardContent>
        </Card>
        <Card className="py-4">
          <CardHeader className="px-4">
            <CardTitle className="text-sm">{t("movements")}</CardTitle>
          </CardHeader>
          <CardContent className="px-4">
            <MovementTable rows={data.movements} scale={scale} testId="outbound-movements" />
          </CardContent>
        </Card>
      </div>

      <ShipDialog target={shipping ? { id, outboundNo: o.outboundNo, platformLogistics: data.platformLogistics } : null} onOpenChange={setShipping} freightCurrency={freightCurrency} />
      <PackDialog
        open={packing}
        onOpenChange={setPacking}
        outbound={o}
        lines={data.lines}
        scale={scale}
        onDone={refresh}
      />
    </div>
  );
}

function EventDetails({ event }: { event: TimelineEvent }) {
  const t = useTranslations("outbound");
  const d = event.details ?? {};
  if (Array.isArray(d.exceptions))
    return <ExceptionList exceptions={d.exceptions as AuditException[]} compact />;
  if (typeof d.trackingNumber === "string")
    return (
      <span>{`${t("carrier")}: ${String(d.carrier ?? "")} · ${t("trackingNumber")}: ${d.trackingNumber}`}</span>
    );
  if (typeof d.batchNo === "string") return <span className="font-mono">{d.batchNo}</span>;
  return null;
}

function PackDialog({
  open,
  onOpenChange,
  outbound,
  lines,
  scale,
  onDone,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  outbound: { id: string; outboundNo: string };
  lines: Detail["lines"];
  scale: number;
  onDone: () => Promise<void>;
}) {
  const t = useTranslations("outbound");
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-2xl" data-testid="pack-dialog">
        <DialogHeader>
          <DialogTitle>{t("packTitle", { no: outbound.outboundNo })}</DialogTitle>
          <DialogDescription>{t("packHelp")}</DialogDescription>
        </DialogHeader>
        {open ? (
          <PackBody
            outbound={outbound}
            lines={lines}
            scale={scale}
            onClose={() => onOpenChange(false)}
            onDone={onDone}
          />
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

function PackBody({
  outbound,
  lines,
  scale,
  onClose,
  onDone,
}: {
  outbound: { id: string };
  lines: Detail["lines"];
  scale: number;
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const t = useTranslations("outbound");
  const tc = useTranslations("common");
  const ti = useTranslations("inventory");
  const trpc = useTRPC();
  const pack = useMutation(trpc.outbound.pack.mutationOptions());
  const [qty, setQty] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  async function submit() {
    setFormError(null);
    setErrors({});
    try {
      await pack.mutateAsync({
        id: outbound.id,
        lines: lines.map((l) => ({ lineId: l.id, packedQty: qty[l.id] ?? "" })),
      });
      toast.success(t("packed"));
      await onDone();
      onClose();
    } catch (e) {
      const r = rowFieldErrors(e, "lines", lines, (l) => l.id);
      setErrors(r.errors);
      setFormError(r.message);
    }
  }
  return (
    <>
      <FormAlert message={formError} />
      <div className="rounded-md border">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{ti("sku")}</TableHead>
              <TableHead>{t("bin")}</TableHead>
              <TableHead className="text-right">{t("qty")}</TableHead>
              <TableHead className="w-36 text-right">{t("packedQty")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {lines.map((l) => (
              <TableRow key={l.id}>
                <TableCell className="font-mono text-xs">{l.sku}</TableCell>
                <TableCell className="font-mono text-xs">{l.location ?? "—"}</TableCell>
                <TableCell className="text-right tabular-nums">{fmtQty(l.quantity, scale)}</TableCell>
                <TableCell>
                  <Input
                    className="h-8 text-right tabular-nums"
                    {...decimalInputProps(scale)}
                    value={qty[l.id] ?? ""}
                    onChange={(e) => setQty((m) => ({ ...m, [l.id]: e.target.value }))}
                    aria-label={`${t("packedQty")} ${l.sku}`}
                    aria-invalid={!!errors[l.id]}
                    data-testid={`pack-${l.sku}`}
                  />
                  {errors[l.id] ? (
                    <p role="alert" className="mt-1 text-xs text-destructive">
                      {errors[l.id]}
                    </p>
                  ) : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <DialogFooter>
        <Button variant="outline" onClick={onClose} disabled={pack.isPending}>
          {tc("cancel")}
        </Button>
        <Button onClick={() => void submit()} disabled={pack.isPending} data-testid="pack-confirm">
          {pack.isPending ? tc("saving") : t("pack")}
        </Button>
      </DialogFooter>
    </>
  );
}

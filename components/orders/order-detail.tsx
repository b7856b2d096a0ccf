"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { ArrowLeft, Download, Pencil, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { PageHeader } from "@/components/layout/page-header";
import { Button } from "@/components/ui/button";
import { OrderPaymentsCard } from "@/components/finance/order-payments-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { dec, formatDecimal } from "@/lib/decimal";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { AttachmentUploader, formatBytes } from "./attachment-uploader";
import { OrderStatusBadge, SpecialPriceBadge } from "./order-status-badge";
import { useOrderErrorMessage } from "./order-error";
import { OrderTimeline } from "./order-timeline";
import { OrderReturns } from "@/components/returns/order-returns";
import { OrderProductionProgress } from "@/components/production/order-production-progress";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Detail = inferRouterOutputs<AppRouter>["orders"]["byId"];
type PersonAction = "approve" | "copy" | "close" | "freeze" | "unfreeze" | "void";

const REASON: Partial<Record<PersonAction, "optional" | "required">> = { close: "optional", freeze: "required", void: "required" };

/** 订单详情: everything on the order, its timeline, and the actions its status allows. */
export function OrderDetailView({
  orderId,
  canWrite,
  canApprove,
  canReadFinance = false,
  canWriteFinance = false,
}: {
  orderId: string;
  canWrite: boolean;
  canApprove: boolean;
  canReadFinance?: boolean;
  canWriteFinance?: boolean;
}) {
  const trpc = useTRPC();
  const query = useQuery(trpc.orders.byId.queryOptions({ id: orderId }));
  if (query.error) {
    return (
      <p role="alert" className="text-destructive">
        {appErrorOf(query.error).message}
      </p>
    );
  }
  if (!query.data) return <Skeleton className="h-96 w-full" />;
  return <Detail order={query.data} canWrite={canWrite} canApprove={canApprove} canReadFinance={canReadFinance} canWriteFinance={canWriteFinance} onChanged={() => query.refetch()} />;
}

function Detail({
  order,
  canWrite,
  canApprove,
  canReadFinance,
  canWriteFinance,
  onChanged,
}: {
  order: Detail;
  canWrite: boolean;
  canApprove: boolean;
  canReadFinance: boolean;
  canWriteFinance: boolean;
  onChanged: () => void;
}) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const errorMessage = useOrderErrorMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [action, setAction] = useState<PersonAction | null>(null);
  const p = order.precision;

  const afterChange = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.orders.byId.queryKey({ id: order.id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.orders.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.orders.statusCounts.queryKey() }),
    ]);
  };
  const done = (a: PersonAction) => async () => {
    setAction(null);
    toast.success(t(`orders.done.${a}`));
    await afterChange();
  };
  const approve = useMutation(trpc.orders.approve.mutationOptions({ onSuccess: done("approve") }));
  const close = useMutation(trpc.orders.close.mutationOptions({ onSuccess: done("close") }));
  const freeze = useMutation(trpc.orders.freeze.mutationOptions({ onSuccess: done("freeze") }));
  const unfreeze = useMutation(trpc.orders.unfreeze.mutationOptions({ onSuccess: done("unfreeze") }));
  const voidOrder = useMutation(trpc.orders.void.mutationOptions({ onSuccess: done("void") }));
  const copy = useMutation(
    trpc.orders.copy.mutationOptions({
      onSuccess: async (r) => {
        setAction(null);
        toast.success(t("orders.done.copy"));
        await queryClient.invalidateQueries({ queryKey: trpc.orders.list.queryKey() });
        router.push(`/orders/${r.id}`);
      },
    }),
  );
  const removeAttachment = useMutation(
    trpc.orders.removeAttachment.mutationOptions({ onSuccess: () => afterChange(), onError: (e) => toast.error(appErrorOf(e).message) }),
  );
  const run = (a: PersonAction, reason: string) => {
    const orderId = order.id;
    if (a === "approve") return approve.mutateAsync({ orderId });
    if (a === "copy") return copy.mutateAsync({ orderId });
    if (a === "close") return close.mutateAsync({ orderId, reason: reason || null });
    if (a === "freeze") return freeze.mutateAsync({ orderId, reason });
    if (a === "unfreeze") return unfreeze.mutateAsync({ orderId });
    return voidOrder.mutateAsync({ orderId, reason });
  };

  const allowed = (a: PersonAction | "edit") => order.actions.includes(a) && (a === "approve" ? canApprove : canWrite);
  const address = [order.country, order.province, order.city, order.district, order.street, order.postcode].filter(Boolean).join(" ");
  const info = (label: string, value: React.ReactNode, testId?: string) => (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm" data-testid={testId}>
        {value || "—"}
      </dd>
    </div>
  );

  return (
    <div className="grid gap-4" data-testid="order-detail">
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-mono" data-testid="order-no">
              {order.orderNo}
            </span>
            <span data-testid="order-status">
              <OrderStatusBadge status={order.status} />
            </span>
            {order.specialPrice ? <SpecialPriceBadge /> : null}
          </span>
        }
        description={order.statusReason ? `${t("orders.detail.statusReason")}：${order.statusReason}` : undefined}
        actions={
          <>
            <Button variant="ghost" size="sm" asChild>
              <Link href="/orders">
                <ArrowLeft />
                {t("common.back")}
              </Link>
            </Button>
            {allowed("edit") ? (
              <Button variant="outline" size="sm" asChild data-testid="action-edit">
                <Link href={`/orders/${order.id}/edit`}>
                  <Pencil />
                  {t("orders.action.edit")}
                </Link>
              </Button>
            ) : null}
            {(["approve", "copy", "freeze", "unfreeze", "close", "void"] as const).map((a) =>
              allowed(a) ? (
                <Button
                  key={a}
                  size="sm"
                  variant={a === "approve" ? "default" : a === "void" || a === "close" ? "destructive" : "outline"}
                  onClick={() => setAction(a)}
                  data-testid={`action-${a}`}
                >
                  {t(`orders.action.${a}`)}
                </Button>
              ) : null,
            )}
          </>
        }
      />

      <div className="grid gap-4 lg:grid-cols-3">
        <div className="grid gap-4 lg:col-span-2">
          <Card>
            <CardHeader>
              <CardTitle>{t("orders.section.buyer")}</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {info(t("orders.detail.customer"), order.clientNum ? `${order.clientNum} ${order.customerName ?? ""}` : "")}
                {info(t("orders.detail.buyerCompany"), order.buyerCompany)}
                {info(t("orders.detail.deliveryMethod"), order.deliveryMethod)}
                {info(t("orders.detail.recipient"), `${order.recipientName} ${order.recipientPhone}`.trim())}
                {info(t("orders.detail.address"), address)}
                {info(t("orders.detail.warehouse"), order.warehouseCode ? `${order.warehouseCode} ${order.warehouseName ?? ""}` : "")}
                {info(t("orders.detail.source"), t(`orders.source.${order.source}`))}
                {info(t("orders.detail.createdAt"), fmtTime(order.createdAt))}
                {order.approvedAt ? info(t("orders.detail.approvedAt"), fmtTime(order.approvedAt)) : null}
                {order.copiedFromId ? info(t("orders.detail.copiedFrom"), <Link className="font-mono text-primary hover:underline" href={`/orders/${order.copiedFromId}`}>{order.copiedFromNo}</Link>) : null}
                {order.holdsReservation ? info(t("orders.detail.reserved"), t("common.yes")) : null}
              </dl>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>{t("orders.section.agreement")}</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {info(t("fields.agreementType"), order.agreementType)}
                {info(t("fields.agreedTotalQty"), formatDecimal(order.agreedTotalQty, p.quantityDecimals))}
                {info(t("fields.processingType"), order.processingType)}
                {info(t("fields.deliveryDate"), order.deliveryDate)}
                {info(t("fields.agreedTotalAmount"), formatDecimal(order.agreedTotalAmount, p.amountDecimals))}
                {info(t("orders.detail.remark"), order.remark)}
              </dl>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>{t("orders.section.lines")}</CardTitle>
            </CardHeader>
            <CardContent className="grid gap-3">
              <div className="overflow-x-auto rounded-md border">
                <Table data-testid="detail-lines">
                  <TableHeader>
                    <TableRow>
                      <TableHead>#</TableHead>
                      <TableHead>{t("orders.picker.sku")}</TableHead>
                      <TableHead>{t("fields.lineType")}</TableHead>
                      <TableHead className="text-right">{t("orders.detail.unitPrice")}</TableHead>
                      <TableHead className="text-right">{t("orders.detail.quantity")}</TableHead>
                      <TableHead className="text-right">{t("orders.detail.amount")}</TableHead>
                      <TableHead>{t("orders.detail.lineWarehouse")}</TableHead>
                      <TableHead>{t("orders.detail.lineRemark")}</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {order.lines.map((l) => (
                      <TableRow key={l.id}>
                        <TableCell className="text-muted-foreground">{l.lineNo}</TableCell>
                        <TableCell>
                          <div className="font-mono text-xs">{l.sku}</div>
                          <div className="text-xs text-muted-foreground">
                            {l.productName} {l.unit}
                          </div>
                        </TableCell>
                        <TableCell className="text-xs">{t(`orders.lineType.${l.lineType}`)}</TableCell>
                        <TableCell className="text-right tabular-nums">{formatDecimal(l.unitPrice, p.priceDecimals)}</TableCell>
                        <TableCell className="text-right tabular-nums">{formatDecimal(l.quantity, p.quantityDecimals)}</TableCell>
                        <TableCell className="text-right tabular-nums">
                          <span className={l.lineType === "gift" ? "text-muted-foreground line-through" : undefined}>{formatDecimal(l.amount, p.amountDecimals)}</span>
                        </TableCell>
                        <TableCell className="text-xs">{l.warehouseCode ?? ""}</TableCell>
                        <TableCell className="text-xs">{l.remark}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
              <dl className="ml-auto grid grid-cols-[auto_auto] gap-x-6 gap-y-1 text-sm">
                <dt className="text-muted-foreground">{t("orders.form.totalQty")}</dt>
                <dd className="text-right tabular-nums">{formatDecimal(order.totalQty, p.quantityDecimals)}</dd>
                <dt className="text-muted-foreground">{t("orders.form.linesTotal")}</dt>
                <dd className="text-right tabular-nums">{formatDecimal(order.linesTotal, p.amountDecimals)}</dd>
                <dt className="text-muted-foreground">{t("orders.form.settlement")}</dt>
                <dd className="text-right tabular-nums" data-testid="detail-settlement">
                  {formatDecimal(order.discountTotal, p.amountDecimals)}
                </dd>
                <dt className="text-muted-foreground">{t("fields.freight")}</dt>
                <dd className="text-right tabular-nums">{formatDecimal(order.freight, p.amountDecimals)}</dd>
                <dt className="font-medium">{t("orders.form.grandTotal")}</dt>
                <dd className="text-right font-semibold tabular-nums">{formatDecimal(dec(order.discountTotal).plus(order.freight).toFixed(), p.amountDecimals)}</dd>
              </dl>
            </CardContent>
          </Card>

          <OrderProductionProgress orderId={order.id} />

          <Card>
            <CardHeader>
              <CardTitle>{t("orders.section.attachments")}</CardTitle>
            </CardHeader>
            <CardContent className="grid gap-3">
              {order.attachments.length ? (
                <ul className="grid gap-1.5" data-testid="detail-attachments">
                  {order.attachments.map((a) => (
                    <li key={a.id} className="flex items-center gap-2 rounded-md border px-2 py-1.5 text-sm">
                      <a className="min-w-0 flex-1 truncate text-primary hover:underline" href={`/api/orders/attachments/${a.id}`} download>
                        {a.fileName}
                      </a>
                      <span className="text-xs text-muted-foreground tabular-nums">{formatBytes(a.sizeBytes)}</span>
                      <Button variant="ghost" size="sm" asChild aria-label={t("orders.detail.download")}>
                        <a href={`/api/orders/attachments/${a.id}`} download>
                          <Download />
                        </a>
                      </Button>
                      {canWrite ? (
                        <Button variant="ghost" size="sm" onClick={() => removeAttachment.mutate({ attachmentId: a.id })} aria-label={t("common.remove")}>
                          <Trash2 />
                        </Button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-muted-foreground">{t("orders.form.noAttachments")}</p>
              )}
              {canWrite ? <AttachmentUploader orderId={order.id} onUploaded={() => onChanged()} /> : null}
            </CardContent>
          </Card>
          {canReadFinance ? <OrderPaymentsCard orderId={order.id} attachments={order.attachments} canWrite={canWriteFinance} /> : null}
          <OrderReturns orderId={order.id} scale={p.quantityDecimals} canWrite={canWrite} />
        </div>

        <Card className="h-fit">
          <CardHeader>
            <CardTitle>{t("orders.section.timeline")}</CardTitle>
          </CardHeader>
          <CardContent>
            <OrderTimeline events={order.events} />
          </CardContent>
        </Card>
      </div>

      <ConfirmDialog
        open={action !== null}
        onOpenChange={(o) => !o && setAction(null)}
        title={action ? t(`orders.action.${action}`) : ""}
        description={action ? t(`orders.confirm.${action}`, { orderNo: order.orderNo }) : undefined}
        reason={action && REASON[action] ? { label: t("orders.detail.reasonLabel"), required: REASON[action] === "required" } : undefined}
        confirmLabel={action ? t(`orders.action.${action}`) : ""}
        destructive={action === "close" || action === "void"}
        errorMessage={errorMessage}
        onConfirm={(reason) => action && run(action, reason)}
      />
    </div>
  );
}

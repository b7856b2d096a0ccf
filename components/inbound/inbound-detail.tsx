"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Ban, CheckCheck, PackageCheck, Pencil, Send } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { DocStatusBadge } from "@/components/inventory/doc-status-badge";
import { DocTimeline, type TimelineEvent } from "@/components/inventory/doc-timeline";
import { MovementTable } from "@/components/inventory/movement-table";
import { fmtQty } from "@/components/data-table/format";
import { ImportDialog } from "@/components/forms/import-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { dec } from "@/lib/decimal";
import { useTRPC } from "@/lib/trpc/react";
import { canInbound } from "@/lib/validators/inbound";
import type { AppRouter } from "@/server/api/root";
import { ReceiveDialog } from "./receive-dialog";
import { DetailItem } from "@/components/layout/detail-item";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Detail = inferRouterOutputs<AppRouter>["inbound"]["byId"];

/** 入库单详情: header, lines with over/short, the actions its status allows, timeline and movements. */
export function InboundDetail({ id, scale, canWrite }: { id: string; scale: number; canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("inbound");
  const ti = useTranslations("inventory");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useQuery(trpc.inbound.byId.queryOptions({ id }));
  const [receiving, setReceiving] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.inbound.pathKey() });
  const submit = useMutation(trpc.inbound.submit.mutationOptions());
  const cancel = useMutation(trpc.inbound.cancel.mutationOptions());
  const finish = useMutation(trpc.inbound.finish.mutationOptions());
  const importLines = useMutation(trpc.inbound.importLines.mutationOptions());

  if (!data) return <Skeleton className="h-48 w-full" />;
  const r = data.receipt;
  const can = (a: Parameters<typeof canInbound>[0]) => canWrite && canInbound(a, r.status);
  return (
    <div className="grid gap-4">
      <Card className="py-4">
        <CardContent className="grid gap-3">
          <div className="flex flex-wrap items-center gap-2">
            <DocStatusBadge status={r.status} label={t(`status.${r.status}`)} testId="inbound-status" />
            <div className="flex-1" />
            {r.status === "draft" && canWrite ? (
              <>
                <Button variant="outline" size="sm" asChild>
                  <Link href={`/inbound/${r.id}/edit`}>
                    <Pencil />
                    {tc("edit")}
                  </Link>
                </Button>
                <ImportDialog
                  mode="rowByRow"
                  entityLabel={t("importEntity")}
                  templateHref="/inbound/lines-template?format=xlsx"
                  runImport={(input) => importLines.mutateAsync({ ...input, id: r.id })}
                  onImported={() => void refresh()}
                />
              </>
            ) : null}
            {can("submit") ? (
              <ConfirmDialog
                trigger={
                  <Button size="sm" data-testid="inbound-submit">
                    <Send />
                    {t("submit")}
                  </Button>
                }
                title={t("submit")}
                description={t("submitHelp")}
                destructive={false}
                onConfirm={async () => {
                  await submit.mutateAsync({ id: r.id });
                  toast.success(t("submitted"));
                  await refresh();
                }}
              />
            ) : null}
            {can("receive") ? (
              <Button size="sm" onClick={() => setReceiving(true)} data-testid="inbound-receive">
                <PackageCheck />
                {t("receive")}
              </Button>
            ) : null}
            {can("finish") ? (
              <ConfirmDialog
                trigger={
                  <Button variant="outline" size="sm">
                    <CheckCheck />
                    {t("finish")}
                  </Button>
                }
                title={t("finishTitle")}
                description={t("finishHelp")}
                reason={{ label: t("reason") }}
                destructive={false}
                onConfirm={async (reason) => {
                  await finish.mutateAsync({ id: r.id, reason });
                  await refresh();
                }}
              />
            ) : null}
            {can("cancel") ? (
              <ConfirmDialog
                trigger={
                  <Button variant="outline" size="sm">
                    <Ban />
                    {t("cancel")}
                  </Button>
                }
                title={t("cancel")}
                description={t("cancelHelp")}
                reason={{ label: t("reason") }}
                onConfirm={async (reason) => {
                  await cancel.mutateAsync({ id: r.id, reason });
                  await refresh();
                }}
              />
            ) : null}
          </div>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
            <DetailItem label={t("warehouse")} value={`${r.warehouseCode} · ${r.warehouseName}`} />
            <DetailItem label={t("supplier")} value={r.supplier} />
            <DetailItem label={t("reference")} value={r.reference} />
            <DetailItem label={t("expectedDate")} value={r.expectedDate ?? ""} />
            <DetailItem
              label={`${t("received")} / ${t("expected")}`}
              value={t("progress", {
                received: fmtQty(r.totalReceived, scale),
                expected: fmtQty(r.totalExpected, scale),
              })}
            />
            <DetailItem label={t("createdAt")} value={fmtTime(r.createdAt)} />
            <DetailItem label={t("receivedAt")} value={fmtTime(r.receivedAt)} />
            <DetailItem label={t("remark")} value={r.remark} />
          </dl>
        </CardContent>
      </Card>

      <Card className="py-4">
        <CardHeader className="px-4">
          <CardTitle className="text-sm">{t("lines")}</CardTitle>
        </CardHeader>
        <CardContent className="px-0">
          <Table data-testid="inbound-lines">
            <TableHeader>
              <TableRow>
                <TableHead className="w-10">#</TableHead>
                <TableHead>{t("sku")}</TableHead>
                <TableHead>{t("product")}</TableHead>
                <TableHead className="text-right">{t("expected")}</TableHead>
                <TableHead className="text-right">{t("received")}</TableHead>
                <TableHead>{t("diff")}</TableHead>
                <TableHead>{t("lineRemark")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.lines.map((l) => {
                const diff = dec(l.diffQty);
                const started = r.status !== "draft" && r.status !== "submitted";
                return (
                  <TableRow key={l.id} data-sku={l.sku}>
                    <TableCell className="text-muted-foreground tabular-nums">{l.lineNo}</TableCell>
                    <TableCell className="font-mono text-xs">{l.sku}</TableCell>
                    <TableCell>{l.productName}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmtQty(l.expectedQty, scale)}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmtQty(l.receivedQty, scale)}</TableCell>
                    <TableCell>
                      {!started ? null : diff.gt(0) ? (
                        <Badge variant="info">{t("over", { qty: fmtQty(diff.toFixed(), scale) })}</Badge>
                      ) : diff.lt(0) ? (
                        <Badge variant="warning">{t("short", { qty: fmtQty(diff.neg().toFixed(), scale) })}</Badge>
                      ) : (
                        <Badge variant="success">{t("complete")}</Badge>
                      )}
                    </TableCell>
                    <TableCell className="text-xs">{l.remark}</TableCell>
                  </TableRow>
                );
              })}
              {data.lines.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={7} className="h-14 text-center text-sm text-muted-foreground">
                    {t("noLines")}
                  </TableCell>
                </TableRow>
              ) : null}
            </TableBody>
          </Table>
        </CardContent>
      </Card>

      <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card className="py-4">
          <CardHeader className="px-4">
            <CardTitle className="text-sm">{ti("timeline")}</CardTitle>
          </CardHeader>
          <CardContent className="px-4">
            <DocTimeline
              events={data.events as TimelineEvent[]}
              statusLabel={(s) => t(`status.${s as Detail["receipt"]["status"]}`)}
              describe={(e) => describeEvent(e, scale)}
            />
          </CardContent>
        </Card>
        <Card className="py-4">
          <CardHeader className="px-4">
            <CardTitle className="text-sm">{ti("movements")}</CardTitle>
          </CardHeader>
          <CardContent className="px-4">
            <MovementTable rows={data.movements} scale={scale} testId="inbound-movements" />
          </CardContent>
        </Card>
      </div>
      <ReceiveDialog
        open={receiving}
        onOpenChange={setReceiving}
        receipt={r}
        lines={data.lines}
        scale={scale}
      />
    </div>
  );
}

function describeEvent(e: TimelineEvent, scale: number) {
  const lines = (e.details?.lines ?? null) as { sku: string; qty: string }[] | null;
  if (!lines?.length) return null;
  return lines.map((l) => `${l.sku} × ${fmtQty(l.qty, scale)}`).join(", ");
}

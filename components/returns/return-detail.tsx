"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Ban, CheckCheck, ClipboardCheck, PackageCheck } from "lucide-react";
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
import { WarehouseSelect } from "@/components/inventory/warehouse-select";
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
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { rowFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { canReturn, DISPOSITIONS } from "@/lib/validators/returns";
import type { AppRouter } from "@/server/api/root";
import { DetailItem } from "@/components/layout/detail-item";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Detail = inferRouterOutputs<AppRouter>["returns"]["byId"];
type Line = Detail["lines"][number];
type Status = Detail["return"]["status"];

/** 退货单详情: lines, receive → inspect (restock or scrap per line) → close, timeline and movements. */
export function ReturnDetail({ id, scale, canWrite }: { id: string; scale: number; canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("returns");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useQuery(trpc.returns.byId.queryOptions({ id }));
  const [dialog, setDialog] = useState<"receive" | "inspect" | null>(null);
  const close = useMutation(trpc.returns.close.mutationOptions());
  const cancel = useMutation(trpc.returns.cancel.mutationOptions());
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.returns.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
  };
  if (!data) return <Skeleton className="h-48 w-full" />;
  const r = data.return;
  const can = (a: Parameters<typeof canReturn>[0]) => canWrite && canReturn(a, r.status);
  const statusLabel = (s: string) => t(`status.${s as Status}`);
  return (
    <div className="grid gap-4">
      <Card className="py-4">
        <CardContent className="grid gap-3">
          <div className="flex flex-wrap items-center gap-2">
            <DocStatusBadge status={r.status} label={statusLabel(r.status)} testId="return-status" />
            <span className="text-sm text-muted-foreground">
              {t("order")}:{" "}
              <Link href={`/orders/${r.orderId}`} className="font-mono text-primary hover:underline">
                {r.orderNo}
              </Link>
              {r.outboundId && r.outboundNo ? (
                <Link
                  href={`/outbound/${r.outboundId}`}
                  className="ml-2 font-mono text-primary hover:underline"
                >
                  {r.outboundNo}
                </Link>
              ) : null}
            </span>
            <div className="flex-1" />
            {can("receive") ? (
              <Button size="sm" onClick={() => setDialog("receive")} data-testid="return-receive">
                <PackageCheck />
                {t("receive")}
              </Button>
            ) : null}
            {can("inspect") ? (
              <Button size="sm" onClick={() => setDialog("inspect")} data-testid="return-inspect">
                <ClipboardCheck />
                {t("inspect")}
              </Button>
            ) : null}
            {can("close") ? (
              <ConfirmDialog
                trigger={
                  <Button size="sm" variant="outline" data-testid="return-close">
                    <CheckCheck />
                    {t("close")}
                  </Button>
                }
                title={t("close")}
                destructive={false}
                onConfirm={async () => {
                  await close.mutateAsync({ id });
                  toast.success(t("closedToast"));
                  await refresh();
                }}
              />
            ) : null}
            {can("cancel") ? (
              <ConfirmDialog
                trigger={
                  <Button size="sm" variant="outline">
                    <Ban />
                    {t("cancel")}
                  </Button>
                }
                title={t("cancel")}
                description={t("cancelHelp")}
                reason={{ label: t("reason"), required: true }}
                onConfirm={async (reason) => {
                  await cancel.mutateAsync({ id, reason });
                  toast.success(t("cancelledToast"));
                  await refresh();
                }}
              />
            ) : null}
          </div>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
            <DetailItem label={t("reason")} value={r.reason} />
            <DetailItem label={t("platformRef")} value={r.platformRef} />
            <DetailItem label={t("createdAt")} value={fmtTime(r.createdAt)} />
            <DetailItem label={t("remark")} value={r.remark} />
          </dl>
        </CardContent>
      </Card>
      <Card className="py-4">
        <CardHeader className="px-4">
          <CardTitle className="text-sm">{t("lines")}</CardTitle>
        </CardHeader>
        <CardContent className="px-0">
          <Table data-testid="return-lines">
            <TableHeader>
              <TableRow>
                <TableHead>SKU</TableHead>
                <TableHead>{t("goods")}</TableHead>
                <TableHead className="text-right">{t("qty")}</TableHead>
                <TableHead className="text-right">{t("receivedQty")}</TableHead>
                <TableHead>{t("dispositionLabel")}</TableHead>
                <TableHead>{t("restockWarehouse")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.lines.map((l) => (
                <TableRow key={l.id}>
                  <TableCell className="font-mono text-xs">{l.sku}</TableCell>
                  <TableCell>{l.productName}</TableCell>
                  <TableCell className="text-right tabular-nums">{fmtQty(l.quantity, scale)}</TableCell>
                  <TableCell className="text-right tabular-nums">{fmtQty(l.receivedQty, scale)}</TableCell>
                  <TableCell>{l.disposition ? t(`disposition.${l.disposition}`) : ""}</TableCell>
                  <TableCell>{l.restockWarehouseCode ?? ""}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card className="py-4">
          <CardHeader className="px-4">
            <CardTitle className="text-sm">{t("timeline")}</CardTitle>
          </CardHeader>
          <CardContent className="px-4">
            <DocTimeline events={data.events as TimelineEvent[]} statusLabel={statusLabel} />
          </CardContent>
        </Card>
        <Card className="py-4">
          <CardHeader className="px-4">
            <CardTitle className="text-sm">{t("movements")}</CardTitle>
          </CardHeader>
          <CardContent className="px-4">
            <MovementTable rows={data.movements} scale={scale} testId="return-movements" />
          </CardContent>
        </Card>
      </div>
      <Dialog open={dialog !== null} onOpenChange={(o) => !o && setDialog(null)}>
        <DialogContent className="sm:max-w-3xl" data-testid={`return-${dialog ?? "none"}-dialog`}>
          {dialog === "receive" ? (
            <ReceiveBody
              id={id}
              no={r.returnNo}
              lines={data.lines}
              scale={scale}
              onDone={async () => (setDialog(null), await refresh())}
            />
          ) : null}
          {dialog === "inspect" ? (
            <InspectBody
              id={id}
              no={r.returnNo}
              lines={data.lines}
              scale={scale}
              onDone={async () => (setDialog(null), await refresh())}
            />
          ) : null}
        </DialogContent>
      </Dialog>
    </div>
  );
}

function ReceiveBody({
  id,
  no,
  lines,
  scale,
  onDone,
}: {
  id: string;
  no: string;
  lines: Line[];
  scale: number;
  onDone: () => Promise<void>;
}) {
  const t = useTranslations("returns");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const receive = useMutation(trpc.returns.receive.mutationOptions());
  const [qty, setQty] = useState<Record<string, string>>(() =>
    Object.fromEntries(lines.map((l) => [l.id, fmtQty(l.quantity, scale)])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  return (
    <>
      <DialogHeader>
        <DialogTitle>{t("receiveTitle", { no })}</DialogTitle>
        <DialogDescription>{t("receiveHelp")}</DialogDescription>
      </DialogHeader>
      <FormAlert message={formError} />
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>SKU</TableHead>
            <TableHead className="text-right">{t("qty")}</TableHead>
            <TableHead className="w-36 text-right">{t("receivedQty")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {lines.map((l) => (
            <TableRow key={l.id}>
              <TableCell className="font-mono text-xs">{l.sku}</TableCell>
              <TableCell className="text-right tabular-nums">{fmtQty(l.quantity, scale)}</TableCell>
              <TableCell>
                <Input
                  className="h-8 text-right tabular-nums"
                  {...decimalInputProps(scale)}
                  value={qty[l.id] ?? ""}
                  onChange={(e) => setQty((m) => ({ ...m, [l.id]: e.target.value }))}
                  aria-label={`${t("receivedQty")} ${l.sku}`}
                  aria-invalid={!!errors[l.id]}
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
      <DialogFooter>
        <Button
          onClick={async () => {
            setFormError(null);
            try {
              await receive.mutateAsync({
                id,
                lines: lines.map((l) => ({ lineId: l.id, receivedQty: qty[l.id] ?? "" })),
              });
              toast.success(t("receivedToast"));
              await onDone();
            } catch (e) {
              const r = rowFieldErrors(e, "lines", lines, (l) => l.id);
              setErrors(r.errors);
              setFormError(r.message);
            }
          }}
          disabled={receive.isPending}
          data-testid="return-receive-confirm"
        >
          {receive.isPending ? tc("saving") : t("receive")}
        </Button>
      </DialogFooter>
    </>
  );
}

function InspectBody({
  id,
  no,
  lines,
  scale,
  onDone,
}: {
  id: string;
  no: string;
  lines: Line[];
  scale: number;
  onDone: () => Promise<void>;
}) {
  const t = useTranslations("returns");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const inspect = useMutation(trpc.returns.inspect.mutationOptions());
  const [choice, setChoice] = useState<
    Record<string, { disposition: (typeof DISPOSITIONS)[number]; warehouseId: string }>
  >(() =>
    Object.fromEntries(
      lines.map((l) => [l.id, { disposition: "restock" as const, warehouseId: l.shippedWarehouseId ?? "" }]),
    ),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  return (
    <>
      <DialogHeader>
        <DialogTitle>{t("inspectTitle", { no })}</DialogTitle>
        <DialogDescription>{t("inspectHelp")}</DialogDescription>
      </DialogHeader>
      <FormAlert message={formError} />
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>SKU</TableHead>
            <TableHead className="text-right">{t("receivedQty")}</TableHead>
            <TableHead className="w-36">{t("dispositionLabel")}</TableHead>
            <TableHead className="w-56">{t("restockWarehouse")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {lines.map((l) => {
            const c = choice[l.id]!;
            return (
              <TableRow key={l.id}>
                <TableCell className="font-mono text-xs">{l.sku}</TableCell>
                <TableCell className="text-right tabular-nums">{fmtQty(l.receivedQty, scale)}</TableCell>
                <TableCell>
                  <NativeSelect
                    value={c.disposition}
                    onChange={(e) =>
                      setChoice((m) => ({
                        ...m,
                        [l.id]: { ...c, disposition: e.target.value as (typeof DISPOSITIONS)[number] },
                      }))
                    }
                    aria-label={`${t("dispositionLabel")} ${l.sku}`}
                    data-testid={`disposition-${l.sku}`}
                  >
                    {DISPOSITIONS.map((d) => (
                      <option key={d} value={d}>
                        {t(`disposition.${d}`)}
                      </option>
                    ))}
                  </NativeSelect>
                </TableCell>
                <TableCell>
                  {c.disposition === "restock" ? (
                    <WarehouseSelect
                      enabledOnly
                      allLabel=""
                      value={c.warehouseId}
                      onChange={(v) => setChoice((m) => ({ ...m, [l.id]: { ...c, warehouseId: v } }))}
                      invalid={!!errors[l.id]}
                      ariaLabel={`${t("restockWarehouse")} ${l.sku}`}
                      testId={`restock-warehouse-${l.sku}`}
                    />
                  ) : null}
                  {errors[l.id] ? (
                    <p role="alert" className="mt-1 text-xs text-destructive">
                      {errors[l.id]}
                    </p>
                  ) : null}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <DialogFooter>
        <Button
          onClick={async () => {
            setFormError(null);
            try {
              await inspect.mutateAsync({
                id,
                lines: lines.map((l) => ({
                  lineId: l.id,
                  disposition: choice[l.id]!.disposition,
                  warehouseId: choice[l.id]!.warehouseId || null,
                })),
              });
              toast.success(t("inspectedToast"));
              await onDone();
            } catch (e) {
              const r = rowFieldErrors(e, "lines", lines, (l) => l.id);
              setErrors(r.errors);
              setFormError(r.message);
            }
          }}
          disabled={inspect.isPending}
          data-testid="return-inspect-confirm"
        >
          {inspect.isPending ? tc("saving") : t("inspect")}
        </Button>
      </DialogFooter>
    </>
  );
}

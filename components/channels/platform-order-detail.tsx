"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDecimal } from "@/lib/decimal";
import type { Precision } from "@/lib/precision";
import { useTRPC } from "@/lib/trpc/react";
import { blockerText } from "@/lib/channels/describe";
import { useFormatDateTime } from "@/lib/i18n/date-time";
import { useTranslate } from "@/lib/i18n/use-translate";

/** Platforms whose logistics print the label (the connector's shippingLabel). */
const LABEL_PLATFORMS = new Set(["lazada"]);

/** One platform order: its lines as the platform sent them, and its history (timeline of events). */
export function PlatformOrderDetail({
  id,
  precision,
  onOpenChange,
}: {
  id: string | null;
  precision: Precision;
  onOpenChange: (o: boolean) => void;
}) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("channels");
  const tr = useTranslate();
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.platformOrders.byId.queryOptions({ id: id ?? "00000000-0000-7000-8000-000000000000" }), enabled: !!id });
  const po = q.data;
  return (
    <Dialog open={!!id} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-3xl" data-testid="po-detail">
        <DialogHeader>
          <DialogTitle>
            {t("detail")} {po?.platformOrderNo ?? ""}
          </DialogTitle>
          <DialogDescription>
            {po ? `${t(`platforms.${po.platform}` as "platforms.all")} · ${po.accountAlias} · ${po.platformStatus} · ${t(`tabs.${po.state}`)}` : ""}
          </DialogDescription>
          {po && LABEL_PLATFORMS.has(po.platform) ? (
            <a className="text-primary w-fit text-sm underline underline-offset-4" href={`/api/platform-orders/${po.id}/label`} download data-testid="po-label">
              {t("shippingLabel")}
            </a>
          ) : null}
        </DialogHeader>
        {po ? (
          <div className="grid max-h-[70vh] gap-4 overflow-y-auto">
            <div className="grid gap-1 text-sm sm:grid-cols-2">
              <div>
                {t("col.recipient")}: {po.recipientName} · {po.recipientPhone}
              </div>
              <div>
                {t("col.address")}: {[po.street, po.city, po.province, po.country, po.postcode].filter(Boolean).join(", ")}
              </div>
              <div>
                {t("col.shippingMethod")}: {po.shippingMethod}
              </div>
              <div>
                {po.currency} {formatDecimal(po.totalAmount, precision.amountDecimals)}
              </div>
            </div>
            <div>
              <div className="mb-1 text-sm font-medium">{t("lines")}</div>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("col.platformSku")}</TableHead>
                    <TableHead>{t("col.items")}</TableHead>
                    <TableHead className="text-right">{t("col.quantity")}</TableHead>
                    <TableHead className="text-right">{po.currency}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {po.lines.map((l) => (
                    <TableRow key={l.id}>
                      <TableCell className="font-mono text-xs">{l.platformSku}</TableCell>
                      <TableCell className="text-xs">{l.title}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatDecimal(l.quantity, precision.quantityDecimals)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatDecimal(l.unitPrice, precision.priceDecimals)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
            <div>
              <div className="mb-1 text-sm font-medium">{t("timeline")}</div>
              <ol className="grid gap-1 border-l pl-3 text-xs">
                {po.events.map((e) => (
                  <li key={e.id}>
                    <span className="text-muted-foreground">{fmtTime(e.createdAt)}</span> · <span className="font-medium">{e.type}</span>
                    {e.fromState || e.toState ? ` ${e.fromState ?? ""} → ${e.toState ?? ""}` : ""}
                    {e.blockers?.length ? ` · ${e.blockers.map((b) => blockerText(tr, b)).join("; ")}` : e.reason ? ` · ${e.reason}` : ""}{" "}
                    <span className="text-muted-foreground">({e.actorLabel})</span>
                  </li>
                ))}
              </ol>
            </div>
          </div>
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

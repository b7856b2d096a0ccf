"use client";

import { Printer } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { DocStatusBadge } from "@/components/inventory/doc-status-badge";
import { fmtQty } from "@/components/data-table/format";
import { Button } from "@/components/ui/button";
import type { getPickList } from "@/server/services/outbound/pick";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type PickList = Awaited<ReturnType<typeof getPickList>>;

/**
 * 拣货单, print-friendly: one row per SKU in bin order with the quantity to pick and how it splits over
 * the batch's outbound orders, a tick box per row, then the orders for packing.
 */
export function PickListView({ data, scale }: { data: PickList; scale: number }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("outbound");
  const ti = useTranslations("inventory");
  const b = data.batch;
  return (
    <div className="mx-auto grid max-w-4xl gap-4 bg-background print:max-w-none" data-testid="pick-list">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold">{t("pickListTitle", { no: b.batchNo })}</h1>
          <p className="text-sm text-muted-foreground">
            {t("pickListMeta", {
              warehouse: `${b.warehouseCode} ${b.warehouseName}`,
              count: data.outbounds.length,
              time: fmtTime(b.createdAt),
            })}
          </p>
        </div>
        <Button className="no-print" onClick={() => window.print()} data-testid="print">
          <Printer />
          {t("printPickList")}
        </Button>
      </div>
      <table className="w-full border-collapse text-sm">
        <thead>
          <tr className="border-b-2 border-foreground text-left">
            <th className="w-10 py-1">✓</th>
            <th className="py-1">{t("bin")}</th>
            <th className="py-1">{ti("sku")}</th>
            <th className="py-1">{ti("product")}</th>
            <th className="py-1 text-right">{t("totalToPick")}</th>
            <th className="py-1 pl-4">{t("perOrder")}</th>
          </tr>
        </thead>
        <tbody>
          {data.items.map((i) => (
            <tr key={i.productId} className="border-b align-top break-inside-avoid" data-sku={i.sku}>
              <td className="py-1.5">
                <span className="inline-block size-4 border border-foreground" />
              </td>
              <td className="py-1.5 font-mono font-semibold">{i.location ?? "—"}</td>
              <td className="py-1.5 font-mono">{i.sku}</td>
              <td className="py-1.5">{i.productName}</td>
              <td className="py-1.5 text-right text-base font-semibold tabular-nums">
                {fmtQty(i.total, scale)}
              </td>
              <td className="py-1.5 pl-4 font-mono text-xs">
                {i.orders.map((o) => (
                  <div key={o.outboundNo}>
                    {o.outboundNo} × {fmtQty(o.quantity, scale)}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="break-before-auto">
        <h2 className="mb-1 text-sm font-semibold">{t("sections.orders")}</h2>
        <table className="w-full border-collapse text-sm">
          <tbody>
            {data.outbounds.map((o) => (
              <tr key={o.id} className="border-b">
                <td className="py-1 font-mono">
                  <Link href={`/outbound/${o.id}`} className="hover:underline">
                    {o.outboundNo}
                  </Link>
                </td>
                <td className="py-1 font-mono text-muted-foreground">{o.orderNo}</td>
                <td className="py-1">{o.recipientName}</td>
                <td className="py-1 text-right">
                  <DocStatusBadge status={o.status} label={t(`status.${o.status}`)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

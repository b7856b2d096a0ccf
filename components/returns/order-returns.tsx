"use client";

import { useQuery } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { DocStatusBadge } from "@/components/inventory/doc-status-badge";
import { fmtQty } from "@/components/data-table/format";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/react";
import { useFormatDateTime } from "@/lib/i18n/date-time";

/**
 * The returns of one order, for the order's page: number, status, lines and date, with a link to record
 * a new return against it. `scale` is the merchant's quantity precision.
 */
export function OrderReturns({
  orderId,
  scale,
  canWrite,
}: {
  orderId: string;
  scale: number;
  canWrite?: boolean;
}) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("returns");
  const trpc = useTRPC();
  const { data } = useQuery(trpc.returns.list.queryOptions({ orderId, limit: 100 }));
  const items = data?.items ?? [];
  return (
    <section className="grid gap-2" data-testid="order-returns">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-semibold">{t("orderReturns")}</h2>
        {canWrite ? (
          <Button variant="outline" size="sm" asChild>
            <Link href={`/returns/new?orderId=${orderId}`}>
              <Plus />
              {t("newReturn")}
            </Link>
          </Button>
        ) : null}
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t("noReturns")}</p>
      ) : (
        <ul className="grid gap-1 text-sm">
          {items.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-2">
              <Link href={`/returns/${r.id}`} className="font-mono text-primary hover:underline">
                {r.returnNo}
              </Link>
              <DocStatusBadge status={r.status} label={t(`status.${r.status}`)} />
              <span className="font-mono text-xs">
                {r.lines.map((l) => `${l.sku}*${fmtQty(l.quantity, scale)}`).join(", ")}
              </span>
              <span className="text-xs text-muted-foreground">
                {r.reason} · {fmtTime(r.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

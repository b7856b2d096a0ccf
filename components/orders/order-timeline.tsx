"use client";

import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { ORDER_ACTIONS, type OrderStatus } from "@/lib/orders/status";
import type { AppRouter } from "@/server/api/root";
import { OrderStatusBadge } from "./order-status-badge";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Event = inferRouterOutputs<AppRouter>["orders"]["byId"]["events"][number];

const KNOWN_TYPES = ["created", "updated", "copied", "attachment_added", "attachment_removed", ...ORDER_ACTIONS] as const;
type KnownType = (typeof KNOWN_TYPES)[number];

/** 订单动态: who did what and when, from which status to which, why, and which fields changed. */
export function OrderTimeline({ events }: { events: Event[] }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const label = (field: string) => (t.has(`fields.${field}` as never) ? t(`fields.${field}` as never) : field);
  const show = (v: unknown) => (v === null || v === undefined || v === "" ? t("orders.event.empty") : typeof v === "boolean" ? t(v ? "common.yes" : "common.no") : String(v));
  const actor = (e: Event) =>
    e.actorName ?? (e.actorLabel.startsWith("apikey:") ? t("orders.event.apiKey") : e.actorLabel.startsWith("system:") ? `${t("orders.event.system")} (${e.actorLabel.slice(7)})` : e.actorLabel);

  return (
    <ol className="relative grid gap-4 border-l pl-5" data-testid="order-timeline">
      {[...events].reverse().map((e) => {
        const type = (KNOWN_TYPES as readonly string[]).includes(e.type) ? (e.type as KnownType) : null;
        const changes = Object.entries(e.changes ?? {});
        return (
          <li key={e.id} className="relative text-sm" data-testid={`event-${e.type}`}>
            <span className="absolute top-1.5 -left-[25px] size-2.5 rounded-full border-2 border-background bg-primary" />
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{type ? t(`orders.event.${type}`) : e.type}</span>
              {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus ? (
                <span className="flex items-center gap-1 text-xs">
                  <OrderStatusBadge status={e.fromStatus as OrderStatus} />→<OrderStatusBadge status={e.toStatus as OrderStatus} />
                </span>
              ) : null}
              <span className="text-xs text-muted-foreground">{fmtTime(e.createdAt)}</span>
              <span className="text-xs text-muted-foreground">{t("orders.event.by", { actor: actor(e) })}</span>
            </div>
            {e.reason && !["created"].includes(e.type) ? <div className="mt-0.5 text-muted-foreground">{t("orders.event.reason", { reason: e.reason })}</div> : null}
            {changes.length ? (
              <ul className="mt-1 grid gap-0.5 text-xs text-muted-foreground">
                {changes.map(([field, c]) => {
                  if (field === "copiedFrom") return <li key={field}>{t("orders.event.copiedFrom", { orderNo: show(c.to) })}</li>;
                  if (field === "copiedTo") return <li key={field}>{t("orders.event.copiedTo", { orderNo: show(c.to) })}</li>;
                  if (field === "attachment") return <li key={field}>{show(c.to ?? c.from)}</li>;
                  if (field === "lines" && Array.isArray(c.from) && Array.isArray(c.to)) {
                    return (
                      <li key={field} className="grid gap-0.5">
                        <span>{label("lines")}:</span>
                        <span className="line-through">{c.from.join("；")}</span>
                        <span>{c.to.join("；")}</span>
                      </li>
                    );
                  }
                  return <li key={field}>{t("orders.event.field", { field: label(field), from: show(c.from), to: show(c.to) })}</li>;
                })}
              </ul>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

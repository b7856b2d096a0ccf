"use client";

import { ArrowRight } from "lucide-react";
import { useTranslations } from "next-intl";
import { useFormatDateTime } from "@/lib/i18n/date-time";

export type TimelineEvent = {
  id: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  details: Record<string, unknown> | null;
  actorLabel: string;
  actorName: string | null;
  createdAt: Date | string;
};

/**
 * A document's timeline: who did what when, the status move and why. `describe` renders the
 * document-specific details (received quantities, audit exceptions, carrier…).
 */
export function DocTimeline({
  events,
  statusLabel,
  describe,
}: {
  events: TimelineEvent[];
  statusLabel: (status: string) => string;
  describe?: (e: TimelineEvent) => React.ReactNode;
}) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("inventory");
  if (events.length === 0) return <p className="text-sm text-muted-foreground">{t("noEvents")}</p>;
  return (
    <ol className="grid gap-3 border-l pl-4" data-testid="timeline">
      {[...events].reverse().map((e) => (
        <li key={e.id} className="relative">
          <span className="absolute top-1.5 -left-[21px] size-2.5 rounded-full border-2 border-background bg-primary" />
          <div className="flex flex-wrap items-center gap-x-2 text-sm">
            <span className="font-medium">
              {t.has(`event.${e.type}` as never) ? t(`event.${e.type}` as never) : e.type}
            </span>
            {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus ? (
              <span className="inline-flex items-center gap-1 text-xs text-muted-foreground">
                {statusLabel(e.fromStatus)} <ArrowRight className="size-3" /> {statusLabel(e.toStatus)}
              </span>
            ) : null}
            <span className="text-xs text-muted-foreground">
              {fmtTime(e.createdAt)} · {e.actorName ?? e.actorLabel}
            </span>
          </div>
          {e.reason ? <p className="text-sm text-muted-foreground">{e.reason}</p> : null}
          {describe ? <div className="text-xs text-muted-foreground">{describe(e)}</div> : null}
        </li>
      ))}
    </ol>
  );
}

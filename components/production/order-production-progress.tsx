"use client";

import { useQuery } from "@tanstack/react-query";
import { Factory } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { dec } from "@/lib/decimal";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { PercentBar } from "./percent-bar";
import { PlanStatusBadge } from "./plan-status-badge";
import { StageProgressChart } from "./stage-progress-chart";

/**
 * The order page's production card: every plan linked to the order with its progress per standard
 * stage (through the route's mapping), or per operation when the route is not mapped. Drop it into the
 * order detail page: `<OrderProductionProgress orderId={order.id} />`.
 */
export function OrderProductionProgress({ orderId }: { orderId: string }) {
  const t = useTranslations("production");
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.production.orderProgress.queryOptions({ orderId }), refetchInterval: 30_000 });
  return (
    <Card data-testid="order-production">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Factory className="size-4" />
          {t("orderProgressTitle")}
        </CardTitle>
      </CardHeader>
      <CardContent className="grid gap-6">
        {query.error ? <p className="text-sm text-destructive">{appErrorOf(query.error).message}</p> : null}
        {query.isLoading ? <Skeleton className="h-32" /> : null}
        {query.data && query.data.plans.length === 0 ? <p className="text-sm text-muted-foreground">{t("orderProgressEmpty")}</p> : null}
        {query.data?.plans.map((p) => {
          const programme = p.progress.programmes[0];
          return (
            <div key={p.id} className="grid gap-2" data-testid="order-production-plan" data-plan-no={p.planNo}>
              <div className="flex flex-wrap items-center gap-2">
                <Link href={`/production/plans/${p.id}`} className="font-mono text-sm font-medium text-primary hover:underline">
                  {t("orderProgressPlan", { planNo: p.planNo })}
                </Link>
                <PlanStatusBadge status={p.status} />
                <span className="text-xs text-muted-foreground">
                  <span className="font-mono">{p.sku}</span> × {dec(p.quantity).toFixed()} · {p.routeCode}
                </span>
                <div className="flex-1" />
                <PercentBar value={p.progress.percent} className="w-48" label={t("overall")} />
              </div>
              {programme ? (
                <StageProgressChart stages={programme.stages} height={Math.max(140, programme.stages.length * 26 + 30)} />
              ) : (
                <ul className="grid gap-1">
                  {p.progress.operations.map((o) => (
                    <li key={o.operationId} className="flex items-center gap-2 text-sm">
                      <span className="w-28 truncate">{o.name}</span>
                      <PercentBar value={o.percent} className="flex-1" />
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        })}
      </CardContent>
    </Card>
  );
}

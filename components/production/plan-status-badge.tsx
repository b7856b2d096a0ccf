"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { PlanStatus, UpstreamReportStatus } from "@/lib/production/status";

const PLAN_VARIANT: Record<PlanStatus, "secondary" | "info" | "warning" | "success" | "outline"> = {
  planned: "secondary",
  released: "info",
  in_progress: "warning",
  completed: "success",
  cancelled: "outline",
};

export function PlanStatusBadge({ status }: { status: PlanStatus }) {
  const t = useTranslations("production.status");
  return (
    <Badge variant={PLAN_VARIANT[status]} data-testid="plan-status" data-status={status}>
      {t(status)}
    </Badge>
  );
}

const UPSTREAM_VARIANT: Record<UpstreamReportStatus, "secondary" | "info" | "warning" | "success" | "destructive" | "outline"> = {
  sending: "info",
  retrying: "warning",
  delivered: "success",
  rejected: "destructive",
  failed: "destructive",
  blocked: "outline",
};

export function UpstreamStatusBadge({ status }: { status: UpstreamReportStatus }) {
  const t = useTranslations("production.upstreamStatus");
  return (
    <Badge variant={UPSTREAM_VARIANT[status]} data-testid="upstream-status" data-status={status}>
      {t(status)}
    </Badge>
  );
}

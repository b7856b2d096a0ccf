"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { OrderStatus } from "@/lib/orders/status";

const VARIANT: Record<OrderStatus, "default" | "secondary" | "destructive" | "outline" | "success" | "warning" | "info"> = {
  pending: "warning",
  stock_up: "info",
  scheduled: "info",
  shipped: "default",
  completed: "success",
  closed: "secondary",
  frozen: "outline",
  voided: "destructive",
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  const t = useTranslations("orders.status");
  return (
    <Badge variant={VARIANT[status]} data-status={status}>
      {t(status)}
    </Badge>
  );
}

export function SpecialPriceBadge() {
  const t = useTranslations("orders");
  return (
    <Badge variant="warning" title={t("specialPriceHint")}>
      {t("specialPrice")}
    </Badge>
  );
}

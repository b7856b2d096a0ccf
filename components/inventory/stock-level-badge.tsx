"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { dec } from "@/lib/decimal";

/** 缺货 when nothing is available, 库存低 under the product's threshold, else nothing (decimal compares). */
export function StockLevelBadge({ available, threshold }: { available: string; threshold: string | null }) {
  const t = useTranslations("inventory");
  if (dec(available).lte(0)) return <Badge variant="destructive">{t("outBadge")}</Badge>;
  if (threshold !== null && dec(available).lt(threshold)) return <Badge variant="warning">{t("lowBadge")}</Badge>;
  return null;
}

"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { appErrorOf } from "@/lib/trpc/errors";

type Shortage = { sku: string; warehouse: string; requested: string; available: string };

/** A refused order action in words; a stock shortage lists every short SKU with needed and available. */
export function useOrderErrorMessage() {
  const t = useTranslations();
  return useCallback(
    (err: unknown): string => {
      const e = appErrorOf(err);
      const shortages = (e.details as { shortages?: Shortage[] } | null)?.shortages;
      if (e.code === "INSUFFICIENT_STOCK" && shortages?.length) {
        return `${t("errors.insufficientStock", { lines: "" }).replace(/[:：]\s*$/, "")}：${shortages.map((s) => t("orders.shortLine", { ...s })).join("；")}`;
      }
      return e.message;
    },
    [t],
  );
}

"use client";

import { AlertTriangle } from "lucide-react";
import { useTranslations } from "next-intl";
import type { AuditException } from "@/db/schema/warehouse";

const KNOWN = [
  "orderStatus",
  "deliveryMethodMissing",
  "deliveryMethodUnknown",
  "deliveryMethodDisabled",
  "addressIncomplete",
  "warehouseDisabled",
  "skuDisabled",
  "stockShort",
] as const;

/** Every problem the last 审核 found, one per line ("一定要看提示"). */
export function ExceptionList({ exceptions, compact }: { exceptions: AuditException[]; compact?: boolean }) {
  const t = useTranslations("outbound.exception");
  if (!exceptions.length) return null;
  return (
    <ul
      className={compact ? "grid gap-0.5 text-xs text-destructive" : "grid gap-1 text-sm text-destructive"}
      data-testid="audit-exceptions"
    >
      {exceptions.map((e, i) => (
        <li key={i} className="flex items-start gap-1">
          <AlertTriangle className="mt-0.5 size-3 shrink-0" />
          <span>
            {(KNOWN as readonly string[]).includes(e.code)
              ? t(e.code as (typeof KNOWN)[number], (e.params ?? {}) as never)
              : e.code}
          </span>
        </li>
      ))}
    </ul>
  );
}

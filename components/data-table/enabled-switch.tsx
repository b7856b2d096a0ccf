"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Switch } from "@/components/ui/switch";

/** Enabled/disabled in a list row: a switch for those who may change it, a badge for everyone else. */
export function EnabledSwitch({
  enabled,
  canChange,
  pending,
  onChange,
  label,
}: {
  enabled: boolean;
  canChange: boolean;
  pending?: boolean;
  onChange: (enabled: boolean) => void;
  /** What is being switched, for screen readers (e.g. the SKU). */
  label: string;
}) {
  const t = useTranslations("common");
  if (!canChange) return <StatusBadge enabled={enabled} />;
  return (
    <div className="flex items-center gap-2" onClick={(e) => e.stopPropagation()}>
      <Switch
        checked={enabled}
        disabled={pending}
        onCheckedChange={onChange}
        aria-label={`${enabled ? t("disable") : t("enable")} ${label}`}
        data-testid="enabled-switch"
      />
      <span className={enabled ? "text-xs" : "text-xs text-muted-foreground"}>
        {enabled ? t("enabled") : t("disabled")}
      </span>
    </div>
  );
}

export function StatusBadge({ enabled }: { enabled: boolean }) {
  const t = useTranslations("common");
  return <Badge variant={enabled ? "success" : "secondary"}>{enabled ? t("enabled") : t("disabled")}</Badge>;
}

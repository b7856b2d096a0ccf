"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";

type State = { exists: boolean; confirmed: boolean; complete: boolean; unmappedStages: unknown[] };

/** none → not started; incomplete → stages unmapped; draft → all mapped, not confirmed; complete. */
export function mappingStateOf(s: State): "none" | "draft" | "incomplete" | "complete" {
  if (s.complete) return "complete";
  if (!s.exists) return "none";
  return s.unmappedStages.length > 0 ? "incomplete" : "draft";
}

export function MappingStateBadge({ state }: { state: State }) {
  const t = useTranslations("production.mappingStates");
  const k = mappingStateOf(state);
  const variant = k === "complete" ? "success" : k === "none" ? "secondary" : "warning";
  return (
    <Badge variant={variant} data-testid="mapping-state" data-state={k}>
      {t(k)}
    </Badge>
  );
}

import { Badge } from "@/components/ui/badge";

type Variant = "success" | "warning" | "info" | "secondary" | "destructive" | "outline" | "default";

/** Badge colours of every warehouse document status (inbound, outbound, return, stocktake). */
const VARIANTS: Record<string, Variant> = {
  draft: "outline",
  submitted: "info",
  partially_received: "warning",
  received: "success",
  cancelled: "secondary",
  pending_audit: "warning",
  audited: "info",
  picking: "info",
  packed: "default",
  shipped: "success",
  requested: "warning",
  inspected: "info",
  closed: "secondary",
  counting: "warning",
  posted: "success",
};

export function DocStatusBadge({
  status,
  label,
  testId,
}: {
  status: string;
  label: string;
  testId?: string;
}) {
  return (
    <Badge variant={VARIANTS[status] ?? "outline"} data-testid={testId} data-status={status}>
      {label}
    </Badge>
  );
}

import { cn } from "@/lib/utils";

/**
 * A percentage as a bar and a number. The value arrives as the server's decimal string ("33.33"); it
 * is only drawn here, never computed.
 */
export function PercentBar({ value, className, label }: { value: string; className?: string; label?: string }) {
  const width = Math.max(0, Math.min(100, Number(value)));
  return (
    <div className={cn("flex min-w-28 items-center gap-2", className)} aria-label={label} data-testid="percent-bar" data-value={value}>
      <div className="h-2 flex-1 overflow-hidden rounded-full bg-primary/15">
        <div className={cn("h-full rounded-full", width >= 100 ? "bg-emerald-500" : "bg-primary")} style={{ width: `${width}%` }} />
      </div>
      <span className="w-14 text-right text-xs tabular-nums">{value}%</span>
    </div>
  );
}

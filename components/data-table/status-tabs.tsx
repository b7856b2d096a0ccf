"use client";

import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";

/** A list's status tabs above its toolbar: "all" and one tab a status, each with an optional badge (a count). */
export function StatusTabs<V extends string>({
  value,
  statuses,
  label,
  allLabel,
  onChange,
  badge,
}: {
  value: V | undefined;
  statuses: readonly V[];
  label: (s: V) => string;
  allLabel: string;
  onChange: (s: V | undefined) => void;
  badge?: (s: V) => React.ReactNode;
}) {
  return (
    <Tabs
      value={value ?? "all"}
      onValueChange={(v) => onChange(v === "all" ? undefined : (v as V))}
      className="mb-3"
    >
      <TabsList className="flex-wrap">
        <TabsTrigger value="all">{allLabel}</TabsTrigger>
        {statuses.map((s) => (
          <TabsTrigger key={s} value={s} data-testid={`tab-${s}`}>
            {label(s)}
            {badge?.(s)}
          </TabsTrigger>
        ))}
      </TabsList>
    </Tabs>
  );
}

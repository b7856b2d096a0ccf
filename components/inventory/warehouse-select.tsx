"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { NativeSelect } from "@/components/ui/native-select";
import { useTRPC } from "@/lib/trpc/react";

/** The merchant's warehouses as a select; `allLabel` adds an "all warehouses" option with value "". */
export function WarehouseSelect({
  value,
  onChange,
  allLabel,
  enabledOnly,
  className,
  id,
  invalid,
  testId,
  ariaLabel,
}: {
  value: string;
  onChange: (id: string) => void;
  allLabel?: string;
  enabledOnly?: boolean;
  className?: string;
  id?: string;
  invalid?: boolean;
  testId?: string;
  ariaLabel?: string;
}) {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.warehouses.list.queryOptions({ enabledOnly }));
  return (
    <NativeSelect
      id={id}
      className={className}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      aria-invalid={invalid}
      aria-label={ariaLabel}
      data-testid={testId}
    >
      {allLabel !== undefined ? <option value="">{allLabel}</option> : null}
      {(data ?? []).map((w) => (
        <option key={w.id} value={w.id}>
          {w.code} · {w.name}
        </option>
      ))}
    </NativeSelect>
  );
}

/** A list's warehouse filter: all warehouses ("") or one. */
export function WarehouseFilter({ value, onChange, testId }: { value: string; onChange: (id: string) => void; testId?: string }) {
  const t = useTranslations("inventory");
  return (
    <WarehouseSelect
      className="w-44"
      value={value}
      onChange={onChange}
      allLabel={t("allWarehouses")}
      ariaLabel={t("warehouse")}
      testId={testId}
    />
  );
}

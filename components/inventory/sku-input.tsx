"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/lib/trpc/react";
import { useDebounced } from "@/components/data-table/use-debounced";

/** A SKU text box that suggests the merchant's products (SKU · name) as you type. */
export function SkuInput({
  value,
  onChange,
  invalid,
  id,
  ariaLabel,
  testId,
}: {
  value: string;
  onChange: (v: string) => void;
  invalid?: boolean;
  id?: string;
  ariaLabel?: string;
  testId?: string;
}) {
  const listId = useId();
  const trpc = useTRPC();
  const [term, setTerm] = useDebounced(value, () => undefined, 250);
  const { data } = useQuery({
    ...trpc.products.list.queryOptions({
      search: term.trim() || undefined,
      enabled: true,
      sort: "sku",
      dir: "asc",
      limit: 20,
    }),
    enabled: term.trim().length >= 1,
    staleTime: 60_000,
  });
  return (
    <>
      <Input
        id={id}
        list={listId}
        className="font-mono"
        autoComplete="off"
        value={value}
        aria-label={ariaLabel}
        aria-invalid={invalid}
        data-testid={testId}
        onChange={(e) => {
          onChange(e.target.value);
          setTerm(e.target.value);
        }}
      />
      <datalist id={listId}>
        {(data?.items ?? []).map((p) => (
          <option key={p.id} value={p.sku}>
            {p.name} {p.spec}
          </option>
        ))}
      </datalist>
    </>
  );
}

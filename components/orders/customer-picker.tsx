"use client";

import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/lib/trpc/react";

export type PickedCustomer = { id: string; clientNum: string; companyName: string };

/** Search customers by number or name and pick one; clearing it means a typed buyer. */
export function CustomerPicker({
  value,
  onChange,
  invalid,
}: {
  value: PickedCustomer | null;
  onChange: (c: PickedCustomer | null) => void;
  invalid?: boolean;
}) {
  const t = useTranslations("orders.form");
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  const results = useQuery({
    ...trpc.customers.list.queryOptions({ search: search || undefined, enabled: true, limit: 10, sort: "clientNum", dir: "asc" }),
    enabled: open,
  });

  if (value) {
    return (
      <div className="flex h-9 items-center gap-2 rounded-md border px-3 text-sm" data-testid="customer-picked">
        <span className="font-mono text-xs">{value.clientNum}</span>
        <span className="min-w-0 flex-1 truncate">{value.companyName}</span>
        <Button type="button" variant="ghost" size="sm" className="h-6 px-1" onClick={() => onChange(null)} aria-label={t("noCustomer")}>
          <X />
        </Button>
      </div>
    );
  }
  return (
    <div className="relative">
      <Input
        id="customer"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        placeholder={t("customerPlaceholder")}
        autoComplete="off"
        aria-invalid={invalid}
        data-testid="customer-search"
      />
      {open ? (
        <ul className="absolute z-20 mt-1 max-h-64 w-full overflow-y-auto rounded-md border bg-popover p-1 text-sm shadow-md" role="listbox">
          {(results.data?.items ?? []).map((c) => (
            <li key={c.id}>
              <button
                type="button"
                role="option"
                aria-selected={false}
                className="flex w-full items-center gap-2 rounded px-2 py-1.5 text-left hover:bg-accent"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  onChange({ id: c.id, clientNum: c.clientNum, companyName: c.companyName });
                  setOpen(false);
                  setText("");
                }}
                data-testid={`customer-option-${c.clientNum}`}
              >
                <span className="font-mono text-xs">{c.clientNum}</span>
                <span className="truncate">{c.companyName}</span>
              </button>
            </li>
          ))}
          {results.data && results.data.items.length === 0 ? <li className="px-2 py-1.5 text-muted-foreground">—</li> : null}
        </ul>
      ) : null}
    </div>
  );
}

"use client";

import { Input } from "@/components/ui/input";
import { COMMON_CURRENCIES } from "@/lib/finance/currency";

/** A currency code box offering the common codes (any ISO 4217 code may be typed). */
export function CurrencyInput(props: React.ComponentProps<typeof Input>) {
  const listId = `${props.id ?? "currency"}-list`;
  return (
    <>
      <Input maxLength={3} autoCapitalize="characters" className="uppercase" list={listId} {...props} />
      <datalist id={listId}>
        {COMMON_CURRENCIES.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
    </>
  );
}

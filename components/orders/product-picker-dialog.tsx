"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { Search } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogContent, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { checkDecimal, dec, formatDecimal } from "@/lib/decimal";
import { useTRPC } from "@/lib/trpc/react";
import type { Precision } from "@/lib/precision";
import { decimalInputProps, useDecimalMessage } from "@/components/forms/decimal";

export type PickedProduct = { sku: string; name: string; unit: string; quantity: string; unitPrice: string };

type Choice = { sku: string; name: string; unit: string; quantity: string; unitPrice: string };

/**
 * 新增加工产品: search SKUs, tick several, set price and quantity for each, add them all at once.
 * Price and quantity are checked at the merchant's precision here too (the server checks again).
 */
export function ProductPickerDialog({
  open,
  onOpenChange,
  precision,
  onPick,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  precision: Precision;
  onPick: (products: PickedProduct[]) => void;
}) {
  const t = useTranslations();
  const trpc = useTRPC();
  const decimalMessage = useDecimalMessage();
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const [chosen, setChosen] = useState<Map<string, Choice>>(new Map());

  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);

  const query = useInfiniteQuery(
    trpc.orders.pickProducts.infiniteQueryOptions(
      { search: search || undefined },
      {
        enabled: open,
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        initialCursor: null,
        // Rows stay mounted while a new search loads: a price or quantity being typed is never lost to a flash of an empty list.
        placeholderData: keepPreviousData,
      },
    ),
  );
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);

  const errorOf = (c: Choice) => {
    const q = checkDecimal(c.quantity, precision.quantityDecimals);
    if (!q.ok) return decimalMessage(q, "quantity", precision.quantityDecimals);
    if (!dec(q.value).gt(0)) return t("errors.mustBePositive", { fieldLabel: t("fields.quantity") });
    const p = checkDecimal(c.unitPrice, precision.priceDecimals);
    if (!p.ok) return decimalMessage(p, "unitPrice", precision.priceDecimals);
    return null;
  };
  const invalid = [...chosen.values()].some((c) => errorOf(c));

  const toggle = (p: (typeof items)[number], on: boolean) =>
    setChosen((m) => {
      const next = new Map(m);
      if (on) next.set(p.sku, { sku: p.sku, name: p.spec ? `${p.name} ${p.spec}` : p.name, unit: p.unit, quantity: "1", unitPrice: formatDecimal(p.price, precision.priceDecimals) });
      else next.delete(p.sku);
      return next;
    });
  const edit = (sku: string, patch: Partial<Choice>) =>
    setChosen((m) => {
      const cur = m.get(sku);
      if (!cur) return m;
      return new Map(m).set(sku, { ...cur, ...patch });
    });

  const close = (o: boolean) => {
    if (!o) {
      setChosen(new Map());
      setText("");
    }
    onOpenChange(o);
  };

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent
        className="sm:max-w-4xl"
        data-testid="product-picker"
        data-searching={text.trim() !== search || query.isFetching ? "" : undefined}
      >
        <DialogHeader>
          <DialogTitle>{t("orders.picker.title")}</DialogTitle>
        </DialogHeader>
        <div className="relative">
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t("orders.picker.search")}
            className="pl-8"
            aria-label={t("orders.picker.search")}
            data-testid="picker-search"
            autoFocus
          />
        </div>
        <div className="max-h-[55vh] overflow-y-auto rounded-md border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead className="w-8" />
                <TableHead>{t("orders.picker.sku")}</TableHead>
                <TableHead>{t("orders.picker.name")}</TableHead>
                <TableHead className="text-right">{t("orders.picker.available")}</TableHead>
                <TableHead className="w-32 text-right">{t("orders.picker.price")}</TableHead>
                <TableHead className="w-32 text-right">{t("orders.picker.qty")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((p) => {
                const c = chosen.get(p.sku);
                const err = c ? errorOf(c) : null;
                return (
                  <TableRow key={p.id} data-state={c ? "selected" : undefined} data-testid={`picker-row-${p.sku}`}>
                    <TableCell>
                      <Checkbox checked={!!c} onCheckedChange={(v) => toggle(p, !!v)} aria-label={p.sku} data-testid={`picker-check-${p.sku}`} />
                    </TableCell>
                    <TableCell className="font-mono text-xs">{p.sku}</TableCell>
                    <TableCell>
                      <div>{p.name}</div>
                      <div className="text-xs text-muted-foreground">
                        {p.spec} {p.unit}
                      </div>
                      {err ? (
                        <p role="alert" className="text-xs text-destructive">
                          {err}
                        </p>
                      ) : null}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatDecimal(p.available, precision.quantityDecimals)}</TableCell>
                    <TableCell>
                      <Input
                        className="h-8 text-right tabular-nums"
                        disabled={!c}
                        value={c?.unitPrice ?? formatDecimal(p.price, precision.priceDecimals)}
                        onChange={(e) => edit(p.sku, { unitPrice: e.target.value })}
                        aria-label={`${p.sku} ${t("orders.picker.price")}`}
                        data-testid={`picker-price-${p.sku}`}
                        {...decimalInputProps(precision.priceDecimals)}
                      />
                    </TableCell>
                    <TableCell>
                      <Input
                        className="h-8 text-right tabular-nums"
                        disabled={!c}
                        value={c?.quantity ?? ""}
                        onChange={(e) => edit(p.sku, { quantity: e.target.value })}
                        aria-label={`${p.sku} ${t("orders.picker.qty")}`}
                        data-testid={`picker-qty-${p.sku}`}
                        {...decimalInputProps(precision.quantityDecimals)}
                      />
                    </TableCell>
                  </TableRow>
                );
              })}
              {!query.isLoading && items.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={6} className="h-20 text-center text-muted-foreground">
                    {t("common.empty")}
                  </TableCell>
                </TableRow>
              ) : null}
            </TableBody>
          </Table>
          {query.hasNextPage ? (
            <div className="p-2 text-center">
              <Button type="button" variant="ghost" size="sm" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                {t("orders.picker.loadMore")}
              </Button>
            </div>
          ) : null}
        </div>
        <DialogFooter className="items-center sm:justify-between">
          <span className="text-sm text-muted-foreground">{t("orders.picker.selectedCount", { count: chosen.size })}</span>
          <div className="flex gap-2">
            <Button type="button" variant="outline" onClick={() => close(false)}>
              {t("common.cancel")}
            </Button>
            <Button
              type="button"
              disabled={chosen.size === 0 || invalid}
              onClick={() => {
                onPick([...chosen.values()]);
                close(false);
              }}
              data-testid="picker-confirm"
            >
              {t("orders.picker.confirm")}
            </Button>
          </div>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

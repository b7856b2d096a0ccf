"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Search } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { toast } from "sonner";
import { FormAlert } from "@/components/forms/field";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDecimal } from "@/lib/decimal";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { Precision } from "@/lib/precision";

/** Pick order lines of the plan's product (orders in stock-up or scheduled) and link them. */
export function LinkOrdersDialog({
  open,
  onOpenChange,
  plan,
  precision,
  onLinked,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  plan: { id: string; planNo: string; sku: string };
  precision: Precision;
  onLinked: () => void;
}) {
  const t = useTranslations();
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text]);
  const lines = useQuery({ ...trpc.production.plans.linkableLines.queryOptions({ planId: plan.id, search: search || undefined }), enabled: open });
  const link = useMutation(
    trpc.production.plans.link.mutationOptions({
      onSuccess: () => {
        toast.success(t("production.linked"));
        setSelected(new Set());
        onOpenChange(false);
        onLinked();
      },
    }),
  );
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  return (
    <Dialog open={open} onOpenChange={(o) => !link.isPending && (onOpenChange(o), setSelected(new Set()), link.reset())}>
      <DialogContent className="sm:max-w-3xl" data-testid="link-orders-dialog">
        <DialogHeader>
          <DialogTitle>{t("production.linkOrdersTitle", { planNo: plan.planNo })}</DialogTitle>
          <DialogDescription>{t("production.linkOrdersHelp", { sku: plan.sku })}</DialogDescription>
        </DialogHeader>
        <div className="relative max-w-xs">
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input value={text} onChange={(e) => setText(e.target.value)} placeholder={t("production.linkSearch")} className="pl-8" data-testid="link-search" />
        </div>
        <FormAlert message={link.error ? appErrorOf(link.error).message : null} />
        <div className="max-h-80 overflow-y-auto rounded-md border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead className="w-8" />
                <TableHead>{t("fields.orderNo")}</TableHead>
                <TableHead>{t("fields.companyName")}</TableHead>
                <TableHead>{t("production.orderLine")}</TableHead>
                <TableHead className="text-right">{t("fields.quantity")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {(lines.data ?? []).length === 0 ? (
                <TableRow>
                  <TableCell colSpan={5} className="h-16 text-center text-muted-foreground">
                    {lines.isLoading ? t("common.loading") : t("production.noLinkable")}
                  </TableCell>
                </TableRow>
              ) : (
                (lines.data ?? []).map((l) => (
                  <TableRow key={l.orderLineId} className="cursor-pointer" onClick={() => toggle(l.orderLineId, !selected.has(l.orderLineId))} data-order-no={l.orderNo}>
                    <TableCell>
                      <Checkbox
                        checked={selected.has(l.orderLineId)}
                        onCheckedChange={(v) => toggle(l.orderLineId, !!v)}
                        onClick={(e) => e.stopPropagation()}
                        aria-label={l.orderNo}
                      />
                    </TableCell>
                    <TableCell className="font-mono text-xs">{l.orderNo}</TableCell>
                    <TableCell className="text-xs">{l.buyerCompany}</TableCell>
                    <TableCell className="text-xs">
                      #{l.lineNo} <span className="font-mono">{l.sku}</span>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatDecimal(l.quantity, precision.quantityDecimals)}</TableCell>
                  </TableRow>
                ))
              )}
            </TableBody>
          </Table>
        </div>
        <DialogFooter>
          <Button variant="outline" disabled={link.isPending} onClick={() => onOpenChange(false)}>
            {t("common.cancel")}
          </Button>
          <Button disabled={selected.size === 0 || link.isPending} onClick={() => link.mutate({ planId: plan.id, orderLineIds: [...selected] })} data-testid="link-confirm">
            {t("production.linkSelected", { count: selected.size })}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

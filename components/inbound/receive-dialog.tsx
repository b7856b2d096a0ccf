"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { FormAlert } from "@/components/forms/field";
import { fmtQty } from "@/components/data-table/format";
import { decimalInputProps, useDecimalMessage } from "@/components/forms/decimal";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { checkDecimal, dec } from "@/lib/decimal";
import { rowFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";

type Line = { id: string; sku: string; productName: string; expectedQty: string; receivedQty: string };

/** One receiving: actual quantity per line (defaults to what is still expected), posted as receipt movements. */
export function ReceiveDialog({
  open,
  onOpenChange,
  receipt,
  lines,
  scale,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  receipt: { id: string; receiptNo: string };
  lines: Line[];
  scale: number;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-3xl" data-testid="receive-dialog">
        {open ? (
          <ReceiveBody onOpenChange={onOpenChange} receipt={receipt} lines={lines} scale={scale} />
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

function ReceiveBody({
  onOpenChange,
  receipt,
  lines,
  scale,
}: {
  onOpenChange: (o: boolean) => void;
  receipt: { id: string; receiptNo: string };
  lines: Line[];
  scale: number;
}) {
  const t = useTranslations("inbound");
  const tc = useTranslations("common");
  const decimalMessage = useDecimalMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remaining = (l: Line) => dec(l.expectedQty).minus(l.receivedQty);
  const fill = () =>
    Object.fromEntries(
      lines.map((l) => [l.id, remaining(l).gt(0) ? fmtQty(remaining(l).toFixed(), scale) : "0"]),
    );
  const [qty, setQty] = useState<Record<string, string>>(fill);
  const [remark, setRemark] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const receive = useMutation(trpc.inbound.receive.mutationOptions());

  async function submit() {
    setFormError(null);
    const errs: Record<string, string> = {};
    for (const l of lines) {
      const r = checkDecimal(qty[l.id] ?? "0", scale);
      if (!r.ok) errs[l.id] = decimalMessage(r, "qty", scale);
    }
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      await receive.mutateAsync({
        id: receipt.id,
        remark,
        lines: lines.map((l) => ({ lineId: l.id, qty: (qty[l.id] ?? "0").trim() || "0" })),
      });
      await queryClient.invalidateQueries({ queryKey: trpc.inbound.pathKey() });
      toast.success(t("receivedToast"));
      onOpenChange(false);
    } catch (e) {
      const r = rowFieldErrors(e, "lines", lines, (l) => l.id);
      setErrors(r.errors);
      setFormError(r.message);
    }
  }

  return (
    <>
      <DialogHeader>
        <DialogTitle>{t("receiveTitle", { no: receipt.receiptNo })}</DialogTitle>
        <DialogDescription>{t("receiveHelp")}</DialogDescription>
      </DialogHeader>
      <FormAlert message={formError} />
      <div className="max-h-[50vh] overflow-y-auto rounded-md border">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("sku")}</TableHead>
              <TableHead>{t("product")}</TableHead>
              <TableHead className="text-right">{t("expected")}</TableHead>
              <TableHead className="text-right">{t("received")}</TableHead>
              <TableHead className="text-right">{t("remaining")}</TableHead>
              <TableHead className="w-36 text-right">{t("thisTime")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {lines.map((l) => (
              <TableRow key={l.id}>
                <TableCell className="font-mono text-xs">{l.sku}</TableCell>
                <TableCell>{l.productName}</TableCell>
                <TableCell className="text-right tabular-nums">{fmtQty(l.expectedQty, scale)}</TableCell>
                <TableCell className="text-right tabular-nums">{fmtQty(l.receivedQty, scale)}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {fmtQty(remaining(l).gt(0) ? remaining(l).toFixed() : "0", scale)}
                </TableCell>
                <TableCell>
                  <Input
                    className="h-8 text-right tabular-nums"
                    {...decimalInputProps(scale)}
                    value={qty[l.id] ?? ""}
                    onChange={(e) => setQty((m) => ({ ...m, [l.id]: e.target.value }))}
                    aria-label={`${t("thisTime")} ${l.sku}`}
                    aria-invalid={!!errors[l.id]}
                    data-testid={`receive-${l.sku}`}
                  />
                  {errors[l.id] ? (
                    <p role="alert" className="mt-1 text-xs text-destructive">
                      {errors[l.id]}
                    </p>
                  ) : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="button" variant="ghost" size="sm" onClick={() => setQty(fill())}>
          {t("fillRemaining")}
        </Button>
        <Input
          className="max-w-sm flex-1"
          value={remark}
          onChange={(e) => setRemark(e.target.value)}
          placeholder={t("remark")}
          aria-label={t("remark")}
        />
      </div>
      <DialogFooter>
        <Button variant="outline" disabled={receive.isPending} onClick={() => onOpenChange(false)}>
          {tc("cancel")}
        </Button>
        <Button onClick={() => void submit()} disabled={receive.isPending} data-testid="receive-confirm">
          {receive.isPending ? tc("saving") : t("receive")}
        </Button>
      </DialogFooter>
    </>
  );
}

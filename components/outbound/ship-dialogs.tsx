"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { Field, FormAlert } from "@/components/forms/field";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { CurrencyInput } from "@/components/forms/currency-input";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { appErrorOf, rowFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";

/** Carriers offered as suggestions; any name can be typed. */
export const COMMON_CARRIERS = [
  "顺丰速运",
  "中通快递",
  "圆通速递",
  "韵达快递",
  "申通快递",
  "EMS",
  "京东物流",
  "DHL",
  "FedEx",
  "UPS",
  "J&T Express",
];

export function CarrierInput({
  id,
  value,
  onChange,
  invalid,
  testId,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  invalid?: boolean;
  testId?: string;
}) {
  return (
    <>
      <Input
        id={id}
        list={`${id}-list`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={invalid}
        data-testid={testId}
        autoComplete="off"
      />
      <datalist id={`${id}-list`}>
        {COMMON_CARRIERS.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
    </>
  );
}

type Target = { id: string; outboundNo: string; /** The platform whose logistics ship this order (平台取号), if any. */ platformLogistics?: string | null };

/**
 * Ship one outbound order: carrier + tracking number, and for finance staff (`freightCurrency`: the
 * reporting currency, the default) the freight paid for it, written as the order's 物流成本.
 */
export function ShipDialog({
  target,
  onOpenChange,
  freightCurrency = null,
}: {
  target: Target | null;
  onOpenChange: (o: boolean) => void;
  freightCurrency?: string | null;
}) {
  const t = useTranslations("outbound");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [carrier, setCarrier] = useState("");
  const [tracking, setTracking] = useState("");
  const [freight, setFreight] = useState("");
  const [currency, setCurrency] = useState(freightCurrency ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const ship = useMutation(trpc.outbound.ship.mutationOptions());
  const book = useMutation(trpc.outbound.platformLogistics.mutationOptions());
  const [labelId, setLabelId] = useState<string | null>(null);
  async function bookWithPlatform() {
    if (!target) return;
    setFormError(null);
    try {
      const r = await book.mutateAsync({ id: target.id });
      setCarrier(r.carrier);
      setTracking(r.trackingNumber);
      setLabelId(r.labelAttachmentId);
    } catch (e) {
      setFormError(appErrorOf(e).message);
    }
  }
  async function submit() {
    if (!target) return;
    setFormError(null);
    setErrors({});
    try {
      await ship.mutateAsync({ id: target.id, carrier, trackingNumber: tracking, ...(freightCurrency !== null && freight.trim() ? { freight: freight.trim(), freightCurrency: currency } : {}) });
      await queryClient.invalidateQueries({ queryKey: trpc.outbound.pathKey() });
      await queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
      toast.success(t("shippedToast"));
      onOpenChange(false);
    } catch (e) {
      const { message, fieldErrors } = appErrorOf(e);
      setErrors(fieldErrors);
      if (!fieldErrors.carrier && !fieldErrors.trackingNumber && !fieldErrors.freight && !fieldErrors.freightCurrency) setFormError(message);
    }
  }
  return (
    <Dialog open={!!target} onOpenChange={(o) => !ship.isPending && onOpenChange(o)}>
      <DialogContent className="sm:max-w-md" data-testid="ship-dialog">
        <DialogHeader>
          <DialogTitle>{t("shipTitle", { no: target?.outboundNo ?? "" })}</DialogTitle>
          <DialogDescription>{t("shipHelp")}</DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FormAlert message={formError} />
          {target?.platformLogistics ? (
            <div className="bg-muted/50 flex flex-wrap items-center gap-3 rounded-md border p-3 text-sm" data-testid="platform-logistics">
              <span className="text-muted-foreground">{t("platformLogisticsHelp")}</span>
              <Button type="button" size="sm" variant="secondary" onClick={() => void bookWithPlatform()} disabled={book.isPending} data-testid="platform-book">
                {book.isPending ? tc("saving") : t("platformBook")}
              </Button>
              {labelId ? (
                <a className="text-primary underline underline-offset-4" href={`/api/orders/attachments/${labelId}?inline=1`} target="_blank" rel="noreferrer" data-testid="platform-label">
                  {t("printLabel")}
                </a>
              ) : null}
            </div>
          ) : null}
          <Field label={t("carrier")} htmlFor="ship-carrier" error={errors.carrier} required>
            <CarrierInput
              id="ship-carrier"
              value={carrier}
              onChange={setCarrier}
              invalid={!!errors.carrier}
              testId="ship-carrier"
            />
          </Field>
          <Field label={t("trackingNumber")} htmlFor="ship-tracking" error={errors.trackingNumber} required>
            <Input
              id="ship-tracking"
              className="font-mono"
              value={tracking}
              onChange={(e) => setTracking(e.target.value)}
              aria-invalid={!!errors.trackingNumber}
              data-testid="ship-tracking"
            />
          </Field>
          {freightCurrency !== null ? (
            <div className="grid grid-cols-[1fr_6rem] gap-2">
              <Field label={t("freight")} htmlFor="ship-freight" error={errors.freight} hint={t("freightHint")}>
                <Input
                  id="ship-freight"
                  inputMode="decimal"
                  value={freight}
                  onChange={(e) => setFreight(e.target.value)}
                  aria-invalid={!!errors.freight}
                  data-testid="ship-freight"
                />
              </Field>
              <Field label={t("freightCurrency")} htmlFor="ship-freight-currency" error={errors.freightCurrency}>
                <CurrencyInput id="ship-freight-currency" value={currency} onChange={(e) => setCurrency(e.target.value)} aria-invalid={!!errors.freightCurrency} />
              </Field>
            </div>
          ) : null}
          <DialogFooter>
            <Button
              type="button"
              variant="outline"
              onClick={() => onOpenChange(false)}
              disabled={ship.isPending}
            >
              {tc("cancel")}
            </Button>
            <Button type="submit" disabled={ship.isPending} data-testid="ship-confirm">
              {ship.isPending ? tc("saving") : t("ship")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** Ship several at once: one carrier, a tracking number per row; all or nothing. */
export function BulkShipDialog({
  targets,
  open,
  onOpenChange,
  onDone,
}: {
  targets: Target[];
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onDone: () => void;
}) {
  const t = useTranslations("outbound");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [carrier, setCarrier] = useState("");
  const [tracking, setTracking] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const ship = useMutation(trpc.outbound.bulkShip.mutationOptions());
  async function submit() {
    setFormError(null);
    setErrors({});
    try {
      const res = await ship.mutateAsync({
        items: targets.map((x) => ({ id: x.id, carrier, trackingNumber: tracking[x.id] ?? "" })),
      });
      await queryClient.invalidateQueries({ queryKey: trpc.outbound.pathKey() });
      await queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
      toast.success(t("bulkShipped", { count: res.shipped }));
      setTracking({});
      onDone();
      onOpenChange(false);
    } catch (e) {
      const r = rowFieldErrors(e, "items", targets, (x) => x.id, { shared: ["carrier"] });
      setErrors(r.errors);
      setFormError(r.message);
    }
  }
  return (
    <Dialog open={open} onOpenChange={(o) => !ship.isPending && onOpenChange(o)}>
      <DialogContent className="sm:max-w-2xl" data-testid="bulk-ship-dialog">
        <DialogHeader>
          <DialogTitle>{t("bulkShipTitle", { count: targets.length })}</DialogTitle>
          <DialogDescription>{t("bulkShipHelp")}</DialogDescription>
        </DialogHeader>
        <FormAlert message={formError} />
        <Field label={t("carrier")} htmlFor="bulk-carrier" error={errors.carrier} required>
          <CarrierInput id="bulk-carrier" value={carrier} onChange={setCarrier} invalid={!!errors.carrier} />
        </Field>
        <div className="max-h-[45vh] overflow-y-auto rounded-md border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("outboundNo")}</TableHead>
                <TableHead>{t("trackingNumber")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {targets.map((x) => (
                <TableRow key={x.id}>
                  <TableCell className="font-mono text-xs">{x.outboundNo}</TableCell>
                  <TableCell>
                    <Input
                      className="h-8 font-mono"
                      value={tracking[x.id] ?? ""}
                      onChange={(e) => setTracking((m) => ({ ...m, [x.id]: e.target.value }))}
                      aria-label={`${t("trackingNumber")} ${x.outboundNo}`}
                      aria-invalid={!!errors[x.id]}
                    />
                    {errors[x.id] ? (
                      <p role="alert" className="mt-1 text-xs text-destructive">
                        {errors[x.id]}
                      </p>
                    ) : null}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={ship.isPending}>
            {tc("cancel")}
          </Button>
          <Button onClick={() => void submit()} disabled={ship.isPending || targets.length === 0}>
            {ship.isPending ? tc("saving") : t("bulkShip")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { MovementKind } from "@/lib/inventory/movements";
import { signOf } from "@/lib/decimal";
import { cn } from "@/lib/utils";
import { fmtDelta } from "@/components/data-table/format";
import { useFormatDateTime } from "@/lib/i18n/date-time";

export type MovementView = {
  id: string;
  createdAt: Date | string;
  sku: string;
  warehouseCode: string;
  kind: MovementKind;
  onHandDelta: string;
  reservedDelta: string;
  refNo: string | null;
  reason: string | null;
  userName: string | null;
};

export const KIND_VARIANT: Record<
  MovementKind,
  "success" | "warning" | "info" | "secondary" | "destructive" | "outline"
> = {
  opening: "outline",
  receipt: "success",
  reservation: "info",
  release: "secondary",
  shipment: "warning",
  return: "success",
  adjustment: "secondary",
  stocktake: "secondary",
  scrap: "destructive",
};

export function MovementKindBadge({ kind }: { kind: MovementKind }) {
  const t = useTranslations("inventory.kind");
  return <Badge variant={KIND_VARIANT[kind]}>{t(kind)}</Badge>;
}

export function DeltaCell({ value, scale }: { value: string; scale: number }) {
  const n = signOf(value);
  return (
    <span
      className={cn(
        "tabular-nums",
        n > 0 && "text-emerald-700",
        n < 0 && "text-destructive",
        n === 0 && "text-muted-foreground",
      )}
    >
      {fmtDelta(value, scale)}
    </span>
  );
}

/** The stock movements a document caused (its page's "库存流水" section). */
export function MovementTable({
  rows,
  scale,
  testId,
}: {
  rows: MovementView[];
  scale: number;
  testId?: string;
}) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("inventory");
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">{t("noEvents")}</p>;
  return (
    <div className="rounded-lg border" data-testid={testId}>
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>{t("time")}</TableHead>
            <TableHead>{t("kindLabel")}</TableHead>
            <TableHead>{t("sku")}</TableHead>
            <TableHead>{t("warehouse")}</TableHead>
            <TableHead className="text-right">{t("onHandDelta")}</TableHead>
            <TableHead className="text-right">{t("reservedDelta")}</TableHead>
            <TableHead>{t("document")}</TableHead>
            <TableHead>{t("user")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((m) => (
            <TableRow key={m.id}>
              <TableCell className="text-xs whitespace-nowrap text-muted-foreground">
                {fmtTime(m.createdAt)}
              </TableCell>
              <TableCell>
                <MovementKindBadge kind={m.kind} />
              </TableCell>
              <TableCell className="font-mono text-xs">{m.sku}</TableCell>
              <TableCell>{m.warehouseCode}</TableCell>
              <TableCell className="text-right">
                <DeltaCell value={m.onHandDelta} scale={scale} />
              </TableCell>
              <TableCell className="text-right">
                <DeltaCell value={m.reservedDelta} scale={scale} />
              </TableCell>
              <TableCell className="text-xs">
                <span className="font-mono">{m.refNo}</span>
                {m.reason ? <span className="block text-muted-foreground">{m.reason}</span> : null}
              </TableCell>
              <TableCell className="text-xs">{m.userName ?? t("system")}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
